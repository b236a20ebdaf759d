"""Named child processes: logs to files, restarts after crashes, gives up loudly.

A monitor thread restarts a process that died while it was supposed to run,
with exponential backoff. After `max_deaths` deaths within `window` seconds it
stops retrying, records the name in `gave_up` and sets `failed`. A process
stopped or killed on purpose is not restarted.

Children run in their own session (Ctrl-C in the terminal reaches only the
launcher, which then stops them in order) and get SIGTERM when the thread that
started them dies (Linux `PR_SET_PDEATHSIG`), so a killed launcher leaves
nothing behind. Start processes from a long-lived thread (the main thread).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devstack.logs import tail

_SETPRIV = shutil.which("setpriv")  # util-linux, on every Debian


def terminate(proc: subprocess.Popen, timeout: float) -> bool:
    """SIGTERM and wait up to `timeout` seconds; False if it is still running then."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def dying_with_parent(argv: Sequence[str]) -> list[str]:
    """argv that gets SIGTERM when its parent (the launcher) goes away: `setpriv --pdeathsig`
    execs the program in place. Not a `preexec_fn`: that would run the parent's at-fork hooks
    (gRPC's among them) in a threaded process, which can hang the fork."""
    if _SETPRIV is None:
        return list(argv)
    return [_SETPRIV, "--pdeathsig", "TERM", "--", *argv]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None  # None: inherit ours
    cwd: Path | None = None


@dataclass
class _Child:
    spec: ProcessSpec
    proc: subprocess.Popen | None = None
    wanted: bool = True  # False once stopped/killed on purpose or given up
    restart_at: float | None = None
    deaths: deque[float] = field(default_factory=deque)


class Supervisor:
    def __init__(
        self,
        log_dir: Path,
        *,
        max_deaths: int = 5,
        window: float = 60.0,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
    ) -> None:
        self.log_dir = Path(log_dir)
        self.max_deaths = max_deaths
        self.window = window
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.gave_up: list[str] = []
        self.failed = threading.Event()  # set when some process was given up
        self._children: dict[str, _Child] = {}  # in start order
        self._lock = threading.RLock()
        self._closing = threading.Event()
        self._monitor: threading.Thread | None = None

    # -- control -----------------------------------------------------------

    def start(self, spec: ProcessSpec) -> None:
        """Start a process under `spec.name` (which must not be running)."""
        with self._lock:
            old = self._children.get(spec.name)
            if old is not None and old.wanted and (old.restart_at or (old.proc and old.proc.poll() is None)):
                raise RuntimeError(f"{spec.name} is already running")
            child = _Child(spec)
            self._children[spec.name] = child
            self._spawn(child)
            if self._monitor is None:
                self._monitor = threading.Thread(target=self._watch, name="devstack-supervisor", daemon=True)
                self._monitor.start()

    def stop(self, name: str, timeout: float = 10) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds. The process stays down."""
        with self._lock:
            child = self._children[name]
            child.wanted, child.restart_at = False, None
            proc = child.proc
        if proc is None or proc.poll() is not None:
            return
        if not terminate(proc, timeout):
            print(f"devstack: {name} ignored SIGTERM for {timeout:.0f}s, killing it", file=sys.stderr)
        _kill_group(proc)

    def kill(self, name: str) -> None:
        """SIGKILL, no grace (for fault tests). The process stays down until `start`/`restart`.

        To simulate a crash that the supervisor recovers from, signal `pid(name)` instead.
        """
        with self._lock:
            child = self._children[name]
            child.wanted, child.restart_at = False, None
            proc = child.proc
        if proc is not None:
            _kill_group(proc)

    def restart(self, name: str, timeout: float = 10) -> None:
        """Stop (gracefully) and start again with the same spec; forgets earlier deaths."""
        self.stop(name, timeout)
        self.start(self._children[name].spec)

    def stop_all(self, timeout: float = 10) -> None:
        """Stop every process, the last started first."""
        for name in reversed(list(self._children)):
            self.stop(name, timeout)

    def close(self, timeout: float = 10) -> None:
        """Stop every process and the monitor thread."""
        self.stop_all(timeout)
        self._closing.set()
        if self._monitor is not None:
            self._monitor.join()
        self._monitor = None
        self._closing.clear()  # usable again: a later start() starts a new monitor

    # -- inspection --------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self._children)

    def is_running(self, name: str) -> bool:
        child = self._children.get(name)
        return bool(child and child.proc and child.proc.poll() is None)

    def pid(self, name: str) -> int | None:
        child = self._children.get(name)
        return child.proc.pid if child and child.proc and child.proc.poll() is None else None

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def tail(self, name: str, lines: int = 20) -> str:
        return tail(self.log_path(name), lines)

    # -- internals ---------------------------------------------------------

    def _spawn(self, child: _Child) -> None:
        spec = child.spec
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path(spec.name), "ab") as log:
            log.write(f"\n----- devstack: starting {spec.name} at {time.strftime('%F %T')} -----\n".encode())
            log.flush()
            child.proc = subprocess.Popen(
                dying_with_parent(spec.argv),
                env=dict(spec.env) if spec.env is not None else None,
                cwd=spec.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _watch(self) -> None:
        while not self._closing.wait(0.2):
            with self._lock:
                for child in list(self._children.values()):
                    self._check(child)

    def _check(self, child: _Child) -> None:
        if not child.wanted:
            return
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at:
                child.restart_at = None
                self._spawn(child)
            return
        code = child.proc.poll() if child.proc else None
        if code is None:
            return
        _kill_group(child.proc)  # leftovers of the dead process
        child.deaths.append(now)
        while child.deaths and child.deaths[0] < now - self.window:
            child.deaths.popleft()
        name, deaths = child.spec.name, len(child.deaths)
        if deaths >= self.max_deaths:
            child.wanted = False
            self.gave_up.append(name)
            _shout(
                f"{name} {_describe(code)} — {deaths} deaths within {self.window:.0f}s, GIVING UP on it",
                self.log_path(name),
            )
            self.failed.set()
            return
        delay = min(self.max_backoff, self.backoff * 2 ** (deaths - 1))
        child.restart_at = now + delay
        _shout(
            f"{name} {_describe(code)} — restarting in {delay:.1f}s ({deaths} of {self.max_deaths} deaths allowed "
            f"within {self.window:.0f}s)",
            self.log_path(name),
        )


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and whatever it started in its session, then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _describe(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def _shout(message: str, log: Path) -> None:
    bar = "!" * 100
    body = "\n".join(f"  | {line}" for line in tail(log, 20).splitlines())
    print(
        f"\n{bar}\n!!! devstack: {message}\n!!! last 20 lines of {log}:\n{body}\n{bar}\n",
        file=sys.stderr,
        flush=True,
    )
