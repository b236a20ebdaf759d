"""Submitting and listing readings with in-memory repositories: access, idempotency, the event."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.errors import NotFound
from services.readings.domain.model import AccountFacts, Meter
from services.readings.service_layer.submission import submit_reading
from services.readings.service_layer.views import list_readings
from services.readings.tests.unit.fakes import FakeAccounts, FakeUnitOfWork

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
USER = str(uuid.uuid4())
FACTS = AccountFacts(str(uuid.uuid4()), str(uuid.uuid4()), "urban_gas_stove", False,
                     (Meter(str(uuid.uuid4()), zones=2, digits=6, ratio=Decimal(40)),))
METER = FACTS.meters[0].meter_id


def submit(uow, accounts, key=None, account_id=FACTS.account_id, **values):
    return submit_reading(uow, accounts, user_id=USER, account_id=account_id, meter_id=METER,
                          values=values or {"day": "10", "night": "5"}, idempotency_key=key, now=NOW)


def test_an_accepted_reading_is_stored_and_announced_with_what_payments_needs():
    uow = FakeUnitOfWork()
    reading = submit(uow, FakeAccounts(FACTS))
    assert uow.readings.rows == [reading] and uow.committed == 1
    [event] = uow.events
    assert (event.type, event.aggregate_id) == ("readings.reading.accepted", FACTS.account_id)
    p = event.payload
    assert (p.reading_id, p.supplier_id, p.category, p.ratio, p.submitted_by) == (
        reading.reading_id, FACTS.supplier_id, "urban_gas_stove", "40", USER)
    assert [(v.zone, v.value) for v in p.values] == [("day", "10.000"), ("night", "5.000")]


def test_a_retry_with_the_same_key_returns_the_first_reading_and_announces_nothing_new():
    uow, accounts = FakeUnitOfWork(), FakeAccounts(FACTS)
    first = submit(uow, accounts, key="k1")
    assert submit(uow, accounts, key="k1", day="11", night="6") is first
    assert len(uow.readings.rows) == 1 and len(uow.events) == 1


def test_a_projected_binding_is_enough_and_accounts_decides_otherwise():
    accounts = FakeAccounts()
    uow = FakeUnitOfWork({(USER, FACTS.account_id): FACTS})
    submit(uow, accounts)
    assert accounts.asked == 0
    with pytest.raises(NotFound):
        submit(FakeUnitOfWork(), accounts)
    assert accounts.asked == 1


def test_an_account_id_that_is_not_a_uuid_is_simply_not_found():
    accounts = FakeAccounts(FACTS)
    with pytest.raises(NotFound):
        list_readings(FakeUnitOfWork(), accounts, user_id=USER, account_id="12-12345678", limit=10)
    assert accounts.asked == 0


def test_history_is_newest_first():
    uow, accounts = FakeUnitOfWork(), FakeAccounts(FACTS)
    first, second = submit(uow, accounts), submit(uow, accounts, day="12", night="7")
    assert list_readings(uow, accounts, user_id=USER, account_id=FACTS.account_id, limit=10) == ([second, first], "")
    assert second.consumption == {"day": Decimal("2.000"), "night": Decimal("2.000")}
