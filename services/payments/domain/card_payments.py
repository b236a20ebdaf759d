"""Card payments through the provider, as plain rules: what a payment is made of (accounts × buckets), its
limits, the 54-ФЗ receipt sent with it, the provider's cancellation reasons in Russian, the return URL, the
ledger's external ids, and the request fingerprint of an idempotency key."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from kabinet_vocabulary import LEDGER_BUCKET, PAYMENT_CHANNEL, PAYMENT_STATUS

from kit.errors import InvalidInput

PENDING, SUCCEEDED, CANCELED = PAYMENT_STATUS.PENDING, PAYMENT_STATUS.SUCCEEDED, PAYMENT_STATUS.CANCELED
CABINET, PUBLIC, AUTOPAY = PAYMENT_CHANNEL.CABINET, PAYMENT_CHANNEL.PUBLIC, PAYMENT_CHANNEL.AUTOPAY
ENERGY, PENALTIES = LEDGER_BUCKET.ENERGY, LEDGER_BUCKET.PENALTIES
CHANNELS = (CABINET, PUBLIC, AUTOPAY)

MAX_ACCOUNTS = 20                 # accounts in one payment
MIN_TOTAL_KOP = 100               # 1 ₽: the acquirer's minimum
MAX_TOTAL_KOP = 60_000_000        # 600 000 ₽: a card payment's ceiling
PROVIDER = "yookassa"
ID_NAMESPACE = uuid.UUID("6f1b0c1e-6c55-4c1a-9e4e-6b2d8a0c7a10")

# YooKassa's cancellation_details.reason -> what the customer reads.
CANCEL_REASONS = {
    "3d_secure_failed": "Не пройдена проверка 3-D Secure: код подтверждения не введён или введён неверно.",
    "call_issuer": "Банк, выпустивший карту, отклонил платёж. Обратитесь в банк.",
    "canceled_by_merchant": "Платёж отменён.",
    "card_expired": "Истёк срок действия карты.",
    "country_forbidden": "Оплата картой, выпущенной в этой стране, невозможна.",
    "expired_on_capture": "Истекло время подтверждения платежа.",
    "expired_on_confirmation": "Оплата не завершена вовремя: время на подтверждение платежа истекло.",
    "fraud_suspected": "Платёж заблокирован из-за подозрения в мошенничестве.",
    "general_decline": "Банк отклонил платёж. Попробуйте другую карту или обратитесь в банк.",
    "identification_required": "Кошелёк не идентифицирован: оплата невозможна.",
    "insufficient_funds": "Недостаточно средств на карте.",
    "internal_timeout": "Технический сбой при проведении платежа. Попробуйте ещё раз.",
    "invalid_card_number": "Неверный номер карты.",
    "invalid_csc": "Неверный код CVC/CVV.",
    "issuer_unavailable": "Банк, выпустивший карту, недоступен. Попробуйте позже.",
    "payment_method_limit_exceeded": "Превышен лимит платежей по карте.",
    "payment_method_restricted": "Операции по карте запрещены. Обратитесь в банк.",
    "permission_revoked": "Разрешение на списание с сохранённой карты отозвано.",
    "unsupported_mobile_operator": "Оплата через этого оператора связи невозможна.",
}
UNKNOWN_REASON = "Платёж не прошёл. Попробуйте ещё раз или другую карту."
STATUS_TEXT = {PENDING: "в обработке", SUCCEEDED: "проведён", CANCELED: "отменён"}
BUCKET_TEXT = {ENERGY: "Электроэнергия", PENALTIES: "Пени"}


def cancel_message(reason: str) -> str:
    """The Russian text of a provider's cancellation reason (a general one for a reason we do not know)."""
    return CANCEL_REASONS.get(reason, UNKNOWN_REASON)


@dataclass(frozen=True)
class Item:
    """One account × bucket of a payment: what reaches that bucket of that account's ledger."""

    account_id: str
    bucket: str
    amount_kop: int


@dataclass(frozen=True)
class AccountAmounts:
    """What the payer asks to pay on one account: energy and penalties separately."""

    account_id: str
    energy_kop: int
    penalties_kop: int


def payment_items(lines: list[AccountAmounts] | tuple[AccountAmounts, ...]) -> tuple[Item, ...]:
    """The items of a payment: one per account and bucket with a positive amount, accounts in the order
    given; every problem at once (`invalid_input` by field `items.<i>.…`). The total is 1 ₽ … 600 000 ₽."""
    problems: dict[str, str] = {}
    if not lines:
        problems["items"] = "Укажите хотя бы один лицевой счёт."
    if len(lines) > MAX_ACCOUNTS:
        problems["items"] = f"Не больше {MAX_ACCOUNTS} лицевых счетов в одном платеже."
    seen: set[str] = set()
    items: list[Item] = []
    for i, line in enumerate(lines):
        if line.account_id in seen:
            problems[f"items.{i}.account_id"] = "Этот лицевой счёт уже указан."
        seen.add(line.account_id)
        for bucket, amount in ((ENERGY, line.energy_kop), (PENALTIES, line.penalties_kop)):
            if not isinstance(amount, int) or amount < 0:
                problems[f"items.{i}.{bucket}_kop"] = "Сумма — целое неотрицательное число копеек."
            elif amount > 0:
                items.append(Item(line.account_id, bucket, amount))
        if line.energy_kop == 0 and line.penalties_kop == 0:
            problems.setdefault(f"items.{i}.energy_kop", "Укажите сумму к оплате.")
    total = sum(item.amount_kop for item in items)
    if not problems and not MIN_TOTAL_KOP <= total <= MAX_TOTAL_KOP:
        problems["items"] = (f"Сумма платежа — от {rub_text(MIN_TOTAL_KOP)} до {rub_text(MAX_TOTAL_KOP)} ₽.")
    if problems:
        raise InvalidInput("Проверьте суммы платежа.", code="invalid_input", fields=problems)
    return tuple(items)


def rub_text(kop: int) -> str:
    """Kopecks as the provider's decimal rubles: 12345 -> "123.45"."""
    sign = "-" if kop < 0 else ""
    return f"{sign}{abs(kop) // 100}.{abs(kop) % 100:02d}"


def kop_of(value: str) -> int:
    """The provider's decimal rubles -> kopecks ("123.45" -> 12345)."""
    return int((Decimal(value) * 100).to_integral_value())


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def receipt_contact(email: str = "", phone: str = "") -> dict:
    """The buyer's contact the 54-ФЗ receipt is sent to: an e-mail, or a Russian phone as 7XXXXXXXXXX."""
    email, phone = (email or "").strip(), (phone or "").strip()
    if email:
        if len(email) > 254 or not EMAIL.match(email):
            raise InvalidInput("Проверьте адрес для чека.", fields={"receipt.email": "Неверный адрес e-mail."})
        return {"email": email}
    if phone:
        digits = "".join(c for c in phone if c.isdigit())
        if len(digits) == 11 and digits[0] in "78":
            return {"phone": "7" + digits[1:]}
        if len(digits) == 10 and digits[0] == "9":
            return {"phone": "7" + digits}
        raise InvalidInput("Проверьте телефон для чека.", fields={"receipt.phone": "Телефон в формате +7 …"})
    raise InvalidInput("Укажите e-mail или телефон для чека.",
                       fields={"receipt.email": "Чек по 54-ФЗ отправляется на e-mail или телефон."})


def item_description(item: Item, account_number: str) -> str:
    """A receipt line: «Электроэнергия, л/с 12-345678» (at most 128 characters, the provider's limit)."""
    return f"{BUCKET_TEXT[item.bucket]}, л/с {account_number or item.account_id}"[:128]


def receipt(items: tuple[Item, ...] | list[Item], *, contact: dict, numbers: dict[str, str], vat_code: int) -> dict:
    """The 54-ФЗ receipt sent with a payment (or a refund): the buyer's contact and one line per item, quantity
    1 at the item's amount, so the lines add up to the payment's amount exactly. Energy is a commodity
    (payment_subject «commodity», ГК РФ ст. 539), penalties a «fine»; the payment settles energy consumed in
    full («full_payment»)."""
    return {"customer": dict(contact), "items": [{
        "description": item_description(item, numbers.get(item.account_id, "")),
        "quantity": "1.00",
        "amount": {"value": rub_text(item.amount_kop), "currency": "RUB"},
        "vat_code": vat_code,
        "payment_subject": "commodity" if item.bucket == ENERGY else "fine",
        "payment_mode": "full_payment",
    } for item in items]}


# YooKassa's vat_code -> the share of VAT in a price that includes it (numerator, denominator).
VAT_SHARE = {1: (0, 1), 2: (0, 1), 3: (10, 110), 4: (20, 120), 5: (10, 110), 6: (20, 120), 7: (5, 105),
             8: (7, 107), 9: (5, 105), 10: (7, 107), 11: (22, 122), 12: (22, 122)}


def vat_kop(amount_kop: int, vat_code: int) -> int:
    """The VAT inside a receipt line's amount (the price includes it), rounded half up to the kopeck."""
    numerator, denominator = VAT_SHARE.get(vat_code, (0, 1))
    return (2 * amount_kop * numerator + denominator) // (2 * denominator)


def receipt_total_kop(receipt_body: dict) -> int:
    """What a receipt's lines add up to (price × quantity each), in kopecks."""
    return sum(kop_of(str(Decimal(line["amount"]["value"]) * Decimal(line["quantity"])))
               for line in receipt_body["items"])


def description(numbers: list[str]) -> str:
    """The payment's description at the provider (≤ 128 characters)."""
    text = "Оплата электроэнергии, л/с " + ", ".join(n for n in numbers if n)
    return text if len(text) <= 128 else text[:125] + "..."


RETURN_PATH = re.compile(r"^/[A-Za-z0-9/_\-.~%?=&]*$")


def return_url(public_url: str, path: str, payment_id: str) -> str:
    """Where the payment page sends the customer back: a path of the cabinet's own origin only (never another
    site), with the payment's id; "" = the cabinet's payment page."""
    path = path or "/payments"
    if not RETURN_PATH.match(path) or path.startswith("//") or len(path) > 500:
        raise InvalidInput("Неверный адрес возврата.", fields={"return_path": "Путь страницы кабинета, от «/»."})
    joiner = "&" if "?" in path else "?"
    return f"{public_url.rstrip('/')}{path}{joiner}payment_id={payment_id}"


def ledger_external_id(provider_payment_id: str, item: Item) -> str:
    """The ledger's once-only key of a paid item: `yookassa:<provider payment id>:<account>:<bucket>`."""
    return f"{PROVIDER}:{provider_payment_id}:{item.account_id}:{item.bucket}"


def refund_external_id(provider_refund_id: str) -> str:
    return f"{PROVIDER}-refund:{provider_refund_id}"


def request_hash(**request) -> str:
    """The fingerprint of a create request: the same idempotency key with another request is refused."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def payment_id_for(scope: str, idempotency_key: str) -> str:
    """A payment's id: fixed by its idempotency key (so a retry asks the provider with the same key and gets
    the same payment), random without one."""
    if not idempotency_key:
        return str(uuid.uuid4())
    return str(uuid.uuid5(ID_NAMESPACE, f"{scope}\0{idempotency_key}"))


def ledger_description(channel: str) -> str:
    return {CABINET: "Оплата картой в личном кабинете", PUBLIC: "Оплата картой без входа в кабинет",
            AUTOPAY: "Автоплатёж"}.get(channel, "Оплата картой")


@dataclass(frozen=True)
class SavedMethod:
    """The card a payment was made with, as the provider shows it."""

    method_id: str
    saved: bool
    title: str = ""
    first6: str = ""
    last4: str = ""
    expiry_month: str = ""
    expiry_year: str = ""
    card_type: str = ""

    @property
    def masked(self) -> str:
        """«5555 55** **** 4477»: the first six and the last four digits only (PCI DSS)."""
        if not (self.first6 and self.last4):
            return self.title
        return f"{self.first6[:4]} {self.first6[4:6]}** **** {self.last4}"


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider reports it (re-fetched: the only status we believe)."""

    provider_payment_id: str
    status: str                     # the provider's: pending, waiting_for_capture, succeeded, canceled
    amount_kop: int
    metadata: dict = field(default_factory=dict)
    confirmation_url: str = ""
    cancel_reason: str = ""
    cancel_party: str = ""
    method: SavedMethod | None = None
    refunded_kop: int = 0


@dataclass(frozen=True)
class ProviderRefund:
    provider_refund_id: str
    payment_id: str
    status: str                     # pending, succeeded, canceled
    amount_kop: int


@dataclass(frozen=True)
class PaymentView:
    """A card payment as the payer sees it."""

    payment_id: str
    status: str
    channel: str
    amount_kop: int
    items: tuple[Item, ...]
    created_at: dt.datetime
    user_id: str | None = None
    provider_payment_id: str = ""
    confirmation_url: str = ""
    cancel_reason: str = ""
    cancel_message: str = ""
    succeeded_at: dt.datetime | None = None
    card: str = ""
    refunded_kop: int = 0
    numbers: dict[str, str] = field(default_factory=dict, compare=False)  # account id -> its number, as paid

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


def outcome(row_status: str, fetched: ProviderPayment, *, payment_id: str, amount_kop: int) -> str:
    """What a re-fetched provider payment does to our pending payment: "succeeded", "canceled", "pending"
    (nothing yet), "final" (ours is settled already: nothing), or "mismatch" (the provider's payment is not
    this one — another amount or metadata: nothing, and it is logged)."""
    if fetched.metadata.get("payment_id") != payment_id or fetched.amount_kop != amount_kop:
        return "mismatch"
    if row_status != PENDING:
        return "final"
    if fetched.status == "succeeded":
        return SUCCEEDED
    if fetched.status == "canceled":
        return CANCELED
    return PENDING


def source_allowed(source_ip: str, networks: tuple[str, ...] | list[str]) -> bool:
    """Is the notification's sender in one of the provider's documented networks?"""
    try:
        address = ipaddress.ip_address(source_ip.strip())
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


def parse_notification(body: bytes) -> tuple[str, str]:
    """(event, object id) of a YooKassa notification `{"type": "notification", "event", "object": {"id"}}`;
    anything else is `invalid_input`. What it says of the status is never used."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    data = data if isinstance(data, dict) else {}
    obj, event = data.get("object"), data.get("event")
    object_id = obj.get("id") if isinstance(obj, dict) else None
    if (data.get("type") != "notification" or not isinstance(event, str) or len(event) > 64
            or not isinstance(object_id, str) or not 0 < len(object_id) <= 100):
        raise InvalidInput("Это не уведомление платёжного сервиса.", code="invalid_notification")
    return event, object_id
