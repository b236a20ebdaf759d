"""Composition root of the notify service: `python -m services.notify api|worker|migrate|seed-demo`."""

from __future__ import annotations

import logging
from pathlib import Path

from kabinet.notify.v1 import notify_pb2_grpc

from kit.service import ServiceRuntime, migrate
from kit.tokens import remote_verifier
from services.notify.adapters.delivery import DevOutboxSender, UnconfiguredSender
from services.notify.config import NotifyConfig
from services.notify.domain.model import EMAIL, SMS
from services.notify.entrypoints.api import NotifyServicer
from services.notify.entrypoints.events import subscriptions
from services.notify.service_layer.unit_of_work import NotifyUnitOfWork

NAME = "notify"
HERE = Path(__file__).parent
log = logging.getLogger("notify")


def runtime(config: NotifyConfig) -> ServiceRuntime:
    return ServiceRuntime(NAME, config, NotifyUnitOfWork)


def senders(config: NotifyConfig, rt: ServiceRuntime) -> dict:
    """The delivery adapter of each channel, as configured."""
    chosen = {SMS: config.sms_adapter, EMAIL: config.email_adapter}
    result = {}
    for channel, adapter in chosen.items():
        if adapter == "dev":
            result[channel] = DevOutboxSender(rt.uow)
        else:
            log.warning("no delivery adapter for %s: its messages will fail", channel)
            result[channel] = UnconfiguredSender(channel)
    return result


def api(config: NotifyConfig) -> None:
    rt = runtime(config)
    servicer = NotifyServicer(rt.uow, dev_outbox=config.is_dev)
    rt.serve(lambda server: notify_pb2_grpc.add_NotifyServicer_to_server(servicer, server),
             remote_verifier(config.target("auth")))


def worker(config: NotifyConfig) -> None:
    rt = runtime(config)
    rt.run_worker(subscriptions=subscriptions(senders(config, rt)))


def seed_demo(config: NotifyConfig) -> None:
    """Nothing to load: the inbox fills from events. Kept so every service answers the same commands."""
    from kit.demo import demo_data

    demo_data(config)  # refuses outside the dev and test profiles, like every seed-demo


COMMANDS = {"api": api, "worker": worker, "migrate": lambda c: migrate(c, HERE), "seed-demo": seed_demo}
