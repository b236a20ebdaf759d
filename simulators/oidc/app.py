"""The simulator's Flask app. State (codes) lives in memory: one process, dev and tests only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey

CODE_TTL = 60
ID_TOKEN_TTL = 300


@dataclass
class SimConfig:
    issuer: str
    client_id: str = "kabinet-dev"
    client_secret: str = "dev-secret"
    subject: str = "sim-user-1"
    email: str = "sim-user-1@example.test"
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"}))


def create_app(config: SimConfig) -> Flask:
    app = Flask("simulators.oidc")
    codes: dict[str, dict] = {}
    lock = threading.Lock()

    def error(code: str, status: int = 400):
        return jsonify({"error": code}), status

    @app.get("/.well-known/openid-configuration")
    def discovery():
        base = config.issuer.rstrip("/")
        return jsonify({
            "issuer": config.issuer, "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"], "grant_types_supported": ["authorization_code"],
        })

    @app.get("/jwks")
    def jwks():
        return jsonify({"keys": [config.key.as_dict(private=False)]})

    @app.get("/authorize")
    def authorize():
        args = request.args
        if args.get("client_id") != config.client_id or not args.get("redirect_uri"):
            return error("invalid_client")
        if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split():
            return error("invalid_request")
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return error("invalid_request")  # PKCE is mandatory here
        code = secrets.token_urlsafe(24)
        subject = args.get("login_hint") or config.subject
        with lock:
            codes[code] = {"redirect_uri": args["redirect_uri"], "nonce": args.get("nonce", ""),
                           "challenge": args["code_challenge"], "subject": subject, "expires": time.time() + CODE_TTL,
                           "email": config.email if subject == config.subject else f"{subject}@example.test"}
        query = urllib.parse.urlencode({"code": code, "state": args.get("state", "")})
        sep = "&" if "?" in args["redirect_uri"] else "?"
        return redirect(f"{args['redirect_uri']}{sep}{query}", 302)

    @app.post("/token")
    def token():
        form = request.form
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if request.authorization and request.authorization.type == "basic":
            client_id = urllib.parse.unquote(request.authorization.username or "")
            secret = urllib.parse.unquote(request.authorization.password or "")
        if client_id != config.client_id or not hmac.compare_digest(secret, config.client_secret):
            return error("invalid_client", 401)
        if form.get("grant_type") != "authorization_code":
            return error("unsupported_grant_type")
        with lock:
            grant = codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant["expires"] < time.time() or grant["redirect_uri"] != form.get("redirect_uri"):
            return error("invalid_grant")
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return error("invalid_grant")
        now = int(time.time())
        claims = {"iss": config.issuer, "sub": grant["subject"], "aud": config.client_id, "iat": now,
                  "exp": now + ID_TOKEN_TTL, "nonce": grant["nonce"], "email": grant["email"],
                  "email_verified": True}
        id_token = jwt.encode({"alg": "RS256", "kid": config.key.kid}, claims, config.key)
        return jsonify({"access_token": secrets.token_urlsafe(24), "token_type": "Bearer",
                        "expires_in": ID_TOKEN_TTL, "id_token": id_token})

    return app
