"""Registration, sign-in, tokens and browser sessions, recovery, social sign-in.

Thin: auth decides (password rules, codes, no-enumeration replies, the account
lock); the gateway adds captcha, rate limits and the cookie session.
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, current_app, g, jsonify, redirect, request
from kabinet.auth.v1 import auth_pb2 as pb

from gateway import present, sessions
from gateway import schemas as s
from gateway.captcha import captchas
from gateway.openapi import operation
from gateway.security import audience, current_caller
from gateway.throttle import client_ip, throttle
from kit.errors import DomainError, InvalidInput, Unauthenticated

bp = Blueprint("auth", __name__, url_prefix="/api/v1")
TERMS_VERSION = "2026-01"
SENT = {"sms": "Мы отправили код в SMS.", "email": "Мы отправили письмо с кодом и ссылкой.",
        "contact": "Если такой пользователь есть, мы отправили ему код или ссылку."}
OIDC_STATE_COOKIE = "kabinet_oidc_state"
log = logging.getLogger("gateway.auth")


def services():
    return current_app.extensions["kabinet.services"]


def auth_call(method: str, request_msg, **kw):
    return services().auth.call(method, request_msg, **kw)


def channel_of(identifier: str) -> str:
    return "email" if "@" in identifier else "sms"


def sending(channel: str, destination: str) -> None:
    """Caps on anything that makes auth send an SMS or an e-mail (per destination, per IP, overall)."""
    t = throttle()
    t.hit("send_destination", t.key(destination))
    t.hit("send_ip", client_ip())
    t.hit(f"send_{'email' if channel == 'email' else 'sms'}_global", "all")


def issue(pair, mode: str, aud: str = "customer"):
    """The reply to a successful sign-in: tokens (mobile) or a new cookie session (browser)."""
    common = {"kind": pair.kind, "onboarding_required": pair.onboarding_required,
              "expires_in": pair.access_expires_in, "refresh_expires_in": pair.refresh_expires_in}
    if mode != "cookie":
        return jsonify({"session": "token", "access_token": pair.access_token, "token_type": "Bearer",
                        "refresh_token": pair.refresh_token, "session_id": pair.session_id, **common})
    browser = current_app.extensions["kabinet.sessions"]
    old = sessions.session_cookie(aud)
    if old:  # a sign-in always starts a new session id; the previous one ends
        previous = browser.end(old)
        if previous is not None:
            _logout_quietly(previous.refresh)
    sid, record = browser.start(pair, aud)
    response = jsonify({"session": "cookie", "csrf_token": record.csrf, **common})
    sessions.set_cookies(response, sid, record)
    g.clear_cookies = False
    return response


def _logout_quietly(refresh_token: str) -> None:
    """End the auth session behind a browser session that is being dropped. The record holding the
    refresh token is already gone, so if auth cannot be told now the session dies with its tokens."""
    try:
        auth_call("Logout", pb.LogoutRequest(refresh_token=refresh_token))
    except Unauthenticated:
        pass  # already ended in auth
    except DomainError as exc:
        log.warning("could not end the auth session of a browser session: %s", exc)


def end_cookie_session(response):
    """Sign out the browser session of this request (if any) and drop its cookies."""
    sid = g.get("session_cookie") or sessions.session_cookie(audience())
    if sid:
        record = current_app.extensions["kabinet.sessions"].end(sid)
        if record is not None:
            _logout_quietly(record.refresh)
    sessions.clear_cookies(response, audience())
    return response


# --- registration ---
@bp.post("/auth/register")
@operation("Регистрация по телефону или e-mail", tag="auth", body=s.RegisterIn, response=s.RegisterOut,
           status=202, auth=False, errors=(422, 429),
           description="Needs a captcha (GET /api/v1/captcha). Households by phone (SMS code) or e-mail (code and "
                       "link); organizations by e-mail. The same reply whether or not the contact is registered: "
                       "a registered contact is told so through the contact itself.")
def register():
    data = s.load(s.RegisterIn, request.get_json(silent=True))
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    channel = "sms" if data.get("phone") else "email"
    sending(channel, data.get("phone") or data["email"])
    reply = auth_call("Register", pb.RegisterRequest(
        phone=data.get("phone", ""), email=data.get("email", ""), password=data["password"],
        terms_version=TERMS_VERSION, marketing_consent=data["marketing_consent"], kind=data["kind"],
        login=data["login"]))
    # the same three fields for every contact, known or not (resend timing: POST /auth/resend answers it)
    return {"registration_id": reply.registration_id, "code_ttl_seconds": reply.code_ttl_seconds,
            "detail": SENT[channel]}, 202


@bp.post("/auth/register/confirm")
@operation("Подтверждение регистрации кодом", tag="auth", body=s.ConfirmIn, response=s.ConfirmOut, auth=False,
           errors=(422, 429))
def confirm():
    data = s.load(s.ConfirmIn, request.get_json(silent=True))
    throttle().hit("code_ip", client_ip())
    reply = auth_call("ConfirmContact", pb.ConfirmContactRequest(
        registration_id=data["registration_id"], code=data["code"].strip()))
    return {"status": "active", "onboarding_required": reply.onboarding_required, "login_taken": reply.login_taken,
            "detail": "Регистрация завершена. Войдите в личный кабинет."}


@bp.post("/auth/confirm-link")
@operation("Переход по ссылке из письма", tag="auth", body=s.ConfirmLinkIn, response=s.ConfirmLinkOut,
           auth=False, errors=(422, 429),
           description="The web page /auth/confirm?token=T posts the token here: it completes a registration, "
                       "a contact change or an e-mail confirmation.")
def confirm_link():
    data = s.load(s.ConfirmLinkIn, request.get_json(silent=True))
    throttle().hit("code_ip", client_ip())
    reply = auth_call("ConfirmLink", pb.ConfirmLinkRequest(token=data["token"]))
    return {"status": "confirmed", "purpose": reply.purpose, "onboarding_required": reply.onboarding_required,
            "login_taken": reply.login_taken, "detail": "Адрес электронной почты подтверждён."}


@bp.post("/auth/resend")
@operation("Отправить код ещё раз", tag="auth", body=s.ResendIn, response=s.ResendOut, auth=False,
           errors=(422, 429),
           description="For a registration, recovery or contact change. Auth allows one resend per "
                       "resend_after_seconds and five per challenge; the gateway's sending caps apply too.")
def resend():
    data = s.load(s.ResendIn, request.get_json(silent=True))
    t = throttle()
    t.hit("send_destination", t.key(data["challenge_id"]))
    t.hit("send_ip", client_ip())
    reply = auth_call("ResendCode", pb.ResendCodeRequest(registration_id=data["challenge_id"]))
    return {"code_ttl_seconds": reply.code_ttl_seconds, "resend_after_seconds": reply.resend_after_seconds,
            "detail": "Мы отправили код ещё раз."}


@bp.get("/auth/password-rules")
@operation("Требования к паролю", tag="auth", response=s.PasswordRulesOut, auth=False,
           description="For live ticks on the form. The rules are auth's; the common-password check runs only "
                       "on the server.")
def password_rules():
    return present.password_rules(auth_call("GetPasswordRules", pb.GetPasswordRulesRequest(), idempotent=True))


# --- sign-in ---
@bp.post("/auth/login")
@operation("Вход по телефону, e-mail или логину", tag="auth", body=s.LoginIn, response=s.TokensOut,
           auth=False, errors=(401, 403, 422, 429),
           description="`session: cookie` for browsers (HttpOnly session cookie + CSRF token), `token` for mobile. "
                       "After repeated failures for the identifier or from the IP a captcha is required "
                       "(422 captcha_required); a run of failures from one IP for one identifier is delayed "
                       "progressively (429 signin_throttled with Retry-After). The same answer whether or not "
                       "the user exists.")
def login():
    data = s.load(s.LoginIn, request.get_json(silent=True))
    identity, ip, t = data["identifier"], client_ip(), throttle()
    t.hit("login_ip", ip)
    t.hit("login_identity", t.key(identity))
    guard = current_app.extensions["kabinet.signin"]
    if guard.check(identity, ip):
        captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    try:
        pair = auth_call("Login", pb.LoginRequest(
            identifier=identity, password=data["password"], remember_me=data["remember_me"],
            device=request.user_agent.string[:200], ip=ip))
    except Unauthenticated:
        guard.failed(identity, ip)
        raise
    guard.succeeded(identity, ip)
    return issue(pair, data["session"])


@bp.post("/auth/refresh")
@operation("Обновление токенов", tag="auth", body=s.RefreshIn, response=s.TokensOut, auth=False,
           errors=(401, 403, 422),
           description="Bearer clients send their refresh token (it is spent; a reused one ends the session). "
                       "A cookie session is refreshed transparently; this call forces it (CSRF token required).")
def refresh():
    data = s.load(s.RefreshIn, request.get_json(silent=True) or {})
    if data.get("refresh_token"):
        pair = auth_call("Refresh", pb.RefreshRequest(refresh_token=data["refresh_token"]))
        return issue(pair, "token")
    sid = g.get("session_cookie")
    if not sid:
        raise Unauthenticated()
    browser = current_app.extensions["kabinet.sessions"]
    record = g.session_record
    try:
        pair = auth_call("Refresh", pb.RefreshRequest(refresh_token=record.refresh))
    except Unauthenticated:
        browser.end(sid)
        g.clear_cookies = True
        raise
    fresh = sessions.Record.from_pair(pair, record.audience, csrf=record.csrf)
    fresh.remember = record.remember
    browser.save(sid, fresh)
    return {"session": "cookie", "csrf_token": fresh.csrf, "kind": pair.kind,
            "onboarding_required": pair.onboarding_required, "expires_in": pair.access_expires_in,
            "refresh_expires_in": pair.refresh_expires_in}


@bp.post("/auth/logout")
@operation("Выход", tag="auth", body=s.LogoutIn, status=204)
def logout():
    current_caller()
    return sign_out()


def sign_out():
    """End the caller's session: the cookie session of a browser, or the refresh token a bearer
    client sends (customers and staff alike)."""
    data = s.load(s.LogoutIn, request.get_json(silent=True) or {})
    if g.get("auth_via") == "cookie":
        return end_cookie_session(current_app.response_class(status=204))
    auth_call("Logout", pb.LogoutRequest(refresh_token=data.get("refresh_token", "")))
    return "", 204


@bp.post("/auth/logout-all")
@operation("Выйти на всех устройствах", tag="auth", status=204)
def logout_all():
    current_caller()
    auth_call("LogoutAll", pb.LogoutAllRequest())
    if g.get("auth_via") == "cookie":
        return end_cookie_session(current_app.response_class(status=204))
    return "", 204


# --- recovery ---
@bp.post("/auth/recovery")
@operation("Восстановление пароля", tag="auth", body=s.RecoveryIn, response=s.RecoveryOut, status=202,
           auth=False, errors=(422, 429),
           description="Needs a captcha. By phone (SMS code), e-mail (link and code) or login. The same reply "
                       "whether or not the identifier exists.")
def recovery():
    data = s.load(s.RecoveryIn, request.get_json(silent=True))
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    sending(channel_of(data["identifier"]), data["identifier"])
    reply = auth_call("StartRecovery", pb.StartRecoveryRequest(identifier=data["identifier"]))
    return {"recovery_id": reply.recovery_id, "code_ttl_seconds": reply.code_ttl_seconds,
            "resend_after_seconds": reply.resend_after_seconds, "channel": reply.channel,
            "detail": SENT.get(reply.channel, SENT["contact"])}, 202


@bp.post("/auth/recovery/confirm")
@operation("Новый пароль по коду или ссылке", tag="auth", body=s.RecoveryConfirmIn, status=204, auth=False,
           errors=(422, 429), description="Ends every session of the user.")
def recovery_confirm():
    data = s.load(s.RecoveryConfirmIn, request.get_json(silent=True))
    throttle().hit("code_ip", client_ip())
    auth_call("CompleteRecovery", pb.CompleteRecoveryRequest(
        recovery_id=data.get("recovery_id", ""), code=(data.get("code") or "").strip(),
        link_token=data.get("link_token", ""), new_password=data["new_password"]))
    return "", 204


# --- social sign-in (OpenID Connect) ---
@bp.get("/auth/social/providers")
@operation("Вход через соцсети и Госуслуги: провайдеры", tag="auth", response=s.ProviderListOut, auth=False)
def social_providers():
    reply = auth_call("ListIdentityProviders", pb.ListIdentityProvidersRequest(), idempotent=True)
    return {"providers": [{"id": p.id, "title": p.title} for p in reply.providers]}


def callback_url(provider: str) -> str:
    base = current_app.config["KABINET"].public_url.rstrip("/") or request.host_url.rstrip("/")
    return f"{base}/api/v1/auth/social/{provider}/callback"


@bp.post("/auth/social/<provider>/start")
@operation("Начать вход через провайдера", tag="auth", body=s.SocialStartIn, response=s.SocialStartOut,
           auth=False, errors=(404, 422),
           description="Send the browser to authorization_url. purpose=link (signed in) links the identity to "
                       "the profile; sign-in works only for identities linked beforehand. The state is also "
                       "bound to this browser by a short-lived cookie.")
def social_start(provider: str):
    data = s.load(s.SocialStartIn, request.get_json(silent=True) or {})
    if data["purpose"] == "link":
        current_caller()
    reply = auth_call("StartSocialLogin", pb.StartSocialLoginRequest(
        provider=provider, redirect_uri=callback_url(provider), purpose=data["purpose"]))
    response = jsonify({"authorization_url": reply.authorization_url})
    bound = f"{reply.state}|{'1' if data['remember_me'] else '0'}"
    response.set_cookie(OIDC_STATE_COOKIE, bound, max_age=600, httponly=True, secure=sessions.secure_cookies(),
                        samesite="Lax", path=f"/api/v1/auth/social/{provider}/callback")
    return response


@bp.get("/auth/social/<provider>/callback")
@operation("Возврат от провайдера", tag="auth", auth=False, status=303, errors=(401, 403, 422),
           params=({"name": "state", "in": "query", "required": True, "schema": {"type": "string"}},
                   {"name": "code", "in": "query", "required": True, "schema": {"type": "string"}}),
           description="Sign-in: a cookie session and a redirect to the cabinet. Link: a redirect to the "
                       "profile. Errors are problem+json (social_identity_not_linked: link it in the profile "
                       "first; no account is ever created here).")
def social_callback(provider: str):
    state, code = request.args.get("state", ""), request.args.get("code", "")
    bound, _, remember = request.cookies.get(OIDC_STATE_COOKIE, "").partition("|")
    if request.args.get("error"):
        raise Unauthenticated("Вход через провайдера отменён.", code="social_login_cancelled")
    if not state or not code or not bound or not secrets.compare_digest(bound, state):
        raise InvalidInput("Ссылка входа устарела или открыта в другом браузере. Начните вход заново.",
                           code="invalid_state")
    reply = auth_call("CompleteSocialLogin", pb.CompleteSocialLoginRequest(
        state=state, code=code, remember_me=remember == "1", device=request.user_agent.string[:200],
        ip=client_ip()))
    base = current_app.config["KABINET"].public_url.rstrip("/")
    if reply.purpose == "link":
        response = redirect(f"{base}/profile?linked={reply.linked.provider}", 303)
    else:
        response = issue(reply.tokens, "cookie")
        response.status_code, response.headers["Location"] = 303, f"{base}/"
    response.delete_cookie(OIDC_STATE_COOKIE, path=f"/api/v1/auth/social/{provider}/callback")
    return response
