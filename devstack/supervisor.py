"""Named child processes and servers: logs to files, restarts after crashes, gives up loudly.

Two kinds of entries, one policy:

- processes (`start(ProcessSpec)`): the services, the gateway, the simulators. A monitor
  thread polls them and spawns a dead one again;
- servers (`supervise(server)`): PostgreSQL, NATS, Redis (`devstack.server.ServerProcess`),
  started by the caller and then watched each by a thread of its own, which calls
  `server.recover()`: start again on the same data, wait until healthy.

A process or server that died while it was supposed to run is restarted with exponential
backoff (`backoff`, doubling up to `max_backoff`), announced with a banner and the end of its
log. After `max_deaths` deaths within `window` seconds it stops retrying, records the name in
`gave_up` and sets `failed`. One stopped or killed through the supervisor is not restarted.

`stop_all()`/`close()` stop everything, the last started first (the dev stack: gateway,
workers, apis, simulators, Redis, NATS, PostgreSQL); processes started one after the other
with the same `ProcessSpec.group` are stopped together.

Children run in their own session (Ctrl-C in the terminal reaches only the
launcher, which then stops them in order) and get SIGTERM when the thread that
started them dies (Linux `PR_SET_PDEATHSIG`), so a killed launcher leaves
nothing behind. Start processes from a long-lived thread (the main thread); the
supervisor restarts them from its own threads, which live until `close()`.
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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from devstack.logs import tail

_SETPRIV = shutil.which("setpriv")  # util-linux, on every Debian


_deferred = {"depth": 0, "pending": False}  # the main thread's: only it runs signal handlers


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A step that must not be cut in two (start a child and record it): the launcher's stop signal
    (`interrupt()`) arriving within raises KeyboardInterrupt only at its end. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferred["depth"] += 1
    try:
        yield
    finally:
        _deferred["depth"] -= 1
        if _deferred["depth"] == 0 and _deferred["pending"]:
            _deferred["pending"] = False
            raise KeyboardInterrupt


def interrupt() -> None:
    """For a signal handler: raise KeyboardInterrupt now, or at the end of an `uninterrupted()` step."""
    if _deferred["depth"]:
        _deferred["pending"] = True
        return
    raise KeyboardInterrupt


def dying_with_parent(argv: Sequence[str], sig: signal.Signals = signal.SIGTERM) -> list[str]:
    """argv that gets `sig` when its parent (the launcher's thread that started it) goes away:
    `setpriv --pdeathsig` execs the program in place. Not a `preexec_fn`: that would run the
    parent's at-fork hooks (gRPC's among them) in a threaded process, which can hang the fork."""
    if _SETPRIV is None:
        return list(argv)
    return [_SETPRIV, "--pdeathsig", sig.name.removeprefix("SIG"), "--", *argv]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None  # None: inherit ours
    cwd: Path | None = None
    group: str | None = None  # started one after the other with the same group: stopped together


class Server(Protocol):
    """What `Supervisor.supervise` needs (`devstack.server.ServerProcess` has it)."""

    name: str
    log_file: Path

    @property
    def pid(self) -> int | None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def kill(self) -> None: ...
    def is_running(self) -> bool: ...
    def poll(self) -> int | None: ...  # exit status once it died while it should run, else None
    def recover(self) -> None: ...  # start again if it still is dead; no-op otherwise


@dataclass
class _Child:
    spec: ProcessSpec
    proc: subprocess.Popen | None = None
    wanted: bool = True  # False once stopped/killed on purpose or given up
    restart_at: float | None = None
    deaths: deque[float] = field(default_factory=deque)

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass
class _Watched:
    server: Server
    wanted: bool = True
    deaths: deque[float] = field(default_factory=deque)
    thread: threading.Thread | None = None
    done: threading.Event = field(default_factory=threading.Event)  # ends the thread

    @property
    def name(self) -> str:
        return self.server.name


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
        self._children: dict[str, _Child | _Watched] = {}  # in start order
        self._lock = threading.RLock()
        self._closing = threading.Event()
        self._monitor: threading.Thread | None = None

    # -- control -----------------------------------------------------------

    def start(self, spec: ProcessSpec) -> None:
        """Start a process under `spec.name` (which must not be running)."""
        with self._lock:
            old = self._children.get(spec.name)
            if isinstance(old, _Watched):
                raise RuntimeError(f"{spec.name} is a supervised server")
            if old is not None and old.wanted and (old.restart_at or (old.proc and old.proc.poll() is None)):
                raise RuntimeError(f"{spec.name} is already running")
            child = _Child(spec)
            self._children[spec.name] = child
            self._spawn(child)
            if self._monitor is None:
                self._monitor = threading.Thread(target=self._watch, name="devstack-supervisor", daemon=True)
                self._monitor.start()

    def supervise(self, server: Server) -> None:
        """Watch a server the caller has started: restart it (`server.recover()`) when it dies,
        like a process; `stop_all` stops it in its place in the start order."""
        with self._lock:
            old = self._children.get(server.name)
            if isinstance(old, _Child):
                raise RuntimeError(f"{server.name} is a supervised process")
            if isinstance(old, _Watched):
                if old.server is server and old.thread is not None:
                    old.wanted = True
                    return
                if old.wanted and old.server is not server:
                    raise RuntimeError(f"{server.name} is already supervised")
                old.done.set()  # its thread ends; the new entry gets its own
            entry = _Watched(server)
            self._children[server.name] = entry
            entry.thread = threading.Thread(
                target=self._watch_server, args=(entry,), name=f"devstack-{server.name}", daemon=True
            )
            entry.thread.start()

    def stop(self, name: str, timeout: float = 10) -> None:
        """SIGTERM (a server: its own clean stop), then SIGKILL after `timeout` seconds. It stays down."""
        self._stop_together([name], timeout)

    def kill(self, name: str) -> None:
        """SIGKILL, no grace (for fault tests). It stays down until `start`/`restart`.

        To simulate a crash that the supervisor recovers from, signal `pid(name)` instead
        (or call a server's own `kill()`).
        """
        with self._lock:
            entry = self._children[name]
            entry.wanted = False
            if isinstance(entry, _Watched):
                entry.server.kill()
                return
            entry.restart_at = None
            proc = entry.proc
        if proc is not None:
            _kill_group(proc)

    def restart(self, name: str, timeout: float = 10) -> None:
        """Stop (gracefully) and start again with the same spec; forgets earlier deaths."""
        self.stop(name, timeout)
        entry = self._children[name]
        if isinstance(entry, _Watched):
            entry.server.start()
            with self._lock:
                entry.deaths.clear()
                entry.wanted = True
            return
        self.start(entry.spec)

    def stop_all(self, timeout: float = 10) -> None:
        """Stop everything, the last started first; a run of processes of one group together.

        Goes on after a failure (the rest still has to stop); raises the first one at the end.
        """
        errors: list[Exception] = []
        for names in self._stop_order():
            try:
                if any(self.is_running(name) for name in names):
                    _say(f"devstack: stopping {', '.join(names)}")
                self._stop_together(names, timeout)
            except Exception as exc:  # noqa: BLE001 - keep stopping the rest
                _say(f"devstack: while stopping {', '.join(names)}: {exc}")
                errors.append(exc)
        if errors:
            raise errors[0]

    def close(self, timeout: float = 10) -> None:
        """Stop everything and the supervisor's threads. Safe to call again."""
        try:
            self.stop_all(timeout)
        finally:
            self._closing.set()
            threads = [self._monitor]
            for entry in list(self._children.values()):
                if isinstance(entry, _Watched):
                    entry.done.set()
                    threads.append(entry.thread)
                    entry.thread = None
            for thread in threads:
                if thread is not None and thread is not threading.current_thread():
                    thread.join()
            self._monitor = None
            self._closing.clear()  # usable again: a later start() starts a new monitor

    # -- inspection --------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self._children)

    def is_running(self, name: str) -> bool:
        entry = self._children.get(name)
        if isinstance(entry, _Watched):
            return entry.server.is_running()
        return bool(entry and entry.proc and entry.proc.poll() is None)

    def pid(self, name: str) -> int | None:
        entry = self._children.get(name)
        if isinstance(entry, _Watched):
            return entry.server.pid
        return entry.proc.pid if entry and entry.proc and entry.proc.poll() is None else None

    def log_path(self, name: str) -> Path:
        entry = self._children.get(name)
        if isinstance(entry, _Watched):
            return Path(entry.server.log_file)
        return self.log_dir / f"{name}.log"

    def tail(self, name: str, lines: int = 20) -> str:
        return tail(self.log_path(name), lines)

    # -- internals ---------------------------------------------------------

    def _stop_order(self) -> list[list[str]]:
        """Names to stop, last started first, a run of one process group as one step."""
        steps: list[list[str]] = []
        last_group = None
        for entry in reversed(list(self._children.values())):
            group = entry.spec.group if isinstance(entry, _Child) else None
            if group is not None and group == last_group:
                steps[-1].append(entry.name)
            else:
                steps.append([entry.name])
            last_group = group
        return steps

    def _stop_together(self, names: list[str], timeout: float) -> None:
        """SIGTERM to every process named at once, then wait for them all (SIGKILL the late ones);
        servers stop one after the other, each its own way."""
        procs: dict[str, subprocess.Popen] = {}
        servers: list[Server] = []
        with self._lock:
            for name in names:
                entry = self._children[name]
                entry.wanted = False
                if isinstance(entry, _Watched):
                    servers.append(entry.server)
                    continue
                entry.restart_at = None
                if entry.proc is not None and entry.proc.poll() is None:
                    procs[name] = entry.proc
        for proc in procs.values():
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, proc in procs.items():
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _say(f"devstack: {name} ignored SIGTERM for {timeout:.0f}s, killing it")
            _kill_group(proc)  # it, or what it left in its session
        for server in servers:
            server.stop()

    def _spawn(self, child: _Child) -> None:
        spec = child.spec
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path(spec.name), "ab") as log, uninterrupted():
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
        # This thread must live until close(): what it restarted dies with it (PR_SET_PDEATHSIG).
        while not self._closing.wait(0.2):
            with self._lock:
                for child in list(self._children.values()):
                    if isinstance(child, _Child):
                        try:
                            self._check(child)
                        except Exception as exc:  # noqa: BLE001 - e.g. no fork: try again next round
                            _say(f"devstack: supervising {child.name}: {exc!r}")

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
        delay = self._died(child, code)
        if delay is not None:
            child.restart_at = now + delay

    def _died(self, entry: _Child | _Watched, code: int) -> float | None:
        """Count a death and say so; the delay before the restart, or None when giving up."""
        now = time.monotonic()
        entry.deaths.append(now)
        while entry.deaths and entry.deaths[0] < now - self.window:
            entry.deaths.popleft()
        name, deaths = entry.name, len(entry.deaths)
        if deaths >= self.max_deaths:
            entry.wanted = False
            self.gave_up.append(name)
            _shout(
                f"{name} {_describe(code)} — {deaths} deaths within {self.window:.0f}s, GIVING UP on it",
                self.log_path(name),
            )
            self.failed.set()
            return None
        delay = min(self.max_backoff, self.backoff * 2 ** (deaths - 1))
        _shout(
            f"{name} {_describe(code)} — restarting in {delay:.1f}s ({deaths} of {self.max_deaths} deaths allowed "
            f"within {self.window:.0f}s)",
            self.log_path(name),
        )
        return delay

    def _watch_server(self, entry: _Watched) -> None:
        """One server's own thread (a restart can take seconds; the processes' monitor goes on).
        Lives until close(), like the monitor: what it restarted dies with it."""
        while not entry.done.wait(0.2):
            try:
                self._look_after(entry)
            except Exception as exc:  # noqa: BLE001 - keep watching
                _say(f"devstack: supervising {entry.name}: {exc!r}")

    def _look_after(self, entry: _Watched) -> None:
        """If the server died: say so, wait the backoff, start it again."""
        server = entry.server
        code = server.poll() if entry.wanted else None
        if code is None:
            return
        with self._lock:
            delay = self._died(entry, code) if entry.wanted else None
        if delay is None or entry.done.wait(delay) or not entry.wanted:
            return
        began = time.monotonic()
        try:
            server.recover()
        except Exception as exc:  # noqa: BLE001 - a failed restart is one more death (poll() says so)
            if entry.wanted:
                _say(f"devstack: {entry.name} did not come back: {exc}")
            return
        if server.is_running():
            _say(f"devstack: {entry.name} is back (pid {server.pid}, healthy after {time.monotonic() - began:.1f}s)")


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
    _say(f"\n{bar}\n!!! devstack: {message}\n!!! last 20 lines of {log}:\n{body}\n{bar}\n")


def _say(message: str) -> None:
    """To stderr; never fails (the terminal may be gone: SIGHUP), so that a stop goes on."""
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)
