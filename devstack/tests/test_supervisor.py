import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from devstack.server import ServerProcess
from devstack.supervisor import ProcessSpec, Supervisor, interrupt, uninterrupted

SLEEPER = "import time; print('ready', flush=True); time.sleep(60)"


def python(name: str, code: str) -> ProcessSpec:
    return ProcessSpec(name, [sys.executable, "-c", code])


def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def starts(sup: Supervisor, name: str) -> int:
    return sup.log_path(name).read_text().count("devstack: starting")


@pytest.fixture
def sup(tmp_path):
    supervisor = Supervisor(tmp_path, backoff=0.05, max_backoff=0.2)
    yield supervisor
    supervisor.close(timeout=2)


def test_a_process_that_exits_is_restarted_and_reported(sup, capsys):
    sup.start(python("flaky", "print('boom'); raise SystemExit(3)"))

    wait_until(lambda: starts(sup, "flaky") >= 2)

    err = capsys.readouterr().err
    assert "flaky exited with code 3" in err
    assert "boom" in err  # the tail of its log


def test_a_crashed_process_comes_back_with_a_new_pid(sup):
    sup.start(python("api", SLEEPER))
    wait_until(lambda: "ready" in sup.tail("api"))
    first = sup.pid("api")

    os.kill(first, signal.SIGKILL)

    wait_until(lambda: sup.pid("api") not in (None, first))


def test_a_process_stopped_on_purpose_is_not_restarted(sup):
    sup.start(python("worker", SLEEPER))
    sup.stop("worker")
    time.sleep(0.5)
    assert not sup.is_running("worker")
    assert starts(sup, "worker") == 1


def test_a_killed_process_stays_down_until_restarted(sup):
    sup.start(python("worker", SLEEPER))
    sup.kill("worker")
    time.sleep(0.5)
    assert not sup.is_running("worker")

    sup.restart("worker")
    assert sup.is_running("worker")


def test_stop_kills_a_process_that_ignores_sigterm(sup):
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    sup.start(python("stubborn", code))
    wait_until(lambda: "ready" in sup.tail("stubborn"))
    sup.stop("stubborn", timeout=0.3)
    assert not sup.is_running("stubborn")


def test_gives_up_after_repeated_deaths(tmp_path, capsys):
    sup = Supervisor(tmp_path, backoff=0.01, max_deaths=3)
    sup.start(python("doomed", "raise SystemExit(1)"))

    assert sup.failed.wait(10)
    time.sleep(0.3)
    sup.close()

    assert sup.gave_up == ["doomed"]
    assert starts(sup, "doomed") == 3
    assert "GIVING UP" in capsys.readouterr().err


def test_stop_all_goes_in_reverse_start_order(sup, tmp_path):
    record = tmp_path / "stopped.txt"
    for name in ("first", "second", "third"):
        code = textwrap.dedent(f"""
            import signal, sys, time
            def bye(*_):
                open({str(record)!r}, "a").write({name!r} + "\\n")
                sys.exit(0)
            signal.signal(signal.SIGTERM, bye)
            print("ready", flush=True)
            time.sleep(60)
        """)
        sup.start(python(name, code))
        wait_until(lambda n=name: "ready" in sup.tail(n))

    sup.stop_all()

    assert record.read_text().split() == ["third", "second", "first"]


def test_children_die_with_the_launcher(tmp_path):
    launcher = textwrap.dedent(f"""
        import sys, time
        from devstack.supervisor import ProcessSpec, Supervisor
        sup = Supervisor({str(tmp_path)!r})
        sup.start(ProcessSpec("child", [sys.executable, "-c", "import time; time.sleep(60)"]))
        print(sup.pid("child"), flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", launcher], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    # setpriv arms the parent-death signal, then execs the program: kill the launcher after that
    # (a launcher killed within that millisecond leaves the child running: a known limit).
    wait_until(lambda: "setpriv" not in _cmdline(child))

    proc.kill()
    proc.wait()

    wait_until(lambda: not _alive(child), timeout=5)


def _cmdline(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().decode(errors="replace")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for init to reap it counts as dead.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


class Sleeper(ServerProcess):
    """A server that is healthy as soon as it runs; `stopped` records the order of stops."""

    def __init__(self, name: str, tmp_path, stopped: list[str] | None = None) -> None:
        self.name = name
        super().__init__(tmp_path / name, 0, log_file=tmp_path / f"{name}.log")
        self.stopped = stopped if stopped is not None else []

    def argv(self) -> list[str]:
        return [sys.executable, "-c", SLEEPER]

    def healthy(self) -> bool:
        return self.is_running()

    def after_stop(self) -> None:
        self.stopped.append(self.name)


def test_a_crashed_server_is_restarted_and_reported(sup, tmp_path, capsys):
    server = Sleeper("db", tmp_path)
    server.start()
    sup.supervise(server)
    first = sup.pid("db")
    assert first == server.pid

    os.kill(first, signal.SIGKILL)

    wait_until(lambda: server.pid not in (None, first))
    assert not _alive(first)  # reaped, not left a zombie
    assert "db was killed by SIGKILL — restarting" in capsys.readouterr().err
    assert sup.log_path("db") == server.log_file


def test_a_server_killed_through_its_own_kill_is_restarted(sup, tmp_path):
    server = Sleeper("db", tmp_path)
    server.start()
    sup.supervise(server)
    first = server.pid

    server.kill()

    wait_until(lambda: server.pid not in (None, first))


def test_a_server_stopped_on_purpose_stays_down(sup, tmp_path):
    server = Sleeper("db", tmp_path)
    server.start()
    sup.supervise(server)

    server.stop()
    time.sleep(0.5)
    assert not server.is_running() and server.poll() is None

    server.start()  # and runs again when asked, still supervised
    first = server.pid
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: server.pid not in (None, first))


def test_everything_stops_in_reverse_order_a_group_at_once(tmp_path):
    sup = Supervisor(tmp_path)
    stopped: list[str] = []
    record = tmp_path / "stopped.txt"
    for name in ("postgres", "nats"):
        server = Sleeper(name, tmp_path, stopped)
        server.start()
        sup.supervise(server)
    for name, group in (("sim-a", "sims"), ("sim-b", "sims"), ("api", None)):
        # Each takes 0.5 s to stop: a group stopped together takes 0.5 s, not 1.
        code = textwrap.dedent(f"""
            import signal, sys, time
            def bye(*_):
                time.sleep(0.5)
                open({str(record)!r}, "a").write({name!r} + "\\n")
                sys.exit(0)
            signal.signal(signal.SIGTERM, bye)
            print("ready", flush=True)
            time.sleep(60)
        """)
        sup.start(ProcessSpec(name, [sys.executable, "-c", code], group=group))
        wait_until(lambda n=name: "ready" in sup.tail(n))

    began = time.monotonic()
    sup.close()
    took = time.monotonic() - began

    assert record.read_text().split()[0] == "api"
    assert sorted(record.read_text().split()[1:]) == ["sim-a", "sim-b"]
    assert stopped == ["nats", "postgres"]
    assert took < 1.4, took
    sup.close()  # again: nothing left to do


def test_gives_up_on_a_server_that_cannot_start_again(tmp_path, capsys):
    class Doomed(Sleeper):
        starts = 0

        def argv(self) -> list[str]:
            self.starts += 1
            return super().argv() if self.starts == 1 else [sys.executable, "-c", "raise SystemExit(1)"]

        def healthy(self) -> bool:
            return self.starts == 1 and self.is_running()

    sup = Supervisor(tmp_path, backoff=0.01, max_deaths=3)
    server = Doomed("db", tmp_path)
    server.start()
    sup.supervise(server)

    server.kill()

    assert sup.failed.wait(10)
    sup.close()
    assert sup.gave_up == ["db"] and server.starts == 3
    err = capsys.readouterr().err
    assert "db did not come back" in err and "GIVING UP" in err
    assert not server.is_running()


def test_a_stop_signal_waits_for_the_child_being_started_to_be_recorded():
    steps = []
    with pytest.raises(KeyboardInterrupt), uninterrupted():
        interrupt()  # what the launcher's handler does, here while a child is being started
        steps.append("recorded")
    assert steps == ["recorded"]
    with pytest.raises(KeyboardInterrupt):
        interrupt()  # elsewhere: at once
