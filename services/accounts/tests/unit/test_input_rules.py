"""Every rule of accounts' input, as a client meets it: a stable code, a Russian message, and the
fields keyed by their public JSON names, every mistake of a request at once."""

import datetime as dt

import pytest
from kabinet_vocabulary import BILL_DELIVERY, PAYMENT_CHANNEL, SERVICE_REQUEST_STATUS, SERVICE_REQUEST_TYPE

from kit.errors import InvalidInput, TooManyAttempts
from services.accounts.domain import contracts as dc
from services.accounts.domain import model
from services.accounts.domain import requests as dr
from services.accounts.domain.registry import RowError, account_row, payment_row
from services.accounts.domain.search import account_search
from services.accounts.domain.validation import FieldErrors, listing

NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
USER = "b96f0cb8-a399-516a-b116-c9c892ea28e0"


def refused(rule, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        rule(*args, **kwargs)
    return exc.value


# --- how errors are reported ---

def test_one_failing_rule_keeps_its_code_several_give_invalid_input_with_all_fields():
    errors = FieldErrors()
    assert errors.check(model.clean_alias, " Дом ") == "Дом"
    errors.raise_any()  # nothing failed
    errors.check(model.clean_alias, "x" * 101)
    assert refused(errors.raise_any).code == "alias_too_long"
    errors.check(model.check_bill_delivery, "pigeon")
    exc = refused(errors.raise_any)
    assert exc.code == "invalid_input" and set(exc.fields) == {"alias", "bill_delivery"}


def test_a_listing_reads_as_russian():
    assert listing(["email", "paper_email", "paper"]) == "email, paper_email или paper"
    assert listing(["x"]) == "x"


# --- binding ---

def test_a_binding_request_normalises_the_number_and_takes_exactly_one_proof():
    req = model.binding_request(number="018\\00028517", alias=" Дача ", last_payment=("2026-10-15", 145075))
    assert (req.number_key, req.alias, req.proof) == ("18-28517", "Дача", model.Proof(dt.date(2026, 10, 15), 145075))
    assert model.binding_request(number="12-1", meter_number="01234567").proof.meter_number == "01234567"
    assert refused(model.binding_request, number="12-1").code == "proof_required"
    exc = refused(model.binding_request, number="12-1", meter_number="1", activation_code="X")
    assert exc.code == "proof_required" and "proof" in exc.fields


@pytest.mark.parametrize("amount", [0, -1, 10**12 + 1])
def test_the_last_payment_is_1_kopeck_to_10_to_the_12th(amount):
    exc = refused(model.binding_request, number="12-1", last_payment=("2026-10-15", amount))
    assert exc.code == "invalid_last_payment" and set(exc.fields) == {"proof.last_payment.amount_kop"}
    assert model.binding_request(number="12-1", last_payment=("2026-10-15", 10**12)).proof.amount_kop == 10**12


@pytest.mark.parametrize("date", ["15.10.2026", "2026-02-30", "", "20261015"])
def test_the_last_payment_date_is_yyyy_mm_dd(date):
    exc = refused(model.binding_request, number="12-1", last_payment=(date, 100))
    assert exc.code == "invalid_last_payment" and set(exc.fields) == {"proof.last_payment.date"}


def test_every_mistake_of_a_binding_request_is_reported_at_once():
    exc = refused(model.binding_request, number="абв", alias="x" * 101, last_payment=("вчера", 0))
    assert exc.code == "invalid_input"
    assert set(exc.fields) == {"number", "alias", "proof.last_payment.date", "proof.last_payment.amount_kop"}


def budget(*, hour: int = 0, day: int = 0, number: int = 0, captcha: bool = False) -> None:
    model.check_attempt_budget(failed_by_user_hour=hour, failed_by_user_day=day, failed_for_number=number,
                               captcha_solved=captcha)


def test_a_cabinet_that_keeps_failing_is_refused_for_an_hour_then_for_a_day():
    budget(hour=model.MAX_ATTEMPTS_PER_USER - 1, day=model.MAX_ATTEMPTS_PER_USER_DAY - 1)
    for hour, day, retry_after in [(model.MAX_ATTEMPTS_PER_USER, model.MAX_ATTEMPTS_PER_USER, 3600),
                                   (0, model.MAX_ATTEMPTS_PER_USER_DAY, 86400)]:
        with pytest.raises(TooManyAttempts) as exc:  # a captcha does not buy a guesser more attempts
            budget(hour=hour, day=day, captcha=True)
        assert (exc.value.code, exc.value.retry_after) == ("too_many_attempts", retry_after)


def test_a_number_under_pressure_asks_every_caller_for_a_captcha_and_refuses_no_one():
    budget(number=model.NUMBER_PRESSURE - 1)
    exc = refused(budget, number=model.NUMBER_PRESSURE)
    assert exc.code == "captcha_required" and set(exc.fields) == {"captcha_answer"}
    budget(number=10**6, captcha=True)  # however many others failed, the proof is then checked


def test_a_cabinet_over_its_budget_is_told_so_before_being_asked_for_a_captcha():
    with pytest.raises(TooManyAttempts):
        budget(hour=model.MAX_ATTEMPTS_PER_USER, number=model.NUMBER_PRESSURE)


# --- what the customer owns of a binding ---

def test_bill_delivery_is_the_shared_vocabulary():
    for code in BILL_DELIVERY.codes:
        assert model.check_bill_delivery(code) == code
    exc = refused(model.check_bill_delivery, "pigeon")
    assert exc.code == "invalid_bill_delivery" and "paper_email" in exc.fields["bill_delivery"]


def test_an_account_change_names_something_and_reports_every_mistake():
    assert model.account_changes(alias=" Дом ", bill_delivery="paper") == {"alias": "Дом", "bill_delivery": "paper"}
    assert model.account_changes(group_id="g") == {}  # the group is checked against the cabinet
    assert refused(model.account_changes).code == "nothing_to_change"
    exc = refused(model.account_changes, alias="x" * 101, bill_delivery="pigeon")
    assert exc.code == "invalid_input" and set(exc.fields) == {"alias", "bill_delivery"}


def test_the_registry_checks_bill_delivery_and_payments_with_the_same_rules():
    row = {"supplier_code": "012", "account_number": "12-1", "holder": "Иванов", "address": "СПб",
           "category": "urban_gas_stove", "stove": "gas", "bill_delivery": "EMAIL"}
    assert account_row(2, row).bill_delivery == "email"
    assert account_row(2, row | {"bill_delivery": ""}).bill_delivery == "paper"
    with pytest.raises(RowError) as exc:
        account_row(2, row | {"bill_delivery": "pigeon"})
    assert str(exc.value) == refused(model.check_bill_delivery, "pigeon").fields["bill_delivery"]
    pay = {"supplier_code": "012", "account_number": "12-1", "paid_on": "01.11.2026", "amount": "1450,75"}
    assert payment_row(3, pay).amount_kop == 145075
    for channel in PAYMENT_CHANNEL.codes:
        assert payment_row(3, pay | {"channel": channel}).channel == channel
    for bad in ({"channel": "pigeon"}, {"amount": "1e20"}):
        with pytest.raises(RowError):
            payment_row(3, pay | bad)


# --- contracts ---

def test_a_contract_binding_request_reports_number_and_e_mail_together():
    assert dc.binding_request("780 780 780 780 00", " Buh@Zavod.RU ") == ("78078078078000", "buh@zavod.ru")
    assert refused(dc.binding_request, "123", "buh@zavod.ru").fields == {"number": "Номер договора — 14 цифр."}
    assert refused(dc.binding_request, "78078078078000", "x").fields == {
        "email": "Неверный адрес электронной почты."}
    exc = refused(dc.binding_request, "123", "not-an-email")
    assert exc.code == "invalid_input" and set(exc.fields) == {"number", "email"}


# --- service requests ---

def test_a_customer_request_reports_type_description_and_window_at_once():
    start = NOW + dt.timedelta(days=2)
    exc = refused(dr.customer_request, type="gardening", description=" ", preferred_from=start.isoformat(),
                  preferred_to=(start - dt.timedelta(hours=1)).isoformat(), now=NOW)
    assert exc.code == "invalid_input"
    assert exc.fields["preferred_to"] == "Конец интервала должен быть позже начала."
    assert set(exc.fields) == {"type", "description", "preferred_to"}


def test_a_customer_request_with_its_window_as_the_client_wrote_it():
    draft = dr.customer_request(type="plumbing", description=" Течёт кран ", preferred_from="2026-11-25T10:00+03:00",
                                preferred_to="2026-11-25T13:00:00Z", now=NOW)
    assert (draft.type, draft.description) == ("plumbing", "Течёт кран")
    assert draft.preferred_from == dt.datetime(2026, 11, 25, 7, tzinfo=dt.UTC)
    assert draft.preferred_to == dt.datetime(2026, 11, 25, 13, tzinfo=dt.UTC)


@pytest.mark.parametrize("start,end,fields", [
    ("завтра", "", {"preferred_from"}),
    ("2026-11-25T10:00", "2026-11-25T13:00", {"preferred_from", "preferred_to"}),  # no time zone
    ("2026-11-25T10:00Z", "", {"preferred_to"}),
    ("", "2026-11-25T10:00Z", {"preferred_from"}),
    ("2026-11-22T10:00Z", "2026-11-22T13:00Z", {"preferred_to"}),  # over
])
def test_a_bad_window_names_its_field(start, end, fields):
    exc = refused(dr.preferred_window, start, end, NOW)
    assert exc.code == "invalid_preferred_time" and set(exc.fields) == fields


def test_customers_file_work_requests_and_meter_data_reports_have_their_own_call():
    assert set(dr.CUSTOMER_TYPES) < set(SERVICE_REQUEST_TYPE.codes)
    assert dr.METER_DATA in SERVICE_REQUEST_TYPE
    assert refused(dr.customer_type, dr.METER_DATA).code == "invalid_request_type"
    assert dr.meter_data_report(" Модель неверна ") == dr.Draft(dr.METER_DATA, "Модель неверна")
    assert refused(dr.meter_data_report, "x" * 2001).code == "invalid_description"


def test_comments_are_kept_whole_up_to_2000_characters():
    assert dr.comment(" Сам починил ") == "Сам починил"
    assert dr.comment("x" * 2000) == "x" * 2000
    exc = refused(dr.comment, "x" * 2001)
    assert exc.code == "comment_too_long" and "comment" in exc.fields


def test_staff_steps_and_filters_use_the_shared_statuses():
    assert set(dr.STAFF_TRANSITIONS) == set(SERVICE_REQUEST_STATUS.codes)
    assert dr.STAFF_TARGETS == ("accepted", "in_progress", "done", "cancelled")
    assert dr.staff_update("done", " Готово ") == ("done", "Готово")
    exc = refused(dr.staff_update, "new", "x" * 2001)
    assert exc.code == "invalid_input" and set(exc.fields) == {"status", "comment"}
    dr.staff_filter(status="in_progress", type="meter_data")
    dr.staff_filter()
    assert refused(dr.staff_filter, status="lost").code == "invalid_status"
    assert refused(dr.staff_filter, type="gardening").code == "invalid_request_type"
    assert set(refused(dr.staff_filter, status="lost", type="gardening").fields) == {"status", "type"}


# --- staff search ---

def test_a_staff_search_needs_a_filter_long_enough_texts_and_a_uuid():
    q = account_search(number="12-010000003", meter_number=" 034-567890 ", limit=1000)
    assert (q.number_key, q.meter_key, q.limit) == ("12-10000003", "34567890", 200)
    assert account_search(user_id=USER).limit == 50
    assert refused(account_search).code == "search_filter_required"
    assert refused(account_search, address="   ", holder="").code == "search_filter_required"
    exc = refused(account_search, address="ул", holder="Ив")
    assert exc.code == "search_too_short" and set(exc.fields) == {"address", "holder"}
    assert refused(account_search, user_id="42").fields == {"user_id": "Идентификатор пользователя — UUID."}
    exc = refused(account_search, number="абв", holder="Ив", user_id="42")
    assert exc.code == "invalid_input" and set(exc.fields) == {"number", "holder", "user_id"}


# --- meters in the cabinet ---

def test_a_meter_card_names_its_zones_from_the_vocabulary():
    card = model.MeterCard(meter_id="m", number="1", model="М", zones=3, digits=6, ratio="1")
    assert card.zone_names == ("peak", "semi_peak", "night")
    assert model.MeterCard(meter_id="m", number="1", model="М", zones=2, digits=6, ratio="1").zone_names == (
        "day", "night")


def test_the_cabinets_own_payment_channel_is_in_the_vocabulary():
    assert model.CABINET in PAYMENT_CHANNEL
