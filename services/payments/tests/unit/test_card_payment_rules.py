"""Card payments' plain rules: amounts split into account × bucket items, the 54-ФЗ receipt adding up to the
amount, the provider's reasons in Russian, the terminal's masking, the return URL, the notification's source
and shape, the outcome of a re-fetched payment, and the adapter's breaker and retries over a fake HTTP session."""

from __future__ import annotations

import pytest
import requests

from kit.breaker import CircuitBreaker
from kit.errors import InvalidInput, Rejected, Unavailable
from services.payments.adapters.yookassa import YooKassa
from services.payments.config import LOOPBACK, YOOKASSA_NETWORKS
from services.payments.domain import card_payments as rules
from services.payments.domain.card_payments import AccountAmounts, Item, ProviderPayment, SavedMethod
from services.payments.domain.terminal import TerminalView, address_part, masked_holder
from services.payments.service_layer.provider import PaymentRequest, ProviderNotFound

A, B = "a" * 8, "b" * 8


def test_amounts_become_items_per_account_and_bucket():
    items = rules.payment_items([AccountAmounts(A, 140000, 12050), AccountAmounts(B, 30000, 0)])
    assert items == (Item(A, "energy", 140000), Item(A, "penalties", 12050), Item(B, "energy", 30000))


@pytest.mark.parametrize(("lines", "field"), [
    ([], "items"),
    ([AccountAmounts(A, 0, 0)], "items.0.energy_kop"),
    ([AccountAmounts(A, -5, 100)], "items.0.energy_kop"),
    ([AccountAmounts(A, 100, 0), AccountAmounts(A, 100, 0)], "items.1.account_id"),
    ([AccountAmounts(A, 99, 0)], "items"),
    ([AccountAmounts(A, rules.MAX_TOTAL_KOP, 1)], "items"),
])
def test_bad_amounts_are_refused_by_field(lines, field):
    with pytest.raises(InvalidInput) as refused:
        rules.payment_items(lines)
    assert field in refused.value.fields


def test_the_receipt_has_a_line_per_item_and_adds_up_to_the_amount():
    items = rules.payment_items([AccountAmounts(A, 140001, 12050), AccountAmounts(B, 33, 0)])
    receipt = rules.receipt(items, contact={"email": "x@example.ru"}, numbers={A: "12-1"}, vat_code=11)
    assert rules.receipt_total_kop(receipt) == sum(i.amount_kop for i in items) == 152084
    assert [line["description"] for line in receipt["items"]] == [
        "Электроэнергия, л/с 12-1", "Пени, л/с 12-1", f"Электроэнергия, л/с {B}"]
    assert {line["payment_subject"] for line in receipt["items"]} == {"commodity", "fine"}
    assert receipt["items"][0]["amount"] == {"value": "1400.01", "currency": "RUB"}
    assert receipt["customer"] == {"email": "x@example.ru"}


@pytest.mark.parametrize(("email", "phone", "contact"), [
    ("x@example.ru", "", {"email": "x@example.ru"}), ("", "+7 (912) 345-67-89", {"phone": "79123456789"}),
    ("", "89123456789", {"phone": "79123456789"}), ("", "9123456789", {"phone": "79123456789"})])
def test_the_receipt_contact(email, phone, contact):
    assert rules.receipt_contact(email, phone) == contact


@pytest.mark.parametrize(("email", "phone"), [("", ""), ("nope", ""), ("", "12345")])
def test_a_receipt_needs_a_contact(email, phone):
    with pytest.raises(InvalidInput):
        rules.receipt_contact(email, phone)


def test_cancellation_reasons_in_russian():
    assert rules.cancel_message("insufficient_funds") == "Недостаточно средств на карте."
    assert "3-D Secure" in rules.cancel_message("3d_secure_failed")
    assert rules.cancel_message("card_expired") == "Истёк срок действия карты."
    assert "Банк отклонил" in rules.cancel_message("general_decline")
    assert "время" in rules.cancel_message("expired_on_confirmation")
    assert rules.cancel_message("something_new") == rules.UNKNOWN_REASON
    assert all(text.endswith(".") for text in rules.CANCEL_REASONS.values())


def test_money_text_both_ways():
    assert rules.rub_text(12345) == "123.45" and rules.rub_text(5) == "0.05" and rules.rub_text(-100) == "-1.00"
    assert rules.kop_of("123.45") == 12345 and rules.kop_of("0.1") == 10


@pytest.mark.parametrize(("holder", "masked"), [
    ("Иванов Пётр Сергеевич", "И*** П***"), ("ООО Ромашка", "О*** Р***"), ("Петрова", "П***"), ("", "")])
def test_the_holder_is_masked(holder, masked):
    assert masked_holder(holder) == masked


@pytest.mark.parametrize(("address", "part"), [
    ("620000, г. Екатеринбург, ул. 8 Марта, д. 5, кв. 12", "г. Екатеринбург, ул. 8 Марта"),
    ("Санкт-Петербург, ул. Пенная, д. 1, кв. 1", "Санкт-Петербург, ул. Пенная"),
    ("г. Москва, ул. Ленина 5, 12", "г. Москва, ул. Ленина"),
    ("г. Казань, пр. Победы, дом 7, корп. 2, стр. 1, кв. 40", "г. Казань, пр. Победы"),
])
def test_the_address_shows_no_house_or_flat(address, part):
    assert address_part(address) == part


def test_the_terminal_s_amount_due():
    view = TerminalView("a", "s", "12-1", "И***", "ул.", 100, 25)
    assert view.amount_due_kop == 125


def test_the_return_url_is_the_cabinet_s_own():
    assert rules.return_url("https://k.example/", "/accounts?x=1", "p1") == "https://k.example/accounts?x=1&payment_id=p1"
    assert rules.return_url("https://k.example", "", "p1") == "https://k.example/payments?payment_id=p1"
    for bad in ("//evil.example", "https://evil.example", "javascript:alert(1)", "/a b"):
        with pytest.raises(InvalidInput):
            rules.return_url("https://k.example", bad, "p1")


def test_the_card_is_masked():
    card = SavedMethod("m", True, first6="555555", last4="4477")
    assert card.masked == "5555 55** **** 4477"


def test_ledger_ids_and_idempotent_ids():
    assert rules.ledger_external_id("pp1", Item(A, "penalties", 1)) == f"yookassa:pp1:{A}:penalties"
    assert rules.refund_external_id("r1") == "yookassa-refund:r1"
    assert rules.payment_id_for("u:1", "k") == rules.payment_id_for("u:1", "k") != rules.payment_id_for("u:2", "k")
    assert rules.payment_id_for("u:1", "") != rules.payment_id_for("u:1", "")
    assert rules.request_hash(a=1, b=[1]) == rules.request_hash(b=[1], a=1) != rules.request_hash(a=2, b=[1])


@pytest.mark.parametrize(("ip", "allowed"), [
    ("185.71.76.1", True), ("77.75.156.11", True), ("77.75.156.12", False), ("2a02:5180::7", True),
    ("127.0.0.1", True), ("::ffff:185.71.77.3", True), ("8.8.8.8", False), ("not an ip", False)])
def test_the_notification_s_source_network(ip, allowed):
    assert rules.source_allowed(ip, YOOKASSA_NETWORKS + LOOPBACK) is allowed


def test_the_notification_s_shape():
    assert rules.parse_notification(b'{"type":"notification","event":"payment.succeeded","object":{"id":"p1"}}') == (
        "payment.succeeded", "p1")
    for bad in (b"", b"[]", b'{"type":"x","event":"e","object":{"id":"p"}}', b'{"type":"notification","event":"e"}',
                b'{"type":"notification","event":"e","object":{"id":5}}', b"\xff"):
        with pytest.raises(InvalidInput):
            rules.parse_notification(bad)


def fetched(status: str, **kw) -> ProviderPayment:
    return ProviderPayment(**{"provider_payment_id": "pp", "status": status, "amount_kop": 100,
                              "metadata": {"payment_id": "p"}} | kw)


@pytest.mark.parametrize(("ours", "theirs", "outcome"), [
    ("pending", fetched("succeeded"), "succeeded"), ("pending", fetched("canceled"), "canceled"),
    ("pending", fetched("pending"), "pending"), ("pending", fetched("waiting_for_capture"), "pending"),
    ("succeeded", fetched("canceled"), "final"), ("canceled", fetched("succeeded"), "final"),
    ("pending", fetched("succeeded", amount_kop=99), "mismatch"),
    ("pending", fetched("succeeded", metadata={"payment_id": "other"}), "mismatch")])
def test_what_a_re_fetched_payment_does(ours, theirs, outcome):
    assert rules.outcome(ours, theirs, payment_id="p", amount_kop=100) == outcome


# -- the adapter over a fake HTTP session ---------------------------------------------------------------------

class Answer:
    def __init__(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
        self.status_code, self._body, self.headers = status, body or {}, headers or {}

    def json(self):
        return self._body


class Http:
    def __init__(self, *answers) -> None:
        self.answers, self.calls = list(answers), []
        self.auth = None

    def request(self, method, url, **kw):
        self.calls.append((method, url, kw))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


PAYMENT = {"id": "pp1", "status": "pending", "amount": {"value": "10.00", "currency": "RUB"},
           "metadata": {"payment_id": "p"}, "confirmation": {"confirmation_url": "https://pay/1"}}


def kassa(http, **breaker) -> YooKassa:
    return YooKassa("https://api.example/v3", "shop", "secret", session=http, sleep=lambda s: None,
                    breaker=CircuitBreaker("t", **({"failure_threshold": 2} | breaker)))


def request() -> PaymentRequest:
    return PaymentRequest(payment_id="p", amount_kop=1000, description="d", receipt=None, return_url="https://r")


def test_a_500_or_a_timeout_is_retried_with_the_same_key():
    http = Http(Answer(500), requests.Timeout("slow"), Answer(200, PAYMENT))
    payment = kassa(http).create_payment(request(), idempotency_key="key-1")
    assert payment.confirmation_url == "https://pay/1" and payment.amount_kop == 1000
    assert [c[2]["headers"]["Idempotence-Key"] for c in http.calls] == ["key-1"] * 3
    body = http.calls[0][2]["json"]
    assert body["capture"] is True and body["metadata"] == {"payment_id": "p"}
    assert body["confirmation"] == {"type": "redirect", "return_url": "https://r"}
    assert http.auth == ("shop", "secret")


def test_the_provider_s_break_opens_the_breaker_and_nothing_more_leaves():
    http = Http(Answer(500, {"type": "error", "code": "internal_server_error", "retry_after": 60000}))
    adapter = kassa(http)
    with pytest.raises(Unavailable) as down:
        adapter.create_payment(request(), idempotency_key="k")
    assert down.value.code == "provider_unavailable" and "технические работы" in down.value.message
    assert len(http.calls) == 1  # a break is not knocked at again
    with pytest.raises(Unavailable):
        adapter.get_payment("pp1")
    assert len(http.calls) == 1
    assert adapter.availability().available is False


def test_an_outage_opens_the_breaker_after_failures_in_a_row():
    http = Http(*[requests.ConnectionError("refused")] * 6)
    adapter = kassa(http)
    for _ in range(2):
        with pytest.raises(Unavailable):
            adapter.get_payment("pp1")
    assert len(http.calls) == 6
    with pytest.raises(Unavailable):
        adapter.get_payment("pp1")
    assert len(http.calls) == 6


def test_refusals_and_unknown_ids_are_not_outages():
    http = Http(Answer(400, {"code": "invalid_request", "description": "bad amount"}), Answer(404, {}),
                Answer(404, {}))
    adapter = kassa(http, failure_threshold=1)
    with pytest.raises(Rejected):
        adapter.create_payment(request(), idempotency_key="k")
    with pytest.raises(ProviderNotFound):
        adapter.get_payment("nope")
    assert adapter.availability().available is True  # the probe's 404 means "up"


def test_the_vat_inside_a_receipt_line():
    assert rules.vat_kop(12200, 11) == 2200 and rules.vat_kop(12000, 4) == 2000 and rules.vat_kop(100, 1) == 0
    assert rules.vat_kop(140000, 11) == 25246  # 1400 × 22/122 = 252.459… ₽


def test_the_receipt_pdf_renders():
    from services.payments.adapters.receipt_pdf import ReceiptDocument, fiscal_lines, render_receipt_pdf

    doc = ReceiptDocument(payment_id="p", provider_payment_id="pp", paid_at="03.12.2026 21:30 (МСК)",
                          sellers=(("АО «Сбыт»", "7841322249"),), lines=(("Электроэнергия, л/с 1", 140000, 11),),
                          total_kop=140000, contact="x@example.ru", card="5555 55** **** 4477",
                          fiscal=fiscal_lines([{"id": "r1", "status": "succeeded", "fiscal_document_number": "1"}]))
    assert render_receipt_pdf(doc).startswith(b"%PDF") and doc.filename == "chek-p.pdf"
    assert fiscal_lines([{"id": "r1", "status": "succeeded", "fiscal_document_number": "1"}]) == (
        "чек r1: зарегистрирован в ФНС, ФД 1",)
