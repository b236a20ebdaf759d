"""`python -m devstack run` under the signals a terminal and `make run` send: two back to back, to
the launcher and to its process group, while it runs or while it is still starting. It stops
everything it started, in order, and leaves no process and no temporary directory behind."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from devstack.stack import REPO_ROOT

pytestmark = pytest.mark.integration

# What the launcher says it stops, in the order it must (the gateway does not run with one service).
STOP_ORDER = ["auth-worker", "auth-api", "oidc-sim, yookassa-sim, sms-sim, smtp-sim", "redis", "nats-server", "postgres"]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def ours(tmp: str) -> set[psutil.Process]:
    """Every process the launcher started, directly or not: they inherit its TMPDIR (PostgreSQL's
    and Redis's children write their titles over it: they are the launcher's descendants)."""
    found = set()
    for proc in psutil.process_iter():
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and proc.environ().get("TMPDIR") == tmp:
                found |= {proc, *proc.children(recursive=True)}
        except psutil.Error:
            continue
    return found


def alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("when", ["running", "starting"])
def test_two_signals_stop_everything_in_order_and_leave_nothing(tmp_path, request, when):
    # The launcher's TMPDIR: PostgreSQL's socket directory goes there, and a socket's path has at most 107 bytes
    # (tmp_path is longer under pytest-xdist).
    tmp = Path(tempfile.mkdtemp(prefix="kb-"))
    tmp.chmod(0o755)  # as a plain directory: PostgreSQL (a system user when we are root) makes its own in it
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "devstack", "run", "--data-dir", str(tmp_path / "data"), "--profile", "test",
             "--services", "auth"],
            cwd=REPO_ROOT, env={**os.environ, "TMPDIR": str(tmp)}, stdout=stdout, stderr=stderr,
            start_new_session=True,  # its own process group, as under `make run`
        )  # fmt: skip
    try:
        said = (lambda: "Kabinet is running" in out.read_text()) if when == "running" else \
            (lambda: "starting auth-api" in err.read_text())  # fmt: skip
        wait_until(lambda: said() or launcher.poll() is not None, 90, f"the launcher to be {when}")
        assert launcher.poll() is None, f"the launcher exited ({launcher.returncode}):\n{err.read_text()}"
        started = ours(str(tmp))
        names = {p.name() for p in started}
        assert {"postgres", "nats-server", "redis-server"} <= names, names
        assert len(started) >= (15 if when == "running" else 10), names

        os.killpg(launcher.pid, signal.SIGTERM)  # `make run` passing a signal on to its group
        os.kill(launcher.pid, signal.SIGINT)  # and Ctrl-C right behind it
        time.sleep(0.3)
        os.kill(launcher.pid, signal.SIGTERM)  # and once more, in the middle of the stop

        assert launcher.wait(60) == 0, err.read_text()
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()

    log = err.read_text()
    assert "devstack: stopped" in log and "already stopping" in log
    stopped = [line.removeprefix("devstack: stopping ") for line in log.splitlines()
               if line.startswith("devstack: stopping ")]  # fmt: skip
    assert stopped == [step for step in STOP_ORDER if step in stopped], log
    assert stopped[-3:] == ["redis", "nats-server", "postgres"], log
    # The launcher waited for each; allow the kernel a moment to clear its tables.
    wait_until(lambda: not any(alive(p) for p in started), 5, "the processes it started to be gone")
    assert ours(str(tmp)) == set()
    assert list(tmp.iterdir()) == []
