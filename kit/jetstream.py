"""JetStream plumbing: connecting, and creating streams and consumers idempotently."""

from __future__ import annotations

import logging

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from kit.events import STREAMS

log = logging.getLogger("kit.jetstream")

DUPLICATE_WINDOW_S = 600.0
MAX_AGE_S = 30 * 24 * 3600.0


async def connect(servers: list[str], name: str):
    async def on_error(exc):
        log.warning("nats: %s", exc)

    async def on_disconnect():
        log.warning("nats: disconnected")

    async def on_reconnect():
        log.info("nats: reconnected")

    return await nats.connect(
        servers=servers, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
        connect_timeout=2, allow_reconnect=True, error_cb=on_error,
        disconnected_cb=on_disconnect, reconnected_cb=on_reconnect,
    )


async def ensure_stream(js, name: str, replicas: int = 1) -> None:
    config = StreamConfig(
        name=name, subjects=[STREAMS[name]], storage=StorageType.FILE, num_replicas=replicas,
        duplicate_window=DUPLICATE_WINDOW_S, max_age=MAX_AGE_S,
    )
    try:
        await js.add_stream(config)
    except BadRequestError:
        await js.update_stream(config)


async def ensure_consumer(js, stream: str, durable: str, subjects: list[str], *,
                          max_deliver: int, ack_wait: float) -> None:
    config = ConsumerConfig(
        durable_name=durable, filter_subjects=subjects, ack_policy=AckPolicy.EXPLICIT,
        deliver_policy=DeliverPolicy.ALL, max_deliver=max_deliver, ack_wait=ack_wait,
        max_ack_pending=1000,
    )
    try:
        info = await js.consumer_info(stream, durable)
    except NotFoundError:
        await js.add_consumer(stream, config)
        return
    if sorted(info.config.filter_subjects or [info.config.filter_subject]) != sorted(subjects) \
            or info.config.max_deliver != max_deliver:
        await js.add_consumer(stream, config)  # same name: updates the consumer
