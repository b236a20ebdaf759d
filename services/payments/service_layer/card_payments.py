"""Card payments through the provider: create (cabinet, public, a saved card), read, history, the provider's
notifications (stored, then applied by the worker from the re-fetched payment) and the reconciler.

Nothing half-created: the provider's payment is created first (its Idempotence-Key is our payment's id, fixed
by the caller's idempotency key), and our row — pending, with the provider's id — is written after it; an
outage or a refusal leaves nothing. Exactly once: a payment is settled under its row lock, each item reaches
the ledger through money_in.post_payment (unique external id), and the inbox row is marked processed in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from kit.errors import Forbidden, InvalidInput, NotFound, Rejected, Unavailable
from kit.ids import is_uuid
from services.payments.adapters.card_payment_events import payment_failed, payment_succeeded
from services.payments.domain import card_payments as rules
from services.payments.domain.card_payments import AccountAmounts, Item, PaymentView, ProviderPayment
from services.payments.domain.model import REFUND
from services.payments.service_layer import money_in
from services.payments.service_layer.accounts import AccountsPort, allowed_facts
from services.payments.service_layer.ledger import account_calendar
from services.payments.service_layer.master_data import WRITERS, audit, staff_member
from services.payments.service_layer.provider import PaymentRequest, ProviderNotFound, ProviderPort
from services.payments.service_layer.terminal import find_account

log = logging.getLogger("payments.card_payments")
DEFAULT_VAT_CODE = 11
UNKNOWN_RETRIES = 3                              # an unknown payment's notification waits for its row this often
UNKNOWN_DELAY = dt.timedelta(seconds=20)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _known(uow, scope: str, key: str, fingerprint: str) -> PaymentView | None:
    """The payment made with this idempotency key; another request with the same key is refused."""
    if not key:
        return None
    found = uow.card_payments.by_key(scope, key)
    if found is None:
        return None
    view, known_fingerprint = found
    if known_fingerprint != fingerprint:
        raise InvalidInput("Этот ключ Idempotency-Key уже использован для другого платежа. Для нового платежа "
                           "нужен новый ключ.", code="idempotency_key_reused",
                           fields={"Idempotency-Key": "Ключ уже использован для другого запроса."})
    return view


def _store(uow, provider_payment: ProviderPayment, *, payment_id: str, user_id: str | None, channel: str,
           items: tuple[Item, ...], numbers: dict[str, str], contact: dict, receipt: dict | None, scope: str,
           key: str, fingerprint: str, save_card: bool, method_id: str, now: dt.datetime) -> PaymentView:
    """Writes our row for the provider's new payment (in the caller's transaction) and settles it at once when
    the provider already has (a saved card). A concurrent twin with the same key wins: its row is returned."""
    view = PaymentView(payment_id=payment_id, status=rules.PENDING, channel=channel,
                       amount_kop=sum(i.amount_kop for i in items), items=items, created_at=now, user_id=user_id,
                       provider_payment_id=provider_payment.provider_payment_id,
                       confirmation_url=provider_payment.confirmation_url)
    if not uow.card_payments.add(view, numbers=numbers, scope=scope, idempotency_key=key, request_hash=fingerprint,
                                 contact=contact, receipt=receipt, save_card=save_card, method_id=method_id):
        twin = uow.card_payments.by_provider_id(provider_payment.provider_payment_id) or _known(
            uow, scope, key, fingerprint)
        if twin is None:
            raise InvalidInput(code="idempotency_key_reused", fields={"Idempotency-Key": "Ключ уже использован."})
        return twin
    settle(uow, uow.card_payments.get(payment_id, lock=True), provider_payment, now=now)
    return uow.card_payments.get(payment_id)


def _create(uow, provider: ProviderPort, *, user_id: str | None, channel: str, items: tuple[Item, ...],
            numbers: dict[str, str], contact: dict, scope: str, key: str, fingerprint: str, return_url_of,
            save_card: bool, vat_code: int, now: dt.datetime) -> PaymentView:
    """The cabinet's and the public flow: key check, the provider's payment (outside any transaction), our row."""
    with uow:
        known = _known(uow, scope, key, fingerprint)
    if known is not None:
        return known
    payment_id = rules.payment_id_for(scope, key)
    receipt = rules.receipt(items, contact=contact, numbers=numbers, vat_code=vat_code)
    created = provider.create_payment(PaymentRequest(
        payment_id=payment_id, amount_kop=sum(i.amount_kop for i in items),
        description=rules.description([numbers.get(i.account_id, "") for i in _accounts_once(items)]),
        receipt=receipt, return_url=return_url_of(payment_id), save_card=save_card), idempotency_key=payment_id)
    with uow:
        view = _store(uow, created, payment_id=payment_id, user_id=user_id, channel=channel, items=items,
                      numbers=numbers, contact=contact, receipt=receipt, scope=scope, key=key,
                      fingerprint=fingerprint, save_card=save_card, method_id="", now=now)
        uow.commit()
    return view


def _accounts_once(items: tuple[Item, ...]) -> list[Item]:
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item.account_id, item)
    return list(seen.values())


def create_payment(uow, provider: ProviderPort, accounts: AccountsPort, *, user_id: str,
                   lines: list[AccountAmounts], save_card: bool, return_path: str, email: str = "", phone: str = "",
                   idempotency_key: str = "", public_url: str, vat_code: int = DEFAULT_VAT_CODE,
                   now: dt.datetime | None = None) -> PaymentView:
    """A signed-in customer pays one or several of his accounts (channel cabinet)."""
    items = rules.payment_items(lines)
    contact = rules.receipt_contact(email, phone)
    rules.return_url(public_url, return_path, "x")  # refuse a bad path before anything else
    numbers: dict[str, str] = {}
    with uow:
        for line in lines:
            numbers[line.account_id] = allowed_facts(uow, accounts, user_id=user_id, account_id=line.account_id).number
    fingerprint = rules.request_hash(items=[vars(i) for i in items], save_card=save_card, return_path=return_path,
                                     contact=contact)
    return _create(uow, provider, user_id=user_id, channel=rules.CABINET, items=items, numbers=numbers,
                   contact=contact, scope=f"u:{user_id}", key=idempotency_key, fingerprint=fingerprint,
                   return_url_of=lambda pid: rules.return_url(public_url, return_path, pid), save_card=save_card,
                   vat_code=vat_code, now=_now(now))


def create_public_payment(uow, provider: ProviderPort, accounts, *, number: str, supplier_id: str, energy_kop: int,
                          penalties_kop: int, return_path: str, email: str = "", phone: str = "",
                          idempotency_key: str = "", public_url: str, vat_code: int = DEFAULT_VAT_CODE,
                          now: dt.datetime | None = None) -> PaymentView:
    """Paying without signing in: one account found by its number at the supplier (channel public)."""
    contact = rules.receipt_contact(email, phone)
    rules.return_url(public_url, return_path, "x")
    account_id, account_number = find_account(uow, accounts, number=number, supplier_id=supplier_id)
    lines = [AccountAmounts(account_id, energy_kop, penalties_kop)]
    items = rules.payment_items(lines)
    fingerprint = rules.request_hash(items=[vars(i) for i in items], return_path=return_path, contact=contact)
    return _create(uow, provider, user_id=None, channel=rules.PUBLIC, items=items, numbers={account_id: account_number},
                   contact=contact, scope="public", key=idempotency_key, fingerprint=fingerprint,
                   return_url_of=lambda pid: rules.return_url(public_url, return_path, pid), save_card=False,
                   vat_code=vat_code, now=_now(now))


def charge_saved_card(uow, provider: ProviderPort, *, user_id: str, account_id: str, energy_kop: int,
                      penalties_kop: int, method_id: str, idempotency_key: str, channel: str = rules.AUTOPAY,
                      receipt_contact: dict, vat_code: int = DEFAULT_VAT_CODE,
                      now: dt.datetime | None = None) -> PaymentView:
    """Charges a saved card without the customer (autopay), in the caller's open transaction (the caller
    commits). The same key returns the payment made with it. The provider usually settles such a payment at
    once: then it is applied here (ledger, status); otherwise the notification or the reconciler does."""
    now = _now(now)
    items = rules.payment_items([AccountAmounts(account_id, energy_kop, penalties_kop)])
    contact = rules.receipt_contact(receipt_contact.get("email", ""), receipt_contact.get("phone", ""))
    scope = f"{channel}:{user_id}"
    fingerprint = rules.request_hash(items=[vars(i) for i in items], method_id=method_id, contact=contact)
    known = _known(uow, scope, idempotency_key, fingerprint)
    if known is not None:
        return known
    facts = uow.account_facts.get(account_id)
    numbers = {account_id: facts.number if facts else ""}
    payment_id = rules.payment_id_for(scope, idempotency_key)
    receipt = rules.receipt(items, contact=contact, numbers=numbers, vat_code=vat_code)
    created = provider.create_payment(PaymentRequest(
        payment_id=payment_id, amount_kop=sum(i.amount_kop for i in items),
        description=rules.description([numbers[account_id]]), receipt=receipt, method_id=method_id),
        idempotency_key=payment_id)
    return _store(uow, created, payment_id=payment_id, user_id=user_id, channel=channel, items=items, numbers=numbers,
                  contact=contact, receipt=receipt, scope=scope, key=idempotency_key, fingerprint=fingerprint,
                  save_card=False, method_id=method_id, now=now)


# -- settling: the provider's (re-fetched) word applied once ------------------------------------------------

def settle(uow, view: PaymentView | None, fetched: ProviderPayment, *, now: dt.datetime) -> str:
    """Applies the provider's status to our payment, whose row the caller holds locked: succeeded → every
    item to the ledger once and the row succeeded (the card remembered when the customer asked); canceled →
    the reason in Russian. Returns the outcome (see `domain/card_payments.py:outcome`)."""
    if view is None:
        return "unknown_payment"
    result = rules.outcome(view.status, fetched, payment_id=view.payment_id, amount_kop=view.amount_kop)
    card = fetched.method.masked if fetched.method else ""
    if result == rules.SUCCEEDED:
        for item in sorted(view.items, key=lambda i: (i.account_id, i.bucket)):  # one lock order everywhere
            money_in.post_payment(
                uow, account_id=item.account_id, bucket=item.bucket, amount_kop=item.amount_kop,
                channel=view.channel, external_id=rules.ledger_external_id(fetched.provider_payment_id, item),
                paid_on=account_calendar(uow, item.account_id).today(now), posted_at=now,
                description=rules.ledger_description(view.channel))
        uow.card_payments.mark_succeeded(view.payment_id, at=now, card=card,
                                         method_id=fetched.method.method_id if fetched.method else "")
        if fetched.method is not None and fetched.method.saved and view.user_id:
            _remember(uow, view.user_id, fetched)
        uow.emit(payment_succeeded(view))
    elif result == rules.CANCELED:
        message = rules.cancel_message(fetched.cancel_reason)
        uow.card_payments.mark_canceled(view.payment_id, at=now, reason=fetched.cancel_reason or "unknown",
                                        message=message, card=card)
        uow.emit(payment_failed(view, reason=fetched.cancel_reason or "unknown", message=message))
    elif result == "mismatch":
        log.error("provider payment does not match ours", extra={
            "ctx_payment_id": view.payment_id, "ctx_provider_payment_id": fetched.provider_payment_id})
    return result


def _remember(uow, user_id: str, fetched: ProviderPayment) -> None:
    from services.payments.service_layer.cards import remember_card  # saved cards are autopay's (cards.py)

    m = fetched.method
    remember_card(uow, user_id=user_id, method_id=m.method_id, title=m.title or m.masked, last4=m.last4,
                  first6=m.first6, expiry_month=m.expiry_month, expiry_year=m.expiry_year, card_type=m.card_type)


def receive_notification(uow, *, provider: str, body: bytes, source_ip: str, networks: tuple[str, ...]) -> int:
    """A provider's notification: from its networks only, stored as it came (never trusted), answered at once."""
    if provider != rules.PROVIDER:
        raise NotFound("Неизвестный платёжный сервис.", code="provider_not_found")
    if not rules.source_allowed(source_ip, networks):
        log.warning("notification from a foreign network refused", extra={"ctx_source_ip": source_ip})
        raise Forbidden("Уведомление не от платёжного сервиса.", code="notification_source_refused")
    event, object_id = rules.parse_notification(body)
    with uow:
        notification_id = uow.card_payments.add_notification(
            provider=provider, event=event, object_id=object_id, body=body.decode("utf-8", "replace"),
            source_ip=source_ip)
        uow.commit()
    return notification_id


def process_notifications(uow_factory, provider: ProviderPort, *, now: dt.datetime, limit: int = 100) -> int:
    """The worker: applies the inbox, oldest first, each notification in its own transaction with what it
    causes (a worker killed mid-way leaves it unprocessed; another worker skips a locked one). The body is never
    believed: the payment is re-fetched from the provider. An outage stops the round (the next tick retries)."""
    done = 0
    for _ in range(limit):
        uow, note = uow_factory(), None
        try:
            with uow:
                note = uow.card_payments.next_notification(now)
                if note is None:
                    return done
                outcome = _apply_notification(uow, provider, note, now)
                if outcome is None:
                    uow.card_payments.postpone_notification(note["notification_id"], until=now + UNKNOWN_DELAY)
                else:
                    uow.card_payments.finish_notification(note["notification_id"], outcome=outcome, at=now)
                uow.commit()
                done += 1
        except Unavailable:
            return done
        except Exception:  # noqa: BLE001 - one bad notification must not block the others
            log.exception("notification failed", extra={"ctx_notification": note})
            if note is None:
                return done
            with uow_factory() as retry:  # a backoff, so that it does not block the queue
                retry.card_payments.postpone_notification(note["notification_id"], until=now + dt.timedelta(
                    seconds=min(3600, 5 * 2 ** (note["attempts"] + 1))))
                retry.commit()
    return done


def _apply_notification(uow, provider: ProviderPort, note: dict, now: dt.datetime) -> str | None:
    if note["event"].startswith("refund."):
        return _apply_refund(uow, provider, note["object_id"], now)
    if not note["event"].startswith("payment."):
        return "ignored"
    view = uow.card_payments.by_provider_id(note["object_id"], lock=True)
    if view is None:
        # our row is written right after the provider's payment: give it a moment before giving up
        return None if note["attempts"] < UNKNOWN_RETRIES else "unknown_payment"
    try:
        fetched = provider.get_payment(note["object_id"])
    except ProviderNotFound:
        return "unknown_payment"
    return settle(uow, view, fetched, now=now)


def _apply_refund(uow, provider: ProviderPort, provider_refund_id: str, now: dt.datetime) -> str:
    """A refund the provider had not finished when staff made it: re-fetched; succeeded → the ledger once."""
    refund = uow.card_payments.refund_by_provider_id(provider_refund_id, lock=True)
    if refund is None:
        return "unknown_refund"
    if refund["status"] != "pending":
        return "final"
    try:
        fetched = provider.get_refund(provider_refund_id)
    except ProviderNotFound:
        return "unknown_refund"
    if fetched.status == "succeeded":
        view = uow.card_payments.get(refund["payment_id"])
        _post_refund(uow, view.channel, account_id=refund["account_id"], bucket=refund["bucket"],
                     amount_kop=refund["amount_kop"], provider_refund_id=provider_refund_id, reason=refund["reason"],
                     now=now)
    if fetched.status in ("succeeded", "canceled"):
        uow.card_payments.set_refund_status(refund, fetched.status, at=now)
    return fetched.status


def _post_refund(uow, channel: str, *, account_id: str, bucket: str, amount_kop: int, provider_refund_id: str,
                 reason: str, now: dt.datetime) -> None:
    money_in.post_payment(uow, account_id=account_id, bucket=bucket, amount_kop=-amount_kop, channel=channel,
                          external_id=rules.refund_external_id(provider_refund_id),
                          paid_on=account_calendar(uow, account_id).today(now), posted_at=now,
                          description=f"Возврат оплаты картой: {reason}"[:500], kind=REFUND)


def reconcile(uow_factory, provider: ProviderPort, *, now: dt.datetime, older_than_seconds: int = 180) -> int:
    """Pending payments older than a few minutes are re-fetched and settled (a notification may be lost)."""
    uow = uow_factory()
    with uow:
        stale = uow.card_payments.stale_pending(now - dt.timedelta(seconds=older_than_seconds))
    settled = 0
    for provider_payment_id in stale:
        try:
            with uow:
                view = uow.card_payments.by_provider_id(provider_payment_id, lock=True)
                if view is None or view.status != rules.PENDING:
                    continue
                result = settle(uow, view, provider.get_payment(provider_payment_id), now=now)
                uow.commit()
                settled += result in (rules.SUCCEEDED, rules.CANCELED)
        except Unavailable:
            break
        except ProviderNotFound:
            log.error("pending payment unknown to the provider", extra={"ctx_provider_payment_id": provider_payment_id})
    return settled


# -- reading -----------------------------------------------------------------------------------------------

def get_payment(uow, *, user_id: str, payment_id: str) -> PaymentView:
    """One of the caller's card payments; anything else is `payment_not_found`."""
    with uow:
        view = uow.card_payments.get(payment_id) if is_uuid(payment_id) else None
    if view is None or view.user_id != user_id:
        raise NotFound("Платёж не найден.", code="payment_not_found")
    return view


# -- staff refunds --------------------------------------------------------------------------------------------

def refund_payment(uow, provider: ProviderPort, staff, *, payment_id: str, account_id: str, bucket: str,
                   amount_kop: int, reason: str, idempotency_key: str = "", vat_code: int = DEFAULT_VAT_CODE,
                   now: dt.datetime | None = None) -> dict:
    """Staff (admin) refund (part of) one item of a succeeded card payment through the provider, at most what
    is left of it; it reaches the ledger once as a negative REFUND entry (external id "yookassa-refund:<id>")
    in the transaction that records it, audited."""
    staff = staff_member(staff, WRITERS)
    now = _now(now)
    problems = {}
    if not isinstance(amount_kop, int) or amount_kop <= 0:
        problems["amount_kop"] = "Сумма возврата — целое положительное число копеек."
    if not reason.strip() or len(reason) > 250:
        problems["reason"] = "Укажите причину возврата (до 250 символов)."
    with uow:
        view = uow.card_payments.get(payment_id) if is_uuid(payment_id) else None
        if view is None:
            raise NotFound("Платёж не найден.", code="payment_not_found")
        if view.status != rules.SUCCEEDED:
            raise Rejected("Вернуть можно только проведённый платёж.", code="payment_not_succeeded")
        item = next((i for i in view.items if i.account_id == account_id and i.bucket == bucket), None)
        if item is None:
            problems["account_id"] = "В платеже нет такого лицевого счёта и вида начисления."
        elif not problems:
            left = item.amount_kop - uow.card_payments.refunded_kop(payment_id, account_id, bucket)
            if amount_kop > left:
                problems["amount_kop"] = f"Можно вернуть не больше {rules.rub_text(left)} ₽."
        if problems:
            raise InvalidInput("Проверьте возврат.", code="invalid_input", fields=problems)
        details = uow.card_payments.details(payment_id)
    refund_item = Item(account_id, bucket, amount_kop)
    receipt = (rules.receipt((refund_item,), contact=details["contact"], numbers=details["numbers"],
                             vat_code=vat_code) if details["receipt"] is not None else None)
    key = rules.payment_id_for(f"refund:{payment_id}", idempotency_key)  # random without a key
    refund = provider.create_refund(view.provider_payment_id, amount_kop=amount_kop, description=reason,
                                    receipt=receipt, idempotency_key=key)
    with uow:
        known = uow.card_payments.refund_by_provider_id(refund.provider_refund_id)
        if known is None:
            uow.card_payments.add_refund(refund_id=key, payment_id=payment_id, account_id=account_id, bucket=bucket,
                                         amount_kop=amount_kop, provider_refund_id=refund.provider_refund_id,
                                         status=refund.status, reason=reason.strip(), created_by=staff.user_id, at=now)
            if refund.status == "succeeded":  # otherwise its refund.succeeded notification posts it
                _post_refund(uow, view.channel, account_id=account_id, bucket=bucket, amount_kop=amount_kop,
                             provider_refund_id=refund.provider_refund_id, reason=reason.strip(), now=now)
            audit(uow, staff, "card_payment.refunded", "card_payment", payment_id,
                  after={"refund_id": key, "account_id": account_id, "bucket": bucket, "amount_kop": amount_kop,
                         "provider_refund_id": refund.provider_refund_id, "status": refund.status})
            uow.commit()
    return {"refund_id": key, "payment_id": payment_id, "account_id": account_id, "bucket": bucket,
            "amount_kop": amount_kop, "status": refund.status, "provider_refund_id": refund.provider_refund_id,
            "created_at": now}
