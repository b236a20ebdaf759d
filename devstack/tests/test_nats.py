import asyncio

import nats
import pytest

from devstack.nats import NatsServer
from devstack.ports import choose_ports, scattered

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path):
    ports = choose_ports(tmp_path, scattered(["nats", "monitor"]))
    server = NatsServer(tmp_path / "store", ports["nats"], ports["monitor"])
    yield server
    server.stop()


async def publish(url: str) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_stream(name="READINGS", subjects=["readings.>"])
    await js.publish("readings.reading.accepted", b"{}")
    await nc.close()


async def stored_messages(url: str) -> int:
    nc = await nats.connect(url)
    info = await nc.jetstream().stream_info("READINGS")
    await nc.close()
    return info.state.messages


def test_a_stream_survives_a_stop_and_a_start(server):
    server.start()
    asyncio.run(publish(server.url))

    server.stop()
    assert not server.is_running()
    server.start()

    assert asyncio.run(stored_messages(server.url)) == 1
