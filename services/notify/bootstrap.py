"""Composition root of the notify service: `python -m services.notify api|worker|migrate|seed-demo`."""

from __future__ import annotations

import logging
from pathlib import Path

from kabinet.notify.v1 import notify_pb2_grpc

from kit.service import Service, ServiceRuntime
from services.notify.adapters.delivery import DevOutboxSender, UnconfiguredSender
from services.notify.config import NotifyConfig
from services.notify.domain.model import EMAIL, SMS
from services.notify.entrypoints.api import NotifyServicer
from services.notify.entrypoints.events import subscriptions
from services.notify.service_layer.unit_of_work import NotifyUnitOfWork

log = logging.getLogger("notify")


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


def servicer(rt: ServiceRuntime):
    servicer = NotifyServicer(rt.uow, dev_outbox=rt.config.is_dev)
    return lambda server: notify_pb2_grpc.add_NotifyServicer_to_server(servicer, server)


# notify has no demo data of its own: the inbox fills from events.
SERVICE = Service("notify", Path(__file__).parent, NotifyUnitOfWork, servicer,
                  subscriptions=lambda rt: subscriptions(senders(rt.config, rt)), config_class=NotifyConfig)
