"""The caller's profile ("Давайте познакомимся"), password, contacts, sessions, linked identities."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from kabinet.auth.v1 import auth_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.api.auth import SENT, auth_call, end_cookie_session, sending
from gateway.openapi import operation
from gateway.security import current_caller, login_required
from gateway.throttle import throttle

bp = Blueprint("me", __name__, url_prefix="/api/v1")


@bp.get("/me")
@operation("Профиль", tag="profile", response=s.ProfileOut)
@login_required
def me():
    return present.profile(auth_call("GetProfile", pb.GetProfileRequest(), idempotent=True))


@bp.patch("/me")
@operation("Изменить профиль", tag="profile", body=s.ProfilePatchIn, response=s.ProfileOut, errors=(409, 422),
           description="Names, marketing consent, the organization's contact phone (\"Давайте познакомимся\"), "
                       "a login if none was chosen (it never changes). When an organization completes the step, "
                       "refresh the tokens (POST /api/v1/auth/refresh) to drop the onboarding flag.")
@login_required
def update_me():
    data = s.load(s.ProfilePatchIn, request.get_json(silent=True))
    return present.profile(auth_call("UpdateProfile", pb.UpdateProfileRequest(**data)))


@bp.post("/me/password")
@operation("Сменить пароль", tag="profile", body=s.PasswordChangeIn, response=s.PasswordChangeOut,
           errors=(409, 422, 429), description="The old password is required; other sessions end unless "
                                               "end_other_sessions is false.")
@login_required
def change_password():
    data = s.load(s.PasswordChangeIn, request.get_json(silent=True))
    throttle().hit("password_user", current_caller().user_id)
    reply = auth_call("ChangePassword", pb.ChangePasswordRequest(**data))
    return {"sessions_ended": reply.sessions_ended, "detail": "Пароль изменён."}


@bp.post("/me/contact")
@operation("Сменить телефон или e-mail", tag="profile", body=s.ContactChangeIn, response=s.ContactChangeOut,
           status=202, errors=(409, 422, 429),
           description="The current password is required. The new contact gets a code (and a link for e-mail); "
                       "the old one stays until the new one is confirmed.")
@login_required
def start_contact_change():
    data = s.load(s.ContactChangeIn, request.get_json(silent=True))
    throttle().hit("password_user", current_caller().user_id)
    channel, value = ("sms", data["phone"]) if data.get("phone") else ("email", data["email"])
    sending(channel, value)
    reply = auth_call("StartContactChange", pb.StartContactChangeRequest(
        channel=channel, value=value, password=data["password"]))
    return {"change_id": reply.change_id, "code_ttl_seconds": reply.code_ttl_seconds,
            "resend_after_seconds": reply.resend_after_seconds, "channel": channel, "detail": SENT[channel]}, 202


@bp.post("/me/contact/confirm")
@operation("Подтвердить новый телефон или e-mail", tag="profile", body=s.ContactConfirmIn, response=s.ProfileOut,
           errors=(409, 422, 429))
@login_required
def confirm_contact_change():
    data = s.load(s.ContactConfirmIn, request.get_json(silent=True))
    throttle().hit("code_ip", current_caller().user_id)
    return present.profile(auth_call("ConfirmContactChange", pb.ConfirmContactChangeRequest(
        change_id=data["change_id"], code=data["code"].strip())))


@bp.post("/me/email/resend")
@operation("Отправить письмо подтверждения ещё раз", tag="profile", response=s.ResendOut, errors=(409, 429))
@login_required
def resend_email_confirmation():
    t = throttle()
    t.hit("send_destination", t.key("user:" + current_caller().user_id))
    t.hit("send_email_global", "all")
    reply = auth_call("ResendEmailConfirmation", pb.ResendEmailConfirmationRequest())
    return {"code_ttl_seconds": reply.code_ttl_seconds, "resend_after_seconds": reply.resend_after_seconds,
            "detail": SENT["email"]}


@bp.get("/me/sessions")
@operation("Мои сеансы", tag="profile", response=s.SessionListOut)
@login_required
def list_sessions():
    reply = auth_call("ListSessions", pb.ListSessionsRequest(), idempotent=True)
    return {"sessions": [present.session(x) for x in reply.sessions]}


@bp.delete("/me/sessions/<session_id>")
@operation("Завершить сеанс", tag="profile", status=204, errors=(404,))
@login_required
def revoke_session(session_id: str):
    auth_call("RevokeSession", pb.RevokeSessionRequest(session_id=session_id[:64]))
    if session_id == current_caller().session_id and g.get("auth_via") == "cookie":
        return end_cookie_session(current_app.response_class(status=204))
    return "", 204


@bp.get("/me/social")
@operation("Привязанные входы (VK ID, Яндекс ID, Госуслуги…)", tag="profile", response=s.SocialIdentityListOut)
@login_required
def social_identities():
    reply = auth_call("ListSocialIdentities", pb.ListSocialIdentitiesRequest(), idempotent=True)
    return {"identities": [present.social_identity(i) for i in reply.identities]}


@bp.delete("/me/social/<identity_id>")
@operation("Отвязать вход", tag="profile", status=204, errors=(404,))
@login_required
def unlink_social_identity(identity_id: str):
    auth_call("UnlinkSocialIdentity", pb.UnlinkSocialIdentityRequest(identity_id=identity_id[:64]))
    return "", 204
