"""YooKassa API v3 over plain HTTP (`requests`): payments, refunds, receipts.

Basic auth shopId:secretKey; every POST carries an `Idempotence-Key`, and a 500 or a timeout is retried a
little with the same key (YooKassa does not remember a 500). A technical break (500 with `retry_after`) is
not retried: it opens the circuit breaker for as long as the provider said. While the breaker is open every
call fails at once with `provider_unavailable` — no request leaves, nothing is created.
"""

from __future__ import annotations

import logging
import time

import requests

from kit.breaker import CircuitBreaker
from services.payments.domain.card_payments import (
    ProviderPayment,
    ProviderRefund,
    SavedMethod,
    kop_of,
    rub_text,
)
from services.payments.service_layer.provider import (
    Availability,
    PaymentRequest,
    ProviderNotFound,
    provider_rejected,
    provider_unavailable,
)

log = logging.getLogger("payments.yookassa")
RETRY_DELAYS = (0.2, 0.6)           # seconds before the 2nd and the 3rd attempt
PROBE_EVERY = 15.0                  # seconds an availability answer is kept
PROBE_ID = "00000000-0000-0000-0000-000000000000"
BREAK_MESSAGE = ("Оплата картой временно недоступна: у платёжного сервиса технические работы. "
                 "Попробуйте позже — деньги не списаны.")


class TransientError(Exception):
    def __init__(self, what: str, retry_after: float | None = None) -> None:
        super().__init__(what)
        self.retry_after = retry_after


class YooKassa:
    name = "yookassa"

    def __init__(self, base_url: str, shop_id: str, secret_key: str, *, timeout: float = 10.0,
                 breaker: CircuitBreaker | None = None, session: requests.Session | None = None,
                 sleep=time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.breaker = breaker or CircuitBreaker("yookassa")
        self.http = session or requests.Session()
        self.http.auth = (shop_id, secret_key)
        self._sleep = sleep
        self._probe: tuple[float, Availability] | None = None
        self._in_break = False

    # -- the port --------------------------------------------------------------------------------

    def create_payment(self, request: PaymentRequest, *, idempotency_key: str) -> ProviderPayment:
        body: dict = {"amount": {"value": rub_text(request.amount_kop), "currency": "RUB"}, "capture": True,
                      "description": request.description, "metadata": {"payment_id": request.payment_id}}
        if request.method_id:
            body["payment_method_id"] = request.method_id  # a saved card: charged at once, no page
        else:
            body["confirmation"] = {"type": "redirect", "return_url": request.return_url}
            body["save_payment_method"] = request.save_card
        if request.receipt is not None:
            body["receipt"] = request.receipt
        return payment_from_api(self._call("POST", "/payments", body, idempotency_key=idempotency_key))

    def get_payment(self, provider_payment_id: str) -> ProviderPayment:
        return payment_from_api(self._call("GET", f"/payments/{provider_payment_id}"))

    def create_refund(self, provider_payment_id: str, *, amount_kop: int, description: str, receipt: dict | None,
                      idempotency_key: str) -> ProviderRefund:
        body: dict = {"payment_id": provider_payment_id, "amount": {"value": rub_text(amount_kop), "currency": "RUB"},
                      "description": description[:250]}
        if receipt is not None:
            body["receipt"] = receipt
        return refund_from_api(self._call("POST", "/refunds", body, idempotency_key=idempotency_key))

    def get_refund(self, provider_refund_id: str) -> ProviderRefund:
        return refund_from_api(self._call("GET", f"/refunds/{provider_refund_id}"))

    def receipts(self, provider_payment_id: str) -> list[dict]:
        return list(self._call("GET", "/receipts", params={"payment_id": provider_payment_id}).get("items", []))

    def availability(self) -> Availability:
        """Down while the breaker is open; otherwise a cheap probe (a GET of a payment nobody has: 404 is
        "up"), kept for PROBE_EVERY seconds so a busy dashboard does not hammer the provider."""
        if self.breaker.open_for() > 0:
            return Availability(False, BREAK_MESSAGE if self._in_break else provider_unavailable().message)
        now = time.monotonic()
        if self._probe is not None and now - self._probe[0] < PROBE_EVERY:
            return self._probe[1]
        try:
            self.get_payment(PROBE_ID)
            answer = Availability(True)
        except ProviderNotFound:
            answer = Availability(True)
        except Exception as exc:  # noqa: BLE001 - any failure means "not now"
            answer = Availability(False, getattr(exc, "message", "") or provider_unavailable().message)
        self._probe = (now, answer)
        return answer

    # -- HTTP --------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | None = None, *, idempotency_key: str = "",
              params: dict | None = None) -> dict:
        if not self.breaker.allow():
            raise provider_unavailable(BREAK_MESSAGE if self._in_break else provider_unavailable().message)
        headers = {"Idempotence-Key": idempotency_key} if method == "POST" else {}
        error: TransientError | None = None
        for attempt in range(len(RETRY_DELAYS) + 1):
            if attempt:
                self._sleep(RETRY_DELAYS[attempt - 1])
            try:
                answer = self._once(method, path, body, headers, params)
            except TransientError as exc:
                error = exc
                if exc.retry_after is not None:
                    break  # a technical break: do not knock again until it ends
                continue
            except Exception:
                self.breaker.success()  # it answered, if not what we wanted: the provider is up
                self._in_break = False
                raise
            self.breaker.success()
            self._in_break = False
            return answer
        assert error is not None
        self._in_break = error.retry_after is not None
        self.breaker.failure(error.retry_after)
        log.warning("yookassa unavailable", extra={"ctx_path": path, "ctx_error": str(error)})
        raise provider_unavailable(BREAK_MESSAGE if self._in_break else provider_unavailable().message)

    def _once(self, method: str, path: str, body: dict | None, headers: dict, params: dict | None) -> dict:
        try:
            response = self.http.request(method, self.base_url + path, json=body, headers=headers, params=params,
                                         timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            retry_after = _retry_after(response)
            raise TransientError(f"HTTP {response.status_code}", retry_after)
        data = _json(response)
        if response.status_code == 404:
            raise ProviderNotFound(path)
        if response.status_code >= 400:
            log.error("yookassa refused", extra={"ctx_path": path, "ctx_status": response.status_code,
                                                 "ctx_code": data.get("code"), "ctx_parameter": data.get("parameter")})
            raise provider_rejected(str(data.get("description") or data.get("code") or response.status_code))
        return data


def _json(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _retry_after(response: requests.Response) -> float | None:
    """Seconds of a technical break: the body's retry_after (ms) or the Retry-After header (s)."""
    body = _json(response)
    if isinstance(body.get("retry_after"), int | float):
        return body["retry_after"] / 1000
    header = response.headers.get("Retry-After", "")
    return float(header) if header.isdigit() else None


def payment_from_api(data: dict) -> ProviderPayment:
    method = data.get("payment_method") or None
    card = (method or {}).get("card") or {}
    cancel = data.get("cancellation_details") or {}
    return ProviderPayment(
        provider_payment_id=str(data.get("id", "")), status=str(data.get("status", "")),
        amount_kop=kop_of(data.get("amount", {}).get("value", "0")),
        metadata=dict(data.get("metadata") or {}),
        confirmation_url=(data.get("confirmation") or {}).get("confirmation_url", ""),
        cancel_reason=cancel.get("reason", ""), cancel_party=cancel.get("party", ""),
        method=SavedMethod(method_id=str(method.get("id", "")), saved=bool(method.get("saved")),
                           title=str(method.get("title", "")), first6=str(card.get("first6", "")),
                           last4=str(card.get("last4", "")), expiry_month=str(card.get("expiry_month", "")),
                           expiry_year=str(card.get("expiry_year", "")), card_type=str(card.get("card_type", "")))
        if method else None,
        refunded_kop=kop_of((data.get("refunded_amount") or {}).get("value", "0")))


def refund_from_api(data: dict) -> ProviderRefund:
    return ProviderRefund(provider_refund_id=str(data.get("id", "")), payment_id=str(data.get("payment_id", "")),
                          status=str(data.get("status", "")),
                          amount_kop=kop_of(data.get("amount", {}).get("value", "0")))


def provider_from_config(config) -> YooKassa:
    """The adapter a payments process uses (its settings: services/payments/config.py)."""
    return YooKassa(config.yookassa_url, config.yookassa_shop_id, config.yookassa_secret_key,
                    timeout=config.yookassa_timeout,
                    breaker=CircuitBreaker("yookassa", failure_threshold=config.breaker_failures,
                                           reset_after=config.breaker_reset_seconds))
