"""The invoice (квитанция): its sums, and its payment QR payload of ГОСТ Р 56042-2014, to the character.

Worked example (ноябрь 2026, a two-zone meter, лицевой счёт 12-12345678):

    День   10250 -> 10400   150 kWh × 8.11 ₽ = 1 216,50 ₽   121650 kop
    Ночь    4100 ->  4160    60 kWh × 4.02 ₽ =   241,20 ₽    24120 kop
    начислено                                  1 457,70 ₽   145770 kop
    на начало периода: задолженность 1 200,00 ₽            −120000 kop (ledger sign)
    оплачено в периоде                         1 000,00 ₽   100000 kop
    на конец периода: −120000 − 145770 + 100000 =          −165770 kop
    к оплате за электроэнергию                 1 657,70 ₽   165770 kop
    пени: на начало 15,30 ₽ долга, начислено 4,12 ₽, оплачено 0 -> к оплате 19,42 ₽ (1942 kop)
    итого к оплате                             1 677,12 ₽   167712 kop
"""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from kit.errors import InvalidInput
from services.payments.domain.invoices import (
    PENALTIES,
    BillingPeriod,
    Invoice,
    InvoiceLine,
    Penalties,
    SupplierDetails,
    payment_qr_payload,
    qr_text,
    supplier_details,
)
from services.payments.domain.model import ChargeLine, Supplier

SUPPLIER = SupplierDetails(
    name="АО «Северная энергосбытовая компания»", inn="7801234567", kpp="780101001",
    bank_name="Северо-Западный банк ПАО Сбербанк", bic="044030653",
    settlement_account="40702810955000012345", correspondent_account="30101810500000000653",
)


def invoice(**changes) -> Invoice:
    fields = dict(
        number="2026-11-000123", period=BillingPeriod(2026, 11), supplier=SUPPLIER,
        account_number="12-12345678", holder="Иванов Иван Иванович",
        address="г. Санкт-Петербург, ул. Примерная, д. 1, кв. 2",
        lines=(
            InvoiceLine(zone="day", previous_reading=Decimal("10250"), current_reading=Decimal("10400"),
                        consumption_kwh=Decimal("150"), price_rub=Decimal("8.11"), amount_kop=121650),
            InvoiceLine(zone="night", previous_reading=Decimal("4100"), current_reading=Decimal("4160"),
                        consumption_kwh=Decimal("60"), price_rub=Decimal("4.02"), amount_kop=24120),
        ),
        opening_balance_kop=-120000, payments_kop=100000, due_date=dt.date(2026, 12, 15),
        penalties=Penalties(opening_balance_kop=-1530, accrued_kop=412, paid_kop=0),
    )
    return Invoice(**{**fields, **changes})


EXPECTED_PAYLOAD = (
    "ST00012"
    "|Name=АО «Северная энергосбытовая компания»"
    "|PersonalAcc=40702810955000012345"
    "|BankName=Северо-Западный банк ПАО Сбербанк"
    "|BIC=044030653"
    "|CorrespAcc=30101810500000000653"
    "|PayeeINN=7801234567"
    "|KPP=780101001"
    "|Sum=165770"
    "|Purpose=Электроэнергия за 11.2026, л/с 12-12345678, квитанция № 2026-11-000123"
    "|persAcc=12-12345678"
    "|paymPeriod=112026"
)


def requisites(payload: str) -> list[tuple[str, str]]:
    header, *pairs = payload.split("|")
    assert header == "ST00012"
    return [tuple(pair.split("=", 1)) for pair in pairs]


# --- sums ----------------------------------------------------------------------------

def test_worked_example_sums():
    inv = invoice()
    assert inv.charges_kop == 145770
    assert inv.closing_balance_kop == -165770
    assert inv.amount_due_kop == 165770
    assert inv.penalties.closing_balance_kop == -1942
    assert inv.penalties.amount_due_kop == 1942
    assert inv.total_due_kop == 167712


def test_an_overpayment_leaves_nothing_due_and_does_not_pay_penalties():
    inv = invoice(opening_balance_kop=50000, payments_kop=200000)
    assert inv.closing_balance_kop == 50000 - 145770 + 200000
    assert inv.amount_due_kop == 0
    assert inv.penalties.amount_due_kop == 1942
    assert inv.total_due_kop == 1942


def test_recalculation_in_the_customers_favour_reduces_the_debt():
    assert invoice(adjustments_kop=5770).amount_due_kop == 160000


def test_a_line_from_a_charge_line_bills_metered_times_ratio():
    line = ChargeLine(zone="total", consumption=Decimal("12.5"), ratio=Decimal("40"), price_rub=Decimal("7.05"),
                      amount_kop=352500)
    inv_line = InvoiceLine.for_charge_line(line, previous_reading=Decimal("100.0"), current_reading=Decimal("112.5"))
    assert inv_line.consumption_kwh == Decimal("500")
    assert (inv_line.price_rub, inv_line.amount_kop, inv_line.zone_title) == (Decimal("7.05"), 352500, "Круглосуточные")


def test_a_charge_without_readings_has_none_for_them():
    line = InvoiceLine(zone="total", previous_reading=None, current_reading=None, consumption_kwh=Decimal("100"),
                       price_rub=Decimal("7.05"), amount_kop=70500)
    assert invoice(lines=(line,)).charges_kop == 70500


# --- the QR payload ------------------------------------------------------------------------

def test_worked_example_payload_exactly():
    assert payment_qr_payload(invoice()) == EXPECTED_PAYLOAD


def test_mandatory_requisites_come_first_in_the_standards_order():
    keys = [key for key, _ in requisites(payment_qr_payload(invoice()))]
    assert keys[:5] == ["Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc"]
    assert keys[5:] == ["PayeeINN", "KPP", "Sum", "Purpose", "persAcc", "paymPeriod"]


def test_penalties_have_a_payload_of_their_own():
    assert payment_qr_payload(invoice(), PENALTIES) == EXPECTED_PAYLOAD.replace("Sum=165770", "Sum=1942").replace(
        "Purpose=Электроэнергия", "Purpose=Пени")


def test_nothing_due_leaves_sum_out_so_the_bank_asks_for_an_amount():
    pairs = dict(requisites(payment_qr_payload(invoice(opening_balance_kop=0, payments_kop=145770))))
    assert "Sum" not in pairs
    assert pairs["persAcc"] == "12-12345678"


def test_sum_is_kopecks_without_separators():
    inv = invoice(opening_balance_kop=-123456789 + 145770 - 100000)
    assert inv.amount_due_kop == 123456789
    assert "|Sum=123456789|" in payment_qr_payload(inv)


def test_a_payee_without_kpp_leaves_it_out():
    entrepreneur = dataclasses.replace(SUPPLIER, inn="780123456789", kpp="")
    pairs = requisites(payment_qr_payload(invoice(supplier=entrepreneur)))
    assert ("PayeeINN", "780123456789") in pairs
    assert "KPP" not in dict(pairs)


def test_a_bar_in_a_name_becomes_a_slash_and_line_breaks_a_space():
    odd = dataclasses.replace(SUPPLIER, name="ООО «Свет | Тепло»", bank_name="Банк\r\n«Пример»")
    payload = payment_qr_payload(invoice(supplier=odd))
    assert "|Name=ООО «Свет / Тепло»|" in payload
    assert "|BankName=Банк «Пример»|" in payload
    assert len(requisites(payload)) == 11
    assert qr_text("  a\t|b  ") == "a /b"


# --- refused ---------------------------------------------------------------------------

def test_identifiers_with_a_bar_are_refused_not_mended():
    with pytest.raises(InvalidInput) as error:
        invoice(account_number="12|345", number="")
    assert error.value.code == "invalid_invoice"
    assert set(error.value.fields) == {"account_number", "number"}
    with pytest.raises(InvalidInput) as error:
        invoice(account_number="12-12345678 ", number="N" * 31)
    assert set(error.value.fields) == {"account_number", "number"}


def test_every_problem_is_reported_at_once_by_field():
    bad_supplier = SupplierDetails(name="", inn="12345", kpp="78010100", bank_name="Б" * 46, bic="04403065",
                                   settlement_account="4070281095500001234", correspondent_account="x")
    bad_line = InvoiceLine(zone="evening", previous_reading=Decimal("-1"), current_reading=None,
                           consumption_kwh=Decimal("1"), price_rub=Decimal("7.00001"), amount_kop=Decimal("7"))
    with pytest.raises(InvalidInput) as error:
        invoice(supplier=bad_supplier, lines=(bad_line,), period=BillingPeriod(2026, 13), holder=" ",
                payments_kop=-1, penalties=Penalties(accrued_kop=-5))
    assert set(error.value.fields) == {
        "supplier.name", "supplier.inn", "supplier.kpp", "supplier.bank_name", "supplier.bic",
        "supplier.settlement_account", "supplier.correspondent_account",
        "lines.0.zone", "lines.0.previous_reading", "lines.0.price_rub", "lines.0.amount_kop",
        "period", "holder", "payments_kop", "penalties.accrued_kop",
    }


def test_names_longer_than_the_standard_allows_are_refused():
    with pytest.raises(InvalidInput) as error:
        invoice(supplier=dataclasses.replace(SUPPLIER, name="Н" * 161))
    assert set(error.value.fields) == {"supplier.name"}
    assert invoice(supplier=dataclasses.replace(SUPPLIER, name="Н" * 160)).supplier.name == "Н" * 160


def test_an_unknown_bucket_is_refused():
    with pytest.raises(InvalidInput):
        payment_qr_payload(invoice(), "insurance")


def test_a_projected_supplier_gives_the_invoices_payee():
    projected = Supplier(supplier_id="2a848f89-cd7d-5192-a0d1-e4c35663d673", name=SUPPLIER.name, inn=SUPPLIER.inn,
                         kpp=SUPPLIER.kpp, bank_name=SUPPLIER.bank_name, bic=SUPPLIER.bic,
                         settlement_account=SUPPLIER.settlement_account,
                         correspondent_account=SUPPLIER.correspondent_account, timezone="Europe/Moscow",
                         payment_due_day=15)
    assert supplier_details(projected) == SUPPLIER
    assert payment_qr_payload(invoice(supplier=supplier_details(projected))) == EXPECTED_PAYLOAD
