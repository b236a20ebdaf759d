"""«Необходимо заявить показания»: the flag's rules (window, period, АИИС КУЭ never, the window's edges in the
supplier's zone) and the days the reminders are planned."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.errors import InvalidInput
from services.readings.domain import due as rules
from services.readings.domain.model import AccountFacts, Meter, Reading
from services.readings.domain.windows import SupplierFacts
from services.readings.service_layer.due import readings_due
from services.readings.tests.unit.fakes import FakeAccounts, FakeUnitOfWork

SUPPLIER = SupplierFacts(str(uuid.uuid4()), timezone="Asia/Yekaterinburg", window_from_day=15, window_to_day=25)
USER = str(uuid.uuid4())


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def state(now: dt.datetime, *, automatic=False, submitted=frozenset(), supplier=SUPPLIER) -> rules.DueState:
    return rules.due_state("a", automatic, supplier, now, set(submitted))


def test_due_while_the_window_is_open_and_nothing_counts_for_the_period():
    s = state(at("2026-11-20T12:00+05:00"))
    assert s.due and s.window_open and not s.submitted
    assert (s.period, s.window_from, s.window_to) == (dt.date(2026, 11, 1), dt.date(2026, 11, 15),
                                                      dt.date(2026, 11, 25))


def test_a_reading_of_the_period_clears_it_and_one_of_another_period_does_not():
    now = at("2026-11-20T12:00+05:00")
    assert not state(now, submitted={dt.date(2026, 11, 1)}).due
    assert state(now, submitted={dt.date(2026, 10, 1), dt.date(2026, 12, 1)}).due


def test_never_for_automatic_metering_even_in_an_open_window():
    s = state(at("2026-11-20T12:00+05:00"), automatic=True)
    assert s.window_open and not s.submitted and not s.due


@pytest.mark.parametrize(("moment", "is_due"), [
    ("2026-11-14T18:59:59+00:00", False),  # 23:59:59 on the 14th in Yekaterinburg (UTC+5)
    ("2026-11-14T19:00:00+00:00", True),   # 00:00 on the 15th there: the window opens
    ("2026-11-25T18:59:59+00:00", True),   # the last second of the 25th
    ("2026-11-25T19:00:00+00:00", False),  # the 26th there, though still the 25th in UTC
])
def test_the_window_edges_are_the_suppliers_local_days_both_included(moment, is_due):
    assert state(at(moment)).due is is_due


def test_outside_the_window_the_next_one_is_shown_and_nothing_is_due():
    before = state(at("2026-11-03T12:00+05:00"))
    assert (before.due, before.window_open, before.window_from) == (False, False, dt.date(2026, 11, 15))
    after = state(at("2026-11-28T12:00+05:00"))
    assert (after.due, after.period, after.window_from, after.window_to) == (
        False, dt.date(2026, 12, 1), dt.date(2026, 12, 15), dt.date(2026, 12, 25))


def test_a_window_past_a_short_months_end_ends_on_its_last_day():
    late = SupplierFacts(SUPPLIER.supplier_id, window_from_day=25, window_to_day=31)
    s = state(at("2027-02-28T12:00+03:00"), supplier=late)
    assert s.due and (s.window_from, s.window_to) == (dt.date(2027, 2, 25), dt.date(2027, 2, 28))


@pytest.mark.parametrize(("day", "kinds"), [
    (14, ()), (15, ("opened",)), (21, ("opened",)), (22, ("opened", "closing")), (25, ("opened", "closing")),
    (26, ()),
])
def test_reminders_opened_in_the_window_and_closing_in_its_last_days(day, kinds):
    plan = rules.reminders_due(SUPPLIER, at(f"2026-11-{day:02d}T12:00+05:00"), closing_days=3)
    assert plan.kinds == kinds and plan.period == dt.date(2026, 11, 1)


def test_a_short_window_is_not_announced_twice_on_its_first_day():
    short = SupplierFacts(SUPPLIER.supplier_id, window_from_day=24, window_to_day=25)
    assert rules.reminders_due(short, at("2026-11-24T12:00+03:00"), closing_days=3).kinds == ("opened",)
    assert rules.reminders_due(short, at("2026-11-25T12:00+03:00"), closing_days=3).kinds == ("opened", "closing")


# --- the use case, with in-memory fakes ---

class FakeDue:
    def __init__(self, readings):
        self.readings = readings

    def counted_periods(self, pairs):
        have = {(r.account_id, r.period) for r in self.readings.rows if r.status in ("accepted", "billed")}
        return set(pairs) & have


def uow_with(*facts, suppliers=(SUPPLIER,)):
    uow = FakeUnitOfWork({(USER, f.account_id): f for f in facts}, suppliers=suppliers)
    uow.due = FakeDue(uow.readings)
    uow.accounts.allowed_facts_many = lambda user, ids: {i: f for (u, i), f in uow.accounts.bound.items()
                                                         if u == user and i in ids}
    return uow


def facts(automatic=False, supplier_id=SUPPLIER.supplier_id) -> AccountFacts:
    return AccountFacts(str(uuid.uuid4()), supplier_id, "urban_gas_stove", automatic,
                        (Meter(str(uuid.uuid4()), zones=1, digits=6, ratio=Decimal(1)),))


def test_the_flags_of_the_callers_accounts_in_order_and_the_others_left_out():
    mine, counted, automatic, elsewhere = facts(), facts(), facts(automatic=True), facts(supplier_id=str(uuid.uuid4()))
    uow = uow_with(mine, counted, automatic, elsewhere)
    uow.readings.add(Reading(counted.account_id, counted.meters[0].meter_id, {}, {}, at("2026-11-16T10:00+05:00"),
                             period=dt.date(2026, 11, 1)))
    stranger = str(uuid.uuid4())
    states = readings_due(uow, FakeAccounts(), user_id=USER, now=at("2026-11-20T12:00+05:00"),
                          account_ids=[elsewhere.account_id, mine.account_id, stranger, counted.account_id,
                                       automatic.account_id, "not-a-uuid"])
    assert [(s.account_id, s.due) for s in states] == [
        (elsewhere.account_id, True),  # an unknown supplier: the defaults, a window open all month
        (mine.account_id, True), (counted.account_id, False), (automatic.account_id, False)]


def test_too_many_accounts_at_once_are_refused():
    with pytest.raises(InvalidInput) as refused:
        readings_due(uow_with(), FakeAccounts(), user_id=USER, now=at("2026-11-20T12:00+05:00"),
                     account_ids=[str(uuid.uuid4()) for _ in range(101)])
    assert refused.value.code == "too_many_accounts"
