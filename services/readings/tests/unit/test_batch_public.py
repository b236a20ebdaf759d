"""Readings of several accounts at once (each item its own result) and without signing in (the account proved
by its meter's number; one answer for every miss; the preliminary charge)."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.errors import InvalidInput, NotFound, Rejected
from services.readings.domain.model import AccountFacts, Meter
from services.readings.service_layer import batch, public
from services.readings.tests.unit.fakes import FakeAccounts, FakePayments, FakeUnitOfWork

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
USER = str(uuid.uuid4())


def facts(number="01234567", automatic=False) -> AccountFacts:
    return AccountFacts(str(uuid.uuid4()), str(uuid.uuid4()), "urban_gas_stove", automatic,
                        (Meter(str(uuid.uuid4()), zones=1, digits=6, ratio=Decimal(1), number=number),))


def item(account: AccountFacts, value: str) -> batch.Item:
    return batch.Item(account.account_id, account.meters[0].meter_id, {"total": value})


def test_each_item_gets_its_own_result_and_a_bad_one_does_not_stop_the_others():
    a, b = facts(), facts()
    uow = FakeUnitOfWork({(USER, a.account_id): a, (USER, b.account_id): b})
    results = batch.submit_readings(lambda: uow, FakeAccounts(), user_id=USER, idempotency_key=None, now=NOW,
                                    items=[item(a, "100"), item(b, "12,3456"), batch.Item(str(uuid.uuid4()), "m",
                                                                                          {"total": "1"}),
                                           item(b, "200")])
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert results[0].reading.values == {"total": Decimal("100.000")}
    assert (results[1].problem.code, set(results[1].problem.fields)) == ("invalid_reading", {"total"})
    assert results[2].problem.code == "account_not_found"
    assert results[3].reading.account_id == b.account_id
    assert len(uow.readings.rows) == 2 and len(uow.events) == 2


def test_a_retry_with_the_same_key_returns_the_first_results_item_by_item():
    a = facts()
    uow = FakeUnitOfWork({(USER, a.account_id): a})
    send = [item(a, "100"), item(a, "150")]
    first = batch.submit_readings(lambda: uow, FakeAccounts(), user_id=USER, items=send, idempotency_key="K1",
                                  now=NOW)
    again = batch.submit_readings(lambda: uow, FakeAccounts(), user_id=USER, items=send, idempotency_key="K1",
                                  now=NOW)
    assert [r.reading.reading_id for r in again] == [r.reading.reading_id for r in first]
    assert len(uow.readings.rows) == 2
    assert [r.idempotency_key for r in uow.readings.rows] == ["K1:0", "K1:1"]


@pytest.mark.parametrize("count", [0, 21])
def test_one_to_twenty_items(count):
    with pytest.raises(InvalidInput) as refused:
        batch.submit_readings(lambda: FakeUnitOfWork(), FakeAccounts(), user_id=USER, idempotency_key=None,
                              items=[item(facts(), "1")] * count)
    assert refused.value.code == "invalid_items"


# --- without signing in ---

class Finder(FakeAccounts):
    """accounts' FindAccount by number (any supplier here)."""

    def __init__(self, *known):
        super().__init__()
        self.numbers = {f"N-{i}": f.account_id for i, f in enumerate(known)}

    def find(self, number, supplier_id):
        if number not in self.numbers:
            raise NotFound(code="account_not_found")
        return self.numbers[number]


def public_uow(*known):
    uow = FakeUnitOfWork()
    projected = {f.account_id: f for f in known}
    uow.accounts.facts = projected.get
    return uow


def send(uow, finder, number, meter_number, value="100", payments=None):
    return public.submit_public_reading(lambda: uow, finder, payments or FakePayments(), account_number=number,
                                        supplier_id="", meter_number=meter_number, values={"total": value},
                                        confirm=False, idempotency_key=None, now=NOW)


def test_a_public_reading_is_accepted_with_the_preliminary_charge_and_no_submitter():
    acc = facts("01234567")
    uow = public_uow(acc)
    done = send(uow, Finder(acc), "N-0", " 1234-567 ")  # blanks, a dash, the leading zero: the same number
    assert (done.reading.source, done.reading.submitted_by) == ("public", None)
    assert done.charge.amount_kop == 0 and len(uow.events) == 1  # the first reading: no consumption yet


def test_unknown_account_wrong_meter_and_another_accounts_meter_get_one_answer():
    mine, other = facts("11111111"), facts("22222222")
    uow, finder = public_uow(mine, other), Finder(mine, other)
    answers = []
    for number, meter in (("N-9", "11111111"), ("N-0", "33333333"), ("N-0", "22222222"), ("N-0", "")):
        with pytest.raises(NotFound) as refused:
            send(uow, finder, number, meter)
        answers.append((refused.value.code, refused.value.message, refused.value.fields))
    assert len(set(map(str, answers))) == 1 and answers[0][0] == "public_reading_not_found"
    assert uow.readings.rows == [] and uow.events == []


def test_a_meter_without_a_known_number_proves_nothing():
    acc = facts("")
    with pytest.raises(NotFound):
        send(public_uow(acc), Finder(acc), "N-0", "0")


def test_the_reading_stays_accepted_when_payments_cannot_price_it():
    acc = facts("777")
    done = send(public_uow(acc), Finder(acc), "N-0", "777",
                payments=FakePayments(Rejected(code="tariff_not_found")))
    assert done.charge is None and done.reading.status == "accepted"


def test_the_submission_rules_still_apply_after_the_proof():
    acc = facts("777", automatic=True)
    with pytest.raises(Rejected) as refused:
        send(public_uow(acc), Finder(acc), "N-0", "777")
    assert refused.value.code == "automatic_metering"
