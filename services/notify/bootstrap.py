"""Composition root of the notify service: `python -m services.notify api|worker|migrate|seed-demo`."""

from __future__ import annotations

import logging
from pathlib import Path

from kabinet.notify.v1 import notify_pb2_grpc

from kit.service import Service, ServiceRuntime
from services.notify.adapters.delivery import (
    Counted,
    DevOutboxSender,
    SmscSender,
    SmtpSender,
    UnconfiguredSender,
)
from services.notify.adapters.mailbox import SimulatorMailbox
from services.notify.config import NotifyConfig
from services.notify.domain.model import EMAIL, SMS
from services.notify.entrypoints.api import NotifyServicer
from services.notify.entrypoints.events import subscriptions
from services.notify.entrypoints.jobs import borrowing, dispatcher, jobs
from services.notify.entrypoints.reminders import reminder_subscriptions
from services.notify.service_layer.delivery import Retries
from services.notify.service_layer.notifications import links_of
from services.notify.service_layer.unit_of_work import NotifyUnitOfWork

log = logging.getLogger("notify")


def senders(config: NotifyConfig, rt: ServiceRuntime) -> dict:
    """The delivery adapter of each channel, as configured, counted."""
    result = {}
    for channel, adapter in ((SMS, config.sms_adapter), (EMAIL, config.email_adapter)):
        if adapter == "dev":
            result[channel] = DevOutboxSender(rt.uow)
        elif adapter == "smtp":
            result[channel] = SmtpSender(config.smtp_host, config.smtp_port, sender=config.smtp_from,
                                         security=config.smtp_security, username=config.smtp_username,
                                         password=config.smtp_password, timeout=config.smtp_timeout,
                                         ca_file=config.smtp_ca_file)
        elif adapter == "smsc":
            result[channel] = SmscSender(config.sms_url, login=config.sms_login, password=config.sms_password,
                                         sender=config.sms_sender, timeout=config.sms_timeout)
        else:
            log.warning("no delivery adapter for %s: its messages will fail", channel)
            result[channel] = UnconfiguredSender(channel)
    return {channel: Counted(channel, sender) for channel, sender in result.items()}


def worker_subscriptions(rt: ServiceRuntime) -> list:
    # codes and links take their token from the providers' buckets too, into debt (section: dispatch)
    return subscriptions(borrowing(senders(rt.config, rt), rt), Retries(rt.uow, rt.config.delivery_max_attempts),
                         links=links_of(rt.config)) + reminder_subscriptions(rt)


def servicer(rt: ServiceRuntime):
    mailboxes = [SimulatorMailbox(url) for url in rt.config.dev_outbox_sources]
    servicer = NotifyServicer(rt.uow, dev_outbox=rt.config.is_dev, mailboxes=mailboxes, config=rt.config)
    servicer.configure_dispatch(dispatcher(rt.config, senders(rt.config, rt)), test_clock=rt.config.is_dev)
    return lambda server: notify_pb2_grpc.add_NotifyServicer_to_server(servicer, server)


# notify has no demo data of its own: the inbox fills from events.
SERVICE = Service("notify", Path(__file__).parent, NotifyUnitOfWork, servicer,
                  subscriptions=worker_subscriptions,
                  jobs=lambda rt: jobs(rt, senders(rt.config, rt)), config_class=NotifyConfig)
