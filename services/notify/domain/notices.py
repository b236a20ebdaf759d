"""Outage notices: what staff tell every visitor for a while (planned works, the payment provider's break),
shown by the public status route while in force."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from kabinet_vocabulary import NOTICE_SEVERITY

from kit.errors import Conflict, InvalidInput
from services.notify.domain.news import HTML_TAG

TEXT_MAX = 500


@dataclass(frozen=True)
class OutageNotice:
    """Объявление о работах или сбое."""

    notice_id: str
    supplier_id: str | None  # None: every supplier's customers
    text: str
    severity: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None  # None: until staff end it
    created_by: str
    created_at: dt.datetime

    def in_force(self, now: dt.datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


def new_notice(notice_id: str, *, supplier_id: str | None, text: str, severity: str, starts_at: dt.datetime | None,
               ends_at: dt.datetime | None, created_by: str, now: dt.datetime) -> OutageNotice:
    """A notice from `starts_at` (now by default) until `ends_at` (or until ended): one line or a few of plain
    text, info or warning; its end after its start and after now (a notice already over would never show)."""
    text, severity, starts_at = text.strip(), severity or NOTICE_SEVERITY.INFO, starts_at or now
    problems = {}
    if not text or len(text) > TEXT_MAX or HTML_TAG.search(text):
        problems["text"] = f"Обычный текст без HTML, от 1 до {TEXT_MAX} символов."
    if severity not in NOTICE_SEVERITY:
        problems["severity"] = "Выберите: информация или предупреждение."
    if ends_at is not None and (ends_at <= starts_at or ends_at <= now):
        problems["ends_at"] = "Окончание — позже начала и позже текущего момента."
    if problems:
        raise InvalidInput("Проверьте объявление.", code="invalid_notice", fields=problems)
    return OutageNotice(notice_id=notice_id, supplier_id=supplier_id, text=text, severity=severity,
                        starts_at=starts_at, ends_at=ends_at, created_by=created_by, created_at=now)


def end(notice: OutageNotice, now: dt.datetime) -> OutageNotice:
    """End a notice early: it ends now (one not started yet never shows); one already over stays as it was."""
    if notice.ends_at is not None and notice.ends_at <= now:
        raise Conflict("Объявление уже не действует.", code="notice_over")
    return dataclasses.replace(notice, ends_at=max(now, notice.starts_at))
