"""Free TCP ports on 127.0.0.1 for the embedded stack, remembered between starts.

Ports are chosen in order: the one remembered in `<data_dir>/ports.json`, the
preferred one, then the next free ones above it. A port counts as free only if
nothing answers on it and we could bind it, so we never clash with a
PostgreSQL or NATS that is already running on the machine.
"""

from __future__ import annotations

import json
import random
import socket
from pathlib import Path

HOST = "127.0.0.1"

# Order matters: earlier names get their preferred port first.
PREFERRED: dict[str, int] = {
    "postgres": 15432,
    "nats": 14222,
    "nats_monitor": 18222,
    "auth": 15051,
    "accounts": 15052,
    "readings": 15053,
    "payments": 15054,
    "notify": 15055,
    "gateway": 8080,
    # appended, so that earlier names keep the ports they had
    "redis": 16379,
    "smtp_sim": 12525,
    "smtp_sim_http": 18025,
    "sms_sim": 18026,
    "oidc_sim": 18027,
    # /metrics of every service process (KABINET_METRICS_LISTEN)
    **{f"{svc}-{role}_metrics": 19101 + 2 * i + j
       for i, svc in enumerate(("auth", "accounts", "readings", "payments", "notify"))
       for j, role in enumerate(("api", "worker"))},
    "yookassa_sim": 18028,
}

_SCAN = 200  # how far above the preferred port to look before asking the OS
# The scattered blocks come from a generator of their own: tests may seed the module's (and would seed it alike
# in every pytest-xdist process), and the stacks of parallel sessions would then prefer the same ports.
_OWN = random.SystemRandom()


def is_free(port: int, host: str = HOST) -> bool:
    """True if nothing listens on `port` and we can bind it ourselves."""
    # Connect first: a server on 0.0.0.0 or [::] may not block our bind.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host, port)) == 0:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Servers set SO_REUSEADDR too, so a port in TIME_WAIT is usable.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def scattered(names: list[str] | None = None) -> dict[str, int]:
    """Preferences in a random block below the OS's ephemeral range.

    For tests: parallel test sessions then rarely race for the same ports, and
    outgoing connections never take them as source ports.
    """
    names = names if names is not None else list(PREFERRED)
    base = _OWN.randrange(20000, 32000 - len(names), 50)
    return {name: base + i for i, name in enumerate(names)}


def _os_assigned_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def choose_ports(data_dir: Path, preferred: dict[str, int] = PREFERRED) -> dict[str, int]:
    """Pick a free port for every name in `preferred` and remember them in ports.json."""
    path = Path(data_dir) / "ports.json"
    remembered = _load(path)
    chosen: dict[str, int] = {}
    for name, want in preferred.items():
        candidates = [remembered.get(name), want, *range(want + 1, want + _SCAN)]
        port = next(
            (p for p in candidates if p and 0 < p < 65536 and p not in chosen.values() and is_free(p)),
            None,
        )
        while port is None or port in chosen.values():
            port = _os_assigned_port()
        chosen[name] = port
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chosen, indent=2) + "\n")
    return chosen


def _load(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}
