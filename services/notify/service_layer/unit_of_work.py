"""The notify unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.audit import AuditLog
from kit.db import UnitOfWork
from services.notify.adapters.orm import audit_log
from services.notify.adapters.outgoing import OutgoingQueue
from services.notify.adapters.repository import (
    ContactRepository,
    DeliveryRepository,
    DevOutboxRepository,
    InboxRepository,
)


class NotifyUnitOfWork(UnitOfWork):
    inbox: InboxRepository
    deliveries: DeliveryRepository
    dev_outbox: DevOutboxRepository
    contacts: ContactRepository
    outgoing: OutgoingQueue
    audit: AuditLog
    # (section: notifications)
    # (section: dispatch)
    # (section: care)

    def _open_repositories(self, session) -> None:
        self.inbox = InboxRepository(session)
        self.deliveries = DeliveryRepository(session)
        self.dev_outbox = DevOutboxRepository(session)
        self.contacts = ContactRepository(session)
        self.outgoing = OutgoingQueue(session)
        self.audit = AuditLog(session, audit_log)
        # (section: notifications)
        # (section: dispatch)
        # (section: care)
