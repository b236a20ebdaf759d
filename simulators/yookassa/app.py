"""The simulator's Flask app: YooKassa API v3 under /v3/, the hosted payment page under /checkout/, and the
/_sim/ control routes for tests.

API rules kept as YooKassa keeps them: HTTP Basic auth with shopId:secretKey (401 invalid_credentials);
every POST needs an `Idempotence-Key` (at most 64 characters, remembered 24 hours): the same key with the same
request gives the first answer again, with a different request 400 invalid_request; a 500 is never
remembered, so the client retries with the same key. During a technical break every /v3/ request is answered
500 internal_server_error (what YooKassa documents for trouble on its side: "the result is unknown, retry").
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Flask, Response, redirect, render_template_string, request

from simulators.yookassa import page
from simulators.yookassa.notifier import Notifier
from simulators.yookassa.shapes import ApiError, invalid
from simulators.yookassa.shop import Shop

# Dev credentials (the simulator listens on 127.0.0.1 only). YooKassa's test keys start with "test_".
SHOP_ID = "100500"
SECRET_KEY = "test_kabinet-dev-yookassa"
KEY_TTL = 24 * 3600
CHECKOUT = "/checkout/payments/v2/contract"


@dataclass
class SimConfig:
    shop_id: str = SHOP_ID
    secret_key: str = SECRET_KEY
    notification_url: str | None = None
    retry_delays: list[float] = field(default_factory=lambda: [1, 5, 30, 60, 300])
    receipt_required: bool = True  # the shop sends 54-ФЗ receipts through YooKassa
    public_url: str | None = None  # base of the confirmation URL; the request's host when unset
    breaks: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)

    def break_until(self) -> dt.datetime | None:
        """The end of the technical break going on now, if any."""
        at = dt.datetime.now(dt.UTC)
        return max((until for start, until in self.breaks if start <= at < until), default=None)


class IdempotenceKeys:
    """Answers to POSTs by key, with what the request was, for 24 hours."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[str, int, dict, float]] = {}

    def run(self, key: str, fingerprint: str, operation: Callable[[], dict]) -> tuple[int, dict]:
        with self._lock:  # one POST at a time: the second of two racing requests sees the first's answer
            known = self._answers.get(key)
            if known and known[3] > time.time() - KEY_TTL:
                if known[0] != fingerprint:
                    raise invalid("Idempotence key duplicated: it was used with another request",
                                  "Idempotence-Key")
                return known[1], known[2]
            try:
                status, answer = 200, operation()
            except ApiError as exc:
                if exc.status >= 500:
                    raise
                status, answer = exc.status, error_body(exc)
            self._answers[key] = (fingerprint, status, answer, time.time())
            return status, answer


def error_body(exc: ApiError) -> dict:
    body = {"type": "error", "id": str(uuid.uuid4()), "code": exc.code, "description": exc.description}
    if exc.parameter:
        body["parameter"] = exc.parameter
    if exc.retry_after is not None:
        body["retry_after"] = exc.retry_after
    return body


def as_json(value: object, status: int = 200) -> Response:
    return Response(json.dumps(value, ensure_ascii=False), status, mimetype="application/json")


def create_app(config: SimConfig | None = None) -> Flask:
    config = config or SimConfig()
    app = Flask("simulators.yookassa")
    notifier = Notifier(lambda: config.notification_url, lambda: config.retry_delays)
    shop = Shop(notifier, receipt_required=config.receipt_required)
    keys = IdempotenceKeys()
    app.extensions["yookassa"] = {"config": config, "shop": shop, "notifier": notifier}

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        answer = as_json(error_body(exc), exc.status)
        if exc.retry_after is not None:
            answer.headers["Retry-After"] = str(max(1, exc.retry_after // 1000))
        return answer

    @app.before_request
    def guard() -> Response | None:
        in_api, on_page = request.path.startswith("/v3/"), request.path.startswith("/checkout/")
        until = config.break_until()
        if until and on_page:
            return Response(render_template_string(page.MESSAGE, title="Технические работы",
                                                   text="Оплата временно недоступна. Попробуйте позже."), 503)
        if not in_api:
            return None
        if until:
            left_ms = int((until - dt.datetime.now(dt.UTC)).total_seconds() * 1000) + 1
            raise ApiError(500, "internal_server_error", "Технические работы: попробуйте повторить запрос позже",
                           retry_after=left_ms)
        auth = request.authorization
        if (auth is None or auth.type != "basic" or auth.username != config.shop_id
                or not hmac.compare_digest((auth.password or "").encode(), config.secret_key.encode())):
            raise ApiError(401, "invalid_credentials", "Authentication by the shop ID and secret key failed")
        return None

    def once(operation: Callable[[dict], dict]) -> Response:
        """A POST under its Idempotence-Key."""
        key = request.headers.get("Idempotence-Key", "")
        if not key:
            raise invalid("Idempotence key is missing", "Idempotence-Key")
        if len(key) > 64:
            raise invalid("Idempotence key is longer than 64 characters", "Idempotence-Key")
        body = request.get_json(force=True, silent=True) if request.data else {}
        if not isinstance(body, dict):
            raise invalid("The request body is not a JSON object")
        fingerprint = json.dumps([request.path, body], sort_keys=True)
        status, answer = keys.run(key, fingerprint, lambda: operation(body))
        return as_json(answer, status)

    def page_url(payment_id: str) -> str:
        return f"{(config.public_url or request.host_url).rstrip('/')}{CHECKOUT}?orderId={quote(payment_id)}"

    # -- API v3 ---------------------------------------------------------------

    @app.post("/v3/payments")
    def create_payment() -> Response:
        return once(lambda body: shop.create_payment(body, page_url))

    @app.get("/v3/payments/<payment_id>")
    def get_payment(payment_id: str) -> Response:
        return as_json(shop.payment(payment_id))

    @app.post("/v3/payments/<payment_id>/capture")
    def capture(payment_id: str) -> Response:
        return once(lambda body: shop.capture(payment_id, body))

    @app.post("/v3/payments/<payment_id>/cancel")
    def cancel(payment_id: str) -> Response:
        return once(lambda body: shop.cancel(payment_id))

    @app.post("/v3/refunds")
    def create_refund() -> Response:
        return once(shop.refund)

    @app.get("/v3/refunds/<refund_id>")
    def get_refund(refund_id: str) -> Response:
        return as_json(shop.get_refund(refund_id))

    @app.get("/v3/payment_methods/<method_id>")
    def get_payment_method(method_id: str) -> Response:
        return as_json(shop.payment_method(method_id))

    @app.get("/v3/receipts")
    def list_receipts() -> Response:
        payment_id, refund_id = request.args.get("payment_id"), request.args.get("refund_id")
        if not payment_id and not refund_id:
            raise invalid("payment_id or refund_id is required", "payment_id")
        return as_json({"type": "list", "items": shop.receipts_of(payment_id, refund_id)})

    # -- the hosted payment page ---------------------------------------------

    def checkout_context(payment_id: str) -> dict:
        payment = shop.payment(payment_id)  # 404 in YooKassa's format for an unknown id
        return {"payment": payment, "amount": page.roubles(payment["amount"]["value"]),
                "description": payment.get("description", ""),
                "return_url": payment.get("confirmation", {}).get("return_url")}

    def finished(ctx: dict) -> Response:
        if ctx["return_url"]:
            return redirect(ctx["return_url"], 302)
        return Response(render_template_string(page.MESSAGE, title="Платёж обработан", text=""), 200)

    @app.route(CHECKOUT, methods=["GET", "POST"])
    def checkout() -> Response:
        payment_id = request.args.get("orderId", "")
        ctx = checkout_context(payment_id)
        if ctx["payment"]["status"] != "pending":
            return finished(ctx)
        if request.method == "GET":
            return Response(render_template_string(page.CARD_FORM, **ctx, number="", expiry="", error=""))
        card = page.read_card(request.form)
        if isinstance(card, str):
            return Response(render_template_string(page.CARD_FORM, **ctx, error=card,
                                                   number=request.form.get("card_number", ""),
                                                   expiry=request.form.get("expiry", "")), 200)
        if shop.pay_by_card(payment_id, *card) == "3ds":
            return redirect(f"/checkout/payments/v2/3ds?orderId={quote(payment_id)}", 302)
        return finished(ctx)

    @app.route("/checkout/payments/v2/3ds", methods=["GET", "POST"])
    def three_d_secure() -> Response:
        payment_id = request.args.get("orderId", "")
        ctx = checkout_context(payment_id)
        method = ctx["payment"].get("payment_method")
        if ctx["payment"]["status"] != "pending" or method is None:
            return finished(ctx)
        if request.method == "GET":
            return Response(render_template_string(page.THREE_DS, **ctx, last4=method["card"]["last4"]))
        shop.confirm_3ds(payment_id, request.form.get("code", ""))
        return finished(ctx)

    # -- /_sim: the simulator's controls --------------------------------------

    @app.get("/_sim/health")
    def health() -> Response:
        return Response("ok\n", mimetype="text/plain")

    @app.get("/_sim/payments")
    def sim_payments() -> Response:
        return as_json({"items": shop.list_payments()})

    @app.post("/_sim/payments/<payment_id>/expire")
    def sim_expire(payment_id: str) -> Response:
        return as_json(shop.expire(payment_id))

    @app.post("/_sim/payment_methods/<method_id>/decline")
    def sim_decline(method_id: str) -> Response:
        """`{"reason": "card_expired"}`: charges of this saved card are declined so; `{"reason": null}` ends it."""
        reason = (request.get_json(force=True, silent=True) or {}).get("reason")
        shop.payment_method(method_id)  # 404 for an unknown card
        with shop.lock:
            if reason:
                shop.declines[method_id] = str(reason)
            else:
                shop.declines.pop(method_id, None)
        return as_json({"payment_method_id": method_id, "decline": reason})

    @app.get("/_sim/notifications")
    def sim_notifications() -> Response:
        return as_json({"items": notifier.log()})

    @app.post("/_sim/notifications/replay")
    def sim_replay() -> Response:
        """`{"ids": [3, 1], "times": 2}`: send logged notifications again, in that order, `times` rounds."""
        body = request.get_json(force=True, silent=True) or {}
        ids = body.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            return as_json({"error": "ids: a list of notification ids from GET /_sim/notifications"}, 400)
        return as_json({"sent": notifier.replay(ids, int(body.get("times", 1)))})

    @app.route("/_sim/config", methods=["GET", "POST"])
    def sim_config() -> Response:
        """`{"notification_url": …, "retry_delays": [0.1, 0.5], "receipt_required": false}`."""
        body = (request.get_json(force=True, silent=True) or {}) if request.method == "POST" else {}
        if "notification_url" in body:
            config.notification_url = body["notification_url"] or None
        if "retry_delays" in body:
            config.retry_delays = [float(d) for d in body["retry_delays"]]
        if "receipt_required" in body:
            config.receipt_required = shop.receipt_required = bool(body["receipt_required"])
        return as_json({"notification_url": config.notification_url, "retry_delays": config.retry_delays,
                        "receipt_required": config.receipt_required})

    @app.route("/_sim/break", methods=["GET", "POST", "DELETE"])
    def sim_break() -> Response:
        """POST `{"seconds": 60}` (from now) or `{"from": iso, "until": iso}`; DELETE ends every break."""
        if request.method == "DELETE":
            config.breaks.clear()
        elif request.method == "POST":
            body = request.get_json(force=True, silent=True) or {}
            try:
                config.breaks.append(break_window(body))
            except (KeyError, TypeError, ValueError) as exc:
                return as_json({"error": f"{{'seconds': N}} or {{'from': iso, 'until': iso}}: {exc}"}, 400)
        until = config.break_until()
        return as_json({"in_break": until is not None, "until": until.isoformat() if until else None,
                        "breaks": [[a.isoformat(), b.isoformat()] for a, b in config.breaks]})

    return app


def break_window(spec: dict | str) -> tuple[dt.datetime, dt.datetime]:
    """`{"seconds": N}` from now, `{"from": iso, "until": iso}`, or "<iso>/<iso>" (KABINET_YOOKASSA_SIM_BREAK)."""
    if isinstance(spec, str):
        start, _, until = spec.partition("/")
        spec = {"from": start, "until": until}
    if "seconds" in spec:
        start = dt.datetime.now(dt.UTC)
        return start, start + dt.timedelta(seconds=float(spec["seconds"]))
    start, until = (dt.datetime.fromisoformat(spec[k]) for k in ("from", "until"))
    start, until = (t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in (start, until))
    if until <= start:
        raise ValueError("until must be after from")
    return start, until
