"""The notify unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.audit import AuditLog
from kit.db import UnitOfWork
from services.notify.adapters.care_store import FeedbackStore, NewsStore, NoticeStore
from services.notify.adapters.dispatch_store import DispatchStore
from services.notify.adapters.orm import audit_log
from services.notify.adapters.outgoing import OutgoingQueue
from services.notify.adapters.repository import (
    AccountProjection,
    ContactRepository,
    DeliveryRepository,
    DevOutboxRepository,
    InboxRepository,
    PreferenceRepository,
)


class NotifyUnitOfWork(UnitOfWork):
    inbox: InboxRepository
    deliveries: DeliveryRepository
    dev_outbox: DevOutboxRepository
    contacts: ContactRepository
    outgoing: OutgoingQueue
    audit: AuditLog
    # (section: notifications)
    preferences: PreferenceRepository
    projection: AccountProjection
    # (section: dispatch)
    dispatch: DispatchStore
    # (section: care)
    news: NewsStore
    notices: NoticeStore
    feedback: FeedbackStore

    def _open_repositories(self, session) -> None:
        self.inbox = InboxRepository(session)
        self.deliveries = DeliveryRepository(session)
        self.dev_outbox = DevOutboxRepository(session)
        self.contacts = ContactRepository(session)
        self.outgoing = OutgoingQueue(session)
        self.audit = AuditLog(session, audit_log)
        # (section: notifications)
        self.preferences = PreferenceRepository(session)
        self.projection = AccountProjection(session)
        # (section: dispatch)
        self.dispatch = DispatchStore(session)
        # (section: care)
        self.news = NewsStore(session)
        self.notices = NoticeStore(session)
        self.feedback = FeedbackStore(session)
