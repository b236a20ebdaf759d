"""The caller's profile ("Давайте познакомимся"), password, contacts, sessions, linked identities."""

from __future__ import annotations

from flask import Blueprint, current_app, g
from kabinet.auth.v1 import auth_pb2 as pb
from marshmallow import Schema, ValidationError, fields, validates_schema

from gateway.openapi import operation
from gateway.revocations import sessions_ended
from gateway.schema import NAME, SECRET, SHORT, StrictSchema, body, dump, field, path_id, text
from gateway.security import current_caller, login_required
from gateway.services import auth
from gateway.shapes import SENT, ChallengeOut, ProfileOut
from gateway.signin import end_cookie_session
from gateway.throttle import sending, throttle

bp = Blueprint("me", __name__, url_prefix="/api/v1")


class ProfilePatchIn(StrictSchema):
    surname = text()
    first_name = text()
    patronymic = text()
    contact_phone = text(SHORT)
    marketing_consent = field(fields.Boolean)
    login = text(SHORT, metadata={"description": "only when none was chosen; it never changes"})


class PasswordChangeIn(StrictSchema):
    old_password = text(SECRET, required=True)
    new_password = text(SECRET, required=True)
    end_other_sessions = field(fields.Boolean, load_default=True)


class PasswordChangeOut(Schema):
    sessions_ended = fields.Integer()
    detail = fields.String()


class ContactChangeIn(StrictSchema):
    phone = text(SHORT)
    email = text(NAME)
    password = text(SECRET, required=True)

    @validates_schema
    def one_contact(self, data, **_):
        if bool(data.get("phone")) == bool(data.get("email")):
            raise ValidationError("Укажите новый телефон или новый адрес электронной почты.", "phone")


class ContactChangeOut(ChallengeOut):
    change_id = fields.String()


class ContactConfirmIn(StrictSchema):
    change_id = text(SHORT, required=True)
    code = text(SHORT, required=True)


class SessionOut(Schema):
    session_id = fields.String()
    device = fields.String()
    ip = fields.String()
    created_at = fields.String()
    last_used_at = fields.String()
    expires_at = fields.String()
    remember_me = fields.Boolean()
    current = fields.Boolean()
    method = fields.String()


class SessionListOut(Schema):
    sessions = fields.List(fields.Nested(SessionOut))


class SocialIdentityOut(Schema):
    identity_id = fields.String()
    provider = fields.String()
    display_name = fields.String()
    linked_at = fields.String()


class SocialIdentityListOut(Schema):
    identities = fields.List(fields.Nested(SocialIdentityOut))


@bp.get("/me")
@operation("Профиль", tag="profile", response=ProfileOut)
@login_required
def me():
    return dump(ProfileOut, auth().call("GetProfile", pb.GetProfileRequest(), idempotent=True))


@bp.patch("/me")
@operation("Изменить профиль", tag="profile", body=ProfilePatchIn, response=ProfileOut, errors=(409, 422),
           description="Names, marketing consent, the organization's contact phone (\"Давайте познакомимся\"), "
                       "a login if none was chosen (it never changes). When an organization completes the step, "
                       "refresh the tokens (POST /api/v1/auth/refresh) to drop the onboarding flag.")
@login_required
def update_me():
    return dump(ProfileOut, auth().call("UpdateProfile", pb.UpdateProfileRequest(**body(ProfilePatchIn))))


@bp.post("/me/password")
@operation("Сменить пароль", tag="profile", body=PasswordChangeIn, response=PasswordChangeOut,
           errors=(409, 422, 429), description="The old password is required; other sessions end unless "
                                               "end_other_sessions is false.")
@login_required
def change_password():
    data = body(PasswordChangeIn)
    throttle().hit("password_user", current_caller().user_id)
    reply = auth().call("ChangePassword", pb.ChangePasswordRequest(**data))
    sessions_ended(reply)
    return dump(PasswordChangeOut, {"sessions_ended": reply.sessions_ended, "detail": "Пароль изменён."})


@bp.post("/me/contact")
@operation("Сменить телефон или e-mail", tag="profile", body=ContactChangeIn, response=ContactChangeOut,
           status=202, errors=(409, 422, 429),
           description="The current password is required. The new contact gets a code (and a link for e-mail); "
                       "the old one stays until the new one is confirmed.")
@login_required
def start_contact_change():
    data = body(ContactChangeIn)
    throttle().hit("password_user", current_caller().user_id)
    channel, value = ("sms", data["phone"]) if data.get("phone") else ("email", data["email"])
    sending(channel, value)
    reply = auth().call("StartContactChange", pb.StartContactChangeRequest(
        channel=channel, value=value, password=data["password"]))
    return dump(ContactChangeOut, {"change_id": reply.change_id, "code_ttl_seconds": reply.code_ttl_seconds,
                                   "resend_after_seconds": reply.resend_after_seconds, "channel": channel,
                                   "detail": SENT[channel]}), 202


@bp.post("/me/contact/confirm")
@operation("Подтвердить новый телефон или e-mail", tag="profile", body=ContactConfirmIn, response=ProfileOut,
           errors=(409, 422, 429))
@login_required
def confirm_contact_change():
    data = body(ContactConfirmIn)
    throttle().hit("code_ip", current_caller().user_id)
    return dump(ProfileOut, auth().call("ConfirmContactChange", pb.ConfirmContactChangeRequest(
        change_id=data["change_id"], code=data["code"])))


@bp.post("/me/email/resend")
@operation("Отправить письмо подтверждения ещё раз", tag="profile", response=ChallengeOut, errors=(409, 429))
@login_required
def resend_email_confirmation():
    t = throttle()
    t.hit("send_destination", t.key("user:" + current_caller().user_id))
    t.hit("send_email_global", "all")
    reply = auth().call("ResendEmailConfirmation", pb.ResendEmailConfirmationRequest())
    return dump(ChallengeOut, {"code_ttl_seconds": reply.code_ttl_seconds,
                               "resend_after_seconds": reply.resend_after_seconds, "detail": SENT["email"]})


@bp.get("/me/sessions")
@operation("Мои сеансы", tag="profile", response=SessionListOut)
@login_required
def list_sessions():
    return dump(SessionListOut, auth().call("ListSessions", pb.ListSessionsRequest(), idempotent=True))


@bp.delete("/me/sessions/<session_id>")
@operation("Завершить сеанс", tag="profile", status=204, errors=(404,))
@login_required
def revoke_session(session_id: str):
    sessions_ended(auth().call("RevokeSession", pb.RevokeSessionRequest(session_id=path_id(session_id))))
    if session_id == current_caller().session_id and g.get("auth_via") == "cookie":
        return end_cookie_session(current_app.response_class(status=204))
    return "", 204


@bp.get("/me/social")
@operation("Привязанные входы (VK ID, Яндекс ID, Госуслуги…)", tag="profile", response=SocialIdentityListOut)
@login_required
def social_identities():
    return dump(SocialIdentityListOut, auth().call("ListSocialIdentities", pb.ListSocialIdentitiesRequest(),
                                                   idempotent=True))


@bp.delete("/me/social/<identity_id>")
@operation("Отвязать вход", tag="profile", status=204, errors=(404,))
@login_required
def unlink_social_identity(identity_id: str):
    auth().call("UnlinkSocialIdentity", pb.UnlinkSocialIdentityRequest(identity_id=path_id(identity_id)))
    return "", 204
