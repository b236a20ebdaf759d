"""What a customer reads of invoices (квитанции): an account's archive and one invoice as a document.

The document is rendered on request from the stored invoice, its period's final charge and ledger, the
projected supplier (the payee) and the account's facts; the rendering itself (PDF) is an adapter, given
as `render`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kit.errors import Forbidden, NotFound, Rejected
from kit.ids import is_uuid
from services.payments.domain.invoices import Invoice, IssuedInvoice, invoice_document, supplier_details
from services.payments.domain.model import AccountFacts
from services.payments.service_layer.accounts import AccountsPort, ensure_allowed

Render = Callable[[Invoice], bytes]
PDF = "application/pdf"


@dataclass(frozen=True)
class InvoicePage:
    invoices: list[IssuedInvoice]
    next_before: dt.date | None  # the period the next page starts before; None on the last page


@dataclass(frozen=True)
class File:
    filename: str
    content_type: str
    content: bytes


def invoice_not_found() -> NotFound:
    return NotFound("Квитанция не найдена.", code="invoice_not_found")


def list_invoices(uow, accounts: AccountsPort, *, user_id: str, account_id: str, limit: int,
                  before: dt.date | None = None) -> InvoicePage:
    """The account's invoices, newest period first, `limit` a page (keyset: periods before `before`)."""
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        found = uow.invoices.list_for_account(account_id, limit + 1, before)
    page = found[:limit]
    return InvoicePage(invoices=page, next_before=page[-1].period if len(found) > limit else None)


def invoice_pdf(uow, accounts: AccountsPort, render: Render, *, user_id: str, invoice_id: str) -> File:
    """One of the user's invoices as a document. An id that is not of the user's accounts (or of nothing)
    is `invoice_not_found`, whatever the reason: existence is never revealed."""
    if not is_uuid(invoice_id):
        raise invoice_not_found()
    with uow:
        issued = uow.invoices.get(invoice_id)
        if issued is None:
            raise invoice_not_found()
        account = _account_of(uow, accounts, user_id=user_id, account_id=issued.account_id)
        supplier = uow.suppliers.get(issued.supplier_id)
        if supplier is None:
            raise Rejected("Реквизиты поставщика для квитанции ещё не получены. Попробуйте позже.",
                           code="supplier_details_missing")
        invoice = invoice_document(
            issued, supplier=supplier_details(supplier), account_number=account.number, holder=account.holder,
            address=account.address, lines=uow.invoices.lines(issued.account_id, issued.period),
            ledger=uow.invoices.period_ledger(issued, supplier.timezone or "Europe/Moscow"))
    return File(filename=issued.filename(account.number), content_type=PDF, content=render(invoice))


def _account_of(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> AccountFacts:
    """The account of an invoice if it is the user's, with what the invoice prints of it (number, holder,
    address): the projections when they know all of it, accounts otherwise. Not the user's: not found."""
    try:
        if uow.access.is_bound(user_id, account_id):
            known = uow.account_facts.get(account_id)
            if known is not None and known.number and known.holder and known.address:
                return known
        return accounts.facts(account_id)
    except (NotFound, Forbidden):
        raise invoice_not_found() from None
