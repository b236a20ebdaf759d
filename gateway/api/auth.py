"""Registration, sign-in, tokens and browser sessions, recovery, social sign-in.

Thin: auth decides (password rules, codes, terms, no-enumeration replies, the account
lock); the gateway adds captcha, rate limits and the cookie session.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, jsonify, redirect, request
from kabinet.auth.v1 import auth_pb2 as pb
from marshmallow import Schema, ValidationError, fields, validates_schema

from gateway import sessions
from gateway.captcha import captchas
from gateway.openapi import operation
from gateway.revocations import sessions_ended
from gateway.schema import NAME, SECRET, SHORT, StrictSchema, body, dump, field, text
from gateway.security import current_caller
from gateway.services import auth
from gateway.shapes import SENT, ChallengeOut, LogoutIn, RefreshIn, TokensOut
from gateway.signin import end_cookie_session, issue, session_mode, sign_out
from gateway.throttle import client_ip, sending, throttle
from kit.errors import DomainError, InvalidInput, Unauthenticated

bp = Blueprint("auth", __name__, url_prefix="/api/v1")
STEP_UP_SENT = {"sms": "После многих неудачных попыток входа нужен ещё и код: мы отправили его в SMS.",
                "email": "После многих неудачных попыток входа нужен ещё и код: мы отправили его на почту."}
OIDC_STATE_COOKIE = "kabinet_oidc_state"


class CaptchaMixin(Schema):
    captcha_id = text(SHORT)
    captcha_answer = text(SHORT)


class RegisterIn(StrictSchema, CaptchaMixin):
    phone = text(SHORT)
    email = text(NAME)
    password = text(SECRET, required=True)
    kind = text(SHORT, load_default="person", metadata={"enum": ["person", "organization"]})
    login = text(SHORT, load_default="")
    terms_accepted = field(fields.Boolean, required=True)
    marketing_consent = field(fields.Boolean, load_default=True)

    @validates_schema
    def one_contact(self, data, **_):
        if bool(data.get("phone")) == bool(data.get("email")):
            raise ValidationError("Укажите телефон или адрес электронной почты.", "phone")


class RegisterOut(Schema):
    registration_id = fields.String()
    code_ttl_seconds = fields.Integer()
    detail = fields.String()


class ConfirmIn(StrictSchema):
    registration_id = text(SHORT, required=True)
    code = text(SHORT, required=True)


class ConfirmOut(Schema):
    status = fields.String()
    onboarding_required = fields.Boolean()
    login_taken = fields.Boolean()
    detail = fields.String()


class ConfirmLinkIn(StrictSchema):
    token = text(SECRET, required=True)


class ConfirmLinkOut(ConfirmOut):
    purpose = fields.String()


class ResendIn(StrictSchema):
    challenge_id = text(SHORT, required=True, metadata={"description": "registration_id, recovery_id or change_id"})


class LoginIn(StrictSchema, CaptchaMixin):
    identifier = text(NAME, required=True, metadata={"description": "phone, e-mail or login"})
    password = text(SECRET, required=True)
    remember_me = field(fields.Boolean, load_default=False)
    session = session_mode()


class StepUpOut(Schema):
    """The right password of an account under pressure: a code was sent; sign in with it."""

    FROM_AUTH = ("step_up_id", "channel", "code_ttl_seconds", "resend_after_seconds")
    step_up_id = fields.String()
    channel = fields.String(metadata={"description": "sms | email"})
    code_ttl_seconds = fields.Integer()
    resend_after_seconds = fields.Integer()
    detail = fields.String()


class StepUpConfirmIn(StrictSchema):
    step_up_id = text(SHORT, required=True)
    code = text(SHORT, required=True)
    remember_me = field(fields.Boolean, load_default=False)
    session = session_mode()


class RecoveryIn(StrictSchema, CaptchaMixin):
    identifier = text(NAME, required=True)


class RecoveryOut(ChallengeOut):
    recovery_id = fields.String()


class RecoveryConfirmIn(StrictSchema):
    recovery_id = text(SHORT)
    code = text(SHORT)
    link_token = text(SECRET)
    new_password = text(SECRET, required=True)

    @validates_schema
    def code_or_link(self, data, **_):
        if not data.get("link_token") and not (data.get("recovery_id") and data.get("code")):
            raise ValidationError("Введите код из сообщения или перейдите по ссылке из письма.", "code")


class PasswordRuleOut(Schema):
    code = fields.String()
    title = fields.String()
    pattern = fields.String(metadata={"description": "JavaScript regular expression for a live tick"})


class PasswordRulesOut(Schema):
    rules = fields.List(fields.Nested(PasswordRuleOut))
    min_length = fields.Integer()
    max_length = fields.Integer()


class SocialStartIn(StrictSchema):
    purpose = text(SHORT, load_default="sign_in", metadata={"enum": ["sign_in", "link"]})
    remember_me = field(fields.Boolean, load_default=False)


class SocialStartOut(Schema):
    authorization_url = fields.String()


class ProviderOut(Schema):
    id = fields.String()
    title = fields.String()


class ProviderListOut(Schema):
    providers = fields.List(fields.Nested(ProviderOut))


# --- registration ---
@bp.post("/auth/register")
@operation("Регистрация по телефону или e-mail", tag="auth", body=RegisterIn, response=RegisterOut,
           status=202, auth=False, errors=(422, 429),
           description="Needs a captcha (GET /api/v1/captcha). Households by phone (SMS code) or e-mail (code and "
                       "link); organizations by e-mail. The same reply whether or not the contact is registered: "
                       "a registered contact is told so through the contact itself.")
def register():
    data = body(RegisterIn)
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    channel = "sms" if data.get("phone") else "email"
    sending(channel, data.get("phone") or data["email"])
    reply = auth().call("Register", pb.RegisterRequest(
        phone=data.get("phone", ""), email=data.get("email", ""), password=data["password"],
        terms_accepted=data["terms_accepted"], marketing_consent=data["marketing_consent"], kind=data["kind"],
        login=data["login"]))
    # the same three fields for every contact, known or not (resend timing: POST /auth/resend answers it)
    return dump(RegisterOut, {"registration_id": reply.registration_id, "code_ttl_seconds": reply.code_ttl_seconds,
                              "detail": SENT[channel]}), 202


@bp.post("/auth/register/confirm")
@operation("Подтверждение регистрации кодом", tag="auth", body=ConfirmIn, response=ConfirmOut, auth=False,
           errors=(422, 429))
def confirm():
    data = body(ConfirmIn)
    throttle().hit("code_ip", client_ip())
    reply = auth().call("ConfirmContact", pb.ConfirmContactRequest(
        registration_id=data["registration_id"], code=data["code"].strip()))
    return dump(ConfirmOut, {"status": "active", "onboarding_required": reply.onboarding_required,
                             "login_taken": reply.login_taken,
                             "detail": "Регистрация завершена. Войдите в личный кабинет."})


@bp.post("/auth/confirm-link")
@operation("Переход по ссылке из письма", tag="auth", body=ConfirmLinkIn, response=ConfirmLinkOut,
           auth=False, errors=(422, 429),
           description="The web page /auth/confirm?token=T posts the token here: it completes a registration, "
                       "a contact change or an e-mail confirmation.")
def confirm_link():
    data = body(ConfirmLinkIn)
    throttle().hit("code_ip", client_ip())
    reply = auth().call("ConfirmLink", pb.ConfirmLinkRequest(token=data["token"]))
    return dump(ConfirmLinkOut, {"status": "confirmed", "purpose": reply.purpose,
                                 "onboarding_required": reply.onboarding_required, "login_taken": reply.login_taken,
                                 "detail": "Адрес электронной почты подтверждён."})


@bp.post("/auth/resend")
@operation("Отправить код ещё раз", tag="auth", body=ResendIn, response=ChallengeOut, auth=False,
           errors=(422, 429),
           description="For a registration, recovery or contact change. Auth allows one resend per "
                       "resend_after_seconds and five per challenge; the gateway's sending caps apply too.")
def resend():
    data = body(ResendIn)
    t = throttle()
    t.hit("send_destination", t.key(data["challenge_id"]))
    t.hit("send_ip", client_ip())
    reply = auth().call("ResendCode", pb.ResendCodeRequest(registration_id=data["challenge_id"]))
    return dump(ChallengeOut, {"code_ttl_seconds": reply.code_ttl_seconds,
                               "resend_after_seconds": reply.resend_after_seconds,
                               "detail": "Мы отправили код ещё раз."})


@bp.get("/auth/password-rules")
@operation("Требования к паролю", tag="auth", response=PasswordRulesOut, auth=False,
           description="For live ticks on the form. The rules are auth's; the common-password check runs only "
                       "on the server.")
def password_rules():
    return dump(PasswordRulesOut, auth().call("GetPasswordRules", pb.GetPasswordRulesRequest(), idempotent=True))


# --- sign-in ---
@bp.post("/auth/login")
@operation("Вход по телефону, e-mail или логину", tag="auth", body=LoginIn, response=TokensOut,
           auth=False, errors=(401, 403, 422, 429), also={202: StepUpOut},
           description="`session: cookie` for browsers (HttpOnly session cookie + CSRF token), `token` for mobile. "
                       "After repeated failures for the identifier or from the IP a captcha is required "
                       "(422 captcha_required); a run of failures from one IP for one identifier is delayed "
                       "progressively (429 signin_throttled with Retry-After). The same answer whether or not "
                       "the user exists. After many failures in a row for an account, the right password alone "
                       "is not enough: 202 with a step-up (a code sent to the verified phone or e-mail), "
                       "completed by POST /api/v1/auth/login/confirm.")
def login():
    data = body(LoginIn)
    identity, ip = data["identifier"], client_ip()
    throttle().hit("login_ip", ip)  # per address only: pressure on an identity raises its bar (captcha), never refuses
    guard = current_app.extensions["kabinet.signin"]
    if guard.check(identity, ip):
        captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    try:
        pair = auth().call("Login", pb.LoginRequest(
            identifier=identity, password=data["password"], remember_me=data["remember_me"],
            device=request.user_agent.string[:200], ip=ip))
    except Unauthenticated:
        guard.failed(identity, ip)
        raise
    guard.succeeded(identity, ip)
    if pair.HasField("step_up"):
        return dump(StepUpOut, {**{name: getattr(pair.step_up, name) for name in StepUpOut.FROM_AUTH},
                                "detail": STEP_UP_SENT.get(pair.step_up.channel, SENT["contact"])}), 202
    return issue(pair, data["session"])


@bp.post("/auth/login/confirm")
@operation("Вход: код из SMS или письма после многих неудачных попыток", tag="auth", body=StepUpConfirmIn,
           response=TokensOut, auth=False, errors=(401, 422, 429),
           description="The second step of a sign-in that answered 202: the code sent to the verified phone or "
                       "e-mail (6 digits, 10 minutes, 5 attempts). POST /api/v1/auth/resend with the step_up_id "
                       "sends a new one.")
def login_confirm():
    data = body(StepUpConfirmIn)
    throttle().hit("code_ip", client_ip())
    pair = auth().call("CompleteLoginStepUp", pb.CompleteLoginStepUpRequest(
        step_up_id=data["step_up_id"], code=data["code"], remember_me=data["remember_me"],
        device=request.user_agent.string[:200], ip=client_ip()))
    return issue(pair, data["session"])


@bp.post("/auth/refresh")
@operation("Обновление токенов", tag="auth", body=RefreshIn, response=TokensOut, auth=False,
           errors=(401, 403, 422),
           description="Bearer clients send their refresh token (it is spent; a reused one ends the session). "
                       "A cookie session is refreshed transparently; this call forces it (CSRF token required).")
def refresh():
    data = body(RefreshIn, optional=True)
    if data.get("refresh_token"):
        pair = auth().call("Refresh", pb.RefreshRequest(refresh_token=data["refresh_token"]))
        return issue(pair, "token")
    sid = g.get("session_cookie")
    if not sid:
        raise Unauthenticated()
    browser = current_app.extensions["kabinet.sessions"]
    record = g.session_record
    try:
        pair = auth().call("Refresh", pb.RefreshRequest(refresh_token=record.refresh))
    except Unauthenticated:
        browser.end(sid)
        g.clear_cookies = True
        raise
    fresh = browser.swap_tokens(sid, record, pair)
    return dump(TokensOut, {"session": "cookie", "csrf_token": fresh.csrf, "kind": pair.kind,
                            "onboarding_required": pair.onboarding_required, "expires_in": pair.access_expires_in,
                            "refresh_expires_in": pair.refresh_expires_in})


class StepUpPasswordIn(StrictSchema):
    password = text(SECRET, required=True)


@bp.post("/auth/step-up")
@operation("Подтверждение паролем перед важным действием", tag="auth", body=StepUpPasswordIn,
           response=TokensOut, errors=(401, 422, 429), also={202: StepUpOut},
           description="The password entered again in the current session (e.g. before switching autopay on: "
                       "payments asks for one entered within 5 minutes, 403 step_up_required). A cookie session "
                       "keeps its cookie and CSRF token and gets the new tokens server-side; a bearer client gets "
                       "the new pair (the session goes on). Wrong password: 422 bad_credentials (counted like a "
                       "failed sign-in). After many failures the right password answers 202 with a code, as "
                       "sign-in does (POST /api/v1/auth/login/confirm then opens a fresh session).")
def step_up():
    current_caller()
    data = body(StepUpPasswordIn)
    throttle().hit("login_ip", client_ip())
    pair = auth().call("StepUp", pb.StepUpRequest(password=data["password"]))
    if pair.HasField("step_up"):
        return dump(StepUpOut, {**{name: getattr(pair.step_up, name) for name in StepUpOut.FROM_AUTH},
                                "detail": STEP_UP_SENT.get(pair.step_up.channel, SENT["contact"])}), 202
    if g.get("auth_via") != "cookie":
        return issue(pair, "token")
    fresh = current_app.extensions["kabinet.sessions"].swap_tokens(g.session_cookie, g.session_record, pair)
    return dump(TokensOut, {"session": "cookie", "csrf_token": fresh.csrf, "kind": pair.kind,
                            "onboarding_required": pair.onboarding_required, "expires_in": pair.access_expires_in,
                            "refresh_expires_in": pair.refresh_expires_in})


@bp.post("/auth/logout")
@operation("Выход", tag="auth", body=LogoutIn, status=204)
def logout():
    current_caller()
    return sign_out()


@bp.post("/auth/logout-all")
@operation("Выйти на всех устройствах", tag="auth", status=204)
def logout_all():
    current_caller()
    sessions_ended(auth().call("LogoutAll", pb.LogoutAllRequest()))
    if g.get("auth_via") == "cookie":
        return end_cookie_session(current_app.response_class(status=204))
    return "", 204


# --- recovery ---
@bp.post("/auth/recovery")
@operation("Восстановление пароля", tag="auth", body=RecoveryIn, response=RecoveryOut, status=202,
           auth=False, errors=(422, 429),
           description="Needs a captcha. By phone (SMS code), e-mail (link and code) or login. The same reply "
                       "whether or not the identifier exists.")
def recovery():
    data = body(RecoveryIn)
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    sending("sms", data["identifier"])  # auth alone knows whether it sends an SMS: count the costlier budget
    reply = auth().call("StartRecovery", pb.StartRecoveryRequest(identifier=data["identifier"]))
    return dump(RecoveryOut, {"recovery_id": reply.recovery_id, "code_ttl_seconds": reply.code_ttl_seconds,
                              "resend_after_seconds": reply.resend_after_seconds, "channel": reply.channel,
                              "detail": SENT.get(reply.channel, SENT["contact"])}), 202


@bp.post("/auth/recovery/confirm")
@operation("Новый пароль по коду или ссылке", tag="auth", body=RecoveryConfirmIn, status=204, auth=False,
           errors=(422, 429), description="Ends every session of the user.")
def recovery_confirm():
    data = body(RecoveryConfirmIn)
    throttle().hit("code_ip", client_ip())
    sessions_ended(auth().call("CompleteRecovery", pb.CompleteRecoveryRequest(
        recovery_id=data.get("recovery_id", ""), code=(data.get("code") or "").strip(),
        link_token=data.get("link_token", ""), new_password=data["new_password"])))
    return "", 204


# --- social sign-in (OpenID Connect) ---
@bp.get("/auth/social/providers")
@operation("Вход через соцсети и Госуслуги: провайдеры", tag="auth", response=ProviderListOut, auth=False)
def social_providers():
    return dump(ProviderListOut, auth().call("ListIdentityProviders", pb.ListIdentityProvidersRequest(),
                                             idempotent=True))


def callback_url(provider: str) -> str:
    base = current_app.config["KABINET"].public_url.rstrip("/") or request.host_url.rstrip("/")
    return f"{base}/api/v1/auth/social/{provider}/callback"


@bp.post("/auth/social/<provider>/start")
@operation("Начать вход через провайдера", tag="auth", body=SocialStartIn, response=SocialStartOut,
           auth=False, errors=(401, 404, 422),
           description="Send the browser to authorization_url. purpose=link (signed in) links the identity to "
                       "the profile; sign-in works only for identities linked beforehand. The state is also "
                       "bound to this browser by a short-lived cookie.")
def social_start(provider: str):
    data = body(SocialStartIn, optional=True)
    if data["purpose"] == "link":
        current_caller()
    reply = auth().call("StartSocialLogin", pb.StartSocialLoginRequest(
        provider=provider, redirect_uri=callback_url(provider), purpose=data["purpose"]))
    response = jsonify(dump(SocialStartOut, reply))
    bound = f"{reply.state}|{'1' if data['remember_me'] else '0'}|{data['purpose']}"
    response.set_cookie(OIDC_STATE_COOKIE, bound, max_age=600, httponly=True, secure=sessions.secure_cookies(),
                        samesite="Lax", path=f"/api/v1/auth/social/{provider}/callback")
    return response


@bp.get("/auth/social/<provider>/callback")
@operation("Возврат от провайдера", tag="auth", auth=False, status=303, errors=(401, 403, 422),
           params=({"name": "state", "in": "query", "required": True, "schema": {"type": "string"}},
                   {"name": "code", "in": "query", "required": True, "schema": {"type": "string"}}),
           description="Sign-in: a cookie session and a redirect to the cabinet. Link: a redirect to the "
                       "profile. Errors are problem+json (social_identity_not_linked: link it in the profile "
                       "first; no account is ever created here) — except for a browser (Accept names text/html), "
                       "which is sent back to the cabinet's page with ?social_error=<code>: /profile for a link, "
                       "/login for a sign-in.")
def social_callback(provider: str):
    bound, _, rest = request.cookies.get(OIDC_STATE_COOKIE, "").partition("|")
    remember, _, purpose = rest.partition("|")
    base = current_app.config["KABINET"].public_url.rstrip("/")
    try:
        response = _complete_social(bound, remember == "1", base)
    except DomainError as error:
        if not any(kind == "text/html" for kind in request.accept_mimetypes.values()):
            raise
        page = "profile" if purpose == "link" else "login"
        response = redirect(f"{base}/{page}?{urlencode({'social_error': error.code})}", 303)
    response.delete_cookie(OIDC_STATE_COOKIE, path=f"/api/v1/auth/social/{provider}/callback")
    return response


def _complete_social(bound: str, remember: bool, base: str):
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if request.args.get("error"):
        raise Unauthenticated("Вход через провайдера отменён.", code="social_login_cancelled")
    if not state or not code or not bound or not secrets.compare_digest(bound, state):
        raise InvalidInput("Ссылка входа устарела или открыта в другом браузере. Начните вход заново.",
                           code="invalid_state")
    reply = auth().call("CompleteSocialLogin", pb.CompleteSocialLoginRequest(
        state=state, code=code, remember_me=remember, device=request.user_agent.string[:200], ip=client_ip()))
    if reply.purpose == "link":
        return redirect(f"{base}/profile?linked={reply.linked.provider}", 303)
    response = issue(reply.tokens, "cookie")
    response.status_code, response.headers["Location"] = 303, f"{base}/"
    return response
