"""Staff sign-in (/staff/v1): login + password + TOTP; sessions separate from customers'."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.auth.v1 import auth_pb2 as pb

from gateway.openapi import operation
from gateway.schema import NAME, SECRET, SHORT, StrictSchema, body, dump, text
from gateway.security import current_caller, login_required
from gateway.services import auth
from gateway.shapes import LogoutIn, ProfileOut, RefreshIn, TokensOut
from gateway.signin import issue, session_mode, sign_out
from gateway.throttle import client_ip, throttle
from kit.errors import Unauthenticated

bp = Blueprint("staff", __name__, url_prefix="/staff/v1")


class StaffLoginIn(StrictSchema):
    login = text(NAME, required=True)
    password = text(SECRET, required=True)
    totp_code = text(SHORT, required=True, metadata={"description": "the 6-digit code of the authenticator app"})
    session = session_mode()


@bp.post("/auth/login")
@operation("Вход сотрудника (пароль и код из приложения)", tag="staff", body=StaffLoginIn, response=TokensOut,
           auth=False, errors=(401, 422, 429),
           description="Login, password and TOTP code, all required. Staff tokens and the staff cookie work only "
                       "under /staff/v1; customer ones never do.")
def staff_login():
    data = body(StaffLoginIn)
    ip = client_ip()
    throttle().hit("staff_login_ip", ip)
    guard = current_app.extensions["kabinet.signin"]
    guard.check("staff:" + data["login"], ip)  # progressive delays; no captcha for staff (TOTP is the 2nd factor)
    try:
        pair = auth().call("StaffLogin", pb.StaffLoginRequest(
            login=data["login"], password=data["password"], totp_code=data["totp_code"],
            device=request.user_agent.string[:200], ip=ip))
    except Unauthenticated:
        guard.failed("staff:" + data["login"], ip)
        raise
    guard.succeeded("staff:" + data["login"], ip)
    return issue(pair, data["session"], "staff")


@bp.post("/auth/refresh")
@operation("Обновление токенов сотрудника", tag="staff", body=RefreshIn, response=TokensOut, auth=False,
           errors=(401, 422))
def staff_refresh():
    data = body(RefreshIn, optional=True)
    if not data.get("refresh_token"):
        raise Unauthenticated()
    pair = auth().call("Refresh", pb.RefreshRequest(refresh_token=data["refresh_token"]))
    if pair.kind != "staff":
        raise Unauthenticated("Этот вход не подходит для этого раздела.", code="wrong_audience")
    return issue(pair, "token", "staff")


@bp.post("/auth/logout")
@operation("Выход сотрудника", tag="staff", body=LogoutIn, status=204)
@login_required
def staff_logout():
    return sign_out()


@bp.get("/me")
@operation("Профиль сотрудника", tag="staff", response=ProfileOut)
def staff_me():
    current_caller()
    return dump(ProfileOut, auth().call("GetProfile", pb.GetProfileRequest(), idempotent=True))
