"""Rules of the cabinet: groups, activation codes, contracts, service-request statuses, meter corrections."""

import datetime as dt

import pytest

from kit.errors import Conflict, InvalidInput, Rejected
from services.accounts.domain import contracts as dc
from services.accounts.domain import requests as dr
from services.accounts.domain.meters import meter_correction
from services.accounts.domain.model import (
    CODE_ALPHABET,
    Group,
    Payment,
    activation_code_hash,
    check_bill_delivery,
    check_deletable,
    clean_alias,
    group_name,
    new_activation_code,
    proof_matches,
)
from services.accounts.domain.registry import RowError, contract_row

NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
DEFAULT = Group("g0", "Моя группа", True, 2)
DACHA = Group("g1", "Дача", False, 1)


# --- groups ---

def test_a_group_name_is_trimmed_and_unique_case_insensitively():
    assert group_name("  Дом   у  моря ", [DEFAULT]) == "Дом у моря"
    with pytest.raises(Conflict) as exc:
        group_name("дача", [DEFAULT, DACHA])
    assert exc.value.code == "group_name_taken"


def test_renaming_a_group_to_its_own_name_is_fine():
    assert group_name("ДАЧА", [DEFAULT, DACHA], renaming="g1") == "ДАЧА"


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_group_name_has_1_to_60_characters(name):
    with pytest.raises(InvalidInput):
        group_name(name, [DEFAULT])


def test_at_most_50_groups():
    many = [Group(f"g{i}", f"Группа {i}", i == 0) for i in range(50)]
    with pytest.raises(Rejected):
        group_name("Ещё одна", many)


def test_the_default_group_cannot_be_deleted_but_others_can():
    with pytest.raises(Rejected) as exc:
        check_deletable(DEFAULT)
    assert exc.value.code == "default_group"
    check_deletable(DACHA)


def test_alias_and_bill_delivery():
    assert clean_alias("  Квартира ") == "Квартира"
    with pytest.raises(InvalidInput):
        clean_alias("x" * 101)
    assert check_bill_delivery("paper_email") == "paper_email"
    with pytest.raises(InvalidInput):
        check_bill_delivery("pigeon")


# --- activation codes ---

def test_an_activation_code_is_10_unambiguous_characters():
    code = new_activation_code()
    raw = code.replace("-", "")
    assert len(raw) == 10 and set(raw) <= set(CODE_ALPHABET) and not set(raw) & set("01OI")
    assert new_activation_code() != code


def test_an_activation_code_matches_ignoring_case_spaces_and_dashes():
    code = "K7M2Q-9XP4H"
    stored = (activation_code_hash(code),)
    assert activation_code_hash(code) != code  # only the hash is kept
    for typed in ("k7m2q9xp4h", " K7M2Q 9XP4H ", "K7M2Q-9XP4H"):
        assert proof_matches(payments=[], meter_numbers=[], today=NOW.date(), activation_code=typed,
                             code_hashes=stored)
    assert not proof_matches(payments=[], meter_numbers=[], today=NOW.date(), activation_code="K7M2Q-9XP4J",
                             code_hashes=stored)


def test_an_activation_code_does_not_match_when_the_account_has_no_usable_code():
    pays = [Payment(dt.date(2026, 11, 1), 100, "cabinet")]
    assert not proof_matches(payments=pays, meter_numbers=["123"], today=NOW.date(), activation_code="ABC",
                             code_hashes=())


# --- contracts ---

@pytest.mark.parametrize("typed", ["78078078078000", "780 780 780 780 00", "7807-8078-0780-00"])
def test_a_contract_number_has_14_digits(typed):
    assert dc.contract_number(typed) == "78078078078000"


@pytest.mark.parametrize("typed", ["", "7807807807800", "780780780780001", "7807807807800A"])
def test_other_contract_numbers_are_refused(typed):
    with pytest.raises(InvalidInput) as exc:
        dc.contract_number(typed)
    assert exc.value.code == "invalid_contract_number"


def test_the_e_mail_must_be_one_listed_in_the_contract():
    emails = ["buh@zavod.ru", "info@zavod.ru"]
    assert dc.listed(dc.normalize_email(" BUH@Zavod.ru "), emails)
    assert not dc.listed("director@zavod.ru", emails)
    with pytest.raises(InvalidInput):
        dc.normalize_email("not-an-email")


def test_a_link_token_is_random_and_stored_hashed():
    token = dc.new_link_token()
    assert len(token) >= 40 and dc.new_link_token() != token
    assert dc.token_hash(token) != token and len(dc.token_hash(token)) == 64


def test_a_contract_row_of_the_registry():
    row = contract_row(2, {"supplier_code": "012", "contract_number": "78078078078000", "holder": "ООО «Завод»",
                           "inn": "7801234567", "emails": "Info@zavod.ru, buh@zavod.ru,,info@zavod.ru",
                           "address": "Санкт-Петербург"})
    assert row.emails == ("buh@zavod.ru", "info@zavod.ru")
    for bad in ({"contract_number": "123"}, {"inn": "12345"}, {"emails": "nobody"}, {"emails": ""}):
        with pytest.raises(RowError):
            contract_row(3, {"supplier_code": "012", "contract_number": "78078078078000", "holder": "x",
                             "inn": "7801234567", "emails": "a@b.ru", "address": "y"} | bad)


# --- service requests ---

def test_staff_move_a_request_forward_step_by_step():
    for current, target in [("new", "accepted"), ("accepted", "in_progress"), ("in_progress", "done"),
                            ("new", "cancelled"), ("in_progress", "cancelled")]:
        dr.staff_transition(current, target)


@pytest.mark.parametrize("current,target", [("new", "done"), ("new", "in_progress"), ("done", "cancelled"),
                                            ("cancelled", "accepted"), ("in_progress", "accepted")])
def test_no_skipping_and_no_way_back(current, target):
    with pytest.raises(Rejected) as exc:
        dr.staff_transition(current, target)
    assert exc.value.code == "request_status"


@pytest.mark.parametrize("target", ["lost", "new", ""])
def test_staff_never_set_an_unknown_status_or_new(target):
    with pytest.raises(InvalidInput) as exc:
        dr.staff_transition("accepted", target)
    assert exc.value.code == "invalid_status" and "status" in exc.value.fields


def test_the_customer_cancels_only_a_new_request():
    dr.customer_can_cancel("new")
    for status in ("accepted", "in_progress", "done", "cancelled"):
        with pytest.raises(Rejected):
            dr.customer_can_cancel(status)


def test_the_preferred_time_is_a_future_window():
    hour = dt.timedelta(hours=1)
    assert dr.preferred_window("", "", NOW) == (None, None)
    assert dr.preferred_window((NOW + hour).isoformat(), (NOW + 3 * hour).isoformat(), NOW) == (
        NOW + hour, NOW + 3 * hour)
    for start, end in [(NOW + hour, None), (NOW + 3 * hour, NOW + hour), (NOW - 3 * hour, NOW - hour)]:
        with pytest.raises(InvalidInput):
            dr.preferred_window(start.isoformat(), end.isoformat() if end else "", NOW)


def test_customers_file_electrical_or_plumbing_requests():
    assert dr.customer_type("plumbing") == "plumbing"
    with pytest.raises(InvalidInput):
        dr.customer_type("meter_data")  # that one comes through "report an error in the meter data"


# --- meter corrections ---

def test_a_meter_correction_validates_only_what_is_given():
    assert meter_correction(reason="Акт", model=" Меркурий 201 ", verification_due="2030-01-31") == (
        {"model": "Меркурий 201", "verification_due": dt.date(2030, 1, 31)}, "Акт")
    assert meter_correction(reason="Акт", verification_due="")[0] == {"verification_due": None}
    with pytest.raises(InvalidInput) as exc:
        meter_correction(reason="Акт", zones=4, digits=3, ratio="-1")
    assert set(exc.value.fields) == {"zones", "digits", "ratio"}
    with pytest.raises(InvalidInput):
        meter_correction(reason="Акт")
