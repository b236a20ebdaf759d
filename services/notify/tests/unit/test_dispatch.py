"""The dispatcher's rules: quiet hours, the token bucket's arithmetic, retries, SMSC's reports, the e-mail's MIME."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from kit.errors import InvalidInput
from services.notify.adapters.delivery import build_email
from services.notify.domain.dispatch import (
    DELIVERED,
    UNDELIVERABLE,
    QuietHours,
    Rate,
    Retry,
    grant,
    held_until,
    mask,
    smsc_report,
)
from services.notify.domain.model import EMAIL, SMS, Outgoing

NIGHT = QuietHours.parse("21:00-09:00")
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize("moment,zone,expected", [
    # Moscow is UTC+3 all year: 19:30 UTC is 22:30 there -> the next morning 09:00 MSK = 06:00 UTC
    ("2026-12-04T19:30:00+00:00", "Europe/Moscow", "2026-12-05T06:00:00+00:00"),
    # after midnight: this morning
    ("2026-12-04T23:30:00+00:00", "Europe/Moscow", "2026-12-05T06:00:00+00:00"),
    ("2026-12-05T05:59:59+00:00", "Europe/Moscow", "2026-12-05T06:00:00+00:00"),
    # the edges: 09:00 may, 21:00 may not
    ("2026-12-05T06:00:00+00:00", "Europe/Moscow", None),
    ("2026-12-05T17:59:59+00:00", "Europe/Moscow", None),
    ("2026-12-05T18:00:00+00:00", "Europe/Moscow", "2026-12-06T06:00:00+00:00"),
    # Kamchatka (UTC+12): noon UTC is midnight there
    ("2026-12-04T12:00:00+00:00", "Asia/Kamchatka", "2026-12-04T21:00:00+00:00"),
    # Etc/GMT+5 is UTC-5 (POSIX sign): 03:00 UTC is 22:00 the day before there
    ("2026-12-05T03:00:00+00:00", "Etc/GMT+5", "2026-12-05T14:00:00+00:00"),
    # an unknown zone is Moscow's
    ("2026-12-04T19:30:00+00:00", "Mars/Olympus", "2026-12-05T06:00:00+00:00"),
])
def test_an_sms_due_at_night_waits_for_the_morning(moment, zone, expected):
    assert held_until(SMS, NIGHT, at(moment), zone) == (at(expected) if expected else None)


def test_the_morning_is_local_across_a_dst_change():
    # Berlin leaves summer time in the night of 25 October 2026: 09:00 CET is 08:00 UTC the next morning
    assert held_until(SMS, NIGHT, at("2026-10-24T20:00:00+00:00"), "Europe/Berlin") == at("2026-10-25T08:00:00+00:00")
    # ... and 09:00 CEST is 07:00 UTC the morning before
    assert held_until(SMS, NIGHT, at("2026-10-23T20:00:00+00:00"), "Europe/Berlin") == at("2026-10-24T07:00:00+00:00")


def test_e_mail_is_never_held_and_no_quiet_hours_hold_nothing():
    assert held_until(EMAIL, NIGHT, at("2026-12-04T23:00:00+00:00"), "Europe/Moscow") is None
    assert held_until(SMS, QuietHours.parse(""), at("2026-12-04T23:00:00+00:00"), "Europe/Moscow") is None


def test_quiet_hours_within_a_day_and_their_format():
    lunch = QuietHours.parse("13:00-14:30")
    assert lunch.holds(dt.time(13, 0)) and lunch.holds(dt.time(14, 29)) and not lunch.holds(dt.time(14, 30))
    assert lunch.next_allowed(at("2026-12-04T10:30:00+00:00"), "Europe/Moscow") == at("2026-12-04T11:30:00+00:00")
    with pytest.raises(ValueError):
        QuietHours.parse("at night")


def test_the_bucket_refills_at_its_rate_up_to_the_burst():
    rate = Rate(per_second=50, burst=20)
    assert rate.refill(0, 0.1) == pytest.approx(5)
    assert rate.refill(3, 10) == 20
    assert rate.refill(5, -3) == 5  # a clock step back adds nothing
    assert grant(7.9, 100) == 7 and grant(30, 12) == 12 and grant(-4, 10) == 0


def test_codes_borrow_into_a_bounded_debt_and_the_queue_waits_it_out():
    rate = Rate(per_second=10, burst=10, debt_limit=20)
    tokens = 1.0
    for _ in range(30):
        tokens = rate.borrow(tokens)
    assert tokens == -20  # never below the limit, and a code never waits
    assert grant(tokens, 50) == 0
    assert grant(rate.refill(tokens, 2.5), 50) == 5  # 2.5 s pay the debt and give five


def test_retries_back_off_and_give_up():
    retry = Retry(max_attempts=4)
    assert [retry.delay(n).total_seconds() for n in (1, 2, 3, 9, 20)] == [30, 60, 120, 3600, 3600]
    assert not retry.gives_up(3, permanent=False) and retry.gives_up(4, permanent=False)
    assert retry.gives_up(1, permanent=True)


@pytest.mark.parametrize("status,err,expected", [
    ("1", "0", (DELIVERED, "")),
    ("2", "", (DELIVERED, "")),
    ("20", "1", (UNDELIVERABLE, "SMSC status 20 (cannot be delivered), error 1")),
    ("22", "0", (UNDELIVERABLE, "SMSC status 22 (invalid number)")),
    ("3", "", (UNDELIVERABLE, "SMSC status 3 (expired)")),
    ("0", "", None),
    ("-1", "", None),
])
def test_smsc_statuses(status, err, expected):
    report = smsc_report(status, err)
    assert (report.outcome, report.error) == expected if expected else report is None
    with pytest.raises(InvalidInput):
        smsc_report("delivered")


def test_staff_see_contacts_masked():
    assert mask("+79001234567") == "+7900***4567"
    assert mask("ivan.petrov@example.ru") == "i***@example.ru"
    assert mask("+7") == "***"


def _mail(**kw) -> email.message.EmailMessage:
    message = Outgoing(message_id="0b0c0000-0000-4000-8000-000000000001", channel=EMAIL, destination="a@example.ru",
                       subject="Приём показаний открыт", body="Передайте показания до 25 декабря.",
                       purpose="readings_due_opened", **kw)
    raw = build_email(message, sender="Личный кабинет <noreply@example.ru>").as_bytes()
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_an_email_with_its_template_html_and_one_click_unsubscribe():
    url = "https://lk.example.ru/api/v1/notifications/unsubscribe?token=" + "x" * 200  # longer than a line
    mail = _mail(html="<p>Передайте <b>показания</b></p>", unsubscribe_url=url)
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain.get_content().strip() == "Передайте показания до 25 декабря."
    assert html.get_content().strip() == "<p>Передайте <b>показания</b></p>"
    assert mail["List-Unsubscribe"] == f"<{url}>"  # one line, no RFC 2047 words in it
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(mail["Subject"]) == "Приём показаний открыт"


def test_a_critical_email_has_no_unsubscribe_and_html_made_from_its_text():
    mail = _mail()
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    assert "<p>Передайте показания до 25 декабря.</p>" in mail.get_body(("html",)).get_content()
