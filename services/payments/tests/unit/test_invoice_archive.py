"""The invoice archive and one invoice's document, with fakes: whose invoices a customer sees, how the stored
invoice, its period's ledger and charges make the квитанция, and that existence is never revealed."""

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from kabinet.accounts.v1 import accounts_pb2

from kit.errors import NotFound, Rejected
from services.payments.adapters.accounts import facts_from_pb
from services.payments.domain.invoices import (
    InvoiceLine,
    IssuedInvoice,
    PeriodLedger,
    invoice_document,
)
from services.payments.domain.model import AccountFacts, Supplier
from services.payments.service_layer.invoices import invoice_pdf, list_invoices
from services.payments.tests.unit.fakes import FakeAccounts, FakeUnitOfWork
from services.payments.tests.unit.test_invoices import SUPPLIER

USER = str(uuid.uuid4())
MINE, THEIRS = str(uuid.uuid4()), str(uuid.uuid4())
SUPPLIER_ID = str(uuid.uuid4())
PROJECTED = Supplier(supplier_id=SUPPLIER_ID, name=SUPPLIER.name, inn=SUPPLIER.inn, kpp=SUPPLIER.kpp,
                     bank_name=SUPPLIER.bank_name, bic=SUPPLIER.bic, settlement_account=SUPPLIER.settlement_account,
                     correspondent_account=SUPPLIER.correspondent_account, timezone="Europe/Moscow",
                     payment_due_day=10)
FACTS = AccountFacts(account_id=MINE, supplier_id=SUPPLIER_ID, category="urban_gas_stove", meter_zones=(2,),
                     number="12-12345678", holder="Иванов Иван Иванович", address="г. Санкт-Петербург, ул. Примерная, д. 1",
                     bill_delivery="email")
LINES = (InvoiceLine(zone="day", previous_reading=None, current_reading=None, consumption_kwh=Decimal("150"),
                     price_rub=Decimal("8.11"), amount_kop=121650),
         InvoiceLine(zone="night", previous_reading=None, current_reading=None, consumption_kwh=Decimal("60"),
                     price_rub=Decimal("4.02"), amount_kop=24120))


def issued(account_id=MINE, period=dt.date(2026, 11, 1), number=123, **changes) -> IssuedInvoice:
    fields = dict(invoice_id=str(uuid.uuid4()), supplier_id=SUPPLIER_ID, account_id=account_id, period=period,
                  number=number, issued_at=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC), due_on=dt.date(2026, 12, 10),
                  opening_kop=-120000, charged_kop=145770, paid_kop=100000, penalties_kop=412, closing_kop=-165770,
                  amount_due_energy_kop=165770, amount_due_penalties_kop=1942)
    return IssuedInvoice(**{**fields, **changes})


# The worked example of test_invoices.py as the ledger holds it: the final charge (−145770) and the
# preliminary charge it replaces (−140000) with its reversal (+140000), a payment, an adjustment.
LEDGER = PeriodLedger(energy_opening_kop=-120000, energy_payments_kop=100000,
                      energy_other_kop=-145770 - 140000 + 140000 + 1234, penalties_opening_kop=-1530,
                      penalties_credits_kop=0, penalties_debits_kop=-412)


class FakeInvoices:
    def __init__(self, *invoices, lines=LINES, ledger=LEDGER):
        self.by_id = {i.invoice_id: i for i in invoices}
        self._lines, self._ledger = lines, ledger

    def get(self, invoice_id):
        return self.by_id.get(invoice_id)

    def list_for_account(self, account_id, limit, before=None):
        mine = [i for i in self.by_id.values() if i.account_id == account_id and (before is None or i.period < before)]
        return sorted(mine, key=lambda i: i.period, reverse=True)[:limit]

    def lines(self, account_id, period):
        return self._lines

    def period_ledger(self, issued, timezone):
        return self._ledger


def uow_with(*invoices, bound=((USER, MINE),), facts=(FACTS,), suppliers=(PROJECTED,)):
    uow = FakeUnitOfWork(suppliers=suppliers)
    uow.invoices = FakeInvoices(*invoices)
    uow.access.bound = set(bound)
    for f in facts:
        uow.account_facts.put(f, None)
    return uow


class Renders:
    def __init__(self):
        self.invoices = []

    def __call__(self, invoice):
        self.invoices.append(invoice)
        return b"%PDF-fake"


# --- the document of an issued invoice ---

def test_the_document_splits_the_periods_ledger_as_the_invoice_shows_it():
    doc = invoice_document(issued(), supplier=SUPPLIER, account_number="12-12345678", holder="Иванов И. И.",
                           address="адрес", lines=LINES, ledger=LEDGER)
    assert doc.number == "123" and (doc.period.year, doc.period.month) == (2026, 11)
    assert doc.charges_kop == 145770
    assert doc.adjustments_kop == 1234  # what is left once the final charge and the reversals net out
    assert doc.closing_balance_kop == -120000 - 145770 + 1234 + 100000  # the ledger's at the end of the period
    assert doc.closing_balance_kop == LEDGER.energy_opening_kop + LEDGER.energy_payments_kop + LEDGER.energy_other_kop
    assert (doc.penalties.opening_balance_kop, doc.penalties.accrued_kop, doc.penalties.paid_kop) == (-1530, 412, 0)
    assert doc.due_date == dt.date(2026, 12, 10)


def test_a_period_without_a_final_charge_shows_its_movements_as_recalculation():
    doc = invoice_document(issued(), supplier=SUPPLIER, account_number="1", holder="х", address="а", lines=(),
                           ledger=PeriodLedger(energy_opening_kop=-500, energy_other_kop=-300))
    assert (doc.charges_kop, doc.adjustments_kop, doc.closing_balance_kop) == (0, -300, -800)


@pytest.mark.parametrize(("number", "filename"), [
    ("12-10000001", "kvitanciya-12-10000001-2026-11.pdf"),
    ("018\\00028517", "kvitanciya-018-00028517-2026-11.pdf"),
    ("", None),
])
def test_the_file_is_named_by_account_and_period_in_latin(number, filename):
    inv = issued()
    assert inv.filename(number) == (filename or f"kvitanciya-{inv.account_id}-2026-11.pdf")


def test_account_facts_from_accounts_carry_what_the_invoice_prints():
    account = accounts_pb2.Account(account_id=MINE, supplier_id=SUPPLIER_ID, category="c", number="12-1",
                                   address="ул. Садовая, 10", holder="Иванов", bill_delivery="paper_email",
                                   automatic_metering=True, meters=[accounts_pb2.Meter(zones=2)])
    facts = facts_from_pb(account)
    assert (facts.number, facts.address, facts.holder, facts.bill_delivery, facts.automatic_metering) == (
        "12-1", "ул. Садовая, 10", "Иванов", "paper_email", True)


# --- the archive ---

def test_the_archive_is_newest_first_a_page_at_a_time():
    invoices = [issued(period=dt.date(2026, m, 1), number=m) for m in range(1, 6)]
    uow = uow_with(*invoices)
    first = list_invoices(uow, FakeAccounts(), user_id=USER, account_id=MINE, limit=2)
    assert [i.number for i in first.invoices] == [5, 4] and first.next_before == dt.date(2026, 4, 1)
    second = list_invoices(uow, FakeAccounts(), user_id=USER, account_id=MINE, limit=2, before=first.next_before)
    assert [i.number for i in second.invoices] == [3, 2]
    last = list_invoices(uow, FakeAccounts(), user_id=USER, account_id=MINE, limit=2, before=second.next_before)
    assert [i.number for i in last.invoices] == [1] and last.next_before is None


def test_another_customers_archive_is_account_not_found():
    uow = uow_with(issued(account_id=THEIRS))
    with pytest.raises(NotFound) as err:
        list_invoices(uow, FakeAccounts(), user_id=USER, account_id=THEIRS, limit=12)
    assert err.value.code == "account_not_found"


# --- one invoice as a document ---

def test_my_invoice_is_rendered_from_the_row_the_ledger_the_supplier_and_the_account():
    inv = issued()
    render = Renders()
    file = invoice_pdf(uow_with(inv), FakeAccounts(), render, user_id=USER, invoice_id=inv.invoice_id)
    assert (file.filename, file.content_type, file.content) == (
        "kvitanciya-12-12345678-2026-11.pdf", "application/pdf", b"%PDF-fake")
    (doc,) = render.invoices
    assert (doc.account_number, doc.holder, doc.address) == (FACTS.number, FACTS.holder, FACTS.address)
    assert doc.supplier == SUPPLIER and doc.lines == LINES
    assert doc.amount_due_kop == 165770 - 1234 and doc.penalties.amount_due_kop == 1942


@pytest.mark.parametrize("case", ["another customers", "no such invoice", "not an id"])
def test_an_invoice_not_of_mine_is_not_found_whatever_the_reason(case):
    theirs = issued(account_id=THEIRS)
    invoice_id = {"another customers": theirs.invoice_id, "no such invoice": str(uuid.uuid4()),
                  "not an id": "../../etc"}[case]
    render = Renders()
    with pytest.raises(NotFound) as err:
        invoice_pdf(uow_with(theirs), FakeAccounts(), render, user_id=USER, invoice_id=invoice_id)
    assert (err.value.code, err.value.message) == ("invoice_not_found", "Квитанция не найдена.")
    assert render.invoices == []


def test_without_the_projection_accounts_decides_and_tells_what_to_print():
    inv = issued()
    accounts = FakeAccounts(facts=[FACTS])
    render = Renders()
    invoice_pdf(uow_with(inv, bound=(), facts=()), accounts, render, user_id=USER, invoice_id=inv.invoice_id)
    assert accounts.asked == [MINE]
    assert render.invoices[0].holder == FACTS.holder


def test_a_projection_without_the_printed_facts_asks_accounts():
    inv = issued()
    accounts = FakeAccounts(facts=[FACTS])
    bare = dataclasses.replace(FACTS, number="", holder="", address="")
    invoice_pdf(uow_with(inv, facts=(bare,)), accounts, Renders(), user_id=USER, invoice_id=inv.invoice_id)
    assert accounts.asked == [MINE]


def test_without_the_suppliers_details_there_is_no_invoice_yet():
    inv = issued()
    with pytest.raises(Rejected) as err:
        invoice_pdf(uow_with(inv, suppliers=()), FakeAccounts(), Renders(), user_id=USER, invoice_id=inv.invoice_id)
    assert err.value.code == "supplier_details_missing"
