"""Staff review against real PostgreSQL: the queue of flagged readings by status, supplier and period a page at a
time, a rejection stored and announced once (the reading no longer counted), and a retried correction finding the
first by its key."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from kit.context import Caller
from kit.errors import InvalidInput, Rejected
from kit.outbox import outbox
from services.readings.adapters.orm import audit_log, readings
from services.readings.service_layer.review import list_flagged, review_reading
from services.readings.service_layer.submission import correct_reading, staff_correct_reading, submit_reading
from services.readings.tests.integration.test_submission_rules import T0, Accounts, account

pytestmark = pytest.mark.integration
OPERATOR = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("operator",))


def submit(rt, user, facts, value, when, *, confirm=False, key=None):
    return submit_reading(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id,
                          meter_id=facts.meters[0].meter_id, values={"total": value}, idempotency_key=key,
                          confirm=confirm, now=when)


def flagged(rt, supplier, user=None):
    """A customer's account with a baseline and a confirmed 2,000 kWh jump (flagged)."""
    user = user or str(uuid.uuid4())
    facts = account(rt, supplier, user)
    submit(rt, user, facts, "100", T0)
    return user, facts, submit(rt, user, facts, "2100", T0 + dt.timedelta(days=20), confirm=True)


def subjects(rt, subject: str) -> list:
    with rt.engine.connect() as conn:
        return list(conn.execute(select(outbox.c.aggregate_id).where(outbox.c.subject == subject)))


def test_the_queue_by_status_supplier_and_period_a_page_at_a_time(rt):
    supplier, other = str(uuid.uuid4()), str(uuid.uuid4())
    mine = [flagged(rt, supplier)[2] for _ in range(3)]
    flagged(rt, other)
    submit(rt, *account_and_user(rt, supplier), "100", T0)  # not flagged: never in the queue

    page, token = list_flagged(rt.uow(), OPERATOR, supplier_id=supplier, size=2)
    assert [r.reading_id for r in page] == [r.reading_id for r in mine[:2]] and token
    rest, last = list_flagged(rt.uow(), OPERATOR, supplier_id=supplier, size=2, page_token=token)
    assert [r.reading_id for r in rest] == [mine[2].reading_id] and last == ""
    assert list_flagged(rt.uow(), OPERATOR, supplier_id=supplier, period="2026-10")[0] == []
    assert len(list_flagged(rt.uow(), OPERATOR, supplier_id=supplier, period="2026-11")[0]) == 3

    review_reading(rt.uow(), OPERATOR, reading_id=mine[0].reading_id, decision="accept", reason="")
    review_reading(rt.uow(), OPERATOR, reading_id=mine[1].reading_id, decision="reject", reason="Опечатка")
    assert [r.reading_id for r in list_flagged(rt.uow(), OPERATOR, supplier_id=supplier)[0]] == [mine[2].reading_id]
    [accepted] = list_flagged(rt.uow(), OPERATOR, supplier_id=supplier, status="accepted")[0]
    assert (accepted.reading_id, accepted.review, accepted.reviewed_by, accepted.flag_reason) == (
        mine[0].reading_id, "accepted", OPERATOR.user_id, mine[0].flag_reason)
    [rejected] = list_flagged(rt.uow(), OPERATOR, supplier_id=supplier, status="rejected")[0]
    assert (rejected.status, rejected.review_reason) == ("rejected", "Опечатка")


def account_and_user(rt, supplier):
    user = str(uuid.uuid4())
    return user, account(rt, supplier, user)


def test_a_rejection_is_stored_announced_and_audited_once_and_the_reading_no_longer_counts(rt):
    user, facts, reading = flagged(rt, str(uuid.uuid4()))
    review_reading(rt.uow(), OPERATOR, reading_id=reading.reading_id, decision="reject", reason="Фото: 210")
    with pytest.raises(Rejected) as again:
        review_reading(rt.uow(), OPERATOR, reading_id=reading.reading_id, decision="reject", reason="Фото: 210")
    assert again.value.code == "reading_reviewed"
    assert [a for (a,) in subjects(rt, "readings.reading.rejected")] == [facts.account_id]
    with rt.engine.connect() as conn:
        row = conn.execute(select(readings).where(readings.c.reading_id == reading.reading_id)).mappings().one()
        audited = list(conn.execute(select(audit_log.c.action).where(audit_log.c.entity_id == reading.reading_id)))
    assert (row["status"], row["review"], row["review_reason"], str(row["reviewed_by"])) == (
        "rejected", "rejected", "Фото: 210", OPERATOR.user_id)
    assert row["reviewed_at"] is not None and row["flag_reason"] == reading.flag_reason
    assert audited == [("reading.review",)]
    following = submit(rt, user, facts, "210", T0 + dt.timedelta(days=21))
    assert following.consumption == {"total": Decimal("110.000")}  # from the baseline, not the rejected one


def test_a_retried_correction_with_its_key_returns_the_first(rt):
    user, facts, wrong = flagged(rt, str(uuid.uuid4()))

    def correct(reading_id, value):
        return correct_reading(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id, reading_id=reading_id,
                               values={"total": value}, idempotency_key="retry-key-1", now=T0 + dt.timedelta(days=20))

    first = correct(wrong.reading_id, "300")
    assert correct(wrong.reading_id, "300").reading_id == first.reading_id
    assert len(subjects(rt, "readings.reading.corrected")) == 1
    with pytest.raises(InvalidInput) as reused:
        correct(first.reading_id, "310")
    assert reused.value.code == "idempotency_key_reused"

    def staff(value):
        return staff_correct_reading(rt.uow(), Accounts(), OPERATOR, reading_id=first.reading_id,
                                     values={"total": value}, reason="Фото", idempotency_key="staff-key-1")

    fixed = staff("290")
    assert staff("290").reading_id == fixed.reading_id
    assert len(subjects(rt, "readings.reading.corrected")) == 2
