"""The notify gRPC API, (care): news, outage notices, feedback."""

from __future__ import annotations

import datetime as dt

from kabinet.notify.v1 import notify_pb2 as pb

from kit.context import caller
from services.notify.domain.feedback import Feedback
from services.notify.domain.news import NewsItem
from services.notify.domain.notices import OutageNotice
from services.notify.service_layer import feedback, news, notices
from services.notify.service_layer.notifications import links_of, notify_many


class CareRpcs:
    """Mixed into NotifyServicer (self.uow: the unit-of-work factory; self.config: NotifyConfig)."""

    # --- news ---

    def ListNews(self, request, context):
        items, cursor = news.list_news(self.uow(), caller(), supplier_id=request.supplier_id,
                                       page_size=request.page_size, cursor=request.cursor)
        return pb.NewsPage(items=[news_to_pb(n) for n in items], next_cursor=cursor)

    def GetNews(self, request, context):
        return news_to_pb(news.get_news(self.uow(), caller(), request.news_id))

    def StaffListNews(self, request, context):
        items, cursor = news.staff_list_news(self.uow(), caller(), supplier_id=request.supplier_id,
                                             status=request.status, page_size=request.page_size,
                                             cursor=request.cursor)
        return pb.NewsPage(items=[news_to_pb(n) for n in items], next_cursor=cursor)

    def StaffCreateNews(self, request, context):
        return news_to_pb(news.create_news(self.uow(), caller(), **_draft(request)))

    def StaffUpdateNews(self, request, context):
        return news_to_pb(news.update_news(self.uow(), caller(), request.news_id, **_draft(request)))

    def StaffPublishNews(self, request, context):
        return news_to_pb(news.publish_news(self.uow(), caller(), request.news_id))

    def StaffWithdrawNews(self, request, context):
        return news_to_pb(news.withdraw_news(self.uow(), caller(), request.news_id))

    # --- outage notices ---

    def GetStatus(self, request, context):
        now = dt.datetime.now(dt.UTC)
        found = notices.in_force(self.uow(), supplier_id=request.supplier_id, now=now)
        return pb.StatusReply(notices=[notice_to_pb(n, now) for n in found])

    def StaffListNotices(self, request, context):
        now = dt.datetime.now(dt.UTC)
        return pb.NoticeList(notices=[notice_to_pb(n, now) for n in notices.staff_list(
            self.uow(), caller(), page_size=request.page_size)])

    def StaffCreateNotice(self, request, context):
        now = dt.datetime.now(dt.UTC)
        return notice_to_pb(notices.create(self.uow(), caller(), supplier_id=request.supplier_id, text=request.text,
                                           severity=request.severity, starts_at=request.starts_at,
                                           ends_at=request.ends_at, now=now), now)

    def StaffEndNotice(self, request, context):
        now = dt.datetime.now(dt.UTC)
        return notice_to_pb(notices.end(self.uow(), caller(), request.notice_id, now=now), now)

    # --- feedback ---

    def SubmitFeedback(self, request, context):
        return feedback_to_pb(feedback.submit(
            self.uow(), caller(), topic=request.topic, text=request.text, account_id=request.account_id,
            files=_files(request), idempotency_key=request.idempotency_key))

    def SubmitPublicFeedback(self, request, context):
        return feedback_to_pb(feedback.submit_public(
            self.uow(), topic=request.topic, text=request.text, name=request.name, email=request.email,
            phone=request.phone, address=request.address, files=_files(request),
            idempotency_key=request.idempotency_key))

    def ListMyFeedback(self, request, context):
        items, cursor = feedback.list_mine(self.uow(), caller(), page_size=request.page_size,
                                           cursor=request.cursor)
        return pb.FeedbackPage(items=[feedback_to_pb(f) for f in items], next_cursor=cursor)

    def GetMyFeedback(self, request, context):
        return feedback_to_pb(feedback.get_mine(self.uow(), caller(), request.feedback_id))

    def StaffListFeedback(self, request, context):
        items, cursor = feedback.queue(self.uow(), caller(), status=request.status, topic=request.topic,
                                       page_size=request.page_size, cursor=request.cursor)
        return pb.FeedbackPage(items=[feedback_to_pb(f, staff=True) for f in items], next_cursor=cursor)

    def StaffGetFeedback(self, request, context):
        return feedback_to_pb(feedback.staff_get(self.uow(), caller(), request.feedback_id), staff=True)

    def StaffGetFeedbackAttachment(self, request, context):
        found = feedback.staff_attachment(self.uow(), caller(), request.feedback_id, request.n)
        return pb.AttachmentFile(filename=found.filename, content_type=found.content_type, content=found.content)

    def StaffReplyFeedback(self, request, context):
        return feedback_to_pb(feedback.reply(self.uow(), caller(), request.feedback_id, request.text,
                                             notify=self.care_notify()), staff=True)

    def StaffSetFeedbackStatus(self, request, context):
        return feedback_to_pb(feedback.set_status(self.uow(), caller(), request.feedback_id, request.status),
                              staff=True)

    def care_notify(self) -> feedback.Notify:
        """How a reply is told: the notification catalogue's one entry point, with the service's links."""
        links = links_of(self.config)
        return lambda uow, notices_: notify_many(uow, notices_, links=links)


def _draft(request) -> dict:
    return dict(supplier_id=request.supplier_id, audience=request.audience, title=request.title, body=request.body,
                published_at=request.published_at)


def _files(request) -> list[tuple[str, bytes]]:
    return [(f.filename, f.content) for f in request.files]


def _ts(field, moment: dt.datetime | None) -> None:
    if moment is not None:
        field.FromDatetime(moment)


def news_to_pb(n: NewsItem) -> pb.News:
    msg = pb.News(news_id=n.news_id, supplier_id=n.supplier_id or "", audience=n.audience, title=n.title,
                  body=n.body, paragraphs=n.paragraphs, status=n.status)
    _ts(msg.published_at, n.published_at)
    _ts(msg.created_at, n.created_at)
    _ts(msg.updated_at, n.updated_at)
    return msg


def notice_to_pb(n: OutageNotice, now: dt.datetime) -> pb.OutageNotice:
    msg = pb.OutageNotice(notice_id=n.notice_id, supplier_id=n.supplier_id or "", text=n.text, severity=n.severity,
                          in_force=n.in_force(now))
    _ts(msg.starts_at, n.starts_at)
    _ts(msg.ends_at, n.ends_at)
    _ts(msg.created_at, n.created_at)
    return msg


def feedback_to_pb(f: Feedback, *, staff: bool = False) -> pb.Feedback:
    a = f.author
    msg = pb.Feedback(
        feedback_id=f.feedback_id, number=f.number, topic=f.topic, text=f.text, status=f.status, account_id=a.account_id or "",
        signed_in=a.user_id is not None, name=a.name, email=a.email, phone=a.phone, address=a.address,
        user_id=(a.user_id or "") if staff else "",
        attachments=[pb.FeedbackAttachment(n=x.n, filename=x.filename, content_type=x.content_type, size=x.size)
                     for x in f.attachments])
    for r in f.replies:
        reply = msg.replies.add(reply_id=r.reply_id, text=r.text)
        reply.created_at.FromDatetime(r.created_at)
    _ts(msg.created_at, f.created_at)
    _ts(msg.updated_at, f.updated_at)
    return msg
