"""«Отправить сообщение»: customers write (signed in or not, with small attachments) and read their messages
with the replies; staff work the queue, reply (the reply reaches the author by e-mail and in the inbox through
the notification catalogue) and move the status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from kabinet_vocabulary import FEEDBACK_STATUS, FEEDBACK_TOPIC

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from kit.ids import is_uuid
from services.notify.domain import care_pages
from services.notify.domain import feedback as rules
from services.notify.domain.model import Notice
from services.notify.service_layer.care import READERS, audit, staff_member

NOT_FOUND = "Сообщение не найдено."
REPLIED = "feedback_replied"  # the catalogue's kind of the reply's notice
EXCERPT = 200

# How a reply is told: notify_many(uow, notices, links=…) of the notification catalogue, links bound.
Notify = Callable[[object, Sequence[Notice]], None]


def submit(uow, caller: Caller | None, *, topic: str, text: str, account_id: str = "",
           files: Sequence[tuple[str, bytes]] = (), idempotency_key: str = "",
           now: dt.datetime | None = None) -> rules.Feedback:
    """A signed-in customer's message, optionally about one of their accounts (notify's projection of
    bindings says which are theirs); a retry with the same key returns the first message."""
    if caller is None:
        raise Unauthenticated()
    if caller.kind == "staff":
        raise Forbidden("Сообщения пишут клиенты.", code="customers_only")
    if account_id and not is_uuid(account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    author = rules.Author(user_id=caller.user_id, account_id=account_id or None)
    return _submit(uow, author, topic=topic, text=text, files=files, key=idempotency_key, now=now)


def submit_public(uow, *, topic: str, text: str, name: str, email: str, phone: str, address: str,
                  files: Sequence[tuple[str, bytes]] = (), idempotency_key: str = "",
                  now: dt.datetime | None = None) -> rules.Feedback:
    """A message without signing in: a name, an address, and an e-mail or a phone to answer to (the gateway
    asks for a captcha and limits the rate)."""
    author = rules.anonymous(name=name, email=email, phone=phone, address=address)
    return _submit(uow, author, topic=topic, text=text, files=files, key=idempotency_key, now=now)


def _submit(uow, author: rules.Author, *, topic: str, text: str, files, key: str,
            now: dt.datetime | None) -> rules.Feedback:
    attached = rules.attachments(files)
    item = rules.new_feedback(str(uuid.uuid4()), author, topic=topic, text=text, attachments=attached,
                              idempotency_key=key, now=now or _now())
    with uow:
        earlier = uow.feedback.by_key(author, key)
        if earlier is not None:
            return earlier
        if author.account_id and not uow.feedback.account_of_user(author.user_id, author.account_id):
            raise NotFound("Лицевой счёт не найден.", code="account_not_found")
        number = uow.feedback.add(item)
        if number is None:  # the same key a moment ago, in another request
            return uow.feedback.by_key(author, key)
        uow.commit()
    return _listed(dataclasses.replace(item, number=number))


def list_mine(uow, caller: Caller | None, *, page_size: int = 0, cursor: str = "") -> tuple[list, str]:
    """The caller's messages with the replies, newest first."""
    user = _customer(caller)
    limit, after = care_pages.page_size(page_size), care_pages.parse_cursor(cursor)
    with uow:
        found = uow.feedback.of_user(user.user_id, limit + 1, after)
    return found[:limit], care_pages.next_cursor(found, limit, lambda f: (f.created_at, f.feedback_id))


def get_mine(uow, caller: Caller | None, feedback_id: str) -> rules.Feedback:
    """One of the caller's messages; another's is the same NOT_FOUND as none."""
    user = _customer(caller)
    with uow:
        item = uow.feedback.get(feedback_id, user_id=user.user_id) if is_uuid(feedback_id) else None
    if item is None:
        raise NotFound(NOT_FOUND, code="feedback_not_found")
    return item


def queue(uow, caller: Caller | None, *, status: str = "", topic: str = "", page_size: int = 0,
          cursor: str = "") -> tuple[list, str]:
    """Staff's queue (admins, operators), oldest first, by status and topic."""
    staff_member(caller, READERS)
    problems = {}
    if status and status not in FEEDBACK_STATUS:
        problems["status"] = "Неизвестный статус."
    if topic and topic not in FEEDBACK_TOPIC:
        problems["topic"] = "Неизвестная тема."
    if problems:
        raise InvalidInput(code="invalid_filter", fields=problems)
    limit, after = care_pages.page_size(page_size), care_pages.parse_cursor(cursor)
    with uow:
        found = uow.feedback.queue(status=status, topic=topic, limit=limit + 1, after=after)
    return found[:limit], care_pages.next_cursor(found, limit, lambda f: (f.created_at, f.feedback_id))


def staff_get(uow, caller: Caller | None, feedback_id: str) -> rules.Feedback:
    staff_member(caller, READERS)
    with uow:
        return _item(uow, feedback_id)


def staff_attachment(uow, caller: Caller | None, feedback_id: str, n: int) -> rules.Attachment:
    """A file of a message, downloaded by staff (admins, operators); audited: it is the customer's document."""
    staff = staff_member(caller, READERS)
    with uow:
        found = uow.feedback.attachment(feedback_id, n) if is_uuid(feedback_id) else None
        if found is None:
            raise NotFound("Файл не найден.", code="attachment_not_found")
        audit(uow, staff, "feedback.attachment", "feedback", feedback_id, after={"n": n, "size": found.size})
        uow.commit()
    return found


def reply(uow, caller: Caller | None, feedback_id: str, text: str, *, notify: Notify,
          now: dt.datetime | None = None) -> rules.Feedback:
    """Staff answer (admins, operators): the message becomes answered and, in the same transaction, the reply
    is handed to the catalogue for the author — a signed-in one by their inbox and e-mail, one without a cabinet
    by the e-mail (or phone) they gave. Audited."""
    staff = staff_member(caller, READERS)
    now = now or _now()
    with uow:
        item, answer = rules.reply(_item(uow, feedback_id, lock=True), str(uuid.uuid4()), text, staff.user_id, now)
        uow.feedback.save(item, answer)
        notify(uow, [replied_notice(item, answer)])
        audit(uow, staff, "feedback.reply", "feedback", feedback_id,
              after={"reply_id": answer.reply_id, "status": item.status, "chars": len(answer.text)})
        uow.commit()
    return item


def set_status(uow, caller: Caller | None, feedback_id: str, status: str, *,
               now: dt.datetime | None = None) -> rules.Feedback:
    """Staff move a message along new → in progress → answered → closed (admins, operators); audited."""
    staff = staff_member(caller, READERS)
    with uow:
        old = _item(uow, feedback_id, lock=True)
        item = rules.set_status(old, status, now or _now())
        if item is not old:
            uow.feedback.save(item)
            audit(uow, staff, "feedback.status", "feedback", feedback_id, before={"status": old.status},
                  after={"status": item.status})
            uow.commit()
    return item


def replied_notice(item: rules.Feedback, answer: rules.Reply) -> Notice:
    """The catalogue's `feedback_replied` notice of a reply (its id is the reply's: told once)."""
    a = item.author
    excerpt = item.text if len(item.text) <= EXCERPT else item.text[:EXCERPT - 1].rstrip() + "…"
    params = {"feedback_id": item.feedback_id, "number": item.number, "topic": FEEDBACK_TOPIC.title(item.topic),
              "message": excerpt,
              "reply": answer.text, "sent_on": item.created_at.strftime("%d.%m.%Y"), "name": a.name,
              "signed_in": a.user_id is not None}
    if a.user_id:
        return Notice(kind=REPLIED, event_id=answer.reply_id, occurred_at=answer.created_at, params=params,
                      user_ids=(a.user_id,), account_id=a.account_id)
    return Notice(kind=REPLIED, event_id=answer.reply_id, occurred_at=answer.created_at, params=params,
                  email=a.email, phone="" if a.email else a.phone)


def _item(uow, feedback_id: str, *, lock: bool = False) -> rules.Feedback:
    item = uow.feedback.get(feedback_id, lock=lock) if is_uuid(feedback_id) else None
    if item is None:
        raise NotFound(NOT_FOUND, code="feedback_not_found")
    return item


def _customer(caller: Caller | None) -> Caller:
    if caller is None:
        raise Unauthenticated()
    if caller.kind == "staff":
        raise Forbidden("Сообщения пишут клиенты.", code="customers_only")
    return caller


def _listed(item: rules.Feedback) -> rules.Feedback:
    """As a list shows it: attachments without their content."""
    return dataclasses.replace(item, attachments=tuple(dataclasses.replace(f, content=b"")
                                                       for f in item.attachments))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
