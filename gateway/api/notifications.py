"""The in-app inbox (колокольчик), notification preferences and the e-mails' one-click unsubscribe (RFC 8058).
Shape only: notify decides every rule (what may be switched off, whose message it is, what a link does)."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.notify.v1 import notify_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation, query_params
from gateway.schema import RU, SHORT, StrictSchema, body, dump, field, path_id, query, text
from gateway.security import login_required
from gateway.services import notify
from gateway.shapes import NotificationOut
from kit.errors import InvalidInput

bp = Blueprint("notifications", __name__, url_prefix="/api/v1")

TOKEN = 1000  # an unsubscribe token is ~150 characters


class NotificationListOut(Schema):
    notifications = fields.List(fields.Nested(NotificationOut), attribute="messages")
    next_cursor = fields.Function(lambda r: r.next_page_token or None, metadata={
        "description": "the cursor of the next page (GET …?cursor=); null on the last page"})
    unread_count = fields.Integer(metadata={"description": "unread messages (the bell)"})


class UnreadCountOut(Schema):
    unread_count = fields.Integer()


class ReadAllOut(Schema):
    marked = fields.Integer(metadata={"description": "messages that were unread"})
    unread_count = fields.Integer()


class InboxQueryIn(StrictSchema):
    limit = field(fields.Integer, validate=validate.Range(min=1, max=200, error="Допустимо от 1 до 200."),
                  metadata={"description": "page size, default 20"})
    cursor = text(SHORT * 4, metadata={"description": "next_cursor of the previous page; absent for the first"})
    unread = field(fields.Boolean, metadata={"description": "only unread messages"})


@bp.get("/notifications")
@operation("Уведомления", tag="notifications", response=NotificationListOut, errors=(422,),
           params=query_params("limit", "cursor", "unread"),
           description="My messages, newest first (by the time of the fact), a page at a time (keyset: a page never "
                       "repeats or skips a message when new ones arrive), with the unread count. limit 1–200 "
                       "(default 20), cursor = the previous page's next_cursor, unread=true for unread ones only.")
@login_required
def inbox():
    data = query(InboxQueryIn)
    return dump(NotificationListOut, notify().call("ListNotifications", pb.ListNotificationsRequest(
        limit=data.get("limit", 0), page_token=data.get("cursor", ""), unread_only=data.get("unread", False)),
        idempotent=True))


@bp.get("/notifications/unread-count")
@operation("Непрочитанные уведомления", tag="notifications", response=UnreadCountOut,
           description="The bell's number: how many of my messages are unread.")
@login_required
def unread_count():
    return dump(UnreadCountOut, notify().call("CountUnreadNotifications", pb.CountUnreadNotificationsRequest(),
                                              idempotent=True))


@bp.post("/notifications/<notification_id>/read")
@operation("Отметить уведомление прочитанным", tag="notifications", response=UnreadCountOut, errors=(404,),
           description="Marks one of my messages read (again: nothing changes) and answers the unread count. "
                       "Another customer's message is 404 notification_not_found, like one that does not exist.")
@login_required
def mark_read(notification_id: str):
    return dump(UnreadCountOut, notify().call("MarkNotificationRead", pb.MarkNotificationReadRequest(
        message_id=path_id(notification_id)), idempotent=True))


@bp.post("/notifications/read-all")
@operation("Отметить все уведомления прочитанными", tag="notifications", response=ReadAllOut)
@login_required
def mark_all_read():
    return dump(ReadAllOut, notify().call("MarkAllNotificationsRead", pb.MarkAllNotificationsReadRequest(),
                                          idempotent=True))


# --- preferences ------------------------------------------------------------------------------------------

class ChannelSettingOut(Schema):
    channel = fields.String(metadata={"description": "sms | email (the inbox always gets a copy)"})
    title = fields.String()
    enabled = fields.Boolean()
    locked = fields.Boolean(metadata={"description": "critical: always on, cannot be switched off"})


class CategorySettingsOut(Schema):
    category = fields.String(metadata={"description": "a NOTIFICATION_CATEGORY code"})
    title = fields.String()
    description = fields.String()
    channels = fields.List(fields.Nested(ChannelSettingOut), metadata={
        "description": "the channels this category's notifications use"})


class PreferencesOut(Schema):
    categories = fields.List(fields.Nested(CategorySettingsOut))


class PreferenceIn(StrictSchema):
    category = text(SHORT, required=True)
    channel = text(SHORT, required=True)
    enabled = field(fields.Boolean, required=True)


class PreferencesIn(StrictSchema):
    preferences = fields.List(fields.Nested(PreferenceIn), required=True, error_messages=RU,
                              validate=validate.Length(min=1, max=50, error="От 1 до 50 настроек."))


@bp.get("/me/notification-preferences")
@operation("Настройки уведомлений", tag="notifications", response=PreferencesOut,
           description="Category × channel: what I get by SMS and e-mail (the catalogue's defaults where I said "
                       "nothing). Locked channels are critical (security, legal notices) and cannot be switched off.")
@login_required
def get_preferences():
    return dump(PreferencesOut, notify().call("GetNotificationPreferences", pb.GetNotificationPreferencesRequest(),
                                              idempotent=True))


@bp.put("/me/notification-preferences")
@operation("Изменить настройки уведомлений", tag="notifications", body=PreferencesIn, response=PreferencesOut,
           errors=(409,), description="Switches the listed channels of categories on or off and answers the whole "
                                      "matrix. Switching a locked (critical) channel off is 409 notification_locked "
                                      "and changes nothing; an unknown category or channel is 422.")
@login_required
def put_preferences():
    data = body(PreferencesIn)
    return dump(PreferencesOut, notify().call("UpdateNotificationPreferences", pb.UpdateNotificationPreferencesRequest(
        changes=[pb.NotificationPreferenceChange(**p) for p in data["preferences"]]), idempotent=True))


# --- one-click unsubscribe (public: the link of an e-mail) -------------------------------------------------

class UnsubscribeOut(Schema):
    category = fields.String()
    category_title = fields.String()
    channel = fields.String(metadata={"description": "email"})
    used = fields.Boolean(metadata={"description": "GET: the link was used before"})
    enabled = fields.Boolean(metadata={"description": "whether these e-mails are on now"})


TOKEN_PARAM = {"name": "token", "in": "query", "required": True, "schema": {"type": "string"},
               "description": "the token of the e-mail's List-Unsubscribe link"}


def _token() -> str:
    token = request.args.get("token", "")
    if not token or len(token) > TOKEN:
        raise InvalidInput("Ссылка для отписки повреждена или устарела.", code="unsubscribe_invalid",
                           fields={"token": "Неверная ссылка."})
    return token


@bp.get("/notifications/unsubscribe")
@operation("Что сделает ссылка отписки", tag="notifications", auth=False, response=UnsubscribeOut, errors=(422,),
           params=(TOKEN_PARAM,), description="For the web page a person opens from the e-mail: which category's "
                                                "e-mails the link switches off, whether they are on now and whether "
                                                "the link was used. Changes nothing.")
def describe_unsubscribe():
    return dump(UnsubscribeOut, notify().call("DescribeUnsubscribe", pb.UnsubscribeRequest(token=_token()),
                                              idempotent=True))


@bp.post("/notifications/unsubscribe")
@operation("Отписаться от писем одним нажатием", tag="notifications", auth=False, response=UnsubscribeOut,
           errors=(409, 422), params=(TOKEN_PARAM,),
           description="RFC 8058 one-click unsubscribe: the mail client POSTs the e-mail's List-Unsubscribe URL with "
                       "the form body `List-Unsubscribe=One-Click` (application/x-www-form-urlencoded or "
                       "multipart/form-data). Switches e-mails of the link's one category off for its customer, "
                       "once: a second use is 409 unsubscribe_used; a link that is not ours 422 unsubscribe_invalid. "
                       "No session, no CSRF token (the signed token is the proof); limited per address.")
def unsubscribe():
    token = _token()
    if request.form.get("List-Unsubscribe") != "One-Click":
        raise InvalidInput("Ожидается форма List-Unsubscribe=One-Click.", code="invalid_input",
                           fields={"List-Unsubscribe": "Ожидается One-Click."})
    return dump(UnsubscribeOut, notify().call("Unsubscribe", pb.UnsubscribeRequest(token=token)))
