"""The gateway's composition root: `gunicorn "gateway.app:create_app()"`."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import metrics, problems, security
from gateway.api import accounts, auth, dashboard, money, notifications, readings
from gateway.config import GatewayConfig
from gateway.openapi import bp as openapi_bp
from gateway.ops import bp as ops_bp
from gateway.services import Services
from kit import logging as kit_logging
from kit.settings import load
from kit.tokens import remote_verifier


def create_app(config: GatewayConfig | None = None) -> Flask:
    config = config or load(GatewayConfig)
    kit_logging.configure("gateway", config.log_level)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=config.max_body_bytes,
                      KABINET=config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if config.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops, x_proto=config.proxy_hops)

    services = Services(config)
    app.extensions["kabinet.services"] = services
    app.extensions["kabinet.verifier"] = remote_verifier(config.target("auth"))

    security.init_app(app)
    metrics.init_app(app)
    problems.init_app(app)
    for blueprint in (ops_bp, openapi_bp, auth.bp, accounts.bp, readings.bp, money.bp, notifications.bp,
                      dashboard.bp):
        app.register_blueprint(blueprint)
    return app
