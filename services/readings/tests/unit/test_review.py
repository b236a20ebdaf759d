"""Staff review of flagged readings, idempotent corrections and the calculator's window and doubt, with in-memory
fakes."""

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, NotFound, Rejected
from services.readings.domain import review as rules
from services.readings.domain.model import AccountFacts, Meter
from services.readings.domain.windows import NEXT_PERIOD, SupplierFacts
from services.readings.entrypoints.api import preview_to_pb, to_pb
from services.readings.service_layer.calculator import preview_charge
from services.readings.service_layer.review import list_flagged, review_reading
from services.readings.service_layer.submission import correct_reading, staff_correct_reading, submit_reading
from services.readings.tests.unit.fakes import FakeAccounts, FakePayments, FakeUnitOfWork

USER = str(uuid.uuid4())
SUPPLIER = str(uuid.uuid4())
FACTS = AccountFacts(str(uuid.uuid4()), SUPPLIER, "urban", False, (Meter(str(uuid.uuid4()), zones=1, digits=6),))
METER = FACTS.meters[0].meter_id
OPERATOR = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("operator",))
NOW = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)


class FakeReview:
    """The review store over the fake repository's rows."""

    def __init__(self, readings):
        self.readings = readings

    def lock(self, reading_id):
        return self.readings.get(reading_id)

    def save(self, reading):
        rows = self.readings.rows
        rows[[r.reading_id for r in rows].index(reading.reading_id)] = reading

    def flagged(self, *, status, limit, supplier_id="", period=None, after=None):
        rows = [r for r in self.readings.rows if r.flag_reason is not None
                and (r.reviewed_at is None and r.status in ("accepted", "billed") if status == rules.PENDING
                     else r.review == status)
                and (not supplier_id or r.supplier_id == supplier_id) and (not period or r.period == period)]
        if after:
            rows = rows[[r.reading_id for r in rows].index(after[1]) + 1:]
        return rows[:limit]


def world() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.review = FakeReview(uow.readings)
    uow.accounts.facts = lambda account_id: FACTS if account_id == FACTS.account_id else None
    return uow


def submit(uow, value, when=NOW, *, confirm=False, key=None):
    reading = submit_reading(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id, meter_id=METER,
                             values={"total": value}, idempotency_key=key, confirm=confirm, now=when)
    reading.created_at = when  # the database sets it
    return reading


def flagged_world():
    """A baseline of 100 and a confirmed 2,100 (2,000 kWh in 30 days, above the 1,500 ceiling): flagged."""
    uow = world()
    base = submit(uow, "100", NOW - dt.timedelta(days=30))
    flagged = submit(uow, "2100", confirm=True)
    assert flagged.flag_reason is not None
    return uow, base, flagged


def decide(uow, reading_id, decision, reason="", caller=OPERATOR):
    return review_reading(uow, caller, reading_id=reading_id, decision=decision, reason=reason,
                          now=NOW + dt.timedelta(hours=1))


# --- the rules ---

def test_decisions_and_queue_statuses_are_closed_lists():
    with pytest.raises(InvalidInput) as bad:
        rules.decision("maybe")
    assert bad.value.code == "invalid_decision"
    assert rules.queue_status("") == "pending"
    with pytest.raises(InvalidInput):
        rules.queue_status("superseded")


def test_only_a_flagged_undecided_reading_is_reviewed_and_only_the_last_unbilled_one_rejected():
    uow, base, flagged = flagged_world()
    with pytest.raises(Rejected) as plain:
        rules.check_reviewable(base)
    assert plain.value.code == "reading_not_flagged"
    with pytest.raises(Rejected) as decided:
        rules.check_reviewable(dataclasses.replace(flagged, reviewed_at=NOW))
    assert decided.value.code == "reading_reviewed"
    with pytest.raises(Rejected) as superseded:
        rules.check_reviewable(dataclasses.replace(flagged, status="superseded"))
    assert superseded.value.code == "reading_superseded"
    with pytest.raises(Rejected) as billed:
        rules.check_rejectable(dataclasses.replace(flagged, status="billed"), flagged)
    assert billed.value.code == "reading_billed" and "ноябрь 2026" in billed.value.message
    with pytest.raises(Rejected) as middle:
        rules.check_rejectable(flagged, base)
    assert middle.value.code == "not_latest_reading"


# --- the queue and the decisions ---

def test_the_queue_is_staffs_and_lists_pending_flagged_readings_a_page_at_a_time():
    uow, _, first = flagged_world()
    second = submit(uow, "4100", NOW + dt.timedelta(days=30), confirm=True)
    with pytest.raises(Forbidden):
        list_flagged(uow, Caller(user_id=USER, kind="person"))
    page, token = list_flagged(uow, OPERATOR, size=1)
    assert [r.reading_id for r in page] == [first.reading_id] and token
    rest, last = list_flagged(uow, OPERATOR, size=1, page_token=token)
    assert [r.reading_id for r in rest] == [second.reading_id] and last == ""
    assert list_flagged(uow, OPERATOR, supplier_id=str(uuid.uuid4()))[0] == []
    assert [r.reading_id for r in list_flagged(uow, OPERATOR, period="2026-11")[0]] == [first.reading_id]
    for bad in (dict(period="ноябрь"), dict(page_token="nonsense"), dict(supplier_id="x"), dict(status="new")):
        with pytest.raises(InvalidInput):
            list_flagged(uow, OPERATOR, **bad)


def test_accepting_clears_the_queue_keeps_the_flag_is_audited_and_announces_nothing():
    uow, _, flagged = flagged_world()
    events = len(uow.events)
    accepted = decide(uow, flagged.reading_id, "accept")
    assert (accepted.status, accepted.review, accepted.reviewed_by) == ("accepted", "accepted", OPERATOR.user_id)
    assert accepted.flag_reason == flagged.flag_reason
    assert list_flagged(uow, OPERATOR)[0] == []
    assert [r.reading_id for r in list_flagged(uow, OPERATOR, status="accepted")[0]] == [flagged.reading_id]
    assert len(uow.events) == events
    assert uow.audit.entries[-1]["action"] == "reading.review"
    with pytest.raises(Rejected) as again:
        decide(uow, flagged.reading_id, "reject", "поздно")
    assert again.value.code == "reading_reviewed"


def test_a_rejection_needs_a_reason_stops_counting_and_is_announced_for_payments_and_notify():
    uow, base, flagged = flagged_world()
    with pytest.raises(InvalidInput) as no_reason:
        decide(uow, flagged.reading_id, "reject", "  ")
    assert no_reason.value.code == "reason_required"
    rejected = decide(uow, flagged.reading_id, "reject", "Фото счётчика показывает 210")
    assert (rejected.status, rejected.review, rejected.review_reason) == (
        "rejected", "rejected", "Фото счётчика показывает 210")
    event = uow.events[-1]
    assert event.type == "readings.reading.rejected"
    assert (event.payload.reading.reading_id, event.payload.reason, event.payload.customer_id,
            event.payload.rejected_by, event.payload.reading.period) == (
        flagged.reading_id, "Фото счётчика показывает 210", USER, OPERATOR.user_id, "2026-11")
    assert uow.audit.entries[-1]["after"] == {"status": "rejected", "review": "rejected",
                                              "reason": "Фото счётчика показывает 210"}
    shown = to_pb(rejected)
    assert (shown.status, shown.review_reason, shown.HasField("reviewed_at")) == (
        "rejected", "Фото счётчика показывает 210", True)
    # no longer counted: the next reading counts from the baseline
    assert submit(uow, "210", NOW + dt.timedelta(days=1)).consumption == {"total": Decimal("110.000")}
    with pytest.raises(Rejected) as corrected:
        correct_reading(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id,
                        reading_id=rejected.reading_id, values={"total": "200"}, now=NOW)
    assert corrected.value.code == "reading_rejected"
    assert base.status == "accepted"


def test_a_reading_that_is_not_the_last_is_not_rejected_and_unknown_ones_are_not_found():
    uow, _, flagged = flagged_world()
    submit(uow, "2200", NOW + dt.timedelta(days=1))
    with pytest.raises(Rejected) as middle:
        decide(uow, flagged.reading_id, "reject", "ошибка")
    assert middle.value.code == "not_latest_reading" and flagged.status == "accepted"
    for missing in (str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(NotFound):
            decide(uow, missing, "accept")


# --- idempotent corrections ---

def test_a_retried_correction_returns_the_first_and_a_reused_key_is_refused():
    uow = world()
    submit(uow, "100", NOW - dt.timedelta(days=30))
    wrong = submit(uow, "150")

    def correct(reading_id, value, key):
        return correct_reading(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id,
                               reading_id=reading_id, values={"total": value}, idempotency_key=key, now=NOW)

    first = correct(wrong.reading_id, "120", "key-0001")
    again = correct(wrong.reading_id, "120", "key-0001")  # the old reading is superseded by now
    assert again.reading_id == first.reading_id and len(uow.events) == 3
    with pytest.raises(Rejected) as no_key:
        correct(wrong.reading_id, "120", None)
    assert no_key.value.code == "reading_superseded"
    with pytest.raises(InvalidInput) as reused:
        correct(first.reading_id, "125", "key-0001")
    assert reused.value.code == "idempotency_key_reused"


def test_a_retried_staff_correction_returns_the_first_and_is_audited_once():
    uow = world()
    wrong = submit(uow, "150")

    def correct():
        return staff_correct_reading(uow, FakeAccounts(), OPERATOR, reading_id=wrong.reading_id,
                                     values={"total": "140"}, reason="Фото", idempotency_key="staff-key-1", now=NOW)

    assert correct().reading_id == correct().reading_id
    assert len(uow.audit.entries) == 1 and len(uow.events) == 2


# --- the calculator ---

def test_the_calculator_refuses_outside_the_window_and_tells_the_next_period_under_next_period():
    uow = world()
    uow.suppliers.known[SUPPLIER] = SupplierFacts(SUPPLIER, window_from_day=15, window_to_day=25)
    late = NOW.replace(day=27)
    with pytest.raises(Rejected) as refused:
        preview_charge(uow, FakeAccounts(FACTS), FakePayments(), user_id=USER, account_id=FACTS.account_id,
                       meter_id=METER, values={"total": "10"}, now=late)
    assert refused.value.code == "outside_window" and "с 15 по 25 число" in refused.value.message
    uow.suppliers.known[SUPPLIER] = SupplierFacts(SUPPLIER, window_from_day=15, window_to_day=25,
                                                  outside_policy=NEXT_PERIOD)
    preview = preview_charge(uow, FakeAccounts(FACTS), FakePayments(), user_id=USER, account_id=FACTS.account_id,
                             meter_id=METER, values={"total": "10"}, now=late)
    assert preview_to_pb(preview).period == "2026-12"


def test_the_calculator_reports_the_doubt_without_refusing_and_stores_nothing():
    uow = world()
    submit(uow, "100", NOW - dt.timedelta(days=30))
    rows = list(uow.readings.rows)
    preview = preview_charge(uow, FakeAccounts(FACTS), FakePayments(), user_id=USER, account_id=FACTS.account_id,
                             meter_id=METER, values={"total": "2100"}, now=NOW)
    assert "необычно велик" in preview.doubt and preview.charge.amount_kop == 2000 * 500
    assert preview_to_pb(preview).doubt == preview.doubt
    plain = preview_charge(uow, FakeAccounts(FACTS), FakePayments(), user_id=USER, account_id=FACTS.account_id,
                           meter_id=METER, values={"total": "200"}, now=NOW)
    assert plain.doubt is None and preview_to_pb(plain).doubt == ""
    assert uow.readings.rows == rows
