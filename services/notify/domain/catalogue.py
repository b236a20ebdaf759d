"""Каталог уведомлений: every notification a customer can get — its kind, category, channels and defaults.

A *kind* is one notification (its templates are `templates/<kind>.txt` and `.html`); a *category* is a row of the
customer's preferences (vocabulary NOTIFICATION_CATEGORY). The inbox gets a copy of every kind that has one (news
does not: the news list is where news are read); SMS and e-mail go by the customer's preferences, which start
from the category's defaults. A *locked* channel of a category is critical: it cannot be switched off (security,
legal notices such as an overdue debt, invoices a customer chose to receive by e-mail, the answer to their own
feedback), carries no unsubscribe link, and when the customer has no verified contact of it the message goes by
another channel the kind has (so a customer registered by phone still hears of a sign-in).

Cost: an SMS costs money, an e-mail almost nothing. SMS are on by default only where a customer must act in
time: the readings window closing (at most one SMS per account and month) and an overdue debt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kabinet_vocabulary import BILL_DELIVERY, NOTIFICATION_CATEGORY

from kit.errors import InvalidInput, Rejected
from services.notify.domain.model import CHANNELS, EMAIL, SMS

# Bill deliveries that include e-mail: the invoice goes to the account's customers by e-mail too.
EMAILED_BILLS = frozenset({BILL_DELIVERY.EMAIL, BILL_DELIVERY.PAPER_EMAIL})


@dataclass(frozen=True)
class Category:
    code: str
    description: str  # what comes in it (Russian, for the preferences page)
    default: frozenset[str]  # channels on until the customer says otherwise
    locked: frozenset[str] = frozenset()  # channels that cannot be switched off (critical)

    @property
    def title(self) -> str:
        return NOTIFICATION_CATEGORY.title(self.code)

    @property
    def critical(self) -> bool:
        return bool(self.locked)


@dataclass(frozen=True)
class Kind:
    code: str
    category: str
    channels: tuple[str, ...]  # SMS / e-mail it may go by (the inbox is not a channel)
    event: str  # the fact that makes it (documentation; events.py maps it)
    params: tuple[str, ...]  # template parameters the producer must give (see templates/README.md)
    inbox: bool = True
    # channel -> whether this notice goes by it at all, from its params (an invoice's e-mail needs e-mail bills)
    only_if: Callable[[dict, str], bool] | None = None

    def wanted(self, params: dict, channel: str) -> bool:
        return channel in self.channels and (self.only_if is None or self.only_if(params, channel))


def _e(*channels: str) -> frozenset[str]:
    return frozenset(channels)


CATEGORIES: dict[str, Category] = {c.code: c for c in (
    Category("reminders", "Приём показаний открыт и скоро закончится.", _e(SMS, EMAIL)),
    Category("readings", "Показания приняты, исправлены или отклонены.", _e(EMAIL)),
    Category("charges", "Предварительные начисления по переданным показаниям.", _e()),
    Category("invoices", "Новые квитанции. По электронной почте — если для счёта выбрана доставка квитанций "
                         "на почту: отключается сменой способа доставки.", _e(EMAIL), _e(EMAIL)),
    Category("payments", "Платежи прошли или не прошли, автоплатежи.", _e(EMAIL)),
    Category("debt", "Просроченная задолженность и начисленные пени.", _e(SMS, EMAIL), _e(EMAIL)),
    Category("requests", "Изменения статуса заявок на работы.", _e(EMAIL)),
    Category("security", "Входы с новых устройств, подключение договоров.", _e(EMAIL), _e(EMAIL)),
    Category("feedback", "Ответы на ваши обращения.", _e(EMAIL), _e(EMAIL)),
    Category("news", "Новости поставщика: плановые работы, изменения тарифов.", _e()),
)}

_ACCOUNT = ("account_number",)  # filled from notify's projection of accounts when the producer did not give it
_BOTH = (SMS, EMAIL)


def _invoice_email(params: dict, channel: str) -> bool:
    return channel != EMAIL or params.get("bill_delivery") in EMAILED_BILLS


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("reading_accepted", "readings", _BOTH, "readings.reading.accepted", ("values", "consumption", *_ACCOUNT)),
    Kind("reading_corrected", "readings", _BOTH, "readings.reading.corrected",
         ("values", "consumption", "reason", *_ACCOUNT)),
    Kind("reading_rejected", "readings", _BOTH, "readings.reading.rejected", ("values", "period", "reason", *_ACCOUNT)),
    # «приём открыт» by e-mail only (an SMS a month per account is enough: the closing one, to those still due)
    Kind("readings_due_opened", "reminders", (EMAIL,), "readings.due (opened)",
         ("period", "window_from", "window_to", *_ACCOUNT)),
    Kind("readings_due_closing", "reminders", _BOTH, "readings.due (closing)",
         ("period", "window_from", "window_to", *_ACCOUNT)),
    Kind("charge_posted", "charges", (EMAIL,), "payments.charge.posted",
         ("preliminary", "amount_kop", "balance_kop", "balance_state", *_ACCOUNT)),
    Kind("invoice_issued", "invoices", _BOTH, "payments.invoice.issued",
         ("number", "period", "amount_due_kop", "due_on", "link", "bill_delivery", *_ACCOUNT),
         only_if=_invoice_email),
    Kind("payment_succeeded", "payments", _BOTH, "payments.payment.succeeded", ("amount_kop", "accounts")),
    Kind("payment_failed", "payments", _BOTH, "payments.payment.failed", ("amount_kop", "accounts", "reason")),
    Kind("autopay_succeeded", "payments", _BOTH, "payments.payment.succeeded (channel autopay)",
         ("amount_kop", "accounts")),
    Kind("autopay_failed", "payments", _BOTH, "payments.autopay.failed",
         ("period", "amount_kop", "reason", *_ACCOUNT)),
    Kind("debt_overdue", "debt", _BOTH, "payments.debt.overdue",
         ("due_on", "overdue_kop", "amount_due_kop", *_ACCOUNT)),
    Kind("penalties_accrued", "debt", (EMAIL,), "payments.penalties.accrued",
         ("period", "amount_kop", "penalties_due_kop", *_ACCOUNT)),
    Kind("service_request_changed", "requests", _BOTH, "accounts.service_request.changed",
         ("request_type", "status", "comment", *_ACCOUNT)),
    Kind("contract_bound", "security", (EMAIL,), "accounts.contract.bound", ("contract_number",)),
    Kind("new_sign_in", "security", _BOTH, "auth.user.signed_in", ("device", "ip", "at")),
    Kind("news_published", "news", _BOTH, "notify.news.published", ("title", "summary", "link"), inbox=False),
    # the reply itself; by SMS only to one who wrote without signing in and left a phone only (up to 3 segments)
    Kind("feedback_replied", "feedback", (EMAIL, SMS), "care: staff replied to feedback",
         ("number", "topic", "message", "reply", "sent_on")),
)}


def kind_of(code: str) -> Kind:
    """The catalogue entry; an unknown kind is a programming error of the producer (a dead letter, not a loop)."""
    try:
        return KINDS[code]
    except KeyError:
        raise InvalidInput(f"Неизвестный вид уведомления: {code!r}.", code="unknown_notification") from None


def check_params(kind: Kind, params: dict) -> None:
    """Every parameter the kind's templates use must be given (account_number may come from the projection)."""
    missing = [p for p in kind.params if p not in params and p != "account_number"]
    if missing:
        raise InvalidInput(f"{kind.code}: no {', '.join(missing)}", code="malformed_notice")


def category_of(code: str) -> Category:
    try:
        return CATEGORIES[code]
    except KeyError:
        raise InvalidInput("Неизвестная категория уведомлений.", code="unknown_category",
                           fields={"category": "Неизвестная категория."}) from None


def channels_of(category: str) -> tuple[str, ...]:
    """The channels any kind of the category uses, in CHANNELS order (what the preferences page offers)."""
    used = {c for k in KINDS.values() if k.category == category for c in k.channels}
    return tuple(c for c in CHANNELS if c in used)


def check_change(category: str, channel: str, enabled: bool) -> None:
    """A customer may switch a channel of a category only when the category uses it and it is not locked."""
    cat = category_of(category)
    if channel not in channels_of(category):
        raise InvalidInput("Этот канал не используется для этой категории.", code="unknown_channel",
                           fields={"channel": "Канал не используется."})
    if not enabled and channel in cat.locked:
        raise Rejected(f"Уведомления «{cat.title}» нельзя отключить: они обязательны.", code="notification_locked")
