"""Registration, sign-in and tokens (bearer tokens for mobile and API clients)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.auth.v1 import auth_pb2 as pb

from gateway import schemas as s
from gateway.openapi import operation
from gateway.security import current_caller, login_required

bp = Blueprint("auth", __name__, url_prefix="/api/v1")
TERMS_VERSION = "2026-01"


def services():
    return current_app.extensions["kabinet.services"]


def _tokens(pair) -> dict:
    return {"access_token": pair.access_token, "token_type": "Bearer", "expires_in": pair.access_expires_in,
            "refresh_token": pair.refresh_token, "refresh_expires_in": pair.refresh_expires_in}


@bp.post("/auth/register")
@operation("Регистрация по телефону или e-mail", tag="auth", body=s.RegisterIn, response=s.RegisterOut,
           status=202, auth=False, errors=(422, 429),
           description="Answers the same way whether or not the contact is registered. The code goes to the "
                       "phone (SMS) or e-mail.")
def register():
    data = s.load(s.RegisterIn, request.get_json(silent=True))
    reply = services().auth.call("Register", pb.RegisterRequest(
        phone=data.get("phone", ""), email=data.get("email", ""), password=data["password"],
        terms_version=TERMS_VERSION, marketing_consent=data["marketing_consent"]))
    channel = "SMS" if data.get("phone") else "письмо"
    return {"registration_id": reply.registration_id, "code_ttl_seconds": reply.code_ttl_seconds,
            "detail": f"Мы отправили код подтверждения ({channel})."}, 202


@bp.post("/auth/register/confirm")
@operation("Подтверждение регистрации кодом", tag="auth", body=s.ConfirmIn, auth=False, errors=(422, 429))
def confirm():
    data = s.load(s.ConfirmIn, request.get_json(silent=True))
    services().auth.call("ConfirmContact", pb.ConfirmContactRequest(
        registration_id=data["registration_id"], code=data["code"].strip()))
    return {"status": "active", "detail": "Регистрация завершена. Войдите в личный кабинет."}


@bp.post("/auth/login")
@operation("Вход по телефону, e-mail или логину", tag="auth", body=s.LoginIn, response=s.TokensOut,
           auth=False, errors=(401, 422, 429))
def login():
    data = s.load(s.LoginIn, request.get_json(silent=True))
    pair = services().auth.call("Login", pb.LoginRequest(
        identifier=data["identifier"], password=data["password"], remember_me=data["remember_me"],
        device=request.user_agent.string[:200], ip=request.remote_addr or ""))
    return _tokens(pair)


@bp.post("/auth/refresh")
@operation("Обновление токенов", tag="auth", body=s.RefreshIn, response=s.TokensOut, auth=False,
           errors=(401, 422))
def refresh():
    data = s.load(s.RefreshIn, request.get_json(silent=True))
    return _tokens(services().auth.call("Refresh", pb.RefreshRequest(refresh_token=data["refresh_token"])))


@bp.post("/auth/logout")
@operation("Выход", tag="auth", body=s.LogoutIn, status=204)
@login_required
def logout():
    data = s.load(s.LogoutIn, request.get_json(silent=True) or {})
    services().auth.call("Logout", pb.LogoutRequest(refresh_token=data.get("refresh_token", "")))
    return "", 204


@bp.get("/me")
@operation("Профиль", tag="auth", response=s.ProfileOut)
def me():
    current_caller()
    p = services().auth.call("GetProfile", pb.GetProfileRequest(), idempotent=True)
    return {"user_id": p.user_id, "kind": p.kind, "phone": p.phone, "email": p.email, "login": p.login}
