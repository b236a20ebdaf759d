"""The gateway's composition root: `gunicorn "gateway.app:create_app()"`."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SessionInterface
from kabinet.auth.v1 import auth_pb2
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import boundary, captcha, idempotency, metrics, problems, security, throttle, tracing, web
from gateway.api import (
    accounts,
    auth,
    autopay,
    care,
    consumption,
    contracts,
    dashboard,
    deliveries,
    groups,
    interval_profiles,
    invoices,
    me,
    metering,
    money,
    notifications,
    partners,
    payments,
    readings,
    readings_batch,
    service_requests,
    sms_inbound,
    staff,
    staff_accounts,
    staff_bank_registries,
    staff_billing,
    staff_partners,
    staff_payments,
    staff_penalties,
    staff_suppliers,
    tariffs,
)
from gateway.config import GatewayConfig
from gateway.openapi import bp as openapi_bp
from gateway.ops import bp as ops_bp
from gateway.revocations import Revocations
from gateway.services import Services
from gateway.sessions import BrowserSessions
from gateway.store import open_store
from kit import logging as kit_logging
from kit.settings import load
from kit.tokens import remote_verifier


class NoFlaskSession(SessionInterface):
    """The gateway's sessions are its own (gateway/sessions.py: an opaque cookie, the record in Redis); Flask's
    signed-cookie session is never used, so it is not opened for every request (~4 % of a request's CPU)."""

    def open_session(self, app, request):
        return None  # Flask then makes its null session, which refuses to be written

    def save_session(self, app, session, response) -> None:
        pass


def create_app(config: GatewayConfig | None = None, *, verifier=None) -> Flask:
    config = config or load(GatewayConfig)
    kit_logging.configure("gateway", config.log_level)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=config.max_body_bytes,
                      MAX_FORM_MEMORY_SIZE=64 * 1024, MAX_FORM_PARTS=100, KABINET=config)
    app.session_interface = NoFlaskSession()
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    tracing.init_app(app)  # first: the request's span is open while the other extensions' hooks run
    if config.proxy_hops:
        # before anything reads the client address: the rate limits key on it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops, x_proto=config.proxy_hops)

    services = Services(config)
    store, limits_uri = open_store(config.redis_url)
    app.extensions["kabinet.services"] = services
    app.extensions["kabinet.verifier"] = verifier or remote_verifier(config.target("auth"))
    app.extensions["kabinet.store"] = store
    app.extensions["kabinet.revocations"] = Revocations(store, config.access_token_ttl_seconds)
    app.extensions["kabinet.captcha"] = captcha.Captchas(store, config.captcha_ttl_seconds)
    app.extensions["kabinet.sessions"] = BrowserSessions(store, config.secret_key, lambda token: services.auth.call(
        "Refresh", auth_pb2.RefreshRequest(refresh_token=token), token=""))
    limiter = throttle.Throttle(limits_uri, config.rate_limits, secret=config.secret_key)
    app.extensions["kabinet.signin"] = throttle.SignInGuard(store, limiter)

    throttle.init_app(app, limiter)
    security.init_app(app)
    idempotency.init_app(app)  # after security: keys are kept per caller
    metrics.init_app(app)
    problems.init_app(app)
    boundary.init_app(app)
    for blueprint in (ops_bp, openapi_bp, captcha.bp, auth.bp, me.bp, staff.bp, staff_accounts.bp, accounts.bp,
                      groups.bp, contracts.bp, service_requests.bp, readings.bp, money.bp, notifications.bp,
                      dashboard.bp, staff_suppliers.bp, tariffs.bp, invoices.bp, staff_billing.bp,
                      staff_penalties.bp, payments.bp, payments.provider_bp, staff_payments.bp, autopay.bp,
                      autopay.staff_bp, partners.bp, staff_partners.bp, staff_bank_registries.bp,
                      readings_batch.bp, readings_batch.staff_bp, consumption.bp, readings.staff_bp, sms_inbound.bp,
                      metering.bp, metering.staff_bp, interval_profiles.bp, interval_profiles.staff_bp,
                      deliveries.partner_bp, deliveries.staff_bp, care.bp, care.staff_bp, web.bp):
        app.register_blueprint(blueprint)
    return app
