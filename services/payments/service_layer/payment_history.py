"""What a customer reads of his payments: the history (card payments of the cabinet, and every other channel's
payments and refunds on his accounts' ledgers) and a card payment's receipt (чек) as PDF."""

from __future__ import annotations

import base64
import datetime as dt
from zoneinfo import ZoneInfo

from kit.errors import InvalidInput, NotFound, Unavailable
from kit.ids import is_uuid
from services.payments.adapters.receipt_pdf import ReceiptDocument, fiscal_lines, render_receipt_pdf
from services.payments.domain import card_payments as rules
from services.payments.domain.ledger import page_size
from services.payments.service_layer.accounts import AccountsPort, ensure_allowed
from services.payments.service_layer.provider import ProviderNotFound, ProviderPort

MOSCOW = ZoneInfo("Europe/Moscow")


def _token(at: dt.datetime, entry_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{entry_id}".encode()).decode()


def _after(token: str) -> tuple[dt.datetime, str] | None:
    if not token:
        return None
    try:
        at, entry_id = base64.urlsafe_b64decode(token.encode()).decode().split("|", 1)
        return dt.datetime.fromisoformat(at), entry_id
    except ValueError:
        raise InvalidInput(fields={"page_token": "Неверная метка страницы."}) from None


def list_payments(uow, accounts: AccountsPort, *, user_id: str, account_id: str = "", page_size_: int = 0,
                  page_token: str = "") -> tuple[list[dict], str]:
    """The user's payments, newest first, a page at a time; of one of his accounts when given."""
    size, after = page_size(page_size_), _after(page_token)
    with uow:
        if account_id:
            ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
            mine = [account_id]
        else:
            mine = uow.card_payments.bound_accounts(user_id)
        rows = uow.card_payments.history(user_id=user_id, account_ids=mine, only_account=account_id, size=size + 1,
                                         after=after)
        items = uow.card_payments.items_of([r["id"] for r in rows[:size] if r["source"] == "card"])
    page = []
    for row in rows[:size]:
        entry = dict(row)
        if row["source"] == "card":
            entry["items"] = items[row["id"]]
            entry["receipt_available"] = row["status"] == rules.SUCCEEDED and row["channel"] != rules.PUBLIC
        else:
            entry["items"] = [{"account_id": row["account_id"], "bucket": row["bucket"],
                               "amount_kop": row["amount_kop"], "account_number": ""}]
            entry["receipt_available"] = False
        entry["status_text"] = rules.STATUS_TEXT.get(row["status"], "")
        page.append(entry)
    next_token = _token(rows[size - 1]["at"], rows[size - 1]["id"]) if len(rows) > size else ""
    return page, next_token


def receipt_pdf(uow, provider: ProviderPort, *, user_id: str, payment_id: str, vat_code: int):
    """The receipt of one of the user's succeeded card payments made in the cabinet (or by autopay):
    (filename, PDF bytes). Anything else — a bank payment's id, another's, a pending one — is
    `receipt_not_found`. The fiscal status is the provider's (printed as unknown while it is unreachable)."""
    with uow:
        view = uow.card_payments.get(payment_id) if is_uuid(payment_id) else None
        if view is None or view.user_id != user_id or view.status != rules.SUCCEEDED or view.channel == rules.PUBLIC:
            raise NotFound("Чек не найден: он есть только у оплат картой в личном кабинете.", code="receipt_not_found")
        details = uow.card_payments.details(payment_id)
        sellers = []
        for item in view.items:
            facts = uow.account_facts.get(item.account_id)
            supplier = uow.suppliers.get(facts.supplier_id) if facts else None
            seller = (supplier.name, supplier.inn) if supplier else ("Поставщик электроэнергии", "")
            if seller not in sellers:
                sellers.append(seller)
    try:
        fiscal = fiscal_lines(provider.receipts(view.provider_payment_id))
    except (Unavailable, ProviderNotFound):
        fiscal = ()
    sent = (details["receipt"] or {}).get("items", [])
    lines = tuple((line["description"], rules.kop_of(line["amount"]["value"]), int(line["vat_code"])) for line in sent)
    if not lines:  # no receipt was sent (the provider's receipts switched off): the items as they are
        lines = tuple((rules.item_description(i, details["numbers"].get(i.account_id, "")), i.amount_kop, vat_code)
                      for i in view.items)
    contact = details["contact"].get("email") or ("+" + details["contact"].get("phone", ""))
    paid_at = (view.succeeded_at or view.created_at).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M (МСК)")
    doc = ReceiptDocument(payment_id=view.payment_id, provider_payment_id=view.provider_payment_id, paid_at=paid_at,
                          sellers=tuple(sellers), lines=lines, total_kop=view.amount_kop, contact=contact,
                          card=view.card, fiscal=fiscal)
    return doc.filename, render_receipt_pdf(doc)
