"""Periodic jobs of a service's worker (the billing run's schedule, the daily penalty accrual, …).

A job is a plain function `fn(now)` run in a thread every `every_seconds`, first soon after the worker
starts. It must be idempotent and safe to run in several workers at once (take a database lock or
rely on unique keys): replicas of a worker all run it. A failure is logged and counted; the next
tick tries again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter

log = logging.getLogger("kit.jobs")

RUNS = Counter("kabinet_job_runs_total", "Periodic job runs, by job and outcome (ok, failed)", ["job", "outcome"])


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    fn: Callable[[dt.datetime], object]
    first_after_seconds: float = 5.0


async def run_job(job: Job, stop: asyncio.Event) -> None:
    delay = job.first_after_seconds
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
            return
        except TimeoutError:
            pass
        try:
            await asyncio.to_thread(job.fn, dt.datetime.now(dt.UTC))
            RUNS.labels(job.name, "ok").inc()
        except Exception:  # noqa: BLE001 - a job never brings the worker down; the next tick retries
            RUNS.labels(job.name, "failed").inc()
            log.exception("job failed", extra={"ctx_job": job.name})
        delay = job.every_seconds
