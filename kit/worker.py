"""The event worker process of a service: the outbox relay plus its consumers."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from kit.consumer import ConsumerLoop, Subscription
from kit.events import STREAMS
from kit.jetstream import connect, ensure_stream
from kit.jobs import Job, run_job
from kit.metrics import watch_consumers, watch_outbox
from kit.outbox import OutboxRelay
from kit.settings import ServiceConfig

log = logging.getLogger("kit.worker")


async def run_worker(config: ServiceConfig, service: str, subscriptions: list[Subscription],
                     uow_factory: Callable[[], object], jobs: list[Job] | None = None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    nc = await connect(config.nats_servers, name=f"{service}-worker")
    js = nc.jetstream()
    for stream in STREAMS:  # same config everywhere, so any worker may create any stream
        await ensure_stream(js, stream, replicas=config.nats_replicas)

    relay = OutboxRelay(config.database_url, js, service=service)
    tasks = [asyncio.create_task(relay.run(stop), name="outbox-relay")]
    for sub in subscriptions:
        tasks.append(asyncio.create_task(ConsumerLoop(js, sub, uow_factory).run(stop), name=sub.durable))
    for job in jobs or ():
        tasks.append(asyncio.create_task(run_job(job, stop), name=f"job:{job.name}"))
    if config.metrics_listen:  # measured only where someone can scrape them
        tasks.append(asyncio.create_task(watch_outbox(service, uow_factory, stop), name="outbox-metrics"))
        tasks.append(asyncio.create_task(watch_consumers(js, subscriptions, stop), name="consumer-metrics"))
    log.info("worker started", extra={"ctx_consumers": [s.durable for s in subscriptions]})

    done, _ = await asyncio.wait([asyncio.create_task(stop.wait()), *tasks],
                                 return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    for task in done:
        if task.exception():
            log.error("worker task died", exc_info=task.exception())
    await asyncio.gather(*tasks, return_exceptions=True)
    await nc.drain()
    log.info("worker stopped")
