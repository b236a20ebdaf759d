"""Staff sign-in (/staff/v1): login + password + TOTP; sessions separate from customers'."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.auth.v1 import auth_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.api.auth import auth_call, issue, sign_out
from gateway.openapi import operation
from gateway.security import current_caller, login_required
from gateway.throttle import client_ip, throttle
from kit.errors import Unauthenticated

bp = Blueprint("staff", __name__, url_prefix="/staff/v1")


@bp.post("/auth/login")
@operation("Вход сотрудника (пароль и код из приложения)", tag="staff", body=s.StaffLoginIn, response=s.TokensOut,
           auth=False, errors=(401, 422, 429),
           description="Login, password and TOTP code, all required. Staff tokens and the staff cookie work only "
                       "under /staff/v1; customer ones never do.")
def staff_login():
    data = s.load(s.StaffLoginIn, request.get_json(silent=True))
    ip = client_ip()
    throttle().hit("staff_login_ip", ip)
    guard = current_app.extensions["kabinet.signin"]
    guard.check("staff:" + data["login"], ip)  # progressive delays; no captcha for staff (TOTP is the 2nd factor)
    try:
        pair = auth_call("StaffLogin", pb.StaffLoginRequest(
            login=data["login"], password=data["password"], totp_code=data["totp_code"].strip(),
            device=request.user_agent.string[:200], ip=ip))
    except Unauthenticated:
        guard.failed("staff:" + data["login"], ip)
        raise
    guard.succeeded("staff:" + data["login"], ip)
    return issue(pair, data["session"], "staff")


@bp.post("/auth/refresh")
@operation("Обновление токенов сотрудника", tag="staff", body=s.RefreshIn, response=s.TokensOut, auth=False,
           errors=(401, 422))
def staff_refresh():
    data = s.load(s.RefreshIn, request.get_json(silent=True) or {})
    if not data.get("refresh_token"):
        raise Unauthenticated()
    pair = auth_call("Refresh", pb.RefreshRequest(refresh_token=data["refresh_token"]))
    if pair.kind != "staff":
        raise Unauthenticated("Этот вход не подходит для этого раздела.", code="wrong_audience")
    return issue(pair, "token", "staff")


@bp.post("/auth/logout")
@operation("Выход сотрудника", tag="staff", body=s.LogoutIn, status=204)
@login_required
def staff_logout():
    return sign_out()


@bp.get("/me")
@operation("Профиль сотрудника", tag="staff", response=s.ProfileOut)
def staff_me():
    current_caller()
    return present.profile(auth_call("GetProfile", pb.GetProfileRequest(), idempotent=True))
