"""The submission rules against real PostgreSQL: the supplier projection's window, a billing run marking a
supplier's period billed in one statement, a correction superseding once and announcing once, the history's
filters and pages."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from kit.context import Caller
from kit.errors import InvalidInput, Rejected
from kit.outbox import outbox
from services.readings.adapters.orm import audit_log, readings
from services.readings.domain import plausibility
from services.readings.domain.model import AccountFacts, Meter
from services.readings.domain.windows import SupplierFacts
from services.readings.service_layer.accounts import project_account, project_supplier
from services.readings.service_layer.submission import (
    correct_reading,
    mark_billed,
    staff_correct_reading,
    submit_reading,
)
from services.readings.service_layer.views import list_readings

pytestmark = pytest.mark.integration
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
STAFF = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("admin",))


class Accounts:
    def facts(self, account_id: str) -> AccountFacts:
        raise AssertionError("the projection answers")


def account(rt, supplier_id: str, user: str) -> AccountFacts:
    facts = AccountFacts(str(uuid.uuid4()), supplier_id, "urban", False, (Meter(str(uuid.uuid4()), 1, 6, Decimal(1)),))
    with rt.uow() as uow:
        project_account(uow, facts, T0)
        uow.access.put(user, facts.account_id, bound=True, as_of=T0)
        uow.commit()
    return facts


def submit(rt, user, facts, value, when):
    return submit_reading(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id,
                          meter_id=facts.meters[0].meter_id, values={"total": value}, idempotency_key=None, now=when)


def statuses(rt, facts) -> list[str]:
    with rt.engine.connect() as conn:
        return [r.status for r in conn.execute(select(readings.c.status).where(
            readings.c.account_id == facts.account_id).order_by(readings.c.taken_at, readings.c.created_at))]


def events(rt, subject) -> list:
    with rt.engine.connect() as conn:
        return list(conn.execute(select(outbox.c.aggregate_id).where(outbox.c.subject == subject)))


def test_the_projected_window_refuses_and_the_newest_supplier_facts_win(rt):
    supplier, user = str(uuid.uuid4()), str(uuid.uuid4())
    facts = account(rt, supplier, user)
    with rt.uow() as uow:
        project_supplier(uow, SupplierFacts(supplier, window_from_day=15, window_to_day=25), T0)
        project_supplier(uow, SupplierFacts(supplier, window_from_day=1, window_to_day=31), T0 - dt.timedelta(1))
        uow.commit()
    with pytest.raises(Rejected) as refused:
        submit(rt, user, facts, "10", dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC))
    assert "Следующий приём — с 15.12.2026." in refused.value.message
    assert submit(rt, user, facts, "10", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)).period == dt.date(2026, 11, 1)


def test_a_billing_run_marks_the_suppliers_period_billed_and_nothing_else(rt):
    supplier, other_supplier, user = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    mine = [account(rt, supplier, user) for _ in range(3)]
    theirs = account(rt, other_supplier, user)
    for facts in (*mine, theirs):
        submit(rt, user, facts, "10", dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC))
        submit(rt, user, facts, "20", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    with rt.uow() as uow:
        assert mark_billed(uow, supplier_id=supplier, period=dt.date(2026, 11, 1)) == 3
        uow.commit()
    with rt.uow() as uow:  # the same run again: nothing more
        assert mark_billed(uow, supplier_id=supplier, period=dt.date(2026, 11, 1)) == 0
        uow.commit()
    assert all(statuses(rt, facts) == ["accepted", "billed"] for facts in mine)
    assert statuses(rt, theirs) == ["accepted", "accepted"]
    with pytest.raises(Rejected) as refused:
        correct_reading(rt.uow(), Accounts(), user_id=user, account_id=mine[0].account_id,
                        reading_id=list_readings(rt.uow(), Accounts(), user_id=user, account_id=mine[0].account_id,
                                                 limit=1)[0][0].reading_id, values={"total": "15"})
    assert refused.value.code == "reading_billed"


def test_a_correction_supersedes_once_and_is_announced_once(rt):
    supplier, user = str(uuid.uuid4()), str(uuid.uuid4())
    facts = account(rt, supplier, user)
    submit(rt, user, facts, "100", dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC))
    wrong = submit(rt, user, facts, "900", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    right = correct_reading(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id,
                            reading_id=wrong.reading_id, values={"total": "190"})
    assert right.consumption == {"total": Decimal("90.000")}
    with pytest.raises(Rejected) as twice:
        correct_reading(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id,
                        reading_id=wrong.reading_id, values={"total": "180"})
    assert twice.value.code == "reading_superseded"
    assert statuses(rt, facts) == ["accepted", "superseded", "accepted"]
    assert events(rt, "readings.reading.corrected") == [(facts.account_id,)]
    # the next reading counts from the corrected one
    assert submit(rt, user, facts, "200", dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)).consumption == {
        "total": Decimal("10.000")}

    page, token = list_readings(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id, limit=2)
    assert [r.reading_id for r in page][1] == right.reading_id and token
    rest, last = list_readings(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id, limit=2,
                               page_token=token)
    assert [r.reading_id for r in rest] == [wrong.reading_id, rest[1].reading_id] and last == ""
    october, _ = list_readings(rt.uow(), Accounts(), user_id=user, account_id=facts.account_id, limit=20,
                               period="2026-10", meter_id=facts.meters[0].meter_id)
    assert [r.values for r in october] == [{"total": Decimal("100.000")}]


def test_a_staff_correction_is_audited(rt):
    supplier, user = str(uuid.uuid4()), str(uuid.uuid4())
    facts = account(rt, supplier, user)
    submit(rt, user, facts, "100", dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC))
    wrong = submit(rt, user, facts, "900", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    fixed = staff_correct_reading(rt.uow(), Accounts(), STAFF, reading_id=wrong.reading_id,
                                  values={"total": "150"}, reason="Фото счётчика от абонента")
    assert (fixed.source, fixed.corrects) == ("staff", wrong.reading_id)
    with rt.engine.connect() as conn:
        [row] = conn.execute(select(audit_log).where(audit_log.c.entity_id == wrong.reading_id)).mappings()
    assert (row["actor_id"], row["action"], row["after"]["reason"]) == (
        STAFF.user_id, "reading.correct", "Фото счётчика от абонента")


def test_the_one_query_history_agrees_with_the_readings_it_sums_and_questions_a_jump(rt):
    """Stored or (before migration 0010) computed consumption alike."""
    supplier, user = str(uuid.uuid4()), str(uuid.uuid4())
    facts = account(rt, supplier, user)
    meter = facts.meters[0].meter_id
    for month, value in enumerate(("100", "250", "390.5", "520.25"), start=7):  # ≈ 140 kWh a month
        submit(rt, user, facts, value, dt.datetime(2026, month, 20, 9, tzinfo=dt.UTC))
    since = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    with rt.uow() as uow:
        previous, history = uow.readings.last_with_history(meter, since)
        assert history == plausibility.summary(uow.readings.history_for_meter(meter, since))
        assert (history.readings, history.used, previous.values) == (4, Decimal("420.250"), {"total": Decimal("520.25")})
        assert uow.readings.last_with_history(str(uuid.uuid4()), since) == (None, plausibility.History())
    with rt.engine.begin() as conn:  # readings written before migration 0010 have no stored `used`
        conn.execute(text("UPDATE readings SET used = NULL WHERE meter_id = :m AND taken_at < '2026-09-01'"),
                     {"m": meter})
    with rt.uow() as uow:
        assert uow.readings.last_with_history(meter, since) == (previous, history)
    with pytest.raises(InvalidInput) as asked:  # 900 kWh in a month of a meter that uses ≈ 140
        submit(rt, user, facts, "1420", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    assert asked.value.code == "confirmation_required" and "намного больше обычного" in asked.value.message
    assert submit(rt, user, facts, "700", dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)).flag_reason is None
