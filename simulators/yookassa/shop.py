"""The simulated shop's payments, refunds, saved cards and receipts, and the rules YooKassa applies to them.

Statuses: pending (waiting for the card on the hosted page) → waiting_for_capture (capture: false) →
succeeded, or → canceled with `cancellation_details`. Every change of status is announced through
`notify(event, object)`. State is in memory, under one lock: a restarted simulator starts empty.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from simulators.yookassa import shapes
from simulators.yookassa.shapes import ApiError, invalid

CAPTURE_WINDOW = dt.timedelta(days=7)  # a card payment waits for capture at most this long
THREE_DS_CODE = "123"  # the code the simulated 3-D Secure page accepts
FEE_KEPT = Decimal("0.965")  # income_amount: the amount less a 3.5 % fee


@dataclass(frozen=True)
class Card:
    """A test card's number and what the simulated bank does with it."""

    number: str
    outcome: str  # "success", "3ds" or a cancellation reason


TEST_CARDS = {c.number: c for c in (
    Card("5555555555554477", "success"),
    Card("5555555555554444", "3ds"),
    Card("4111111111111111", "general_decline"),
    Card("5555555555554592", "insufficient_funds"),
)}
# Who declined: YooKassa's `cancellation_details.party` for each reason.
PARTY = {"general_decline": "payment_network", "insufficient_funds": "payment_network",
         "card_expired": "payment_network", "3d_secure_failed": "payment_network",
         "expired_on_confirmation": "yoo_money", "expired_on_capture": "yoo_money",
         "canceled_by_merchant": "merchant", "fraud_suspected": "yoo_money"}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(kind: str) -> str:
    """YooKassa-looking ids: `2f1a3b4c-000f-5000-9000-1c2d3e4f5a6b` (payments), `-0015-` for refunds."""
    h = secrets.token_hex(12)
    return f"{h[:8]}-{kind}-5000-{secrets.choice('89ab')}{h[8:11]}-{h[11:23]}"


def rub(value: Decimal) -> dict:
    return {"value": f"{value:.2f}", "currency": "RUB"}


def luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def card_type(number: str) -> str:
    return {"2": "Mir", "4": "Visa", "5": "MasterCard"}.get(number[:1], "Unknown")


class Shop:
    """One shop's data and the operations of the API and of the hosted payment page."""

    def __init__(self, notify: Callable[[str, dict], None], *, receipt_required: bool = True) -> None:
        self.notify = notify
        self.receipt_required = receipt_required
        self.lock = threading.RLock()
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.methods: dict[str, dict] = {}  # saved cards by payment_method id
        self.receipts: list[dict] = []
        self.declines: dict[str, str] = {}  # payment_method id -> reason its next charges are declined with

    # -- the API -------------------------------------------------------------

    def create_payment(self, body: dict, page_url: Callable[[str], str]) -> dict:
        total = shapes.amount(body.get("amount"))
        description = shapes.text(body, "description", 128)
        metadata = shapes.metadata(body.get("metadata"))
        capture, save = shapes.flag(body, "capture"), shapes.flag(body, "save_payment_method")
        method_id = body.get("payment_method_id")
        return_url = None
        if method_id is None:
            return_url = shapes.confirmation(body.get("confirmation"))
        elif not isinstance(method_id, str) or method_id not in self.methods:
            raise invalid("Payment method is not found or not saved", "payment_method_id")
        if body.get("receipt") is not None or self.receipt_required:
            shapes.receipt(body.get("receipt"), total)
        payment_id = new_id("000f")
        payment = {
            "id": payment_id, "status": "pending", "paid": False, "amount": rub(total),
            "created_at": now(), "description": description, "metadata": metadata or {},
            "recipient": {"account_id": "100500", "gateway_id": "100700"},
            "refundable": False, "test": True,
        }
        if return_url:
            payment["confirmation"] = {"type": "redirect", "return_url": return_url,
                                       "confirmation_url": page_url(payment_id)}
        payment = {k: v for k, v in payment.items() if v is not None}
        with self.lock:
            self.payments[payment_id] = {"public": payment, "capture": capture, "save": save,
                                         "receipt": body.get("receipt")}
            if method_id is not None:  # autopay: the saved card is charged without the customer
                method = self.methods[method_id]
                payment["payment_method"] = dict(method)
                reason = self.declines.get(method_id) or (
                    "card_expired" if _expired(method["card"]) else None)
                self._settle(payment_id, reason)
            return _copy(payment)

    def payment(self, payment_id: str) -> dict:
        with self.lock:
            return _copy(self._payment(payment_id)["public"])

    def capture(self, payment_id: str, body: dict) -> dict:
        with self.lock:
            record = self._payment(payment_id)
            payment = record["public"]
            if payment["status"] == "succeeded":
                return _copy(payment)  # a repeated capture changes nothing
            if payment["status"] != "waiting_for_capture":
                raise invalid(f"Payment is in status {payment['status']}, it cannot be captured")
            if body.get("amount") is not None:
                value = shapes.amount(body["amount"])
                if value > Decimal(payment["amount"]["value"]):
                    raise invalid("Capture amount is greater than the payment amount", "amount.value")
                payment["amount"] = rub(value)
            self._succeed(payment_id)
            return _copy(payment)

    def cancel(self, payment_id: str) -> dict:
        with self.lock:
            payment = self._payment(payment_id)["public"]
            if payment["status"] == "canceled":
                return _copy(payment)
            if payment["status"] != "waiting_for_capture":
                raise invalid(f"Payment is in status {payment['status']}, it cannot be canceled")
            self._cancel(payment_id, "canceled_by_merchant")
            return _copy(payment)

    def refund(self, body: dict) -> dict:
        payment_id = body.get("payment_id")
        if not isinstance(payment_id, str):
            raise invalid("Payment id is missing", "payment_id")
        value = shapes.amount(body.get("amount"))
        description = shapes.text(body, "description", 250)
        with self.lock:
            if payment_id not in self.payments:
                raise invalid("Payment not found", "payment_id")
            record = self.payments[payment_id]
            payment = record["public"]
            if payment["status"] != "succeeded":
                raise invalid(f"Payment is in status {payment['status']}, it cannot be refunded", "payment_id")
            refunded = Decimal(payment.get("refunded_amount", rub(Decimal(0)))["value"])
            left = Decimal(payment["amount"]["value"]) - refunded
            if value > left:
                raise invalid(f"Refund amount exceeds the refundable amount ({left:.2f})", "amount.value")
            if body.get("receipt") is not None or (self.receipt_required and record["receipt"] is not None):
                shapes.receipt(body.get("receipt"), value)
            refund = {"id": new_id("0015"), "payment_id": payment_id, "status": "succeeded",
                      "created_at": now(), "amount": rub(value)}
            if description:
                refund["description"] = description
            if body.get("receipt") is not None:
                refund["receipt_registration"] = "succeeded"
                self._register_receipt("refund", body["receipt"], payment_id, refund["id"])
            self.refunds[refund["id"]] = refund
            payment["refunded_amount"] = rub(refunded + value)
            payment["refundable"] = refunded + value < Decimal(payment["amount"]["value"])
            self.notify("refund.succeeded", _copy(refund))
            return _copy(refund)

    def get_refund(self, refund_id: str) -> dict:
        with self.lock:
            if refund_id not in self.refunds:
                raise ApiError(404, "not_found", "Refund not found")
            return _copy(self.refunds[refund_id])

    def payment_method(self, method_id: str) -> dict:
        with self.lock:
            if method_id not in self.methods:
                raise ApiError(404, "not_found", "Payment method not found")
            return _copy(self.methods[method_id] | {"status": "active"})

    def receipts_of(self, payment_id: str | None, refund_id: str | None) -> list[dict]:
        with self.lock:
            return [_copy(r) for r in self.receipts
                    if (payment_id is None or r.get("payment_id") == payment_id)
                    and (refund_id is None or r.get("refund_id") == refund_id)]

    # -- the hosted page -----------------------------------------------------

    def pay_by_card(self, payment_id: str, number: str, month: int, year: int) -> str:
        """The customer submitted a card: "3ds" (the code page comes next) or the payment's new status."""
        with self.lock:
            payment = self._payment(payment_id)["public"]
            if payment["status"] != "pending":
                return payment["status"]
            card = {"first6": number[:6], "last4": number[-4:], "expiry_month": f"{month:02d}",
                    "expiry_year": str(year), "card_type": card_type(number), "issuer_country": "RU"}
            payment["payment_method"] = {"type": "bank_card", "id": payment_id, "saved": False,
                                         "title": f"Bank card *{number[-4:]}", "card": card}
            outcome = TEST_CARDS[number].outcome if number in TEST_CARDS else "success"
            if _expired(card):
                outcome = "card_expired"
            if outcome == "3ds":
                return "3ds"
            self._settle(payment_id, None if outcome == "success" else outcome)
            return payment["status"]

    def confirm_3ds(self, payment_id: str, code: str) -> str:
        with self.lock:
            payment = self._payment(payment_id)["public"]
            if payment["status"] != "pending" or "payment_method" not in payment:
                return payment["status"]
            ok = code.strip() == THREE_DS_CODE
            self._settle(payment_id, None if ok else "3d_secure_failed", three_d_secure=True)
            return payment["status"]

    # -- the simulator's own controls ----------------------------------------

    def expire(self, payment_id: str) -> dict:
        """The customer never paid (pending) or the shop never captured (waiting_for_capture)."""
        with self.lock:
            status = self._payment(payment_id)["public"]["status"]
            if status in ("pending", "waiting_for_capture"):
                self._cancel(payment_id, "expired_on_confirmation" if status == "pending" else "expired_on_capture")
            return self.payment(payment_id)

    def list_payments(self) -> list[dict]:
        with self.lock:
            return [_copy(r["public"]) for r in self.payments.values()]

    # -- internals -----------------------------------------------------------

    def _payment(self, payment_id: str) -> dict:
        if payment_id not in self.payments:
            raise ApiError(404, "not_found", "Payment not found")
        return self.payments[payment_id]

    def _settle(self, payment_id: str, decline: str | None, three_d_secure: bool = False) -> None:
        """The bank answered: declined with `decline`, or authorised (then captured at once if capture: true)."""
        record = self.payments[payment_id]
        payment = record["public"]
        if decline:
            self._cancel(payment_id, decline)
            return
        payment["authorization_details"] = {"rrn": f"{secrets.randbelow(10**12):012d}",
                                            "auth_code": f"{secrets.randbelow(10**6):06d}",
                                            "three_d_secure": {"applied": three_d_secure}}
        if record["save"] and payment["payment_method"]["id"] == payment_id:
            payment["payment_method"]["saved"] = True
            self.methods[payment_id] = _copy(payment["payment_method"])
        if record["capture"]:
            self._succeed(payment_id)
        else:
            payment.update(status="waiting_for_capture", paid=True,
                           expires_at=(dt.datetime.now(dt.UTC) + CAPTURE_WINDOW).isoformat(timespec="milliseconds")
                           .replace("+00:00", "Z"))
            self.notify("payment.waiting_for_capture", _copy(payment))

    def _succeed(self, payment_id: str) -> None:
        record = self.payments[payment_id]
        payment = record["public"]
        payment.pop("expires_at", None)
        income = (Decimal(payment["amount"]["value"]) * FEE_KEPT).quantize(Decimal("0.01"))
        payment.update(status="succeeded", paid=True, refundable=True, captured_at=now(),
                       income_amount=rub(income), refunded_amount=rub(Decimal(0)))
        if record["receipt"] is not None:
            payment["receipt_registration"] = "succeeded"
            self._register_receipt("payment", record["receipt"], payment_id)
        self.notify("payment.succeeded", _copy(payment))

    def _cancel(self, payment_id: str, reason: str) -> None:
        payment = self.payments[payment_id]["public"]
        payment.pop("expires_at", None)
        payment.update(status="canceled", paid=False, refundable=False,
                       cancellation_details={"party": PARTY.get(reason, "payment_network"), "reason": reason})
        self.notify("payment.canceled", _copy(payment))

    def _register_receipt(self, kind: str, receipt: dict, payment_id: str, refund_id: str | None = None) -> None:
        number = len(self.receipts) + 1
        self.receipts.append({
            "id": new_id("0019"), "type": kind, "payment_id": payment_id,
            **({"refund_id": refund_id} if refund_id else {}),
            "status": "succeeded", "fiscal_document_number": str(3985 + number),
            "fiscal_storage_number": "9288000100115786", "fiscal_attribute": str(2617603921 + number),
            "registered_at": now(), "fiscal_provider_id": "fd9e9ab0-000f-5000-8000-000000000001",
            "items": receipt.get("items", []),
        })


def _expired(card: dict) -> bool:
    today = dt.date.today()
    return (int(card["expiry_year"]), int(card["expiry_month"])) < (today.year, today.month)


def _copy(value: dict) -> dict:
    """A deep copy of plain JSON data, so that callers never hold the shop's own objects."""
    return json.loads(json.dumps(value))
