"""The calculator with in-memory fakes: a reading is checked exactly as a submission, payments prices it,
and nothing is written."""

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from kabinet.payments.v1 import payments_pb2

from kit.errors import DomainError, NotFound, Rejected
from services.readings.adapters.payments import charge_from_pb
from services.readings.domain.model import AccountFacts, ChargePreview, Meter, Reading
from services.readings.entrypoints.api import preview_to_pb
from services.readings.service_layer.calculator import preview_charge
from services.readings.service_layer.submission import submit_reading
from services.readings.tests.unit.fakes import FakeAccounts, FakePayments, FakeUnitOfWork

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
USER = str(uuid.uuid4())
# the meters and the stranger's account are fixed, not random: they name parametrized tests, and every
# pytest-xdist worker must collect the same names
METER, OTHER_METER, STRANGERS = ("3e1a9c52-7b4d-4f6e-8a2c-5d9b1e7f3a64", "9b2d4f6a-1c3e-4a5b-8d7f-6e0a2c4b8d15",
                                 "5f7a9b1c-3d5e-4f7a-9b1c-3d5e7f9a1b2c")
FACTS = AccountFacts(str(uuid.uuid4()), str(uuid.uuid4()), "urban_gas_stove", False,
                     (Meter(METER, zones=2, digits=6, ratio=Decimal(40)),))


def with_previous(day="10", night="5") -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.readings.rows.append(Reading(FACTS.account_id, METER, {"day": Decimal(day), "night": Decimal(night)},
                                     {}, NOW - dt.timedelta(days=30)))
    return uow


def preview(uow, payments, facts=FACTS, meter_id=METER, account_id=None, **values):
    return preview_charge(uow, FakeAccounts(facts), payments, user_id=USER, account_id=account_id or facts.account_id,
                          meter_id=meter_id, values=values, now=NOW)


def submit(uow, facts=FACTS, meter_id=METER, account_id=None, **values):
    return submit_reading(uow, FakeAccounts(facts), user_id=USER, account_id=account_id or facts.account_id,
                          meter_id=meter_id, values=values, idempotency_key=None, now=NOW)


def test_a_preview_is_the_reading_a_submission_would_accept_priced_by_payments():
    uow, payments = with_previous(), FakePayments()
    result = preview(uow, payments, day="12,5", night=" 7 ")
    assert result.reading.values == {"day": Decimal("12.500"), "night": Decimal("7.000")}
    assert result.reading.consumption == {"day": Decimal("2.500"), "night": Decimal("2.000")}
    assert payments.asked == [dict(supplier_id=FACTS.supplier_id, category="urban_gas_stove", ratio=Decimal(40),
                                   consumption={"day": Decimal("2.500"), "night": Decimal("2.000")}, as_of=NOW)]
    assert [(line.zone, line.billed_kwh, line.amount_kop) for line in result.charge.lines] == [
        ("day", Decimal("100.000"), 50000), ("night", Decimal("80.000"), 40000)]
    assert result.charge.amount_kop == 90000


def test_a_preview_writes_nothing_and_announces_nothing():
    uow = with_previous()
    before = list(uow.readings.rows)
    preview(uow, FakePayments(), day="12", night="7")
    assert uow.readings.rows == before and uow.events == [] and uow.committed == 0
    # …so a submission afterwards still counts from the same previous reading
    assert submit(uow, day="12", night="7").consumption == {"day": Decimal("2.000"), "night": Decimal("2.000")}


AUTOMATIC = dataclasses.replace(FACTS, automatic_metering=True)


@pytest.mark.parametrize("facts, meter_id, account_id, values, code", [
    (FACTS, METER, None, {"day": "abc", "night": "1e3"}, "invalid_reading"),
    (FACTS, METER, None, {"total": "12"}, "invalid_reading"),
    (FACTS, METER, None, {"day": "1234567", "night": "7"}, "invalid_reading"),
    (FACTS, METER, None, {"day": "9", "night": "7"}, "reading_below_previous"),
    (AUTOMATIC, METER, None, {"day": "12", "night": "7"}, "automatic_metering"),
    (FACTS, OTHER_METER, None, {"day": "12", "night": "7"}, "meter_not_on_account"),
    (FACTS, METER, STRANGERS, {"day": "12", "night": "7"}, "account_not_found"),
    (FACTS, METER, "12-12345678", {"day": "12", "night": "7"}, "account_not_found"),
])
def test_a_preview_is_refused_exactly_as_a_submission_and_payments_is_not_asked(facts, meter_id, account_id,
                                                                               values, code):
    uow, payments = with_previous(), FakePayments()
    with pytest.raises(DomainError) as previewed:
        preview(uow, payments, facts, meter_id, account_id, **values)
    with pytest.raises(DomainError) as submitted:
        submit(uow, facts, meter_id, account_id, **values)
    assert previewed.value.code == code
    assert (type(previewed.value), previewed.value.code, previewed.value.message, previewed.value.fields) == (
        type(submitted.value), submitted.value.code, submitted.value.message, submitted.value.fields)
    assert payments.asked == []


def test_payments_refusals_come_back_unchanged():
    refusal = Rejected("Нет тарифа.", code="tariff_not_found")
    with pytest.raises(Rejected) as err:
        preview(with_previous(), FakePayments(refusal), day="12", night="7")
    assert err.value is refusal


def test_a_projected_binding_is_enough():
    uow, accounts = with_previous(), FakeAccounts()
    uow.accounts.bound[(USER, FACTS.account_id)] = FACTS
    result = preview_charge(uow, accounts, FakePayments(), user_id=USER, account_id=FACTS.account_id,
                            meter_id=METER, values={"day": "12", "night": "7"}, now=NOW)
    assert result.charge.amount_kop == 80000 and accounts.asked == 0
    with pytest.raises(NotFound):
        preview_charge(with_previous(), accounts, FakePayments(), user_id=USER, account_id=FACTS.account_id,
                       meter_id=METER, values={"day": "12", "night": "7"}, now=NOW)


def test_payments_reply_reaches_the_client_unchanged():
    reply = payments_pb2.ChargePreview(amount_kop=115972, tariff_id="t", tariff_valid_from="2026-07-01", lines=[
        payments_pb2.ChargeLine(zone="day", consumption="49.360", price_kop_per_kwh_x100=91700, amount_kop=45263)])
    reading = preview(with_previous(), FakePayments(), day="12", night="7").reading
    msg = preview_to_pb(ChargePreview(reading, charge_from_pb(reply)))
    assert (msg.account_id, msg.meter_id, msg.amount_kop, msg.tariff_valid_from) == (
        FACTS.account_id, METER, 115972, "2026-07-01")
    assert [(v.zone, v.value) for v in msg.consumption] == [("day", "2.000"), ("night", "2.000")]
    [line] = msg.lines
    assert (line.zone, line.consumption, line.price_kop_per_kwh_x100, line.amount_kop) == ("day", "49.360", 91700, 45263)
