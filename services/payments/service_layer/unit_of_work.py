"""The payments unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.access import AccessProjection
from kit.audit import AuditLog
from kit.db import UnitOfWork
from services.payments.adapters.autopay_store import AutopayStore
from services.payments.adapters.bank_registry_store import BankRegistryStore
from services.payments.adapters.billing_store import BillingStore
from services.payments.adapters.card_payment_store import CardPaymentStore
from services.payments.adapters.contract_document_store import ContractDocumentStore
from services.payments.adapters.invoice_store import InvoiceStore
from services.payments.adapters.ledger_store import LedgerStore
from services.payments.adapters.master_data import CategoryRepository, NormRepository, ScheduleRepository
from services.payments.adapters.orm import account_access, audit_log
from services.payments.adapters.partner_payment_store import PartnerPaymentStore
from services.payments.adapters.penalty_store import KeyRateRepository, MoratoriumRepository, PenaltyStore
from services.payments.adapters.projection import AccountFactsProjection, SupplierProjection
from services.payments.adapters.registry_store import RegistryStore
from services.payments.adapters.repository import ChargeRepository, LedgerRepository, TariffRepository
from services.payments.adapters.summaries_store import SummariesStore


class PaymentsUnitOfWork(UnitOfWork):
    tariffs: TariffRepository
    categories: CategoryRepository
    schedules: ScheduleRepository
    norms: NormRepository
    charges: ChargeRepository
    ledger: LedgerRepository
    ledger_store: LedgerStore
    penalties: PenaltyStore
    key_rates: KeyRateRepository
    moratoria: MoratoriumRepository
    access: AccessProjection
    account_facts: AccountFactsProjection
    suppliers: SupplierProjection
    audit: AuditLog
    registry: RegistryStore
    invoices: InvoiceStore
    contract_documents: ContractDocumentStore
    billing: BillingStore
    partner_payments: PartnerPaymentStore
    bank_registries: BankRegistryStore
    card_payments: CardPaymentStore
    autopay: AutopayStore
    summaries: SummariesStore

    def _open_repositories(self, session) -> None:
        self.access = AccessProjection(session, account_access)
        self.account_facts = AccountFactsProjection(session)
        self.suppliers = SupplierProjection(session)
        self.tariffs = TariffRepository(session)
        self.categories = CategoryRepository(session)
        self.schedules = ScheduleRepository(session)
        self.norms = NormRepository(session)
        self.charges = ChargeRepository(session)
        self.ledger = LedgerRepository(session)
        self.ledger_store = LedgerStore(session)
        self.penalties = PenaltyStore(session)
        self.key_rates = KeyRateRepository(session)
        self.moratoria = MoratoriumRepository(session)
        self.audit = AuditLog(session, audit_log)
        self.registry = RegistryStore(session)
        self.invoices = InvoiceStore(session)
        self.contract_documents = ContractDocumentStore(session)
        self.billing = BillingStore(session)
        self.partner_payments = PartnerPaymentStore(session)
        self.bank_registries = BankRegistryStore(session)
        self.card_payments = CardPaymentStore(session)
        self.autopay = AutopayStore(session)
        self.summaries = SummariesStore(session)
