"""Outage notices: the public status (what is in force now) and staff setting and ending notices."""

from __future__ import annotations

import datetime as dt
import uuid

from kit.context import Caller
from kit.errors import NotFound
from kit.ids import is_uuid
from services.notify.domain import notices
from services.notify.service_layer.care import READERS, WRITERS, audit, moment, staff_member, supplier

STAFF_PAGE, STAFF_PAGE_MAX = 50, 200


def in_force(uow, *, supplier_id: str = "", now: dt.datetime | None = None) -> list[notices.OutageNotice]:
    """The notices in force now: every one, or those for everyone and `supplier_id`'s. No caller needed."""
    wanted = supplier(supplier_id)
    with uow:
        return uow.notices.in_force(now or _now(), wanted)


def staff_list(uow, caller: Caller | None, *, page_size: int = 0) -> list[notices.OutageNotice]:
    """The newest notices, over or not (admins, operators)."""
    staff_member(caller, READERS)
    with uow:
        return uow.notices.latest(min(max(page_size or STAFF_PAGE, 1), STAFF_PAGE_MAX))


def create(uow, caller: Caller | None, *, supplier_id: str, text: str, severity: str, starts_at: str = "",
           ends_at: str = "", now: dt.datetime | None = None) -> notices.OutageNotice:
    """Set a notice (admins); audited."""
    staff = staff_member(caller, WRITERS)
    notice = notices.new_notice(str(uuid.uuid4()), supplier_id=supplier(supplier_id), text=text, severity=severity,
                                starts_at=moment(starts_at, "starts_at"), ends_at=moment(ends_at, "ends_at"),
                                created_by=staff.user_id, now=now or _now())
    with uow:
        uow.notices.add(notice)
        audit(uow, staff, "notice.create", "notice", notice.notice_id, after=vars(notice))
        uow.commit()
    return notice


def end(uow, caller: Caller | None, notice_id: str, *, now: dt.datetime | None = None) -> notices.OutageNotice:
    """End a notice early (admins); audited."""
    staff = staff_member(caller, WRITERS)
    with uow:
        old = uow.notices.get(notice_id, lock=True) if is_uuid(notice_id) else None
        if old is None:
            raise NotFound("Объявление не найдено.", code="notice_not_found")
        notice = notices.end(old, now or _now())
        uow.notices.save(notice)
        audit(uow, staff, "notice.end", "notice", notice_id, before={"ends_at": old.ends_at},
              after={"ends_at": notice.ends_at})
        uow.commit()
    return notice


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
