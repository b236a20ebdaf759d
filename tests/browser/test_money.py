"""Money in a real browser: a customer with an account of the demo supplier that owes energy and penalties pays
part of it through /pay and the YooKassa simulator's page, comes back to the payment's status (polled until it is
«проведён»), sees it in the history with its receipt and the saved card; the account's ledger, charges and
invoices (the PDF downloads); paying without signing in up to the provider's page; the autopay pages and the
e-mail link landing. axe-core finds 0 violations on every page in normal and vision-impaired mode; the forms work
with the keyboard alone."""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, insert

from services.payments.adapters.orm import ledger
from tests.browser.helpers import (
    assert_accessible,
    both_modes,
    sign_in,
    solve_captcha,
    text,
    wait_ready,
)
from tests.e2e.client import PASSWORD, Customer, eventually, import_registry, staff_member
from tests.e2e.test_autopay import autopay_links, backdate_password, customer_with_email, pay_saving_card
from tests.e2e.test_invoices import issue_invoice

pytestmark = pytest.mark.e2e

SUCCESS_CARD = "5555555555554477"


@pytest.fixture(scope="module")
def debtor(stack):
    """A fresh account of the demo supplier (code 012) owing 1 500,00 ₽ for energy (overdue by 5 days: no пени accrue
    in its first 30) and 120,50 ₽ of penalties, with an invoice of January 2021 whose debt was paid in full; a
    customer bound to it. Its own account, so that paying it changes nothing another test reads."""
    number, meter = owing_account(stack, [("energy", "-1500,00"), ("penalties", "-120,50")])
    me = Customer(stack.gateway_url).register().login()
    account_id = me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})[
        "account_id"]
    engine = create_engine(stack.database_url("payments"))
    try:
        supplier = stack.demo_supplier_id
        eventually(lambda: me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["amount_due_penalties_kop"] == 12050,
                   what="the opening balances on the ledger")
        invoice_id = eventually(lambda: _issue(engine, account_id, supplier), what="the invoice written")
    finally:
        engine.dispose()
    return {"me": me, "number": number, "meter": meter, "account_id": account_id, "invoice_id": invoice_id}


def owing_account(stack, balances: list[tuple[str, str]]) -> tuple[str, str]:
    """A fresh account of the demo supplier (imported with its meter) owing `balances` — (bucket, "-1500,00") —
    due 5 days ago; (number, meter number)."""
    number, meter = f"74-{random.randrange(10**8):08d}", f"{random.randrange(10**8):08d}"
    due_on = (dt.date.today() - dt.timedelta(days=5)).isoformat()
    import_registry(
        staff_member(stack),
        accounts="supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
                 "automatic_metering\n"
                 f"012;{number};Кузнецова Мария Петровна;Санкт-Петербург, ул. Гороховая, д. 3, кв. 8;"
                 "urban_gas_stove;48,5;2;gas;email;0\n",
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               f"012;{number};{meter};Меркурий 201.5;1;5;1;2030-12-31\n",
        balances="supplier_code;account_number;bucket;amount;due_on;as_of;external_id\n" + "".join(
            f"012;{number};{bucket};{amount};{due_on};{due_on};{bucket}-{number}\n" for bucket, amount in balances))
    return number, meter


def _issue(engine, account_id: str, supplier_id: str) -> str | None:
    try:
        invoice_id = issue_invoice(engine, account_id, supplier_id, 800000 + random.randrange(99999))
    except Exception:  # the account's projection into payments may lag a moment behind the binding
        return None
    with engine.begin() as conn:  # the rest of January 2021 paid then: no years-old debt accruing пени
        conn.execute(insert(ledger).values(
            entry_id=str(uuid.uuid4()), account_id=account_id, kind="payment", amount_kop=55750,
            posted_at=dt.datetime(2021, 2, 5, 9, tzinfo=dt.UTC), paid_on=dt.date(2021, 2, 5), channel="bank",
            external_id=f"browser-money-{invoice_id}"))
    return invoice_id


def roubles(kop: int) -> str:
    """What a rouble input shows: 205750 → "2057,50"."""
    return f"{kop // 100},{kop % 100:02d}"


def money(kop: int) -> str:
    """rub() of the page with plain spaces (see `text`): 112050 → «1 120,50 ₽»."""
    return f"{kop // 100:,}".replace(",", " ") + f",{kop % 100:02d} ₽"






def test_a_customer_pays_energy_and_penalties_through_the_provider_and_sees_it_succeed(page, stack, debtor):
    me, account_id = debtor["me"], debtor["account_id"]
    due = me.ok("GET", f"/api/v1/accounts/{account_id}/balance")
    assert (due["amount_due_energy_kop"], due["amount_due_penalties_kop"]) == (150000, 12050)
    sign_in(page, me, f"/pay?account={account_id}")
    energy = page.get_by_label("За электроэнергию, ₽")
    penalties = page.get_by_label("Пени, ₽")
    # what is due, pre-filled (both buckets apart)
    assert (energy.input_value(), penalties.input_value()) == (
        roubles(due["amount_due_energy_kop"]), roubles(due["amount_due_penalties_kop"]))
    assert f"Итого к оплате: {money(due['amount_due_kop'])}" in text(page.locator(".money-total"))
    both_modes(page, "/pay")

    energy.fill("1000")
    total = 100000 + due["amount_due_penalties_kop"]
    assert f"Итого к оплате: {money(total)}" in text(page.locator(".money-total"))
    save = page.get_by_label("Сохранить карту для следующих оплат и автоплатежа")
    save.focus()
    page.keyboard.press("Space")  # the keyboard alone: tick it, then send the form with Enter
    assert save.is_checked()
    page.get_by_label("Электронная почта").fill("payer@example.ru")
    page.get_by_label("Электронная почта").press("Enter")

    page.wait_for_url(re.compile(r"/checkout/payments/v2/contract"))  # the provider's page (the simulator)
    page.fill("#card_number", SUCCESS_CARD)
    page.fill("#expiry", "12/30")
    page.fill("#cvc", "123")
    page.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(r"/payments/[0-9a-f-]{36}$"))  # back: /payments?payment_id=… shows the payment
    payment_id = page.url.rsplit("/", 1)[1]
    page.get_by_text("Платёж проведён.").wait_for(timeout=30_000)  # polled until the worker settles it
    shown = text(page.locator("main"))
    assert money(100000) in shown and money(due["amount_due_penalties_kop"]) in shown and "4477" in shown
    receipt = page.get_by_role("link", name="Скачать чек (PDF)")
    response = page.request.get(receipt.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    both_modes(page, "/payments/:id")

    # on the ledger: each bucket paid apart (the worker may accrue пени on the old debt meanwhile: no balance check)
    entries = me.ok("GET", f"/api/v1/accounts/{account_id}/ledger", params={"page_size": 200})["entries"]
    paid = sorted((e["bucket"], e["amount_kop"]) for e in entries if e.get("channel") == "cabinet")
    assert paid == [("energy", 100000), ("penalties", due["amount_due_penalties_kop"])]

    page.get_by_role("link", name="История платежей").first.click()
    page.get_by_role("heading", name="История платежей").wait_for()
    row = page.locator("tbody tr", has=page.locator(f"a[href='/payments/{payment_id}']"))
    assert "Проведён" in row.inner_text() and row.get_by_role("link", name=re.compile("^Чек от")).count() == 1
    both_modes(page, "/payments/history")

    page.goto("/cards")
    page.get_by_role("heading", name="Сохранённые карты").wait_for()
    assert "4477" in page.locator(".money-cards").inner_text()
    both_modes(page, "/cards")
    page.goto("/autopay")
    page.get_by_role("heading", name="Автоплатёж", exact=True).wait_for()
    assert page.get_by_label("Карта").count() == 1  # the saved card can pay the autopay now
    both_modes(page, "/autopay")


def test_the_ledger_charges_and_invoices_of_an_account(page, stack, debtor):
    sign_in(page, debtor["me"], f"/accounts/{debtor['account_id']}/money")
    shown = text(page.locator("main"))
    assert "Пени к оплате" in shown and "Входящее сальдо" in shown and "Просроченная задолженность" in shown
    invoice = page.get_by_role("link", name="Квитанция за январь 2021 г. (PDF)")
    assert invoice.get_attribute("href") == f"/api/v1/invoices/{debtor['invoice_id']}.pdf"
    pdf = page.request.get(invoice.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert page.locator(".money-ledger tbody tr").count() >= 3  # the openings of both buckets, the charge, …
    both_modes(page, "/accounts/:id/money")


def test_paying_without_signing_in_with_the_keyboard_up_to_the_provider(page, stack):
    page.goto("/public/pay")  # no supplier in the link: chosen from the public list
    wait_ready(page)
    both_modes(page, "/public/pay")

    def solve() -> str:
        captcha_id = page.locator("input[name=captcha_id]").last.input_value()
        return page.request.get(f"/dev/captcha/{captcha_id}").json()["answer"]

    expect(page.locator("input[name=captcha_id]")).not_to_have_value("")
    page.locator("main h1").focus()
    page.keyboard.press("Tab")  # from the heading to the number
    page.keyboard.type("12-10000003")
    page.keyboard.press("Tab")  # to the supplier: chosen with the arrow keys (suppliers are listed by name)
    supplier = page.get_by_label("Поставщик")
    for _ in range(50):
        page.keyboard.press("ArrowDown")
        if supplier.input_value() == stack.demo_supplier_id:
            break
    expect(supplier).to_have_value(stack.demo_supplier_id)
    page.get_by_label("Символы с картинки").fill(solve())
    page.get_by_label("Символы с картинки").press("Enter")
    heading = page.get_by_role("heading", name="Оплата по лицевому счёту 12-10000003")
    heading.wait_for()
    view = page.locator(".money-terminal").inner_text()
    assert "С*** П***" in view and "Рубинштейна" in view and "д. 7" not in view  # masked, as a pay terminal shows
    assert_accessible(page, "/public/pay (the account found)")

    page.get_by_label("За электроэнергию, ₽").fill("150")
    page.get_by_label("Электронная почта").fill("guest@example.ru")
    expect(page.locator("input[name=captcha_id]").last).not_to_have_value("")
    page.get_by_label("Символы с картинки").fill(solve())
    page.get_by_label("Символы с картинки").press("Enter")
    page.wait_for_url(re.compile(r"/checkout/payments/v2/contract"))
    assert "150" in page.locator("button[type=submit]").inner_text()

    page.goto(f"/public/pay/done?payment_id={uuid.uuid4()}")
    both_modes(page, "/public/pay/done")


REFRESH = """async () => {
  const csrf = decodeURIComponent(document.cookie.match(/kabinet_csrf=([^;]*)/)[1]);
  const answer = await fetch('/api/v1/auth/refresh', {method: 'POST', headers: {'X-CSRF-Token': csrf}});
  return answer.status;
}"""


def test_autopay_is_switched_on_with_the_password_and_the_e_mail_link_and_the_card_removed(page, stack, debtor):
    me, email = customer_with_email(stack)
    account_id = me.ok("POST", "/api/v1/accounts", 201, json={
        "number": debtor["number"], "proof": {"meter_number": debtor["meter"]}})["account_id"]
    pay_saving_card(stack, me, account_id, email)  # 1 ₽ with «Сохранить карту»
    eventually(lambda: me.ok("GET", "/api/v1/cards")["cards"], what="the saved card")
    page.goto("/login?next=/autopay")
    page.get_by_label("Телефон, e-mail или логин").fill(email)
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Войти", exact=True).click()
    page.get_by_role("heading", name="Автоплатёж", exact=True).wait_for()
    backdate_password(stack, me, email, 10)  # the password was typed 10 minutes ago …
    assert page.evaluate(REFRESH) == 200  # … and the browser's session knows it

    form = page.locator("form.money-autopay-form")
    form.get_by_label("День списания (1–28)").fill("15")
    form.get_by_label("Не больше в месяц, ₽").fill("5000")
    form.get_by_role("button", name="Подключить автоплатёж").click()
    password = page.get_by_label("Пароль от личного кабинета")
    password.wait_for()  # 403 step_up_required: the page asks for the password
    assert_accessible(page, "/autopay (the password asked)")
    password.fill(PASSWORD)
    password.press("Enter")
    page.get_by_text("Ждёт подтверждения.").wait_for()
    token = eventually(lambda: next(iter(autopay_links(me, email)), None), what="the autopay e-mail")

    page.goto(f"/autopay/confirm?token={token}")
    page.get_by_role("button", name="Подтвердить автоплатёж").click()
    page.get_by_role("heading", name="Автоплатёж включён").wait_for()
    page.goto("/autopay")
    page.get_by_text("Автоплатёж включён:").wait_for()
    assert "15-го числа" in page.locator("main").inner_text()

    page.goto("/cards")
    page.get_by_role("button", name="Удалить карту").first.click()
    page.get_by_role("button", name="Да, удалить").click()
    done = page.locator("main .success")
    done.wait_for()
    assert "удалена" in done.inner_text() and "Автоплатёж отключён по лицевым счетам: 1" in done.inner_text()


def test_the_autopay_e_mail_link_landing_says_what_the_server_says(page):
    page.goto("/autopay/confirm?token=not-a-real-token-000000")
    wait_ready(page)
    both_modes(page, "/autopay/confirm")
    page.get_by_role("button", name="Подтвердить автоплатёж").focus()
    page.keyboard.press("Enter")
    alert = page.locator("main .alert")
    alert.wait_for()
    assert alert.inner_text().strip()  # the server's Russian reason (the link is unknown or too old)


def test_the_pay_pages_fit_a_phone(phone_page, stack, debtor):
    """375 px wide: nothing wider than the screen (long tables turn into stacked rows)."""
    page = phone_page
    sign_in(page, debtor["me"], f"/accounts/{debtor['account_id']}/money")
    for path in (f"/accounts/{debtor['account_id']}/money", "/payments/history", "/payments", "/autopay"):
        page.goto(path)
        wait_ready(page)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path


def test_from_registration_to_the_first_payment(page, stack):
    """A new person, in the browser alone: registers by phone, skips «Давайте познакомимся», adds the account
    by its meter number, sees the debt on the dashboard, pays it on the provider's page and comes back to a
    settled payment and a dashboard without debt."""
    number, meter = owing_account(stack, [("energy", "-842,17")])
    phone = Customer(stack.gateway_url).phone
    page.goto("/register")
    wait_ready(page)
    page.get_by_label("Номер мобильного телефона").fill(phone)
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_label("Я принимаю пользовательское соглашение").check()
    solve_captcha(page, stack)
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.get_by_label("Код из сообщения").fill(Customer(stack.gateway_url).dev_code(phone))
    page.get_by_label("Код из сообщения").press("Enter")
    page.get_by_role("link", name="Заполнить позже").click()

    page.get_by_role("heading", name="Мои лицевые счета").wait_for()
    page.get_by_role("link", name="Добавить лицевой счёт").first.click()
    page.get_by_label("Номер лицевого счёта").fill(number)
    page.get_by_role("radio", name="Номер счётчика").check()
    page.get_by_role("textbox", name="Номер счётчика").fill(meter)
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url("**/accounts/*?added=1")
    page.get_by_role("link", name="Главная").click()
    card = page.locator(".card", has_text=f"Лицевой счёт {number}")
    expect(card).to_contain_text("842,17")
    card.get_by_role("link", name="Оплатить").click()

    energy = page.get_by_label("За электроэнергию, ₽")
    expect(energy).to_have_value("842,17")
    page.get_by_label("Электронная почта").fill("first@example.ru")
    page.get_by_role("button", name="Перейти к оплате").click()
    page.wait_for_url(re.compile(r"/checkout/payments/v2/contract"))  # the provider's page (the simulator)
    page.fill("#card_number", SUCCESS_CARD)
    page.fill("#expiry", "12/30")
    page.fill("#cvc", "123")
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/payments/[0-9a-f-]{36}$"))
    page.get_by_text("Платёж проведён.").wait_for(timeout=30_000)

    page.get_by_role("link", name="Главная").click()
    card = page.locator(".card", has_text=f"Лицевой счёт {number}")
    expect(card).to_contain_text("Нет задолженности")
