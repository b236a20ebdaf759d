"""The submission rules with in-memory repositories: window, plausibility, corrections, statuses, history."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, NotFound, Rejected, Unauthenticated
from services.readings.domain import plausibility
from services.readings.domain.model import AccountFacts, Meter, Reading
from services.readings.domain.windows import NEXT_PERIOD, SupplierFacts
from services.readings.service_layer.submission import (
    correct_reading,
    mark_billed,
    staff_correct_reading,
    submit_reading,
)
from services.readings.service_layer.views import list_readings
from services.readings.tests.unit.fakes import FakeAccounts, FakeUnitOfWork

USER, OTHER = str(uuid.uuid4()), str(uuid.uuid4())
SUPPLIER = str(uuid.uuid4())
FACTS = AccountFacts(str(uuid.uuid4()), SUPPLIER, "urban", False, (Meter(str(uuid.uuid4()), zones=1, digits=6),))
METER = FACTS.meters[0].meter_id
WINDOW = SupplierFacts(SUPPLIER, window_from_day=15, window_to_day=25)
STAFF = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("operator",))


def at(month, day, year=2026):
    return dt.datetime(year, month, day, 9, tzinfo=dt.UTC)


def submit(uow, value, when, *, confirm=False, user=USER, accounts=None, **kw):
    return submit_reading(uow, accounts or FakeAccounts(FACTS), user_id=user, account_id=FACTS.account_id,
                          meter_id=METER, values={"total": value}, idempotency_key=None, confirm=confirm, now=when,
                          **kw)


def history(uow, months=6, monthly=200, start=1000):
    """A reading on the 20th of each month, `monthly` kWh apart."""
    for i in range(months):
        submit(uow, str(start + i * monthly), at(5 + i, 20))


# --- the window ---

def test_a_reading_outside_the_window_is_refused_with_the_dates_and_nothing_is_stored():
    uow = FakeUnitOfWork(suppliers=[WINDOW])
    with pytest.raises(Rejected) as refused:
        submit(uow, "100", at(12, 27))
    assert refused.value.code == "outside_window" and "с 15 по 25 число" in refused.value.message
    assert "15.01.2027" in refused.value.message
    assert uow.readings.rows == [] and uow.events == []


def test_under_next_period_a_late_reading_counts_for_the_next_period_and_the_event_says_so():
    uow = FakeUnitOfWork(suppliers=[SupplierFacts(SUPPLIER, window_from_day=15, window_to_day=25,
                                                  outside_policy=NEXT_PERIOD)])
    reading = submit(uow, "100", at(12, 27))
    assert reading.period == dt.date(2027, 1, 1) and reading.status == "accepted"
    assert uow.events[0].payload.period == "2027-01" and uow.events[0].payload.source == "cabinet"


def test_inside_the_window_the_period_is_the_month():
    uow = FakeUnitOfWork(suppliers=[WINDOW])
    assert submit(uow, "100", at(12, 20)).period == dt.date(2026, 12, 1)


# --- plausibility ---

def test_far_above_the_meters_own_average_asks_to_confirm():
    uow = FakeUnitOfWork()
    history(uow)  # 200 kWh a month
    with pytest.raises(InvalidInput) as asked:
        submit(uow, str(1000 + 5 * 200 + 2000), at(11, 20))
    assert asked.value.code == "confirmation_required" and "confirm" in asked.value.fields
    assert "подтвердите" in asked.value.message
    assert len(uow.readings.rows) == 6


def test_a_confirmed_doubtful_reading_is_stored_flagged_for_staff():
    uow = FakeUnitOfWork()
    history(uow)
    reading = submit(uow, str(1000 + 5 * 200 + 2000), at(11, 20), confirm=True)
    assert reading.flag_reason and "намного больше обычного" in reading.flag_reason


def test_a_winter_peak_below_three_times_the_average_is_not_questioned():
    uow = FakeUnitOfWork()
    history(uow)
    reading = submit(uow, str(1000 + 5 * 200 + 550), at(11, 20))  # 2.75× the average
    assert reading.flag_reason is None


def test_a_small_meter_is_not_questioned_under_the_margin():
    uow = FakeUnitOfWork()
    history(uow, monthly=30)  # a dacha: 30 kWh a month
    reading = submit(uow, str(1000 + 5 * 30 + 300), at(11, 20))  # 10× but only 270 kWh above
    assert reading.flag_reason is None
    assert Decimal(300) == plausibility.MARGIN_KWH


def test_without_history_the_ceiling_is_per_thirty_days():
    uow = FakeUnitOfWork()
    submit(uow, "1000", at(10, 20))
    assert submit(uow, "2400", at(11, 20)).flag_reason is None  # 1,400 kWh in 31 days
    with pytest.raises(InvalidInput) as asked:
        submit(uow, "4500", at(12, 20))  # 2,100 kWh in 30 days
    assert asked.value.code == "confirmation_required" and "необычно велик" in asked.value.message


def test_a_dial_roll_over_asks_to_confirm():
    uow = FakeUnitOfWork()
    submit(uow, "999990", at(10, 20))
    with pytest.raises(InvalidInput) as asked:
        submit(uow, "15", at(11, 20))
    assert asked.value.code == "confirmation_required" and "через ноль" in asked.value.message
    assert submit(uow, "15", at(11, 20), confirm=True).consumption == {"total": Decimal("25.000")}


def test_the_first_reading_is_never_questioned():
    assert submit(FakeUnitOfWork(), "999999", at(10, 20)).flag_reason is None


# --- without signing in (R2's public submission) ---

def test_a_submission_without_a_user_needs_the_proved_account():
    uow = FakeUnitOfWork()
    with pytest.raises(Unauthenticated):
        submit(uow, "10", at(10, 20), user=None)
    reading = submit(uow, "10", at(10, 20), user=None, account=FACTS, source="public",
                     accounts=FakeAccounts())
    assert (reading.submitted_by, reading.source) == (None, "public")


# --- corrections ---

def correct(uow, reading, value, when=None, user=USER, **kw):
    return correct_reading(uow, FakeAccounts(FACTS), user_id=user, account_id=FACTS.account_id,
                           reading_id=reading.reading_id, values={"total": value}, now=when or at(11, 21), **kw)


def test_a_correction_supersedes_the_reading_and_keeps_both():
    uow = FakeUnitOfWork()
    first = submit(uow, "1000", at(10, 20))
    wrong = submit(uow, "1900", at(11, 20))
    right = correct(uow, wrong, "1190")
    assert (wrong.status, right.status, right.corrects) == ("superseded", "accepted", wrong.reading_id)
    assert right.consumption == {"total": Decimal("190.000")}  # against the reading before the wrong one
    assert (right.taken_at, right.period) == (wrong.taken_at, wrong.period)
    assert uow.readings.last_for_meter(METER) is right and first.status == "accepted"
    event = uow.events[-1]
    assert event.type == "readings.reading.corrected"
    assert (event.payload.corrects, event.payload.reading.reading_id, event.payload.customer_id) == (
        wrong.reading_id, right.reading_id, USER)


def test_a_lower_corrected_value_is_what_a_wrong_reading_needs():
    uow = FakeUnitOfWork()
    submit(uow, "1000", at(10, 20))
    wrong = submit(uow, "10000", at(11, 20), confirm=True)
    with pytest.raises(Rejected):  # the next reading is below the wrong one
        submit(uow, "1200", at(11, 21))
    assert correct(uow, wrong, "1200").consumption == {"total": Decimal("200.000")}


def test_a_billed_reading_cannot_be_corrected_and_the_message_says_what_to_do():
    uow = FakeUnitOfWork()
    reading = submit(uow, "1000", at(11, 20))
    reading.supplier_id = SUPPLIER
    uow.readings.mark_billed = lambda s, p: [setattr(r, "status", "billed") for r in uow.readings.rows
                                             if (r.supplier_id, r.period, r.status) == (s, p, "accepted")]
    mark_billed(uow, supplier_id=SUPPLIER, period=dt.date(2026, 11, 1))
    assert reading.status == "billed"
    with pytest.raises(Rejected) as refused:
        correct(uow, reading, "900")
    assert refused.value.code == "reading_billed"
    assert "ноябрь 2026" in refused.value.message and "Передайте следующие показания" in refused.value.message


def test_only_the_last_unsuperseded_reading_of_the_meter_is_corrected():
    uow = FakeUnitOfWork()
    first = submit(uow, "1000", at(10, 20))
    second = submit(uow, "1100", at(11, 20))
    with pytest.raises(Rejected) as older:
        correct(uow, first, "990")
    assert older.value.code == "not_latest_reading"
    correct(uow, second, "1090")
    with pytest.raises(Rejected) as again:
        correct(uow, second, "1080")
    assert again.value.code == "reading_superseded"


def test_a_registry_reading_is_not_the_customers_to_correct():
    uow = FakeUnitOfWork()
    baseline = Reading(FACTS.account_id, METER, {"total": Decimal(5)}, {"total": Decimal(0)}, at(10, 1),
                       source="registry", status="accepted")
    uow.readings.add(baseline)
    with pytest.raises(Rejected) as refused:
        correct(uow, baseline, "6")
    assert refused.value.code == "reading_not_correctable"


def test_another_customer_cannot_correct_and_another_accounts_reading_is_not_found():
    uow = FakeUnitOfWork()
    reading = submit(uow, "1000", at(10, 20))
    with pytest.raises(NotFound):
        correct_reading(uow, FakeAccounts(), user_id=OTHER, account_id=FACTS.account_id,
                        reading_id=reading.reading_id, values={"total": "1"})
    other = AccountFacts(str(uuid.uuid4()), SUPPLIER, "urban", False, FACTS.meters)
    with pytest.raises(NotFound) as missing:
        correct_reading(uow, FakeAccounts(other), user_id=USER, account_id=other.account_id,
                        reading_id=reading.reading_id, values={"total": "1"})
    assert missing.value.code == "reading_not_found"


def test_a_staff_correction_needs_a_reason_and_is_audited():
    uow = FakeUnitOfWork()
    uow.accounts.facts = lambda account_id: FACTS if account_id == FACTS.account_id else None
    submit(uow, "1000", at(10, 20))
    wrong = submit(uow, "1900", at(11, 20))
    with pytest.raises(InvalidInput) as no_reason:
        staff_correct_reading(uow, FakeAccounts(), STAFF, reading_id=wrong.reading_id, values={"total": "1"},
                              reason=" ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(Forbidden):
        staff_correct_reading(uow, FakeAccounts(), Caller(user_id=USER, kind="person"),
                              reading_id=wrong.reading_id, values={"total": "1100"}, reason="фото счётчика")
    fixed = staff_correct_reading(uow, FakeAccounts(), STAFF, reading_id=wrong.reading_id,
                                  values={"total": "1100"}, reason="фото счётчика")
    assert (fixed.source, fixed.reason, fixed.submitted_by) == ("staff", "фото счётчика", STAFF.user_id)
    [entry] = uow.audit.entries
    assert (entry["action"], entry["entity_id"], entry["after"]["reason"]) == (
        "reading.correct", wrong.reading_id, "фото счётчика")
    assert uow.events[-1].payload.customer_id == USER  # the customer whose reading it was is told


# --- history ---

def test_history_by_meter_and_period_a_page_at_a_time():
    uow = FakeUnitOfWork()
    history(uow, months=5)
    for r in uow.readings.rows:
        r.created_at = r.taken_at
    page, token = list_readings(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id, limit=2)
    assert [r.period.month for r in page] == [9, 8] and token
    rest, last = list_readings(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id, limit=2,
                               page_token=token)
    assert [r.period.month for r in rest] == [7, 6] and last
    only, end = list_readings(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id, limit=20,
                              period="2026-07", meter_id=METER)
    assert [r.period.month for r in only] == [7] and end == ""
    with pytest.raises(InvalidInput) as bad:
        list_readings(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id, limit=2, period="июль")
    assert bad.value.code == "invalid_period"
    with pytest.raises(InvalidInput) as token_bad:
        list_readings(uow, FakeAccounts(FACTS), user_id=USER, account_id=FACTS.account_id, limit=2,
                      page_token="nonsense")
    assert token_bad.value.code == "invalid_page_token"


def test_an_automatic_account_is_refused_as_such_even_outside_the_window():
    automatic = AccountFacts(FACTS.account_id, SUPPLIER, "urban", True, FACTS.meters)
    with pytest.raises(Rejected) as refused:
        submit_reading(FakeUnitOfWork(suppliers=[WINDOW]), FakeAccounts(automatic), user_id=USER,
                       account_id=FACTS.account_id, meter_id=METER, values={"total": "1"}, idempotency_key=None,
                       now=at(12, 27))
    assert refused.value.code == "automatic_metering"
