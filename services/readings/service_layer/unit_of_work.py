"""The readings unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.access import AccessProjection
from kit.audit import AuditLog
from kit.db import UnitOfWork
from services.readings.adapters.consumption_store import ConsumptionStore
from services.readings.adapters.due_store import DueStore
from services.readings.adapters.interval_store import IntervalStore
from services.readings.adapters.last_readings_store import LastReadingsStore
from services.readings.adapters.metering_store import MeteringStore
from services.readings.adapters.orm import account_access, audit_log
from services.readings.adapters.projection import AccountsProjection, SupplierProjection
from services.readings.adapters.repository import ReadingRepository
from services.readings.adapters.review_store import ReviewStore
from services.readings.adapters.sms_store import SmsStore


class ReadingsUnitOfWork(UnitOfWork):
    readings: ReadingRepository
    accounts: AccountsProjection
    access: AccessProjection
    suppliers: SupplierProjection
    audit: AuditLog
    consumption: ConsumptionStore
    due: DueStore
    sms: SmsStore
    interval: IntervalStore
    metering: MeteringStore
    last_readings: LastReadingsStore
    review: ReviewStore

    def _open_repositories(self, session) -> None:
        self.readings = ReadingRepository(session)
        suppliers: dict = {}  # the suppliers' facts this transaction read, whichever projection read them
        self.accounts = AccountsProjection(session, suppliers)
        self.access = AccessProjection(session, account_access)
        self.suppliers = SupplierProjection(session, suppliers)
        self.audit = AuditLog(session, audit_log)
        self.consumption = ConsumptionStore(session)
        self.due = DueStore(session)
        self.sms = SmsStore(session)
        self.interval = IntervalStore(session)
        self.metering = MeteringStore(session)
        self.last_readings = LastReadingsStore(session)
        self.review = ReviewStore(session)
