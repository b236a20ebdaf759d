"""Пени (ЖК РФ ст. 155 ч. 14) worked out by hand: the day of delay, the share of the key rate (nothing for
days 1–30, 1/300 for days 31–90, 1/130 from day 91), the key rate in force, moratoria, and the per account
and day sum rounded half up to the kopeck."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from kit.errors import InvalidInput
from services.payments.domain.ledger import Debt
from services.payments.domain.penalties import (
    KeyRate,
    Moratorium,
    closes_month,
    daily_penalty,
    day_of_delay,
    key_rate_on,
    new_key_rate,
    new_moratorium,
    overdue_on,
    penalty_for_day,
    rate_fraction,
    round_half_up,
    told,
)

DUE = dt.date(2026, 1, 10)
POSTED = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
RATE = Decimal("16")


def debt(remainder_kop: int, due_on: dt.date = DUE) -> Debt:
    return Debt(entry_id="d", bucket="energy", due_on=due_on, posted_at=POSTED, owed_kop=remainder_kop,
                remainder_kop=remainder_kop)


def test_the_day_of_delay_counts_from_the_day_after_the_due_date():
    # due 2026-01-10: the 11th is day 1; January has 21 days after the 10th, February 28, March 31
    assert day_of_delay(DUE, dt.date(2026, 1, 10)) == 0
    assert day_of_delay(DUE, dt.date(2026, 1, 11)) == 1
    assert day_of_delay(DUE, dt.date(2026, 2, 9)) == 30  # 21 + 9
    assert day_of_delay(DUE, dt.date(2026, 2, 10)) == 31
    assert day_of_delay(DUE, dt.date(2026, 4, 10)) == 90  # 21 + 28 + 31 + 10
    assert day_of_delay(DUE, dt.date(2026, 4, 11)) == 91


def test_the_share_of_the_key_rate_by_day_of_delay():
    assert [rate_fraction(d) for d in (-5, 0, 1, 30)] == [0, 0, 0, 0]
    assert [rate_fraction(d) for d in (31, 60, 90)] == [Fraction(1, 300)] * 3
    assert [rate_fraction(d) for d in (91, 365, 2000)] == [Fraction(1, 130)] * 3


def test_worked_example_across_day_31_and_day_91():
    # A debt of 10 000,00 ₽ (1 000 000 kop) due 2026-01-10, unpaid; the key rate is 16 % all along.
    ten_thousand = [debt(1_000_000)]
    # day 30 (2026-02-09): still within 30 days — nothing
    assert daily_penalty(ten_thousand, dt.date(2026, 2, 9), RATE) == (0, 0)
    # day 31 (2026-02-10): 1 000 000 × 16 / 100 / 300 = 160 000 / 300 = 533,33… kop -> 533 kop (5,33 ₽)
    assert daily_penalty(ten_thousand, dt.date(2026, 2, 10), RATE) == (1_000_000, 533)
    # day 90 (2026-04-10): the same 1/300 -> 533 kop
    assert daily_penalty(ten_thousand, dt.date(2026, 4, 10), RATE) == (1_000_000, 533)
    # day 91 (2026-04-11): 1 000 000 × 16 / 100 / 130 = 160 000 / 130 = 1 230,769… kop -> 1 231 kop (12,31 ₽)
    assert daily_penalty(ten_thousand, dt.date(2026, 4, 11), RATE) == (1_000_000, 1231)
    # days 31–90 together: 60 days × 533 = 31 980 kop (319,80 ₽); days 1–90 the same
    days = [dt.date(2026, 1, 11) + dt.timedelta(days=n) for n in range(90)]
    assert sum(daily_penalty(ten_thousand, day, RATE)[1] for day in days) == 31_980


def test_an_account_s_debts_are_summed_before_the_one_rounding():
    # 10 000,00 ₽ due 2026-01-10 and 5 000,00 ₽ due 2026-02-10; on 2026-04-11 the first is in day 91, the second
    # in day 60: 1 000 000 × 0,16 / 130 + 500 000 × 0,16 / 300 = 1 230,769… + 266,666… = 1 497,435… -> 1 497 kop
    # (rounding each first would give 1 231 + 267 = 1 498)
    debts = [debt(1_000_000), debt(500_000, dt.date(2026, 2, 10))]
    assert daily_penalty(debts, dt.date(2026, 4, 11), RATE) == (1_500_000, 1497)


def test_half_a_kopeck_is_rounded_up():
    # 10,00 ₽ at 15 % on day 31: 1 000 × 15 / 100 / 300 = 0,5 kop -> 1 kop; 9,99 ₽: 0,4995 -> 0
    assert daily_penalty([debt(1_000)], dt.date(2026, 2, 10), Decimal("15")) == (1_000, 1)
    assert daily_penalty([debt(999)], dt.date(2026, 2, 10), Decimal("15")) == (999, 0)
    assert [round_half_up(Fraction(n, 2)) for n in (0, 1, 2, 3, 5)] == [0, 1, 1, 2, 3]


def test_only_the_unpaid_remainder_bears_penalties_and_only_from_day_31():
    # a paid debt and a debt in its 20th day add nothing to the base
    debts = [debt(0), debt(300_000, dt.date(2026, 3, 22)), debt(1_000_000)]
    assert daily_penalty(debts, dt.date(2026, 4, 11), RATE) == (1_000_000, 1231)


def test_the_key_rate_in_force_on_the_day_and_moratoria():
    rates = [KeyRate(dt.date(2025, 10, 27), Decimal("16.5")), KeyRate(dt.date(2026, 3, 1), Decimal("16"))]
    assert key_rate_on(rates, dt.date(2025, 10, 26)) is None
    assert key_rate_on(rates, dt.date(2026, 2, 28)) == Decimal("16.5")
    assert key_rate_on(rates, dt.date(2026, 3, 1)) == Decimal("16")
    stop = [Moratorium("m", dt.date(2026, 2, 20), dt.date(2026, 2, 21), "Постановление")]
    ten_thousand = [debt(1_000_000)]
    # 2026-02-19, day 40 at 16,5 %: 1 000 000 × 16,5 / 100 / 300 = 550 kop exactly
    assert penalty_for_day(ten_thousand, dt.date(2026, 2, 19), rates, stop) == (1_000_000, 550)
    assert penalty_for_day(ten_thousand, dt.date(2026, 2, 20), rates, stop) == (0, 0)
    assert penalty_for_day(ten_thousand, dt.date(2026, 2, 21), rates, stop) == (0, 0)
    assert penalty_for_day(ten_thousand, dt.date(2026, 3, 1), rates, stop) == (1_000_000, 533)  # 16 % now
    # no key rate in force: nothing
    assert penalty_for_day(ten_thousand, dt.date(2026, 3, 1), [], []) == (0, 0)


def test_a_key_rate_as_staff_enter_it():
    assert new_key_rate(valid_from="2026-02-14", rate_percent="15,5") == KeyRate(dt.date(2026, 2, 14),
                                                                                  Decimal("15.500"))
    with pytest.raises(InvalidInput) as refused:
        new_key_rate(valid_from="14.02.2026", rate_percent="0")
    assert refused.value.code == "invalid_key_rate"
    assert set(refused.value.fields) == {"valid_from", "rate_percent"}
    for bad in ("abc", "-1", "100.5", "16.1234"):
        with pytest.raises(InvalidInput):
            new_key_rate(valid_from="2026-02-14", rate_percent=bad)


def test_a_moratorium_as_staff_declare_it():
    m = new_moratorium(moratorium_id="", valid_from="2026-04-01", valid_until="2026-04-30", title=" ПП РФ № 474 ")
    assert (m.valid_from, m.valid_until, m.title) == (dt.date(2026, 4, 1), dt.date(2026, 4, 30), "ПП РФ № 474")
    assert len(m.moratorium_id) == 36 and m.covers(dt.date(2026, 4, 30)) and not m.covers(dt.date(2026, 5, 1))
    with pytest.raises(InvalidInput) as refused:
        new_moratorium(moratorium_id="x", valid_from="2026-04-30", valid_until="2026-04-01", title="")
    assert refused.value.code == "invalid_moratorium"
    assert set(refused.value.fields) == {"moratorium_id", "valid_until", "title"}


# --- what the accrual tells -------------------------------------------------------------------------------

def test_a_debt_due_on_the_day_and_unpaid_at_its_end_is_told_with_every_overdue_remainder():
    older, due, later = debt(30_000, DUE - dt.timedelta(days=31)), debt(50_000), debt(70_000, DUE + dt.timedelta(31))
    assert overdue_on([older, due, later], DUE) == 80_000  # the later one is not overdue yet
    assert overdue_on([older, due, later], DUE + dt.timedelta(days=1)) == 0  # told on its due date's accrual only
    assert overdue_on([older, debt(0), later], DUE) == 0  # paid by the end of the due date
    penalties = Debt(entry_id="p", bucket="penalties", due_on=DUE, posted_at=POSTED, owed_kop=5, remainder_kop=5)
    assert overdue_on([penalties], DUE) == 0  # an energy debt, not penalties


def test_a_month_closes_on_its_last_day_and_only_recent_days_tell():
    assert [closes_month(dt.date(2026, m, d)) for m, d in ((2, 28), (2, 27), (12, 31), (4, 30), (5, 30))] == [
        True, False, True, True, False]
    today = dt.date(2026, 12, 4)
    assert told(dt.date(2026, 11, 27), today) and told(dt.date(2026, 12, 3), today) and told(dt.date(2027, 1, 9), today)
    assert not told(dt.date(2026, 11, 26), today)  # a first run over imported history tells nothing of the past
