"""The notify event worker's subscriptions: a durable consumer per source stream and purpose.

Two paths out (README): codes and confirmation links are delivered at once by their consumer (notify-auth,
notify-accounts' confirmation, notify-autopay's); every other fact a customer should hear about becomes a notice of
the catalogue (domain/catalogue.py) and goes through `notify_many` — inbox rows and the outgoing queue, written in
the consumer's transaction. readings.due is the dispatch section's (entrypoints/reminders.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from kabinet_vocabulary import SERVICE_REQUEST_STATUS, SERVICE_REQUEST_TYPE

from kit.consumer import Subscription
from kit.errors import InvalidInput
from kit.events import Event, field_decimal, field_uuid
from services.notify.domain.model import CHANNELS, Notice
from services.notify.domain.unsubscribe import DEV_UNSUBSCRIBE_SECRET, Links, UnsubscribeSigner
from services.notify.entrypoints.reading_reviews import rejected_notice
from services.notify.entrypoints.sms_replies import sms_reply_handler
from services.notify.service_layer import autopay, delivery, projections
from services.notify.service_layer.notifications import notify_many, tell_news

AUTOPAY = "autopay"  # PAYMENT_CHANNEL of a payment the autopay made

Told = Callable[[Event], Notice | None]  # a fact -> the notice it makes (None: nobody to tell)


def subscriptions(senders: Mapping[str, delivery.Sender], retries: delivery.Retries | None = None, *,
                  public_url: str = "http://127.0.0.1:8080", links: Links | None = None) -> list[Subscription]:
    """`retries`: how failed deliveries are retried (None: a failure is final at once); `public_url`: where the
    cabinet is, for links in e-mails; `links`: the catalogue's links (`notifications.links_of(config)`: the
    configured unsubscribe secret; None: the dev one, for tests)."""
    links = links or Links(public_url, UnsubscribeSigner(DEV_UNSUBSCRIBE_SECRET))
    public_url = links.cabinet

    def tell(make: Told):
        """A fact -> its notice, told by the catalogue (a subscription without a shared transaction)."""
        def handler(event: Event, uow) -> None:
            notice = make(event)
            if notice is not None:
                notify_many(uow, [notice], links=links)
        return handler

    def tell_all(make: Told):
        """The facts of one subject in a fetch -> their notices, told by the catalogue in one set-based call."""
        def handler(events, uow) -> None:
            notices = [n for n in map(make, events) if n is not None]
            if notices:
                notify_many(uow, notices, links=links)
        return handler

    def on_invoice_issued(event: Event) -> Notice:
        p = event.payload
        invoice_id = field_uuid(p.invoice_id, "invoice_id")
        return Notice("invoice_issued", event.id, event.occurred_at, user_ids=_users(p.user_ids),
                      account_id=field_uuid(p.account_id, "account_id"), params=dict(
                          number=p.number, period=_month(p.period), amount_due_kop=p.amount_due_kop,
                          due_on=_day(p.due_on, "due_on"), bill_delivery=p.bill_delivery,
                          link=f"{public_url}/api/v1/invoices/{invoice_id}.pdf", **_number(p.account_number)))

    def on_news_published(event: Event, uow) -> None:
        p = event.payload
        tell_news(uow, links=links, event_id=event.id, occurred_at=event.occurred_at,
                  news_id=field_uuid(p.news_id, "news_id"), supplier_id=_optional_uuid(p.supplier_id, "supplier_id"),
                  audience=p.audience, title=p.title, summary=p.summary)

    def on_code_requested(event: Event, uow) -> None:
        p = event.payload
        delivery.send_code(uow, senders, event_id=event.id, channel=p.channel, destination=p.destination,
                           purpose=p.purpose, code=p.code, ttl_seconds=p.ttl_seconds, link=p.link,
                           retries=retries)

    def on_contract_confirmation(event: Event, uow) -> None:
        p = event.payload
        link = f"{public_url}/contracts/confirm?{urlencode({'token': p.token})}"
        delivery.send_contract_confirmation(uow, senders, event_id=event.id, email=p.email,
                                            contract_number=p.contract_number, link=link, retries=retries)

    def on_autopay_confirmation(event: Event, uow) -> None:
        p = event.payload
        link = f"{public_url}/autopay/confirm?{urlencode({'token': p.token})}"
        autopay.send_autopay_confirmation(
            uow, senders, event_id=event.id, email=p.email, account_number=p.account_number,
            card_title=p.card_title, day=p.settings.day, mode=p.settings.mode, amount_kop=p.settings.amount_kop,
            cap_kop=p.settings.cap_kop, link=link, retries=retries)

    # Room above the delivery attempts, so that the kit's dead-lettering after max_deliver is only
    # a safety net and a delivery that keeps failing ends as `failed` in deliveries.
    max_deliver = max((retries.max_attempts if retries else 1) + 2, 10)
    # Catalogue facts ride on the durables that already read their streams (a new durable would read the stream
    # from its start and tell customers of old facts); the catalogue only writes, so a fetch shares a transaction
    # and each subject's facts of a fetch go to notify_many together (batch handlers: set-based).
    return [
        Subscription(durable="notify-auth", handlers={"auth.code.requested": on_code_requested},
                     max_deliver=max_deliver),
        Subscription(durable="notify-readings", handlers={}, batch_handlers={
            "readings.reading.accepted": tell_all(accepted_notice),
            "readings.reading.corrected": tell_all(corrected_notice),
            "readings.reading.rejected": tell_all(rejected_notice),
        }, shared_transaction=True),
        Subscription(durable="notify-payments", handlers={}, batch_handlers={
            "payments.charge.posted": tell_all(charge_notice),
            "payments.payment.succeeded": tell_all(payment_notice),
            "payments.payment.failed": tell_all(payment_notice),
            "payments.autopay.failed": tell_all(autopay_failed_notice),
            "payments.debt.overdue": tell_all(debt_overdue_notice),
            "payments.penalties.accrued": tell_all(penalties_notice),
        }, shared_transaction=True),
        Subscription(durable="notify-invoices", handlers={},
                     batch_handlers={"payments.invoice.issued": tell_all(on_invoice_issued)}, shared_transaction=True),
        # the contract confirmation is delivered at once (not shared); the catalogue's facts of accounts with it
        Subscription(durable="notify-accounts",
                     handlers={"accounts.contract.confirmation_requested": on_contract_confirmation,
                               "accounts.contract.bound": tell(contract_bound_notice),
                               "accounts.service_request.changed": tell(service_request_notice)},
                     max_deliver=max_deliver),
        # durables of their own: a new one reads its stream from the start (contacts verified, accounts bound and
        # suppliers set up before it existed)
        Subscription(durable="notify-contacts", handlers={"auth.contact.verified": on_contact_verified},
                     batch_handlers={"auth.user.signed_in": tell_all(signed_in_notice)}, shared_transaction=True),
        Subscription(durable="notify-projections", handlers={
            "accounts.account.bound": on_bound(True), "accounts.account.unbound": on_bound(False),
            "accounts.account.changed": on_account_changed, "accounts.supplier.changed": on_supplier_changed,
        }, shared_transaction=True),
        Subscription(durable="notify-news", handlers={"notify.news.published": on_news_published},
                     shared_transaction=True),
        Subscription(durable="notify-sms-replies", handlers={"readings.sms.answered": sms_reply_handler(senders, retries)},
                     max_deliver=max_deliver),
        Subscription(durable="notify-autopay",
                     handlers={"payments.autopay.confirmation_requested": on_autopay_confirmation},
                     max_deliver=max_deliver),
    ]


# --- facts -> notices ---------------------------------------------------------------------------------------

def accepted_notice(event: Event) -> Notice | None:
    """«Показания приняты» to whoever submitted them (automatic readings have nobody to tell)."""
    p = event.payload
    if not p.submitted_by:
        return None
    return Notice("reading_accepted", event.id, event.occurred_at, user_ids=(_user(p.submitted_by),),
                  account_id=field_uuid(p.account_id, "account_id"), params=_readings(p))


def corrected_notice(event: Event) -> Notice | None:
    p = event.payload
    if not p.customer_id:
        return None
    return Notice("reading_corrected", event.id, event.occurred_at, user_ids=(_user(p.customer_id),),
                  account_id=field_uuid(p.reading.account_id, "account_id"),
                  params={**_readings(p.reading), "reason": p.reason})


def charge_notice(event: Event) -> Notice | None:
    """«Предварительное начисление» to the customer whose reading caused it (nobody for charges nobody caused)."""
    p = event.payload
    if not p.user_id:
        return None
    return Notice("charge_posted", event.id, event.occurred_at, user_ids=(_user(p.user_id),),
                  account_id=field_uuid(p.account_id, "account_id"), params=dict(
                      preliminary=p.kind == "preliminary", amount_kop=p.amount_kop, balance_kop=p.balance_kop,
                      balance_state=p.balance_state))


def payment_notice(event: Event) -> Notice | None:
    """A card payment of the cabinet (a public one has nobody to tell): succeeded, failed; the autopay's success
    is «Автоплатёж прошёл», its failed attempts are told once, by payments.autopay.failed after the last."""
    p = event.payload
    failed = event.type == "payments.payment.failed"
    if not p.user_id or (failed and p.channel == AUTOPAY):
        return None
    kind = "payment_failed" if failed else "autopay_succeeded" if p.channel == AUTOPAY else "payment_succeeded"
    accounts = {field_uuid(i.account_id, "account_id"): i.account_number for i in p.items}
    params = dict(amount_kop=p.amount_kop, accounts=[n for n in dict.fromkeys(accounts.values()) if n])
    if failed:
        params["reason"] = p.message
    return Notice(kind, event.id, event.occurred_at, user_ids=(_user(p.user_id),), params=params,
                  account_id=next(iter(accounts)) if len(accounts) == 1 else None)


def autopay_failed_notice(event: Event) -> Notice:
    p = event.payload
    return Notice("autopay_failed", event.id, event.occurred_at, user_ids=(_user(p.user_id),),
                  account_id=field_uuid(p.account_id, "account_id"), params=dict(
                      period=_month(p.period), amount_kop=p.amount_kop,
                      reason=p.reason_message or "платёж отклонён", **_number(p.account_number)))


def debt_overdue_notice(event: Event) -> Notice:
    """To every customer of the account (a legal notice: cannot be switched off)."""
    p = event.payload
    if not p.due_on:
        raise InvalidInput("debt overdue without its due date", code="malformed_event")
    return Notice("debt_overdue", event.id, event.occurred_at, account_id=field_uuid(p.account_id, "account_id"),
                  params=dict(due_on=_day(p.due_on, "due_on"), overdue_kop=p.overdue_kop,
                              amount_due_kop=p.amount_due_kop, **_number(p.account_number)))


def penalties_notice(event: Event) -> Notice:
    p = event.payload
    return Notice("penalties_accrued", event.id, event.occurred_at, account_id=field_uuid(p.account_id, "account_id"),
                  params=dict(period=_month(p.period), amount_kop=p.amount_kop,
                              penalties_due_kop=p.penalties_due_kop, **_number(p.account_number)))


def service_request_notice(event: Event) -> Notice:
    p = event.payload
    if p.status not in SERVICE_REQUEST_STATUS:
        raise InvalidInput(f"service request status: {p.status!r}", code="malformed_event")
    return Notice("service_request_changed", event.id, event.occurred_at, user_ids=(_user(p.user_id),),
                  account_id=_optional_uuid(p.account_id, "account_id") or None, params=dict(
                      request_type=SERVICE_REQUEST_TYPE.title(p.type), status=SERVICE_REQUEST_STATUS.title(p.status),
                      comment=p.comment, **_number(p.account_number)))


def contract_bound_notice(event: Event) -> Notice:
    p = event.payload
    return Notice("contract_bound", event.id, event.occurred_at, user_ids=(_user(p.user_id),),
                  params=dict(contract_number=p.contract_number))


def signed_in_notice(event: Event) -> Notice | None:
    """«Вход с нового устройства»: only a device the user has not signed in from before."""
    p = event.payload
    if not p.new_device:
        return None
    return Notice("new_sign_in", event.id, event.occurred_at, user_ids=(_user(p.user_id),),
                  params=dict(device=p.device[:200], ip=p.ip, at=p.at or event.occurred_at.isoformat()))


# --- projections ----------------------------------------------------------------------------------------------

def on_contact_verified(event: Event, uow) -> None:
    p = event.payload
    if p.channel not in CHANNELS or not p.destination.strip():
        raise InvalidInput(f"contact: channel {p.channel!r} without a destination", code="malformed_event")
    projections.project_contact(uow, user_id=field_uuid(p.user_id, "user_id"), channel=p.channel,
                                destination=p.destination.strip(), as_of=event.occurred_at)


def on_bound(bound: bool):
    def handler(event: Event, uow) -> None:
        p = event.payload
        projections.project_binding(uow, account_id=field_uuid(p.account_id, "account_id"),
                                    user_id=field_uuid(p.user_id, "user_id"), bound=bound, as_of=event.occurred_at)
    return handler


def on_account_changed(event: Event, uow) -> None:
    a = event.payload.account
    projections.project_account(uow, account_id=field_uuid(a.account_id, "account_id"),
                                supplier_id=field_uuid(a.supplier_id, "supplier_id"), number=a.number,
                                category=a.category, as_of=event.occurred_at)


def on_supplier_changed(event: Event, uow) -> None:
    s = event.payload.supplier
    projections.project_supplier(uow, supplier_id=field_uuid(s.supplier_id, "supplier_id"), name=s.name,
                                 time_zone=s.timezone, as_of=event.occurred_at)


# --- fields -------------------------------------------------------------------------------------------------------

def _readings(reading) -> dict:
    return dict(values={v.zone: field_decimal(v.value, v.zone) for v in reading.values},
                consumption={v.zone: field_decimal(v.value, v.zone) for v in reading.consumption})


def _number(account_number: str) -> dict:
    """The account's number as the producer printed it; none: the projection's."""
    return {"account_number": account_number} if account_number else {}


def _month(value: str) -> str:
    """"2026-11" of an event; anything else makes the event poison."""
    try:
        dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise InvalidInput(f"period: not YYYY-MM: {value!r}", code="malformed_event") from None
    return value


def _day(value: str, name: str) -> str:
    """"2026-12-10" or "" (unknown); anything else makes the event poison."""
    try:
        return dt.date.fromisoformat(value).isoformat() if value else ""
    except ValueError:
        raise InvalidInput(f"{name}: not YYYY-MM-DD: {value!r}", code="malformed_event") from None


def _user(value: str) -> str:
    return field_uuid(value, "user_id")


def _users(values) -> tuple[str, ...]:
    return tuple(field_uuid(u, "user_ids") for u in values)


def _optional_uuid(value: str, name: str) -> str:
    return field_uuid(value, name) if value else ""
