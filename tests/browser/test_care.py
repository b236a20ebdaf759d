"""The care pages in a real browser: the inbox (one and all marked read, the bell's count following), the
preferences matrix with its locked channels and the server's 409, news for a guest, help, «Отправить сообщение»
signed in (with a file, then the reply) and without signing in (captcha), and an organization's contract (bound
by the e-mail link, documents, export, an interval profile uploaded and deleted, removed) — with the keyboard, and
axe-core's 0 violations on each page in both modes."""

from __future__ import annotations

import random
import uuid

import pytest
import requests

from tests.browser.helpers import (
    assert_accessible,
    both_modes,
    customer,
    fits,
    sign_in,
    vision_mode,
    wait_ready,
)
from tests.e2e.client import (
    PASSWORD,
    Customer,
    confirmation_token,
    contract_links,
    eventually,
    import_registry,
    new_supplier,
    staff_member,
)
from tests.e2e.interval_helpers import fill

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ACCOUNTS = ("supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
            "automatic_metering\n")


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")






def bell(page) -> str:
    return page.locator(".bell__count").inner_text().strip()


def test_the_inbox_marks_one_and_all_read_and_the_preferences_keep_locked_channels(page, stack):
    who = customer(stack).login()
    # a sign-in from another device is a notice in the inbox; the browser's own sign-in is one more
    who.call("POST", "/api/v1/auth/login", json={"identifier": who.phone, "password": PASSWORD},
             headers={"User-Agent": f"Kabinet-Test-Device/{uuid.uuid4().hex[:6]}"})
    sign_in(page, who)
    unread = eventually(lambda: (n := who.ok("GET", "/api/v1/notifications/unread-count")["unread_count"]) >= 2 and n,
                        what="two sign-in notices")
    page.goto("/notifications")
    wait_ready(page)
    page.locator(".care-note").first.wait_for()
    assert page.locator(".care-unread").count() == unread
    assert bell(page) == str(unread)
    assert page.locator(".bell").get_attribute("aria-label") == f"Уведомления: непрочитанных {unread}"
    both_modes(page, "/notifications", "200")

    first = page.get_by_role("button", name="Отметить прочитанным").first
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('.care-unread').length === {unread - 1}")
    assert bell(page) == str(unread - 1)
    assert f"Непрочитанных уведомлений: {unread - 1}." in page.locator(".care-count").inner_text()
    page.get_by_role("button", name="Отметить все как прочитанные").click()
    page.wait_for_function("() => !document.querySelector('.care-unread')")
    assert bell(page) == "" and page.locator(".bell").get_attribute("aria-label") == "Уведомления"
    assert who.ok("GET", "/api/v1/notifications/unread-count")["unread_count"] == 0

    page.get_by_role("link", name="Настройки уведомлений").click()
    page.get_by_role("heading", name="Настройки уведомлений", level=1).wait_for()
    locked = page.locator("input[type=checkbox]:disabled")
    assert locked.count() >= 1 and all(box.is_checked() for box in locked.all())
    news_email = page.locator("input[name='news:email']")
    assert not news_email.is_checked()
    news_email.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_role("status").filter(has_text="Настройки сохранены").wait_for()
    cells = {(c["category"], s["channel"]): s["enabled"] for c in who.ok(
        "GET", "/api/v1/me/notification-preferences")["categories"] for s in c["channels"]}
    assert cells[("news", "email")] is True
    both_modes(page, "/notifications/settings", "200")
    page.set_viewport_size({"width": 320, "height": 640})
    assert fits(page) == [], "the preferences at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})
    # a locked channel switched off anyway (a stale page): the server's 409 message on the form
    page.evaluate("""() => { const box = document.querySelector("input[name='debt:email']");
        box.disabled = false; box.checked = false; }""")
    page.get_by_role("button", name="Сохранить").click()
    alert = page.locator("form .alert")
    alert.wait_for()
    assert "нельзя отключить" in alert.inner_text()  # the server's 409 notification_locked, as it says it


def test_news_and_help_for_a_guest(page, stack, admin):
    title = f"Плановые работы {uuid.uuid4().hex[:6]}"
    draft = admin.ok("POST", "/staff/v1/news", 201, json={"audience": "all", "title": title,
                     "body": "Оплата картой недоступна 10 декабря с 01:00 до 03:00.\n\nПодробнее: https://example.ru/works"})
    admin.ok("POST", f"/staff/v1/news/{draft['news_id']}/publish")
    for n in range(10):  # newer ones, so that the first is on the second page
        extra = admin.ok("POST", "/staff/v1/news", 201, json={"audience": "all", "title": f"{title}: итог {n}",
                                                              "body": "Работы завершены."})
        admin.ok("POST", f"/staff/v1/news/{extra['news_id']}/publish")
    page.goto("/news")
    wait_ready(page)
    page.get_by_role("link", name=f"{title}: итог 9").wait_for()
    assert page.get_by_role("link", name=title, exact=True).count() == 0
    both_modes(page, "/news", "200")
    page.get_by_role("button", name="Показать ещё").press("Enter")
    page.get_by_role("link", name=title, exact=True).wait_for()
    assert page.evaluate("document.activeElement.tagName") == "LI"  # the first new item, to read on from
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    assert page.get_by_role("link", name="https://example.ru/works").get_attribute("href") == "https://example.ru/works"
    both_modes(page, "/news/:id", "200")

    page.goto("/help")
    wait_ready(page)
    assert page.locator("details").count() >= 20
    question = page.locator("summary").filter(has_text="Что такое «Дельта»?")
    question.focus()
    page.keyboard.press("Enter")
    assert question.locator("xpath=..").get_attribute("open") is not None
    page.get_by_role("link", name="Юридическим лицам").click()
    assert page.evaluate("document.activeElement.textContent") == "Юридическим лицам"
    both_modes(page, "/help", "200")


def test_a_message_without_signing_in_with_the_captcha(page, stack):
    page.goto("/feedback")
    wait_ready(page)
    page.wait_for_function("() => document.querySelector('input[name=captcha_id]').value")
    both_modes(page, "/feedback (a guest)", "200")
    page.wait_for_function("() => document.querySelector('input[name=captcha_id]').value")
    page.get_by_label("Имя").fill("Анна Петрова")
    page.get_by_label("Адрес", exact=True).fill("Санкт-Петербург, Невский пр., д. 1")
    page.get_by_label("Тема").select_option("suggestion")
    page.get_by_label("Текст сообщения").fill("Добавьте, пожалуйста, тёмную тему.")
    page.get_by_label("Файлы").set_input_files([{"name": "akt.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    first_id = page.locator("input[name=captcha_id]").input_value()
    page.get_by_role("button", name="Отправить").click()  # no contacts, no captcha answer: the server says so
    page.locator("form .alert").wait_for()
    page.wait_for_function(f"() => document.querySelector('input[name=captcha_id]').value !== '{first_id}'")
    page.get_by_label("Электронная почта").fill("anna@example.ru")
    captcha_id = page.locator("input[name=captcha_id]").input_value()
    answer = requests.get(f"{stack.gateway_url}/dev/captcha/{captcha_id}", timeout=10,
                          headers={"X-Forwarded-For": "198.18.0.1"}).json()["answer"]
    page.get_by_label("Символы с картинки").fill(answer)
    page.get_by_label("Символы с картинки").press("Enter")
    done = page.locator(".success")
    done.wait_for()
    assert "Номер обращения" in done.inner_text() and "электронную почту" in done.inner_text()


def test_a_message_signed_in_with_a_file_then_the_reply(page, stack, admin):
    who = customer(stack).login()
    sign_in(page, who)
    page.goto("/feedback")
    wait_ready(page)
    page.get_by_text("Вы ещё не отправляли сообщений.").wait_for()
    assert page.get_by_label("Имя").count() == 0  # signed in: no contacts, no captcha
    page.get_by_label("Тема").select_option("readings")
    page.get_by_label("Текст сообщения").fill("Заменили счётчик, акт во вложении.")
    page.get_by_label("Файлы").set_input_files([{"name": "akt.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Отправить").click()
    page.locator(".success").wait_for()
    message = page.locator(".care-message").first
    assert "Показания и приборы учёта" in message.inner_text() and "akt.pdf" in message.inner_text()
    [sent] = who.ok("GET", "/api/v1/feedback")["items"]
    admin.ok("POST", f"/staff/v1/feedback/{sent['feedback_id']}/reply", json={"text": "Акт получен, спасибо."})
    page.reload()
    wait_ready(page)
    page.locator(".care-reply").filter(has_text="Акт получен, спасибо.").wait_for()
    both_modes(page, "/feedback (signed in)", "200")


def organization(stack, admin) -> tuple[Customer, dict]:
    """A legal entity: a supplier of the test's own, a contract and its account (numbered as the contract, one
    meter, register readings for November 2026), the contract's documents; the customer who bound the account."""
    supplier = new_supplier(admin, name="АО «Договорная сбытовая»")
    code, number, meter = supplier["sms_code"], f"7{random.randrange(10**13):013d}", f"{random.randrange(10**8):08d}"
    box = uuid.uuid4().hex[:8]
    contract = {"number": number, "email": f"buh-{box}@zavod.example.ru", "holder": f"ООО «Завод {box}»"}
    import_registry(admin, accounts=ACCOUNTS + f"{code};{number};{contract['holder']};Екатеринбург, ул. Заводская, "
                                                "д. 5;legal;;0;;email;0\n",
                    meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
                           f"{code};{number};{meter};Меркурий 234;2;7;1;2030-12-31\n",
                    contracts="supplier_code;contract_number;holder;inn;emails;address\n"
                              f"{code};{number};{contract['holder']};7801234567;{contract['email']};"
                              "Екатеринбург, ул. Заводская, д. 5\n")
    for taken, day, night in (("2026-10-31", 1000, 566), ("2026-11-30", 1500, 786)):
        import_registry(admin, readings="supplier_code;account_number;meter_number;taken_at;day;night\n"
                                        f"{code};{number};{meter};{taken};{day};{night}\n")
    import_registry(admin, contract_documents=(
        "supplier_code;contract_number;period;number;issued_on;holder;inn;kpp;address;kwh;price;vat_rate\n"
        f"{code};{number};2026-11;С-1001;30.11.2026;{contract['holder']};7801234567;780101001;"
        "Екатеринбург, ул. Заводская, д. 5;720;6,1234;20\n"))
    who = customer(stack).login()
    account = who.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
    contract["account"] = account
    # readings learns of the binding and of the registry's readings from events: wait until it shows both
    eventually(lambda: len((who.call("GET", f"/api/v1/accounts/{account['account_id']}/readings").json()
                            .get("readings")) or []) >= 2, what="the registry's readings in readings")
    return who, contract


def test_an_organizations_contract_documents_and_interval_profile(page, stack, admin):
    who, contract = organization(stack, admin)
    sign_in(page, who)
    page.goto("/contracts")
    wait_ready(page)
    page.get_by_text("В личном кабинете пока нет договоров.").wait_for()
    seen = set(contract_links(who, contract["email"]))
    page.get_by_label("Номер договора").fill(contract["number"])
    page.get_by_label("Электронная почта из договора").fill(contract["email"])
    page.get_by_label("Электронная почта из договора").press("Enter")
    page.locator(".success").wait_for()
    both_modes(page, "/contracts", "200")
    token = confirmation_token(who, contract["email"], seen)
    page.goto(f"/contracts/confirm?token={token}")
    page.get_by_role("heading", name="Договор добавлен").wait_for()
    assert "token" not in page.url
    assert_accessible(page, "/contracts/confirm")
    link = page.get_by_role("link", name=f"Открыть договор № {contract['number']}").get_attribute("href")
    vision_mode(page, "200")
    page.reload()  # the spent token is out of the address: the page says the link has no code
    page.get_by_role("alert").wait_for()
    assert_accessible(page, "/contracts/confirm without a token (vision-impaired)")
    page.evaluate("localStorage.removeItem('kabinet.vision')")
    page.goto(link)
    page.get_by_role("heading", name=f"Договор № {contract['number']}").wait_for()
    rows = page.locator("table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3 and "Счёт-фактура" in rows.nth(1).inner_text()
    pdf = page.request.get(rows.nth(1).get_by_role("link").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    export = page.get_by_role("link", name="Экспорт в Excel").get_attribute("href")
    xlsx = page.request.get(export)
    assert xlsx.status == 200 and "spreadsheetml" in xlsx.headers["content-type"]
    page.get_by_text("Интервальные показания ещё не передавались.").wait_for()
    both_modes(page, "/contracts/:id", "200")

    page.get_by_role("link", name="Интервальные показания: счётчик").click()
    page.get_by_role("heading", name="Интервальные показания", level=1).wait_for()
    page.get_by_text("Профилей пока нет.").wait_for()
    page.get_by_label("Месяц шаблона").fill("2026-11")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать шаблон (.xlsx)").click()
    with open(download.value.path(), "rb") as saved:
        template = saved.read()
    page.get_by_label("Заполненный шаблон (.xlsx)").set_input_files(
        [{"name": "profile.xlsx", "mimeType": "application/octet-stream", "buffer": fill(template, "abc")}])
    page.get_by_role("button", name="Передать показания").click()
    page.get_by_role("heading", name="Ошибки в ячейках файла").wait_for()
    assert "B2: не число" in page.locator(".care-cell-errors").inner_text()
    page.get_by_label("Заполненный шаблон (.xlsx)").set_input_files(
        [{"name": "profile.xlsx", "mimeType": "application/octet-stream", "buffer": fill(template, 1)}])
    page.get_by_role("button", name="Передать показания").click()
    row = page.locator("table tbody tr").first
    row.wait_for()
    assert "В ожидании" in row.inner_text() and "720 кВт·ч" in row.inner_text() and "0 кВт·ч" in row.inner_text()
    page.get_by_role("button", name="Значения за ноябрь 2026 г.").click()
    page.get_by_role("heading", name="Значения профиля за ноябрь 2026 г.").wait_for()
    assert page.locator(".care-values tbody tr").count() == 30
    both_modes(page, "/contracts/:id/meters/:meter_id", "200")
    page.set_viewport_size({"width": 320, "height": 640})  # the wide tables scroll inside their own box
    assert fits(page) == [], "the interval profiles page at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Удалить профиль за ноябрь 2026 г.").click()
    page.locator("table tbody tr").filter(has_text="Удалён").wait_for()

    page.get_by_role("link", name=f"Договор № {contract['number']}").click()
    page.get_by_text("Последний профиль — ноябрь 2026 г.: Удалён, расход интервальный 720 кВт·ч").wait_for()
    page.get_by_role("button", name="Удалить договор из кабинета").click()
    page.get_by_role("button", name="Удалить", exact=True).click()
    page.get_by_text("В личном кабинете пока нет договоров.").wait_for()
    assert who.ok("GET", "/api/v1/contracts")["contracts"] == []


def test_the_care_pages_fit_a_phone(browser, stack):
    from tests.browser.conftest import new_context

    context = new_context(browser, stack, {"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in ("/help", "/news", "/feedback"):
            page.goto(path)
            wait_ready(page)
            assert fits(page) == [], path
    finally:
        context.close()


def test_the_letters_unsubscribe_link_asks_first_then_switches_its_category_off(page, stack):
    from services.notify.domain.unsubscribe import DEV_UNSUBSCRIBE_SECRET, Links, UnsubscribeSigner

    who = customer(stack).login()
    user_id = who.ok("GET", "/api/v1/me")["user_id"]
    links = Links(stack.gateway_url, UnsubscribeSigner(DEV_UNSUBSCRIBE_SECRET))  # the test profile's secret
    _, link = links.unsubscribe_links(user_id=user_id, category="readings", message_id=str(uuid.uuid4()))
    page.goto(link.removeprefix(stack.gateway_url))
    wait_ready(page)
    assert "письма «Показания»" in page.locator("main").inner_text()
    both_modes(page, "/unsubscribe")
    page.get_by_role("button", name="Отписаться").click()
    page.get_by_text("Готово: письма «Показания» больше не будут приходить на электронную почту.").wait_for()
    cells = {(c["category"], s["channel"]): s["enabled"]
             for c in who.ok("GET", "/api/v1/me/notification-preferences")["categories"] for s in c["channels"]}
    assert cells[("readings", "email")] is False and cells[("payments", "email")] is True
    page.reload()
    page.get_by_text("Письма «Показания» на электронную почту уже отключены.").wait_for()
    page.goto("/unsubscribe?token=forged.token")
    page.locator("main .alert").wait_for()
    assert page.locator("main .alert").inner_text().strip()  # the server's words
