"""Supplier master data: every value's check, with real-world numbers (ИНН, КПП, БИК, accounts), and
every mistake of a request reported at once."""

import pytest

from kit.errors import InvalidInput
from services.accounts.domain import suppliers as ds

# ПАО Сбербанк, Москва: БИК 044525225, корр. счёт 30101810400000000225
SBER = {"bank.bank_name": "ПАО Сбербанк", "bank.bic": "044525225",
        "bank.settlement_account": "40702810938000000001", "bank.correspondent_account": "30101810400000000225"}
VALID = {"name": "АО «Петербургская сбытовая компания»", "inn": "7841322249", "kpp": "784101001", **SBER,
         "sms_code": "012", "timezone": "Europe/Moscow", "readings_window.from_day": 15,
         "readings_window.to_day": 25, "readings_window.outside": "refuse", "payment_due_day": 10,
         "services": ["Электроэнергия"]}


def refused(rule, *args, **kw) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        rule(*args, **kw)
    return exc.value


def supplier(**changes) -> ds.Supplier:
    return ds.Supplier.of("s1", ds.new_supplier(VALID | changes))


# --- ИНН, КПП ---

@pytest.mark.parametrize("inn", ["7707083893",    # ПАО Сбербанк
                                 "7736050003",    # ПАО «Газпром»
                                 "7702070139",    # Банк ВТБ (ПАО)
                                 "7841322249"])   # АО «ПСК»
def test_real_inns_of_legal_entities_pass(inn):
    assert ds.inn("inn", inn) == inn


def test_an_inn_with_a_wrong_check_digit_or_length_is_refused_with_its_reason():
    typo = refused(ds.inn, "inn", "7707083894")
    assert (typo.code, typo.fields) == ("invalid_inn", {"inn": "ИНН с ошибкой: не сходится контрольная цифра."})
    for wrong in ("770708389", "500100732259", "77070838ab", ""):  # 12 digits: a person's or ИП's ИНН
        assert refused(ds.inn, "inn", wrong).fields == {"inn": "ИНН организации — 10 цифр."}
    assert ds.inn("inn", " 7707 083893 ") == "7707083893"


def test_kpp_is_nine_characters_with_letters_allowed_for_the_reason():
    assert ds.kpp("kpp", "773601001") == "773601001"
    assert ds.kpp("kpp", "7736ab001") == "7736AB001"  # reason code in Latin capitals (FNS, since 2013)
    for wrong in ("77360100", "7736010011", "A73601001", "773601A01", "7736АБ001"):  # the last in Cyrillic
        assert refused(ds.kpp, "kpp", wrong).code == "invalid_kpp"


# --- БИК and the accounts' control key ---

@pytest.mark.parametrize(("bic", "correspondent"), [
    ("044525225", "30101810400000000225"),   # ПАО Сбербанк, Москва
    ("044030653", "30101810500000000653"),   # Северо-Западный банк ПАО Сбербанк, Санкт-Петербург
    ("044525187", "30101810700000000187"),   # Банк ВТБ (ПАО)
    ("044525593", "30101810200000000593"),   # АО «Альфа-Банк»
])
def test_real_correspondent_accounts_match_their_bic(bic, correspondent):
    assert ds.control_key_ok("0" + bic[4:6], correspondent)
    values = {"bank.bic": bic, "bank.correspondent_account": correspondent}
    ds.accounts_match_bic(values, given=set(values))


def test_a_settlement_account_has_exactly_one_key_digit_for_its_bic():
    keys = [k for k in range(10) if ds.control_key_ok("225", f"40702810{k}38000000001")]
    assert keys == [9]
    assert not ds.control_key_ok("225", "40702810938000000002")  # one digit mistyped
    assert not ds.control_key_ok("187", "40702810938000000001")  # the same account at another bank


def test_bic_and_account_formats():
    assert ds.bic("bank.bic", "044525225") == "044525225"
    for wrong in ("04452522", "144525225", "0445252250"):
        assert refused(ds.bic, "bank.bic", wrong).fields == {"bank.bic": "БИК — 9 цифр, начинается с 04."}
    assert ds.settlement_account("bank.settlement_account", "4070 2810 9380 0000 0001") == "40702810938000000001"
    assert refused(ds.correspondent_account, "bank.correspondent_account",
                   "40702810938000000001").code == "invalid_bank_details"  # not a 30101 account


def test_accounts_that_do_not_match_the_bic_are_refused_on_the_account():
    exc = refused(ds.new_supplier, VALID | {"bank.settlement_account": "40702810938000000002",
                                            "bank.correspondent_account": "30101810400000000226"})
    assert exc.code == "invalid_bank_details"
    assert set(exc.fields) == {"bank.settlement_account", "bank.correspondent_account"}
    assert "не сходится с БИК" in exc.fields["bank.settlement_account"]


# --- the rest ---

def test_sms_code_timezone_window_due_day_and_services():
    assert ds.sms_code("sms_code", "012") == "012"
    for wrong in ("12", "0123", "01a", ""):
        assert refused(ds.sms_code, "sms_code", wrong).code == "invalid_sms_code"
    assert ds.time_zone("timezone", "Asia/Yekaterinburg") == "Asia/Yekaterinburg"
    for wrong in ("Moscow", "MSK", "UTC", "Europe/Mordor", "localtime"):
        assert refused(ds.time_zone, "timezone", wrong).code == "invalid_timezone"
    assert ds.window_day("readings_window.to_day", 31) == 31
    for wrong in (0, 32, True, "15"):
        assert refused(ds.window_day, "readings_window.from_day", wrong).code == "invalid_readings_window"
    assert refused(ds.window_policy, "readings_window.outside", "queue").code == "invalid_readings_window"
    assert ds.payment_due_day("payment_due_day", 28) == 28
    assert refused(ds.payment_due_day, "payment_due_day", 29).code == "invalid_payment_due_day"
    assert ds.services("services", [" Электроэнергия ", "Вывоз  ТКО"]) == ["Электроэнергия", "Вывоз ТКО"]
    for wrong in ([], ["Электроэнергия", "электроэнергия"], [""], ["x"] * 21):
        assert refused(ds.services, "services", wrong).code == "invalid_services"


def test_a_new_supplier_is_cleaned_and_its_time_zone_defaults_to_moscow():
    values = ds.new_supplier(VALID | {"timezone": "", "inn": " 7841322249", "name": "  АО  «ПСК» "})
    assert (values["timezone"], values["inn"], values["name"]) == ("Europe/Moscow", "7841322249", "АО «ПСК»")
    assert ds.Supplier.of("s1", values).values() == values


def test_every_mistake_of_a_new_supplier_is_reported_at_once():
    exc = refused(ds.new_supplier, VALID | {"inn": "7707083894", "bank.bic": "123", "payment_due_day": 31,
                                            "readings_window.from_day": 26})
    assert exc.code == "invalid_input"
    assert set(exc.fields) == {"inn", "bank.bic", "payment_due_day", "readings_window.to_day"}
    nothing = refused(ds.new_supplier, {})
    assert set(nothing.fields) == set(ds.FIELDS) - {"timezone"}
    one = refused(ds.new_supplier, VALID | {"kpp": "1"})
    assert (one.code, set(one.fields)) == ("invalid_kpp", {"kpp"})


def test_a_change_is_checked_with_the_values_it_keeps():
    current = supplier()
    assert ds.supplier_changes(current, {"name": "ПСК"}) == {"name": "ПСК"}
    bic_alone = refused(ds.supplier_changes, current, {"bank.bic": "044525187"})  # ВТБ, with Сбербанк's accounts
    assert (bic_alone.code, set(bic_alone.fields)) == ("invalid_bank_details", {"bank.bic"})
    vtb = {"bank.bic": "044525187", "bank.correspondent_account": "30101810700000000187",
           "bank.settlement_account": "40702810500000000001"}
    assert not ds.control_key_ok("187", vtb["bank.settlement_account"])
    vtb["bank.settlement_account"] = next(f"40702810{k}00000000001" for k in range(10)
                                          if ds.control_key_ok("187", f"40702810{k}00000000001"))
    assert ds.supplier_changes(current, vtb) == vtb
    late = refused(ds.supplier_changes, current, {"readings_window.from_day": 26})  # the window ends on the 25th
    assert (late.code, set(late.fields)) == ("invalid_readings_window", {"readings_window.from_day"})
    assert ds.supplier_changes(current, {"readings_window.from_day": 26, "readings_window.to_day": 31})


def test_a_change_names_known_fields_and_something():
    assert refused(ds.change_paths, []).code == "nothing_to_change"
    assert refused(ds.change_paths, ["name", "supplier_id"]).fields == {"supplier_id": "Такого поля у поставщика нет."}
    assert ds.change_paths(["bank", "name", "bank.bic"]) == (*ds.GROUPS["bank"], "name")


def test_a_supplier_entered_before_with_unchecked_data_can_still_change_other_fields():
    # e.g. a row from before migration 0004: no КПП, bank details never checked
    old = ds.Supplier.of("s0", VALID | {"kpp": "", "inn": "7800000012", "bank.bic": "044030000",
                                         "bank.settlement_account": "40702810000000000012"})
    assert ds.supplier_changes(old, {"kpp": "780101001", "services": ["Электроэнергия", "Газ"]})
