"""The accounts pages in a real browser: adding a demo account by its meter number and its page (bill delivery,
an error report), the readings form (a wrong value's message next to its field, the calculator, the
implausible-value confirmation, the history), several accounts at once, readings without signing in, service
requests, the consumption chart — with the keyboard, and axe-core's 0 violations on each page in both modes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.helpers import (
    assert_accessible,
    both_modes,
    customer,
    shot,
    sign_in,
    wait_ready,
)
from tests.e2e.client import demo_account

pytestmark = pytest.mark.e2e





def bump(values: dict, by: str) -> dict:
    return {zone: str(Decimal(v) + Decimal(by)).replace(".", ",") for zone, v in values.items()}


def test_add_an_account_by_meter_number_then_its_page_and_the_consumption_chart(page, stack):
    who = customer(stack)
    sign_in(page, who)
    page.goto("/accounts/add")
    wait_ready(page)
    assert page.locator("h1").inner_text() == "Новый лицевой счёт"
    both_modes(page, "/accounts/add")
    shot(page, "add")

    page.get_by_label("Поставщик").select_option(stack.demo_supplier_id)  # the public list of suppliers
    page.get_by_label("Номер лицевого счёта").fill("12-10000003")
    page.get_by_role("radio", name="Номер счётчика").check()  # the radio: the meter number field appears instead of the payment's
    assert page.get_by_label("Дата последнего платежа").is_hidden()
    page.get_by_role("textbox", name="Номер счётчика").fill("99999999")  # a wrong proof first
    page.get_by_role("button", name="Сохранить").click()
    alert = page.locator("form .alert")
    alert.wait_for()
    assert alert.inner_text().strip()  # the server's message, never which part did not match
    page.get_by_role("textbox", name="Номер счётчика").fill(demo_account("12-10000003")["meters"][0]["number"])
    page.get_by_role("textbox", name="Номер счётчика").press("Enter")
    page.wait_for_url("**/accounts/*?added=1")
    wait_ready(page)
    assert "Лицевой счёт 12-10000003" in page.locator("h1").inner_text()
    meters = page.locator("table").first.inner_text()
    assert "34567890" in meters and "Пик, Полупик, Ночь" in meters and "2030" in meters
    both_modes(page, "/accounts/:id")
    shot(page, "account")

    page.get_by_label("Получать бумажные счета", exact=True).check()
    page.get_by_role("button", name="Сохранить способ").click()
    page.get_by_text("Сохранено: получать бумажные счета.").wait_for()
    account_id = page.url.split("/accounts/")[1].split("?")[0]  # the demo account is the suite's: put it back
    who.login().ok("PATCH", f"/api/v1/accounts/{account_id}",
                   json={"bill_delivery": demo_account("12-10000003")["bill_delivery"]})

    page.get_by_label("Псевдоним").fill("Квартира")
    page.get_by_role("button", name="Сохранить название и группу").click()
    page.get_by_role("heading", name="Квартира", level=1).wait_for()

    page.get_by_label("Что не так").fill("Модель счётчика в кабинете не совпадает с установленной.")
    page.get_by_role("button", name="Отправить сообщение об ошибке").click()
    page.get_by_role("link", name="заявка на проверку данных").wait_for()

    who.login()  # a reading through the API, so the chart of this month has a bar
    account_id = page.url.split("/accounts/")[1].split("?")[0]
    meter_id = who.ok("GET", f"/api/v1/accounts/{account_id}")["meters"][0]["meter_id"]
    who.submit(account_id, meter_id, {k: v.replace(",", ".") for k, v in bump(who.last_values(account_id), "7").items()})
    page.get_by_role("link", name="Потребление").click()
    page.get_by_role("heading", name="Потребление", level=1).wait_for()
    page.locator(".consumption table").wait_for()
    assert page.locator("svg.chart rect").count() >= 3  # this month's reading: a bar of three zones
    assert page.get_by_role("link", name="таблицу CSV (Excel)").get_attribute("href").endswith("/consumption.csv")
    csv = page.request.get(page.get_by_role("link", name="таблицу CSV (Excel)").get_attribute("href"))
    assert csv.status == 200 and "кВт·ч" in csv.text()
    both_modes(page, "/accounts/:id/consumption")
    page.get_by_label("Детализация").select_option("day")  # no hourly values on this account: the server says so
    page.get_by_role("button", name="Показать", exact=True).click()
    granularity = page.get_by_label("Детализация")
    expect(granularity).to_have_attribute("aria-invalid", "true")
    assert page.locator(f"#{granularity.get_attribute('id')}-error").inner_text().strip()
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "/accounts/:id/consumption at 320 px")
    shot(page, "consumption-320")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Лицевой счёт", exact=True).click()
    page.get_by_role("button", name="Отвязать лицевой счёт").click()
    page.get_by_role("button", name="Да, отвязать").press("Enter")  # focus moved to it: the keyboard confirms
    page.get_by_role("heading", name="Мои лицевые счета").wait_for()
    assert who.ok("GET", "/api/v1/accounts")["accounts"] == []
    shot(page, "consumption")


def test_a_reading_through_the_form_with_the_keyboard(page, stack):
    who = customer(stack).login()
    account = who.bind("12-10000002")  # two zones: День, Ночь
    meter_id = account["meters"][0]["meter_id"]
    for _ in range(10):  # more than a page of history (10 rows), so «Показать ещё» has something to show
        who.submit(account["account_id"], meter_id, bump(who.last_values(account["account_id"]), "0.1"))
    last = who.last_values(account["account_id"])
    sign_in(page, who)
    page.goto(f"/accounts/{account['account_id']}/readings")
    wait_ready(page)
    assert page.get_by_label("День, кВт·ч").is_visible() and page.get_by_label("Ночь, кВт·ч").is_visible()
    assert page.get_by_text("принимаются с").is_visible()  # the window's dates
    both_modes(page, "/accounts/:id/readings", "200")

    values = bump(last, "12.5")
    day = page.get_by_label("День, кВт·ч")
    day.focus()
    page.keyboard.type("12,34567")  # too many decimals: the server's message next to the field
    page.keyboard.press("Tab")
    page.keyboard.type(values["night"])
    page.keyboard.press("Enter")
    message = page.locator(f"#{day.get_attribute('id')}-error")
    message.wait_for()
    assert message.inner_text().strip() and day.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == day.get_attribute("id")

    day.fill(values["day"])
    page.get_by_role("button", name="Рассчитать начисление").click()
    page.get_by_text("Итого").wait_for()
    assert "₽" in page.locator(".reading-result").inner_text()

    day.press("Enter")
    page.get_by_text("Показания приняты").wait_for()
    page.locator("table.history tbody tr").first.wait_for()
    assert "Личный кабинет" in page.locator("table.history tbody tr").first.inner_text()

    far = bump(last, "4000")  # far above the usual: the server asks to confirm
    day.fill(far["day"])
    page.get_by_label("Ночь, кВт·ч").fill(far["night"])
    page.get_by_role("button", name="Передать показания").click()
    confirm = page.get_by_label("Да, показания верны")
    confirm.wait_for()
    assert page.locator(".reading-form .alert").inner_text().strip()
    confirm.check()
    page.get_by_role("button", name="Передать показания").click()
    page.get_by_text("Показания проверит сотрудник").wait_for()
    assert_accessible(page, "/accounts/:id/readings after submitting")
    shot(page, "readings")

    page.get_by_role("button", name="Исправить показания от").click()  # the confirmed one was a typo after all
    assert_accessible(page, "/accounts/:id/readings, correcting")
    fixed = bump(last, "20")
    page.locator(".fix").get_by_label("День, кВт·ч").fill(fixed["day"])
    page.locator(".fix").get_by_label("Ночь, кВт·ч").fill(fixed["night"])
    page.get_by_role("button", name="Сохранить исправление").click()
    page.get_by_text("Показания исправлены").wait_for()
    expect(page.locator("table.history tbody tr").nth(1)).to_contain_text("Исправлено")

    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(10)
    more = page.get_by_role("button", name="Показать ещё")
    more.focus()
    page.keyboard.press("Enter")  # the next page (page_token), focus on its first row
    expect(rows).not_to_have_count(10)
    assert page.evaluate("document.activeElement.closest('tr') !== null")
    assert "Поставщик (реестр)" in rows.last.inner_text()  # the oldest: the supplier's seeded reading
    page.get_by_label("Месяц").fill("2026-10")
    page.get_by_role("button", name="Показать", exact=True).click()
    expect(rows).to_have_count(1)
    assert "октябрь 2026" in rows.first.inner_text()

    page.set_viewport_size({"width": 320, "height": 700})  # a small phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "/accounts/:id/readings at 320 px")
    shot(page, "readings-320")


def test_several_accounts_at_once_each_with_its_own_result(page, stack):
    who = customer(stack).login()
    first = who.bind("12-10000001")
    second = who.bind("12-10000003")
    last = who.last_values(first["account_id"])
    sign_in(page, who)
    page.get_by_role("link", name="Показания", exact=True).click()
    page.get_by_role("heading", name="Показания", level=1).wait_for()
    assert page.locator("fieldset.batch-item").count() == 2
    both_modes(page, "/readings", "200")

    one = page.locator("fieldset.batch-item", has_text="12-10000001")
    three = page.locator("fieldset.batch-item", has_text="12-10000003")
    one.get_by_label("Сумма, кВт·ч").fill(bump(last, "3")["total"])
    three.get_by_label("Пик, кВт·ч", exact=True).fill("abc")  # wrong: its own message, the other item still accepted
    three.get_by_label("Полупик, кВт·ч").fill("1")
    three.get_by_label("Ночь, кВт·ч").fill("1")
    page.get_by_role("button", name="Передать показания").click()
    page.get_by_text("Принято: 1 из 2.").wait_for()
    assert "Принято" in one.locator(".item-result").inner_text()
    assert "Не принято" in three.locator(".item-result").inner_text()
    peak = three.get_by_label("Пик, кВт·ч", exact=True)
    assert peak.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{peak.get_attribute('id')}-error").inner_text().strip()
    assert second["account_id"]
    assert_accessible(page, "/readings with results")
    shot(page, "batch")


def test_readings_without_signing_in(page, stack):
    helper = customer(stack).login()
    account = helper.bind("12-10000001")
    last = helper.last_values(account["account_id"])
    page.goto("/public/readings")
    wait_ready(page)
    both_modes(page, "/public/readings", "200")
    page.get_by_label("Номер лицевого счёта").fill("12-10000001")
    page.get_by_label("Номер счётчика").fill("01234567")
    page.get_by_label("Сумма, кВт·ч").fill(bump(last, "2")["total"])
    expect(page.locator("input[name=captcha_id]")).not_to_have_value("")
    captcha_id = page.locator("input[name=captcha_id]").input_value()
    answer = requests.get(f"{stack.gateway_url}/dev/captcha/{captcha_id}", timeout=10).json()["answer"]
    page.get_by_label("Символы с картинки").fill(answer)
    page.get_by_role("button", name="Передать показания").click()
    page.get_by_role("heading", name="Показания приняты").wait_for()
    result = page.locator(".public-result").inner_text()
    assert "Предварительное начисление" in result and "₽" in result
    assert_accessible(page, "/public/readings accepted")
    shot(page, "public")


def test_service_requests_new_one_and_cancel(page, stack):
    who = customer(stack).login()
    who.bind("12-10000001")
    sign_in(page, who)
    page.get_by_role("link", name="Заявки").click()
    page.get_by_role("heading", name="Заявки", level=1).wait_for()
    both_modes(page, "/requests (empty)")
    page.get_by_role("link", name="Новая заявка").click()
    page.get_by_role("heading", name="Новая заявка").wait_for()
    both_modes(page, "/requests/new")
    page.get_by_role("button", name="Отправить заявку").click()  # no description: the server's message
    description = page.get_by_label("Что нужно сделать")
    page.locator(f"#{description.get_attribute('id')}-error").wait_for()
    page.get_by_label("Сантехнические работы").check()
    description.fill("Течёт кран на кухне.")
    page.get_by_role("button", name="Отправить заявку").click()
    page.get_by_text("Заявка отправлена.").wait_for()
    assert "Новая" in page.locator(".facts").inner_text()
    both_modes(page, "/requests/:id")
    shot(page, "request")
    page.get_by_label("Причина отмены (необязательно)").fill("Починили сами.")
    page.get_by_role("button", name="Отменить заявку").click()
    page.get_by_text("Заявка отменена.").wait_for()
    assert "Отменена" in page.locator(".timeline").inner_text()
    page.get_by_role("link", name="Все заявки").click()
    page.locator("tbody tr").first.wait_for()
    assert "Отменена" in page.locator("tbody tr").first.inner_text()


def test_groups_created_renamed_filled_and_removed(page, stack):
    who = customer(stack).login()
    who.bind("12-10000001")
    sign_in(page, who)
    page.get_by_role("link", name="Абоненты и группы").click()
    page.get_by_role("heading", name="Абоненты и группы", level=1).wait_for()
    new = page.get_by_role("form", name="Новая группа")
    new.get_by_role("button", name="Создать группу").click()  # no name: the server's word next to the field
    expect(new.locator("input[name=name][aria-invalid=true]")).to_have_count(1)
    new.get_by_label("Название группы").fill("Дача")
    new.get_by_role("button", name="Создать группу").click()
    expect(page.get_by_role("status")).to_have_text("Группа «Дача» создана.")
    both_modes(page, "/groups")

    rename = page.get_by_role("form", name="Переименовать группу «Дача»")
    rename.get_by_label("Новое название группы").fill("Загородный дом")
    rename.get_by_role("button", name="Переименовать").click()
    page.get_by_role("heading", name="Загородный дом", level=2).wait_for()

    page.get_by_role("link", name="Добавить лицевой счёт в эту группу").nth(1).click()
    page.get_by_role("heading", name="Новый лицевой счёт").wait_for()
    expect(page.get_by_label("Группа")).to_have_value(
        next(g["group_id"] for g in who.ok("GET", "/api/v1/groups")["groups"] if g["name"] == "Загородный дом"))
    page.get_by_label("Номер лицевого счёта").fill("12-10000002")
    page.get_by_role("radio", name="Номер счётчика").check()
    page.get_by_role("textbox", name="Номер счётчика").fill(demo_account("12-10000002")["meters"][0]["number"])
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url("**/accounts/*?added=1")

    page.goto("/groups")
    wait_ready(page)
    country = page.get_by_role("region", name="Загородный дом")
    expect(country).to_contain_text("Лицевой счёт 12-10000002")
    country.get_by_role("button", name="Удалить группу «Загородный дом»").click()
    expect(country.get_by_role("group")).to_contain_text("перейдут в группу «Моя группа»")
    country.get_by_role("button", name="Удалить", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Группа «Загородный дом» удалена, лицевых счетов перенесено: 1.")
    mine = page.get_by_role("region", name="Моя группа")
    expect(mine).to_contain_text("Лицевой счёт 12-10000002")
    expect(mine.get_by_role("button", name=re.compile("^Удалить группу"))).to_have_count(0)  # the default stays
