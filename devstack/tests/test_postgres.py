import os
import signal
import subprocess
import sys
import textwrap

import psutil
import psycopg
import pytest

from devstack.ports import choose_ports, scattered
from devstack.postgres import Postgres

pytestmark = pytest.mark.integration


@pytest.fixture
def postgres(tmp_path):
    port = choose_ports(tmp_path, scattered(["postgres"]))["postgres"]
    server = Postgres(tmp_path / "pg", port, fast=True)
    yield server
    server.stop()


def query(server: Postgres, db: str, sql: str, *params):
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="postgres", dbname=db, autocommit=True
    ) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else None


def test_data_survives_a_stop_and_a_start(postgres):
    postgres.start()
    postgres.ensure_database("kabinet_auth")
    postgres.ensure_database("kabinet_auth")  # idempotent
    query(postgres, "kabinet_auth", "CREATE TABLE users (name text)")
    query(postgres, "kabinet_auth", "INSERT INTO users VALUES (%s)", "Иван")

    postgres.stop()
    assert not postgres.is_running()
    postgres.start()

    assert query(postgres, "kabinet_auth", "SELECT upper(name) FROM users") == [("ИВАН",)]
    assert (
        postgres.url("kabinet_auth")
        == f"postgresql+psycopg://postgres@127.0.0.1:{postgres.port}/kabinet_auth"
    )


def test_settings(postgres):
    postgres.start()
    assert query(postgres, "postgres", "SHOW max_connections") == [("300",)]
    assert query(postgres, "postgres", "SHOW fsync") == [("off",)]
    assert query(postgres, "postgres", "SHOW listen_addresses") == [("127.0.0.1",)]


def test_starts_after_a_crash_left_a_stale_postmaster_pid(postgres):
    postgres.start()
    postgres.ensure_database("kept")
    pid = int((postgres.data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)

    postgres.start()

    assert query(postgres, "kept", "SELECT 1") == [(1,)]


def test_a_server_left_running_by_a_killed_launcher_is_taken_over(postgres, tmp_path):
    postgres.start()
    # A new launcher, on another port, finds the old server still running.
    newcomer = Postgres(
        postgres.data_dir, choose_ports(tmp_path / "new", scattered(["postgres"]))["postgres"], fast=True
    )
    newcomer.start()
    assert query(newcomer, "postgres", "SELECT 1") == [(1,)]
    newcomer.stop()


def test_the_server_is_a_child_that_dies_with_its_launcher(tmp_path):
    """Not daemonized: when the launcher is killed, PostgreSQL gets SIGINT (fast shutdown)."""
    port = choose_ports(tmp_path, scattered(["postgres"]))["postgres"]
    launcher = textwrap.dedent(f"""
        import time
        from devstack.postgres import Postgres
        pg = Postgres({str(tmp_path / "pg")!r}, {port}, fast=True)
        pg.start()
        print(pg.pid, flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", launcher], stdout=subprocess.PIPE, text=True)
    postmaster = psutil.Process(int(proc.stdout.readline()))
    assert postmaster.ppid() == proc.pid

    proc.kill()
    proc.wait()

    psutil.wait_procs([postmaster], timeout=10)
    assert not postmaster.is_running() or postmaster.status() == psutil.STATUS_ZOMBIE
    Postgres(tmp_path / "pg", port).stop()  # nothing left to stop; removes the socket directory


def test_kill_is_a_crash_and_start_recovers_the_data(postgres):
    postgres.start()
    postgres.ensure_database("kept")
    first = postgres.pid

    postgres.kill()
    assert postgres.poll() == -signal.SIGKILL and not postgres.is_running()
    postgres.start()

    assert postgres.pid != first
    assert query(postgres, "kept", "SELECT 1") == [(1,)]
