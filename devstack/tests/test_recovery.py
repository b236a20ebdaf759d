"""kill -9 of every kind of server the stack runs: it comes back on its own, with its data, and
the services' health goes back to SERVING (PostgreSQL, NATS) without anyone restarting them."""

import asyncio
import os
import signal
import time

import nats
import psutil
import psycopg
import pytest
import redis

from devstack.stack import Stack, _grpc_health

pytestmark = pytest.mark.integration

# Longer than the services' health interval (kit.grpc_server: 2 s), so that auth-api surely sees
# each outage: the test then shows its health failing and passing again, not just staying SERVING.
BACKOFF = 2.5


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("recovery"), "test", fast=True, services=("auth",), gateway=False)
    stack.supervisor.backoff = BACKOFF
    stack.start()
    yield stack
    stack.stop()


def wait_until(condition, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(0.1)


def gone(pid: int) -> bool:
    """Exited and reaped: not even a zombie of ours left."""
    return not psutil.pid_exists(pid)


def log_since(path, offset: int) -> str:
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


def crash(stack: Stack, name: str) -> int:
    """SIGKILL the server's own process, as the OOM killer or a segfault would; its old pid."""
    pid = stack.supervisor.pid(name)
    assert pid, f"{name} is not running"
    os.kill(pid, signal.SIGKILL)
    return pid


def comes_back(stack: Stack, name: str, old_pid: int, healthy) -> None:
    wait_until(lambda: stack.supervisor.pid(name) not in (None, old_pid) and healthy(), what=f"{name} back")
    assert gone(old_pid), f"the killed {name} lingers (pid {old_pid})"


def auth_api_recovers(stack: Stack, offset: int, failing: str) -> None:
    """auth-api's own health loop saw the outage and passes again; the probe says SERVING."""
    log = stack.supervisor.log_path("auth-api")
    wait_until(lambda: "health: all checks pass" in log_since(log, offset), what="auth-api's checks passing")
    assert f"health: failing ['{failing}']" in log_since(log, offset)
    assert _grpc_health(stack.grpc_target("auth")) == (True, "SERVING")


def sql(stack: Stack, db: str, query: str):
    with psycopg.connect(host="127.0.0.1", port=stack.postgres.port, user="postgres", dbname=db,
                         autocommit=True) as conn:  # fmt: skip
        cur = conn.execute(query)
        return cur.fetchall() if cur.description else None


def test_postgres(stack, capsys):
    stack.postgres.ensure_database("kept")
    # The fast (test) settings commit asynchronously; this transaction asks for what the dev
    # profile always does: acknowledged once its WAL left PostgreSQL, and so safe from a crash of it.
    sql(stack, "kept", "SET synchronous_commit = on; CREATE TABLE t (v text); INSERT INTO t VALUES ('до сбоя')")
    offset = stack.supervisor.log_path("auth-api").stat().st_size

    old = crash(stack, "postgres")

    comes_back(stack, "postgres", old, stack.postgres.healthy)
    assert sql(stack, "kept", "SELECT v FROM t") == [("до сбоя",)]  # recovered, not re-initialised
    assert "postgres was killed by SIGKILL — restarting" in capsys.readouterr().err
    auth_api_recovers(stack, offset, "database")


def test_nats(stack, capsys):
    async def publish():
        nc = await nats.connect(stack.nats_url)
        await nc.jetstream().add_stream(name="KEPT", subjects=["kept.>"])
        await nc.jetstream().publish("kept.one", b"{}")
        await nc.close()

    async def stored() -> int:
        nc = await nats.connect(stack.nats_url)
        info = await nc.jetstream().stream_info("KEPT")
        await nc.close()
        return info.state.messages

    asyncio.run(publish())
    api_at = stack.supervisor.log_path("auth-api").stat().st_size
    worker_at = stack.supervisor.log_path("auth-worker").stat().st_size

    old = crash(stack, "nats-server")

    comes_back(stack, "nats-server", old, stack.nats.healthy)
    assert asyncio.run(stored()) == 1
    assert "nats-server was killed by SIGKILL — restarting" in capsys.readouterr().err
    auth_api_recovers(stack, api_at, "nats")
    worker_log = stack.supervisor.log_path("auth-worker")
    wait_until(lambda: "nats: reconnected" in log_since(worker_log, worker_at), what="auth-worker reconnected")


def test_redis(stack, capsys):
    client = redis.Redis.from_url(stack.redis_url)
    client.set("captcha:kept", "K7Q2")
    client.save()  # on disk, as Redis's own periodic snapshot would have it

    old = crash(stack, "redis")

    comes_back(stack, "redis", old, stack.redis.ping)
    assert redis.Redis.from_url(stack.redis_url).get("captcha:kept") == b"K7Q2"
    assert "redis was killed by SIGKILL — restarting" in capsys.readouterr().err


def test_a_simulator(stack, capsys):
    old = crash(stack, "smtp-sim")

    comes_back(stack, "smtp-sim", old, lambda: True)
    stack.wait_ready("smtp-sim", 30)
    assert "smtp-sim was killed by SIGKILL — restarting" in capsys.readouterr().err
