"""Customer care (section: care): news, outage notices (the public status route), feedback «Отправить сообщение»
with or without signing in, and staff's side of each. Shape only: notify decides every rule."""

from __future__ import annotations

import threading
import time

from flask import Blueprint, jsonify, request
from kabinet.notify.v1 import notify_pb2 as pb
from kabinet_vocabulary import FEEDBACK_STATUS, FEEDBACK_TOPIC, NEWS_AUDIENCE, NEWS_STATUS, NOTICE_SEVERITY
from marshmallow import Schema, fields, validate

from gateway import boundary
from gateway.captcha import captchas
from gateway.idempotency import idempotency_key
from gateway.openapi import operation, query_params
from gateway.schema import (
    NAME,
    SHORT,
    TEXT,
    OrNone,
    StrictSchema,
    Timestamp,
    attachment,
    body,
    capped,
    dump,
    field,
    load,
    one_of,
    path_id,
    query,
    text,
)
from gateway.security import current_caller, login_required
from gateway.services import notify
from gateway.throttle import client_ip, throttle
from kit.errors import InvalidInput

bp = Blueprint("care", __name__, url_prefix="/api/v1")
staff_bp = Blueprint("staff_care", __name__, url_prefix="/staff/v1")

NEWS_BODY = 40000                # caps of the shape; notify's rules are tighter (20 000, 500, 4 000 …)
PAGE = validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000.")
UPLOAD_BYTES = 8 * 1024 * 1024   # a multipart message with its files (notify allows 3 files of 2 MB)
UPLOAD_PARTS = 10
STATUS_SECONDS = 5               # the in-process cache of GET /status; clients may cache 15 s more
STATUS_CACHE_CONTROL = "public, max-age=15"


# --- shapes ---------------------------------------------------------------------------------------------------

class PageIn(StrictSchema):
    page_size = field(fields.Integer, validate=PAGE, metadata={"description": "20 by default, at most 100"})
    cursor = text(SHORT, metadata={"description": "next_cursor of the previous page"})


class NewsListIn(PageIn):
    supplier_id = text(SHORT, metadata={"description": "without signing in: this supplier's news for everyone "
                                                       "(and the news for every supplier)"})


class StaffNewsListIn(PageIn):
    supplier_id = text(SHORT, metadata={"description": "a supplier, or \"all\": the news for every supplier"})
    status = one_of(NEWS_STATUS)


class NewsIn(StrictSchema):
    supplier_id = text(SHORT, metadata={"description": "\"\" or absent: for every supplier"})
    audience = one_of(NEWS_AUDIENCE, metadata={"description": "all by default"})
    title = text(NAME * 2, required=True)
    body = text(NEWS_BODY, required=True, metadata={
        "description": "plain text, no HTML; paragraphs split by an empty line; an http(s):// address in it is "
                       "shown as a link"})
    published_at = text(SHORT, metadata={"description": "RFC 3339, not in the future: the date shown (by default "
                                                        "the moment it is published)"})


class NewsOut(Schema):
    news_id = fields.String()
    supplier_id = OrNone(allow_none=True, metadata={"description": "null: for every supplier"})
    audience = fields.String(metadata={"enum": list(NEWS_AUDIENCE.codes)})
    title = fields.String()
    body = fields.String()
    paragraphs = fields.List(fields.String(), metadata={
        "description": "the body's paragraphs: show each as text, an http(s):// address in it as a link"})
    status = fields.String(metadata={"enum": list(NEWS_STATUS.codes)})
    published_at = Timestamp(allow_none=True)
    created_at = Timestamp(allow_none=True)
    updated_at = Timestamp(allow_none=True)


class NewsPageOut(Schema):
    items = fields.List(fields.Nested(NewsOut))
    next_cursor = OrNone(allow_none=True, metadata={"description": "null on the last page"})


class StatusIn(StrictSchema):
    supplier_id = text(SHORT, metadata={"description": "only the notices for everyone and this supplier's"})


class NoticeIn(StrictSchema):
    supplier_id = text(SHORT, metadata={"description": "\"\" or absent: for every supplier"})
    severity = one_of(NOTICE_SEVERITY, metadata={"description": "info by default"})
    starts_at = text(SHORT, metadata={"description": "RFC 3339; now by default"})
    ends_at = text(SHORT, metadata={"description": "RFC 3339; absent: until ended"})
    text = field(fields.String, validate=capped(TEXT), required=True)  # last: it hides the helper `text`


class NoticeOut(Schema):
    notice_id = fields.String()
    supplier_id = OrNone(allow_none=True, metadata={"description": "null: for every supplier"})
    text = fields.String()
    severity = fields.String(metadata={"enum": list(NOTICE_SEVERITY.codes)})
    starts_at = Timestamp(allow_none=True)
    ends_at = Timestamp(allow_none=True, metadata={"description": "null: until ended"})
    in_force = fields.Boolean()
    created_at = Timestamp(allow_none=True)


class NoticeListOut(Schema):
    notices = fields.List(fields.Nested(NoticeOut))


class StaffNoticesIn(StrictSchema):
    page_size = field(fields.Integer, validate=PAGE, metadata={"description": "the newest 50 by default"})


class MessageIn(StrictSchema):
    topic = one_of(FEEDBACK_TOPIC, required=True)
    text = field(fields.String, validate=capped(TEXT * 2), required=True)


class FeedbackIn(MessageIn):
    account_id = text(SHORT, metadata={"description": "optional: one of my accounts the message is about"})


class PublicFeedbackIn(MessageIn):
    name = text(NAME, required=True)
    email = text(NAME, metadata={"description": "an e-mail and/or a phone: at least one, for the answer"})
    phone = text(SHORT)
    address = text(TEXT, required=True)
    captcha_id = text(SHORT)
    captcha_answer = text(SHORT)


class ReplyIn(StrictSchema):
    text = field(fields.String, validate=capped(TEXT * 2), required=True)


class StatusChangeIn(StrictSchema):
    status = one_of(FEEDBACK_STATUS, required=True)


class FeedbackListIn(PageIn):
    pass


class StaffFeedbackListIn(PageIn):
    status = one_of(FEEDBACK_STATUS)
    topic = one_of(FEEDBACK_TOPIC)


class AttachmentOut(Schema):
    n = fields.Integer(metadata={"description": "1, 2, 3: staff download it at …/attachments/{n}"})
    filename = fields.String()
    content_type = fields.String(metadata={"description": "found from the content"})
    size = fields.Integer()


class ReplyOut(Schema):
    reply_id = fields.String()
    text = fields.String()
    created_at = Timestamp(allow_none=True)


class FeedbackOut(Schema):
    feedback_id = fields.String()
    number = fields.Integer(metadata={"description": "«обращение № 17», for people"})
    topic = fields.String(metadata={"enum": list(FEEDBACK_TOPIC.codes)})
    text = fields.String()
    status = fields.String(metadata={"enum": list(FEEDBACK_STATUS.codes)})
    account_id = OrNone(allow_none=True)
    signed_in = fields.Boolean(metadata={"description": "false: sent without signing in"})
    name = OrNone(allow_none=True)
    email = OrNone(allow_none=True)
    phone = OrNone(allow_none=True)
    address = OrNone(allow_none=True)
    user_id = OrNone(allow_none=True, metadata={"description": "staff views only"})
    attachments = fields.List(fields.Nested(AttachmentOut))
    replies = fields.List(fields.Nested(ReplyOut))
    created_at = Timestamp(allow_none=True)
    updated_at = Timestamp(allow_none=True)


class FeedbackPageOut(Schema):
    items = fields.List(fields.Nested(FeedbackOut))
    next_cursor = OrNone(allow_none=True)


# --- news -----------------------------------------------------------------------------------------------------

@bp.get("/news")
@operation("Новости", tag="care", auth=False, response=NewsPageOut,
           params=query_params("supplier_id", "page_size", "cursor"),
           description="Signed in: the news of the suppliers of my accounts for my audience (households; legal "
                       "entities — accounts of category legal/legal_…) and the news for every supplier. Without "
                       "signing in: `supplier_id`'s news for everyone and the news for every supplier. Newest "
                       "first; `next_cursor` gives the next page. Plain text: show `paragraphs`, an http(s):// "
                       "address as a link.")
def news_list():
    data = query(NewsListIn)
    return dump(NewsPageOut, notify().call("ListNews", pb.ListNewsRequest(
        supplier_id=data.get("supplier_id", ""), page_size=data.get("page_size", 0), cursor=data.get("cursor", "")),
        idempotent=True))


@bp.get("/news/<news_id>")
@operation("Новость", tag="care", auth=False, response=NewsOut, errors=(404,),
           description="A published item I may read (as in the list); a withdrawn one or another audience's is "
                       "404 news_not_found.")
def news_item(news_id: str):
    return dump(NewsOut, notify().call("GetNews", pb.GetNewsRequest(news_id=path_id(news_id)), idempotent=True))


@staff_bp.get("/news")
@operation("Новости (сотрудник)", tag="staff", response=NewsPageOut, errors=(403,),
           params=query_params("supplier_id", "status", "page_size", "cursor"),
           description="Every item, drafts too, newest first. Roles admin, operator.")
@login_required
def staff_news_list():
    data = query(StaffNewsListIn)
    return dump(NewsPageOut, notify().call("StaffListNews", pb.StaffListNewsRequest(
        supplier_id=data.get("supplier_id", ""), status=data.get("status", ""), page_size=data.get("page_size", 0),
        cursor=data.get("cursor", "")), idempotent=True))


@staff_bp.post("/news")
@operation("Черновик новости", tag="staff", body=NewsIn, response=NewsOut, status=201, errors=(403,),
           description="A draft for a supplier (or every supplier) and an audience. 422 invalid_news (HTML is "
                       "refused: plain text, paragraphs by an empty line). Role admin; audited.")
@login_required
def staff_news_create():
    return dump(NewsOut, notify().call("StaffCreateNews", _draft(body(NewsIn)))), 201


@staff_bp.put("/news/<news_id>")
@operation("Изменить черновик новости", tag="staff", body=NewsIn, response=NewsOut, errors=(403, 404, 409),
           description="Only a draft (409 news_not_draft). Role admin; audited.")
@login_required
def staff_news_update(news_id: str):
    return dump(NewsOut, notify().call("StaffUpdateNews", _draft(body(NewsIn), path_id(news_id))))


@staff_bp.post("/news/<news_id>/publish")
@operation("Опубликовать новость", tag="staff", response=NewsOut, errors=(403, 404, 409),
           description="Customers read it; it is announced once (notify.news.published: the customers who asked "
                       "for news by SMS or e-mail hear of it). Again: no change. 409 news_withdrawn. Role admin; "
                       "audited.")
@login_required
def staff_news_publish(news_id: str):
    return dump(NewsOut, notify().call("StaffPublishNews", pb.NewsRef(news_id=path_id(news_id))))


@staff_bp.post("/news/<news_id>/withdraw")
@operation("Снять новость с публикации", tag="staff", response=NewsOut, errors=(403, 404, 409),
           description="Customers no longer see it (404 for its id). 409 news_not_published for a draft. Role "
                       "admin; audited.")
@login_required
def staff_news_withdraw(news_id: str):
    return dump(NewsOut, notify().call("StaffWithdrawNews", pb.NewsRef(news_id=path_id(news_id))))


def _draft(data: dict, news_id: str = "") -> pb.NewsDraft:
    return pb.NewsDraft(news_id=news_id, supplier_id=data.get("supplier_id", ""), audience=data.get("audience", ""),
                        title=data["title"], body=data["body"], published_at=data.get("published_at", ""))


# --- outage notices -------------------------------------------------------------------------------------------

class StatusCache:
    """The notices in force, kept a few seconds per supplier filter in this process: every open cabinet and app
    polls the route. A few hundred filters at most (then it starts afresh), so no caller can grow it."""

    LIMIT = 256

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._kept: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def get(self, supplier_id: str, load_) -> dict:
        now = time.monotonic()
        kept = self._kept.get(supplier_id)
        if kept is not None and kept[0] > now:
            return kept[1]
        fresh = load_()
        with self._lock:
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            self._kept[supplier_id] = (now + self.seconds, fresh)
        return fresh


_status_cache = StatusCache(STATUS_SECONDS)


@bp.get("/status")
@operation("Объявления о работах и сбоях", tag="care", auth=False, response=NoticeListOut,
           params=query_params("supplier_id"),
           description="The notices in force now (planned works, the payment provider's break), newest first; "
                       "with `supplier_id` only the notices for everyone and that supplier's. No session. "
                       "Cache-Control: public, max-age=15 — poll it every minute or so.")
def status():
    supplier_id = query(StatusIn).get("supplier_id", "")
    data = _status_cache.get(supplier_id, lambda: dump(NoticeListOut, notify().call(
        "GetStatus", pb.GetStatusRequest(supplier_id=supplier_id), idempotent=True)))
    response = jsonify(data)
    response.headers["Cache-Control"] = STATUS_CACHE_CONTROL
    return response


@staff_bp.get("/notices")
@operation("Объявления (сотрудник)", tag="staff", response=NoticeListOut, errors=(403,),
           params=query_params("page_size"),
           description="The newest notices, over or not, with `in_force`. Roles admin, operator.")
@login_required
def staff_notices():
    data = query(StaffNoticesIn)
    return dump(NoticeListOut, notify().call("StaffListNotices", pb.StaffListNoticesRequest(
        page_size=data.get("page_size", 0)), idempotent=True))


@staff_bp.post("/notices")
@operation("Объявление о работах или сбое", tag="staff", body=NoticeIn, response=NoticeOut, status=201,
           errors=(403,),
           description="Shown on GET /api/v1/status from `starts_at` until `ends_at` (or until ended). 422 "
                       "invalid_notice. Role admin; audited.")
@login_required
def staff_notice_create():
    data = body(NoticeIn)
    return dump(NoticeOut, notify().call("StaffCreateNotice", pb.NoticeDraft(
        supplier_id=data.get("supplier_id", ""), text=data["text"], severity=data.get("severity", ""),
        starts_at=data.get("starts_at", ""), ends_at=data.get("ends_at", "")))), 201


@staff_bp.post("/notices/<notice_id>/end")
@operation("Завершить объявление досрочно", tag="staff", response=NoticeOut, errors=(403, 404, 409),
           description="It ends now. 409 notice_over when it is over already. Role admin; audited.")
@login_required
def staff_notice_end(notice_id: str):
    return dump(NoticeOut, notify().call("StaffEndNotice", pb.NoticeRef(notice_id=path_id(notice_id))))


# --- feedback «Отправить сообщение» ---------------------------------------------------------------------------

ATTACHMENTS = ("Attachments: send the same fields as multipart/form-data parts with up to 3 parts `files` (PDF, "
               "JPEG or PNG by content, 2 MB each; 422 invalid_attachment names each bad file in errors "
               "`files[i]`). An Idempotency-Key makes a retry return the first message — in JSON through the "
               "gateway's replay, in multipart through notify, which keeps the key with the message.")


def _message(schema) -> tuple[dict, list[pb.UploadedFile]]:
    """The fields of a message (JSON, or the parts of a multipart form) and its files."""
    if request.mimetype != "multipart/form-data":
        return body(schema), []
    request.max_content_length = UPLOAD_BYTES  # before the body is read
    unknown = set(request.files) - {"files"}
    uploads = request.files.getlist("files")
    if unknown or len(uploads) > UPLOAD_PARTS:
        raise InvalidInput("Приложите файлы в частях files.", code="invalid_attachment",
                           fields={"files": "Только части files."})
    data = load(schema, {boundary.text(k, "_"): boundary.text(v, k) for k, v in request.form.items()})
    return data, [pb.UploadedFile(filename=(f.filename or "").encode("utf-8", "replace").decode("utf-8"),
                                  content=f.read()) for f in uploads]


@bp.post("/feedback")
@operation("Отправить сообщение", tag="care", body=FeedbackIn, response=FeedbackOut, status=201,
           errors=(404,), files=(("files", "application/pdf"),),
           description="A message to the supplier on a topic, optionally about one of my accounts (404 "
                       "account_not_found otherwise). " + ATTACHMENTS)
@login_required
def feedback_submit():
    throttle().hit("request_user", current_caller().user_id)  # shared with service requests: each stored, read
    data, files = _message(FeedbackIn)
    return dump(FeedbackOut, notify().call("SubmitFeedback", pb.SubmitFeedbackRequest(
        topic=data["topic"], text=data["text"], account_id=data.get("account_id", ""), files=files,
        idempotency_key=idempotency_key()))), 201


@bp.post("/public/feedback")
@operation("Отправить сообщение без входа", tag="care", auth=False, body=PublicFeedbackIn, response=FeedbackOut,
           status=201, errors=(429,), files=(("files", "application/pdf"),),
           description="Name, address, an e-mail and/or a phone (at least one; 422 invalid_contacts), topic, "
                       "text; a captcha (GET /api/v1/captcha); rate limited per address. The reply comes to the "
                       "e-mail (else by SMS). " + ATTACHMENTS)
def feedback_submit_public():
    throttle().hit("public_feedback_ip", client_ip())
    data, files = _message(PublicFeedbackIn)
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    return dump(FeedbackOut, notify().call("SubmitPublicFeedback", pb.SubmitPublicFeedbackRequest(
        topic=data["topic"], text=data["text"], name=data["name"], email=data.get("email", ""),
        phone=data.get("phone", ""), address=data["address"], files=files,
        idempotency_key=idempotency_key()))), 201


@bp.get("/feedback")
@operation("Мои сообщения", tag="care", response=FeedbackPageOut, params=query_params("page_size", "cursor"),
           description="My messages with the replies, newest first.")
@login_required
def feedback_mine():
    data = query(FeedbackListIn)
    return dump(FeedbackPageOut, notify().call("ListMyFeedback", pb.ListMyFeedbackRequest(
        page_size=data.get("page_size", 0), cursor=data.get("cursor", "")), idempotent=True))


@bp.get("/feedback/<feedback_id>")
@operation("Моё сообщение", tag="care", response=FeedbackOut, errors=(404,),
           description="One of my messages with the replies; anyone else's is 404 feedback_not_found.")
@login_required
def feedback_one(feedback_id: str):
    return dump(FeedbackOut, notify().call("GetMyFeedback", pb.FeedbackRef(feedback_id=path_id(feedback_id)),
                                           idempotent=True))


@staff_bp.get("/feedback")
@operation("Сообщения клиентов (очередь)", tag="staff", response=FeedbackPageOut, errors=(403,),
           params=query_params("status", "topic", "page_size", "cursor"),
           description="Oldest first, by status and topic. Roles admin, operator.")
@login_required
def staff_feedback_queue():
    data = query(StaffFeedbackListIn)
    return dump(FeedbackPageOut, notify().call("StaffListFeedback", pb.StaffListFeedbackRequest(
        status=data.get("status", ""), topic=data.get("topic", ""), page_size=data.get("page_size", 0),
        cursor=data.get("cursor", "")), idempotent=True))


@staff_bp.get("/feedback/<feedback_id>")
@operation("Сообщение клиента", tag="staff", response=FeedbackOut, errors=(403, 404),
           description="With its attachments listed and the replies. Roles admin, operator.")
@login_required
def staff_feedback_one(feedback_id: str):
    return dump(FeedbackOut, notify().call("StaffGetFeedback", pb.FeedbackRef(feedback_id=path_id(feedback_id)),
                                           idempotent=True))


@staff_bp.get("/feedback/<feedback_id>/attachments/<int:n>")
@operation("Файл сообщения", tag="staff", errors=(403, 404), produces="application/octet-stream",
           description="The file as sent (Content-Type found from its content), as a download. Roles admin, "
                       "operator; audited.")
@login_required
def staff_feedback_attachment(feedback_id: str, n: int):
    reply = notify().call("StaffGetFeedbackAttachment", pb.AttachmentRef(feedback_id=path_id(feedback_id), n=n),
                          idempotent=True)
    return attachment(reply, "application/octet-stream", "fail")


@staff_bp.post("/feedback/<feedback_id>/reply")
@operation("Ответить на сообщение", tag="staff", body=ReplyIn, response=FeedbackOut, errors=(403, 404, 409),
           description="The message becomes answered; the reply reaches the customer in the inbox and by e-mail "
                       "(without a cabinet: to the e-mail given, else by SMS). 409 feedback_closed. Roles admin, "
                       "operator; audited.")
@login_required
def staff_feedback_reply(feedback_id: str):
    data = body(ReplyIn)
    return dump(FeedbackOut, notify().call("StaffReplyFeedback", pb.ReplyFeedbackRequest(
        feedback_id=path_id(feedback_id), text=data["text"])))


@staff_bp.post("/feedback/<feedback_id>/status")
@operation("Статус сообщения", tag="staff", body=StatusChangeIn, response=FeedbackOut, errors=(403, 404, 409),
           description="new → in_progress → answered (by a reply only: 409 reply_required) → closed; back to "
                       "in_progress when needed; 409 invalid_status_transition. Roles admin, operator; audited.")
@login_required
def staff_feedback_status(feedback_id: str):
    data = body(StatusChangeIn)
    return dump(FeedbackOut, notify().call("StaffSetFeedbackStatus", pb.SetFeedbackStatusRequest(
        feedback_id=path_id(feedback_id), status=data["status"])))
