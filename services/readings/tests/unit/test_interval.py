"""Interval profiles: the file's cells (every bad one by address, all at once), the template round trip, the
rules of a profile (who, mode, integral first, one per month, «Дельта», statuses) and its hours in UTC."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kit.errors import Conflict, InvalidInput, Rejected
from services.readings.adapters.interval_xlsx import read_rows, template
from services.readings.domain import interval as rules
from services.readings.domain.interval_grid import HOURS, MAX_ERRORS, address, read_grid
from services.readings.domain.model import AccountFacts, Meter

NOV = dt.date(2026, 11, 1)
NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)


def filled(period: dt.date, value=1.5, edit=None) -> bytes:
    """The template of the month, every value cell set, then `edit(sheet)`."""
    book = load_workbook(io.BytesIO(template(period, "0123")))
    sheet = book.active
    for row in range(2, 26):
        for col in range(2, 2 + rules.days_in(period)):
            sheet.cell(row, col, value)
    if edit:
        edit(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def grid_of(content: bytes, period: dt.date | None = NOV):
    return read_grid(read_rows(content), period)


def errors_of(content: bytes, period: dt.date | None = NOV) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        grid_of(content, period)
    assert exc.value.code == "invalid_interval_file"
    return exc.value.fields


@pytest.mark.parametrize("period, days", [(dt.date(2027, 2, 1), 28), (dt.date(2028, 2, 1), 29), (NOV, 30),
                                          (dt.date(2026, 12, 1), 31)])
def test_the_template_round_trips_for_every_month_length(period, days):
    rows = read_rows(template(period, "0123"))
    assert rows[0][1] == period and rows[0][days] == period.replace(day=days) and len(rows[0]) == days + 1
    assert [r[0] for r in rows[1:25]] == list(HOURS) and HOURS[0] == "00-01" and HOURS[-1] == "23-24"
    grid = grid_of(filled(period, 0.1234567), None)
    assert grid.period == period and len(grid.values) == days * 24
    assert grid.total == Decimal("0.1234567") * days * 24


def test_values_as_numbers_or_text_with_a_comma_up_to_seven_places():
    def edit(sheet):
        sheet["B2"], sheet["C2"], sheet["D2"] = "2,5", " 3.0000001 ", 7
    grid = grid_of(filled(NOV, 0, edit))
    assert grid.values[:2] == (Decimal("2.5000000"), Decimal("0E-7"))
    assert grid.values[24] == Decimal("3.0000001") and grid.values[48] == Decimal("7.0000000")


@pytest.mark.parametrize("cell, value, message", [
    ("D7", "abc", "не число"), ("D7", True, "не число"), ("C3", -1, "отрицательное значение"),
    ("C3", "-0,5", "отрицательное значение"), ("E4", 1.12345678, "больше 7 знаков после запятой"),
    ("E4", "1,12345678", "больше 7 знаков после запятой"), ("F5", None, "пустая ячейка"),
    ("F5", 10 ** 13, "слишком большое значение"), ("B1", "первое", "неверная дата"),
    ("C1", dt.date(2026, 11, 3), "ожидается 02.11.2026"), ("A7", "5-7", "ожидается час «05-06»"),
    ("AF1", dt.date(2026, 12, 1), "лишний столбец"), ("A26", "24-25", "лишняя строка"),
])
def test_each_bad_cell_is_named_by_its_address(cell, value, message):
    def edit(sheet):
        sheet[cell] = value
    errors = errors_of(filled(NOV, 1, edit))
    assert cell in errors and message in errors[cell], errors


def test_a_missing_hour_row_and_a_missing_date_are_reported():
    def edit(sheet):
        sheet.delete_rows(25)
        sheet["AF1"] = None
    errors = errors_of(filled(dt.date(2026, 12, 1), 1, edit), dt.date(2026, 12, 1))
    assert "нет строки «23-24»" in errors["A25"] and "нет даты 31.12.2026" in errors["AF1"]


def test_a_file_of_another_month_says_which_dates_are_expected():
    errors = errors_of(filled(dt.date(2026, 10, 1)), NOV)
    assert errors["B1"] == "ожидается 01.11.2026, а не 01.10.2026" and "лишний столбец" in errors["AF1"]


def test_all_errors_at_once_capped_with_the_count_in_the_message():
    with pytest.raises(InvalidInput) as exc:
        grid_of(filled(NOV, "x"))
    assert len(exc.value.fields) == MAX_ERRORS and "720 ошибок" in exc.value.message
    assert "показаны первые 100" in exc.value.message and list(exc.value.fields)[:2] == ["B2", "C2"]


def test_not_an_xlsx_is_refused():
    with pytest.raises(InvalidInput) as exc:
        read_rows(b"PK\x03\x04 not really")
    assert exc.value.code == "invalid_interval_file" and "file" in exc.value.fields


def test_addresses_go_past_z():
    assert (address(1, 26), address(1, 27), address(7, 32)) == ("Z1", "AA1", "AF7")


LEGAL = AccountFacts("acc", "sup", "legal_up_to_670kw", False, (Meter("m1", 1, 6, Decimal(40), "0123"),))


@pytest.mark.parametrize("facts, code", [
    (AccountFacts("acc", "sup", "urban_gas_stove", False, LEGAL.meters), "interval_not_for_account"),
    (AccountFacts("acc", "sup", "legal", True, LEGAL.meters), "automatic_metering"),
])
def test_only_legal_entities_without_automatic_metering(facts, code):
    with pytest.raises(Rejected) as exc:
        rules.interval_meter(facts, "m1")
    assert exc.value.code == code
    assert rules.interval_meter(LEGAL, "m1").ratio == 40 and rules.is_legal_entity("legal")


def test_mode_period_and_the_integral_reading_first():
    assert rules.check_mode("ratio_losses") == "ratio_losses"
    with pytest.raises(InvalidInput):
        rules.check_mode("with_kt")
    assert rules.check_status("") == "" and rules.check_status("deleted") == "deleted"
    with pytest.raises(InvalidInput):
        rules.check_status("waiting")
    with pytest.raises(InvalidInput) as exc:
        rules.parse_period("11.2026")
    assert exc.value.code == "invalid_period"
    with pytest.raises(Rejected) as exc:
        rules.require_integral(False)
    assert exc.value.message == "Для отправки интервальных показаний необходимо сначала передать интегральные."


def profile(mode="plain", value=1.5, **kw):
    grid = grid_of(filled(NOV, value))
    return rules.new_profile(LEGAL, LEGAL.meters[0], grid, mode, user_id="u1", now=NOW, **kw)


def test_delta_is_the_integral_consumption_minus_the_profile_in_the_modes_units():
    plain, ratio = profile("plain"), profile("ratio", value=60)  # 720 h × 1.5 = 1080; × 60 = 43200
    assert plain.total == Decimal("1080.0000000") and plain.status == rules.PENDING and plain.hours == 720
    assert rules.delta(plain, Decimal("1080")) == 0 and rules.delta(plain, Decimal("1100.5")) == Decimal("20.5")
    assert rules.integral_in_mode(Decimal("1080"), "ratio", Decimal(40)) == Decimal("43200")
    assert rules.delta(ratio, Decimal("1080")) == 0 and rules.delta(ratio, None) is None


def test_one_live_profile_per_meter_and_month_the_same_upload_is_a_retry():
    first = profile()
    assert rules.same_or_refuse(first, profile()) is first
    with pytest.raises(Conflict) as exc:
        rules.same_or_refuse(first, profile(value=2))
    assert exc.value.code == "interval_profile_exists"


def test_statuses_pending_to_accepted_or_rejected_deleted_only_while_pending():
    pending = profile()
    with pytest.raises(InvalidInput) as exc:
        rules.decided(pending, rules.REJECTED, now=NOW, staff_id="s", reason=" ")
    assert exc.value.code == "reason_required"
    accepted = rules.decided(pending, rules.ACCEPTED, now=NOW, staff_id="s", reason="")
    assert accepted.status == "accepted" and accepted.decided_by == "s"
    with pytest.raises(Rejected) as exc:
        rules.deleted(accepted, NOW, "u1")
    assert exc.value.code == "interval_profile_decided"
    with pytest.raises(Rejected):
        rules.decided(accepted, rules.REJECTED, now=NOW, staff_id="s", reason="нет")
    assert rules.deleted(pending, NOW, "u1").status == "deleted"


def test_hours_are_the_suppliers_local_hours_in_utc_in_a_zone_without_summer_time():
    starts = rules.hour_starts(NOV, "Asia/Yekaterinburg")  # UTC+5 all year
    assert len(starts) == 720 and starts[0] == dt.datetime(2026, 10, 31, 19, tzinfo=dt.UTC)
    assert starts[-1] == dt.datetime(2026, 11, 30, 18, tzinfo=dt.UTC)
    hours = rules.hourly(profile("ratio", value=80), "Asia/Yekaterinburg")
    assert set(hours.values()) == {Decimal("2.0000000")}  # metered kWh: 80 / КТ 40
