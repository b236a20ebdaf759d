"""A server binary run by the launcher (PostgreSQL, NATS, Redis): start, wait until healthy, stop
gracefully, and what the supervisor needs to bring it back after a crash."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from devstack.logs import tail
from devstack.supervisor import dying_with_parent, uninterrupted

HOST = "127.0.0.1"


class ServerError(RuntimeError):
    """The server did not start."""


class ServerProcess:
    """Subclasses give `name`, `argv()` and `healthy()` (and may `prepare()` each start); the data
    lives in `data_dir` and survives a stop and a start, or a crash and a start.

    Thread-safe: the supervisor's thread may `recover()` it while a test calls `start()`/`stop()`.

    - `start()` runs it (no-op while it runs), `stop()` stops it cleanly (no-op when it is not
      running), both idempotent;
    - `kill()` is a crash (SIGKILL, no cleanup): a supervisor watching it restarts it, and so does
      `start()`;
    - `pid` is the server's process while it runs; `poll()` is its exit status once it died
      between `start()` and `stop()` (None otherwise); `recover()` starts it again then.
    """

    name = "server"
    stop_signal = signal.SIGTERM  # its clean shutdown; also what it gets when the launcher dies
    start_timeout = 30.0

    def __init__(self, data_dir: Path, port: int, *, log_file: Path | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.log_file = Path(log_file).resolve() if log_file else self.data_dir.parent / f"{self.name}.log"
        self._proc: subprocess.Popen | None = None
        self._wanted = False  # between start() and stop(): a death is a crash
        self._lock = threading.RLock()
        self._stopping = threading.Event()  # a stop() waits: a start() under way gives up

    # -- for subclasses ----------------------------------------------------

    def argv(self) -> list[str]:
        raise NotImplementedError

    def healthy(self) -> bool:
        raise NotImplementedError

    def prepare(self) -> None:
        """Before each start: directories (and a subclass's cleanup after a crash)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)

    def popen_options(self) -> dict[str, Any]:
        """Extra `subprocess.Popen` arguments (user, cwd)."""
        return {}

    # -- lifecycle ---------------------------------------------------------

    def start(self, timeout: float | None = None) -> None:
        """Start the server and wait until it is healthy (no-op while it runs and answers)."""
        timeout = self.start_timeout if timeout is None else timeout
        with self._lock:
            self._wanted = True
            deadline = time.monotonic() + timeout
            # Running: fine once it answers. Just killed, it may not have died yet: then start anew.
            if self._alive() and self._until_healthy(self._proc, deadline, kill_late=False):
                return
            self.prepare()
            with open(self.log_file, "ab") as log, uninterrupted():  # the child is recorded before a stop
                log.write(f"\n----- devstack: starting {self.name} at {time.strftime('%F %T')} -----\n".encode())
                log.flush()
                self._proc = proc = subprocess.Popen(
                    dying_with_parent(self.argv(), self.stop_signal), stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True, **self.popen_options(),
                )  # fmt: skip
            if not self._until_healthy(proc, deadline, kill_late=True):
                raise ServerError(f"{self.name} exited while starting:\n{tail(self.log_file)}")

    def _until_healthy(self, proc: subprocess.Popen, deadline: float, *, kill_late: bool) -> bool:
        """Wait until `proc` answers (True) or exits (False); ServerError at the deadline or on stop()."""
        while not self.healthy():
            if proc.poll() is not None:
                return False
            if self._stopping.is_set():
                raise ServerError(f"{self.name} was stopped while starting")
            if time.monotonic() > deadline:
                if kill_late:
                    proc.kill()
                    proc.wait()
                raise ServerError(f"{self.name} not healthy in time:\n{tail(self.log_file)}")
            time.sleep(0.05)
        return True

    def stop(self, timeout: float = 10) -> None:
        """The server's clean shutdown (`stop_signal`; it flushes its data), then SIGKILL if it takes
        longer than `timeout`. It stays down (a supervisor does not restart it)."""
        self._stopping.set()
        try:
            with self._lock:
                self._wanted = False
                proc = self._proc
                if proc is not None and proc.poll() is None:
                    proc.send_signal(self.stop_signal)
                    try:
                        proc.wait(timeout)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                self._proc = None  # only now: a stop cut short is finished by the next one
                self.after_stop()
        finally:
            self._stopping.clear()

    def after_stop(self) -> None:
        """Once it is down: a subclass's cleanup."""

    def kill(self) -> None:
        """SIGKILL, as a crash would (tests): no flush, no cleanup. A supervisor watching it
        restarts it (`recover()`); so does `start()`."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def recover(self) -> None:
        """Start it again if it died while it should run (keeping its data); no-op if it runs
        again or was stopped on purpose meanwhile. Raises like `start()`."""
        with self._lock:
            if self.poll() is not None:
                self.start()

    # -- state -------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs (the binary itself: signal it to simulate a crash)."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def poll(self) -> int | None:
        """Its exit status (negative: the signal) if it died between `start()` and `stop()`, else None.
        Also reaps it: a dead server never lingers as a zombie."""
        proc = self._proc
        if not self._wanted or proc is None:
            return None
        return proc.poll()

    def is_running(self) -> bool:
        return self._alive()

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None
