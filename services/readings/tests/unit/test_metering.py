"""The АИИС КУЭ feed's rules: who may send, what a value must be, which meter it names, once per meter and
moment; the АИИС КУЭ accounts' customers still cannot submit."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, Rejected
from services.readings.domain import metering as rules
from services.readings.domain.metering import Item, ItemError, Point, Report
from services.readings.domain.model import CABINET, TYPED_SOURCES, AccountFacts, Meter, refuse_automatic
from services.readings.service_layer.metering import metering_partner

NOW = dt.datetime(2026, 12, 4, 1, 30, tzinfo=dt.UTC)
SUPPLIER = str(uuid.uuid4())
ONE = Meter(str(uuid.uuid4()), zones=1, digits=6, number="01234567")
TWO = Meter(str(uuid.uuid4()), zones=2, digits=6, number="7654321")
POINT = Point(str(uuid.uuid4()), True, ONE)


def item(kind: str = "hourly", at: str = "2026-12-04T00:00:00Z", kwh: str | None = None, zones=None, index=0):
    kwh = ("1.2345678" if kind == "hourly" else "") if kwh is None else kwh
    return Item(index=index, meter_number="01234567", at=at, kind=kind, kwh=kwh, zones=zones or {})


def code(call) -> str:
    with pytest.raises(ItemError) as exc:
        call()
    return exc.value.code


@pytest.mark.parametrize("roles", [("metering",), ("metering", f"supplier:{SUPPLIER}")])
def test_a_metering_partner_sends_for_its_supplier(roles):
    assert metering_partner(Caller(user_id="p", kind="partner", roles=roles), SUPPLIER) == SUPPLIER


def test_a_scoped_partner_may_leave_the_supplier_out():
    assert metering_partner(Caller(user_id="p", kind="partner", roles=("metering", f"supplier:{SUPPLIER}")),
                            "") == SUPPLIER


@pytest.mark.parametrize("caller", [
    Caller(user_id="p", kind="partner", roles=("bank",)),
    Caller(user_id="p", kind="partner", roles=("sms_gateway", f"supplier:{SUPPLIER}")),
    Caller(user_id="p", kind="partner", roles=("metering", f"supplier:{uuid.uuid4()}")),
    Caller(user_id="u", kind="customer", roles=()),
    Caller(user_id="s", kind="staff", roles=("admin",)),
])
def test_other_callers_are_refused(caller):
    with pytest.raises(Forbidden) as exc:
        metering_partner(caller, SUPPLIER)
    assert exc.value.code == "partner_only"


def test_an_unscoped_partner_must_name_the_supplier():
    with pytest.raises(InvalidInput) as exc:
        metering_partner(Caller(user_id="p", kind="partner", roles=("metering",)), "")
    assert exc.value.code == "invalid_supplier"


def test_a_batch_holds_at_most_ten_thousand_values():
    rules.check_size(rules.MAX_VALUES)
    with pytest.raises(InvalidInput) as exc:
        rules.check_size(rules.MAX_VALUES + 1)
    assert exc.value.code == "batch_too_large"


def test_an_hourly_value_is_kwh_of_a_whole_hour_that_is_over():
    value = rules.value_of(item(at="2026-12-04T02:00:00+03:00", kwh="0,5"), POINT, NOW)
    assert (value.hour_start, value.kwh) == (dt.datetime(2026, 12, 3, 23, tzinfo=dt.UTC), Decimal("0.5"))
    assert rules.value_of(item(kwh="12.1234567"), POINT, NOW).kwh == Decimal("12.1234567")


@pytest.mark.parametrize("at,expected", [
    ("2026-12-04T00:30:00Z", "invalid_time"),
    ("2026-12-04T00:00:00", "invalid_time"),     # no offset
    ("вчера", "invalid_time"),
    ("2026-12-04T01:00:00Z", "future_time"),     # the hour is not over at 01:30
    ("2022-01-01T00:00:00Z", "too_old"),
])
def test_an_hour_that_is_not_a_past_whole_hour_is_refused(at, expected):
    assert code(lambda: rules.value_of(item(at=at), POINT, NOW)) == expected


@pytest.mark.parametrize("kwh", ["", "-1", "1.12345678", "1e3", "NaN", "12345678901234", "1 000"])
def test_an_hourly_value_has_at_most_seven_decimals_and_no_sign(kwh):
    assert code(lambda: rules.value_of(item(kwh=kwh), POINT, NOW)) == "invalid_value"


def test_a_register_value_has_the_meters_zones_with_three_decimals():
    value = rules.value_of(item("register", at="2026-12-01T00:00:00+03:00", zones={"total": "1234,5"}), POINT, NOW)
    assert (value.taken_at, value.values) == (dt.datetime(2026, 11, 30, 21, tzinfo=dt.UTC), {"total": Decimal("1234.5")})
    for zones in ({"total": "1.2345"}, {"day": "1", "night": "2"}, {}, {"total": "1234567"}):
        assert code(lambda z=zones: rules.value_of(item("register", zones=z), POINT, NOW)) == "invalid_reading"
    assert code(lambda: rules.value_of(item("register", at="2026-12-05T00:00:00Z", zones={"total": "1"}),
                                       POINT, NOW)) == "future_time"


def test_an_unknown_kind_is_refused():
    assert code(lambda: rules.value_of(item("daily"), POINT, NOW)) == "invalid_kind"


def test_an_hour_has_no_zones_and_a_register_no_kwh():
    assert code(lambda: rules.value_of(item(zones={"total": "1"}), POINT, NOW)) == "invalid_value"
    assert code(lambda: rules.value_of(item("register", kwh="1", zones={"total": "1"}), POINT, NOW)) == \
        "invalid_reading"


def test_the_meter_is_one_of_the_supplier_on_an_automatic_account():
    assert rules.locate(item(), [POINT]) is POINT
    assert code(lambda: rules.locate(item(), [])) == "meter_not_found"
    assert code(lambda: rules.locate(Item(0, " ", "", "hourly"), [])) == "meter_not_found"
    other = Point(str(uuid.uuid4()), True, Meter(str(uuid.uuid4()), zones=1, digits=6, number="1234567"))
    assert code(lambda: rules.locate(item(), [POINT, other])) == "meter_ambiguous"
    assert code(lambda: rules.locate(item(), [Point(POINT.account_id, False, ONE)])) == "not_automatic_metering"


def test_one_value_per_meter_and_moment_in_a_batch():
    report = Report(received=3)
    values = [rules.value_of(item(index=i, kwh=kwh), POINT, NOW) for i, kwh in enumerate(["1.5", "1.5000", "2"])]
    kept = rules.first_of_each(values, report)
    assert kept == values[:1]
    assert report.duplicates == 1
    assert [(p.index, p.code) for p in report.problems] == [(2, "value_conflict")]


def test_the_conflict_says_what_is_stored():
    value = rules.value_of(item(kwh="2"), POINT, NOW)
    assert "сохранено 10" in rules.conflict(value, Decimal("10.0000000")).message


def test_the_staff_file_gives_each_value_its_line():
    content = (b"meter_number;at;kind;kwh;total;day;night\n"
               b"01234567;2026-12-04T00:00:00Z;hourly;1,5;;;\n"
               b"7654321;2026-12-01T00:00:00+03:00;register;;;10;20\n")
    assert rules.file_items(content) == [
        Item(2, "01234567", "2026-12-04T00:00:00Z", "hourly", "1,5", {}),
        Item(3, "7654321", "2026-12-01T00:00:00+03:00", "register", "", {"day": "10", "night": "20"})]
    with pytest.raises(InvalidInput) as exc:
        rules.file_items(b"meter;at\n")
    assert exc.value.code == "registry_header"


def test_automatic_accounts_refuse_what_people_type_and_take_the_feed():
    account = AccountFacts(str(uuid.uuid4()), SUPPLIER, "urban", automatic_metering=True, meters=(ONE,))
    for source in TYPED_SOURCES:
        with pytest.raises(Rejected) as exc:
            refuse_automatic(account, source)
        assert exc.value.code == "automatic_metering"
    refuse_automatic(account, rules.AUTOMATIC)
    assert CABINET in TYPED_SOURCES and rules.AUTOMATIC not in TYPED_SOURCES
