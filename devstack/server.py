"""A server binary run by the launcher (NATS, Redis): start, wait until healthy, stop gracefully."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from devstack.logs import tail
from devstack.supervisor import dying_with_parent, terminate

HOST = "127.0.0.1"


class ServerError(RuntimeError):
    """The server did not start."""


class ServerProcess:
    """Subclasses give `name`, `argv()` and `healthy()`; the data lives in `data_dir` and survives
    a stop and a start."""

    name = "server"

    def __init__(self, data_dir: Path, port: int, *, log_file: Path | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.log_file = Path(log_file) if log_file else self.data_dir.parent / f"{self.name}.log"
        self._proc: subprocess.Popen | None = None

    def argv(self) -> list[str]:
        raise NotImplementedError

    def healthy(self) -> bool:
        raise NotImplementedError

    def start(self, timeout: float = 30) -> None:
        """Start the server and wait until it is healthy."""
        if self.is_running():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            self._proc = subprocess.Popen(
                dying_with_parent(self.argv()), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self._proc.poll() is not None:
                self._proc = None
                raise ServerError(f"{self.name} exited while starting:\n{tail(self.log_file)}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"{self.name} not healthy after {timeout:.0f}s:\n{tail(self.log_file)}")
            time.sleep(0.05)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (the server flushes its data), then SIGKILL if it takes longer than `timeout`."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        if not terminate(proc, timeout):
            proc.kill()
            proc.wait()

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crash would (tests): no flush, no cleanup; `start()` brings it back."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
