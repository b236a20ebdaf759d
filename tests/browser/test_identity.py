"""Identity in a real browser: registration by phone with the keyboard to the first sign-in and «Давайте
познакомимся»; an organization's e-mail link landing and its obligatory onboarding; recovery by code and by the
e-mail's link; the profile (names, a new e-mail confirmed by code, the password, sessions, a social sign-in linked,
used and unlinked). axe-core finds 0 violations on every identity page in both modes."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser.helpers import (
    assert_accessible,
    both_modes,
    customer,
    here,
    sign_in,
    solve_captcha,
    vision_mode,
    wait_ready,
)
from tests.e2e.client import PASSWORD, Customer, eventually, fake_ip

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Novyi-Parol-2027"
LINK = re.compile(r"https?://[^/\s]+(/auth/(?:confirm|recovery)\?token=[\w-]+)")





def mail_link(who: Customer, address: str, subject_word: str) -> str:
    """The path of the link in the newest e-mail to `address` whose subject has `subject_word`."""
    def find():
        for m in reversed(who.ok("GET", "/dev/outbox", params={"to": address})["messages"]):
            found = LINK.search(m["body"])
            if subject_word in m["subject"] and found:
                return found.group(1)
        return None
    return eventually(find, what=f"a link to {address}")


def email_customer(stack, kind: str = "person") -> tuple[Customer, str]:
    """Registered by e-mail through the API, not yet confirmed."""
    who = Customer(stack.gateway_url)
    who.email = f"{kind}-{uuid.uuid4().hex[:10]}@example.test"
    who.ok("POST", "/api/v1/auth/register", 202, json={
        "email": who.email, "kind": kind, "password": PASSWORD, "terms_accepted": True})
    return who, mail_link(who, who.email, "регистрац")


def test_register_by_phone_with_the_keyboard_to_the_first_sign_in(page, stack):
    page.goto("/register")
    wait_ready(page)
    both_modes(page, "/register")
    vision_mode(page)  # the registration itself in the vision-impaired mode
    page.reload()
    wait_ready(page)
    phone = Customer(stack.gateway_url).phone
    keys = page.keyboard
    page.get_by_label("Номер мобильного телефона").focus()
    keys.type(phone)
    page.get_by_label("Пароль", exact=True).focus()
    keys.type("abc")
    rules = page.locator(".idn-rule")
    assert rules.count() == 6
    assert page.locator(".idn-rule--met").count() == 3  # latin only, lower case, no spaces; the rest still grey
    assert "не выполнено" in page.locator(".idn-rule", has_text="Заглавные буквы").text_content()
    keys.type("DEF-2026")
    assert page.locator(".idn-rule--met").count() == 6
    keys.press("Tab")  # «Показать пароль»
    keys.press("Enter")
    assert page.get_by_label("Пароль", exact=True).get_attribute("type") == "text"
    page.get_by_label("Я принимаю пользовательское соглашение").focus()
    keys.press("Space")
    solve_captcha(page, stack)
    keys.press("Enter")  # in the captcha's field: submits

    page.get_by_role("heading", name="Подтверждение регистрации").wait_for()
    assert page.evaluate("document.activeElement.name") == "code"
    assert_accessible(page, "/register, the code step (vision-impaired)")
    keys.type("000000")
    keys.press("Enter")
    error = page.locator("input[name=code][aria-invalid=true]")
    error.wait_for()
    assert page.locator(".field .error").first.inner_text().strip()  # the server's words under the field
    page.get_by_role("button", name="Отправить код ещё раз").click()
    status = page.locator(".idn-status")
    status.wait_for()
    assert "60" in status.inner_text()  # too soon: the server says when
    code = Customer(stack.gateway_url).dev_code(phone)
    page.get_by_label("Код из сообщения").fill(code)
    page.get_by_label("Код из сообщения").press("Enter")

    page.get_by_role("heading", name="Давайте познакомимся").wait_for()
    assert here(page) == "/onboarding?first=1"
    assert "Регистрация завершена" in page.locator(".success").inner_text()
    assert page.get_by_role("link", name="Заполнить позже").is_visible()  # a person may skip it
    assert_accessible(page, "/onboarding (vision-impaired)")
    page.evaluate("localStorage.removeItem('kabinet.vision')")
    page.reload()
    wait_ready(page)
    assert_accessible(page, "/onboarding")
    page.get_by_label("Фамилия").fill("Иванова")
    page.get_by_label("Имя", exact=True).fill("Мария")
    page.get_by_role("button", name="Сохранить и продолжить").click()
    page.get_by_role("heading", name="Мои лицевые счета").wait_for()
    me = page.request.get(f"{stack.gateway_url}/api/v1/me").json()
    assert (me["phone"], me["surname"], me["first_name"], me["marketing_consent"]) == (phone, "Иванова", "Мария", True)


def test_an_organization_confirms_by_the_link_and_must_get_acquainted_first(page, stack):
    who, link = email_customer(stack, "organization")
    page.goto("/terms")
    wait_ready(page)
    both_modes(page, "/terms")
    vision_mode(page)  # the landing in the vision-impaired mode (its link works once)
    page.goto(link)
    page.get_by_role("heading", name="Регистрация завершена").wait_for()
    assert "«Давайте познакомимся»" in page.locator("main").inner_text()
    assert_accessible(page, "/auth/confirm (vision-impaired)")
    page.evaluate("localStorage.removeItem('kabinet.vision')")
    page.get_by_role("link", name="Войти в личный кабинет").click()
    page.get_by_label("Телефон, e-mail или логин").fill(who.email)
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.get_by_role("heading", name="Давайте познакомимся").wait_for()
    assert page.get_by_role("link", name="Заполнить позже").count() == 0
    # anything else: the API answers 403 onboarding_required and the cabinet sends the person back, whether
    # they follow a link or load a page afresh (the shell and its files are served to every session)
    page.get_by_role("link", name="Личный кабинет").click()
    page.get_by_role("heading", name="Давайте познакомимся").wait_for()
    assert here(page) == "/onboarding?next=%2F"
    page.goto("/requests")
    page.get_by_role("heading", name="Давайте познакомимся").wait_for()
    assert here(page) == "/onboarding?next=%2Frequests"
    page.get_by_role("button", name="Сохранить и продолжить").click()
    page.locator("input[name=surname][aria-invalid=true], .alert:not([hidden])").first.wait_for()
    page.get_by_label("Фамилия").fill("Петров")
    page.get_by_label("Имя", exact=True).fill("Олег")
    page.get_by_label("Контактный телефон").fill("+7 912 000-11-22")
    page.get_by_role("button", name="Сохранить и продолжить").click()
    page.wait_for_url("**/requests")  # the refreshed session lets it through, to where the person was going
    wait_ready(page)
    # the same link again: the server's word, on an accessible page in both modes
    page.goto(link)
    page.locator("main .alert").wait_for()
    both_modes(page, "/auth/confirm (a spent link)")


def test_recovery_by_code_and_by_the_link_in_the_e_mail(page, stack):
    who = customer(stack)
    first_code = who.dev_code(who.phone)
    page.goto("/login")
    wait_ready(page)
    page.get_by_role("link", name="Забыли пароль?").click()
    page.get_by_role("heading", name="Восстановление пароля").wait_for()
    assert_accessible(page, "/recovery")
    vision_mode(page)  # the rest of the recovery in the vision-impaired mode
    page.reload()
    wait_ready(page)
    assert_accessible(page, "/recovery (vision-impaired)")
    page.get_by_label("Телефон, e-mail или логин").fill(who.phone)
    solve_captcha(page, stack)
    page.get_by_role("button", name="Восстановить пароль").click()
    page.get_by_role("heading", name="Новый пароль").wait_for()
    assert_accessible(page, "/recovery, the code step (vision-impaired)")
    page.get_by_label("Код из сообщения").fill(who.dev_code(who.phone, not_in={first_code}))
    page.get_by_label("Новый пароль", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Повторите новый пароль").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Сохранить пароль").click()
    page.locator("input[name=repeat][aria-invalid=true]").wait_for()  # a typo caught before asking the server
    page.get_by_label("Повторите новый пароль").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    page.get_by_role("heading", name="Пароль изменён").wait_for()
    page.evaluate("localStorage.removeItem('kabinet.vision')")
    sign_in(page, who, password=NEW_PASSWORD)

    mailer, link = email_customer(stack)
    mailer.ok("POST", "/api/v1/auth/confirm-link", json={"token": link.split("token=")[1]})
    mailer.ok("POST", "/api/v1/auth/recovery", 202, json={"identifier": mailer.email})
    landing = mail_link(mailer, mailer.email, "Восстановление")
    context = page.context.browser.new_context(base_url=stack.gateway_url, locale="ru-RU")
    context.set_extra_http_headers({"X-Forwarded-For": fake_ip()})
    guest = context.new_page()
    guest.goto(landing)
    wait_ready(guest)
    both_modes(guest, "/auth/recovery")
    guest.get_by_label("Новый пароль", exact=True).fill(NEW_PASSWORD)
    guest.get_by_label("Повторите новый пароль").fill(NEW_PASSWORD)
    guest.get_by_role("button", name="Сохранить пароль").click()
    guest.get_by_role("heading", name="Пароль изменён").wait_for()
    context.close()
    mailer.login(mailer.email, NEW_PASSWORD)


def test_the_profile_names_contacts_password_sessions_and_social_sign_in(page, stack):
    who = customer(stack)
    who.login()  # two more sessions, on "other devices"
    other = Customer(stack.gateway_url)
    other.phone = who.phone
    other.login()
    sign_in(page, who)
    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Профиль").click()
    page.get_by_role("heading", name="Профиль", exact=True).wait_for()
    both_modes(page, "/profile")

    page.get_by_label("Фамилия").fill("Сидоров")
    page.get_by_label("Имя", exact=True).fill("Пётр")
    page.locator("#main-data").get_by_role("button", name="Сохранить").click()
    page.locator("#main-data .success").wait_for()

    email = f"p-{uuid.uuid4().hex[:10]}@example.test"
    page.get_by_role("button", name="Сменить e-mail").click()
    page.get_by_label("Новый адрес электронной почты").fill(email)
    page.locator("#contacts").get_by_label("Текущий пароль").fill(PASSWORD)
    page.get_by_role("button", name="Получить код").click()
    page.get_by_role("heading", name="Подтверждение адреса").wait_for()
    assert_accessible(page, "/profile, a contact's code step")
    page.get_by_label("Код из сообщения").fill(who.dev_code(email))
    page.locator("#contacts").get_by_role("button", name="Подтвердить").click()
    page.locator("#contacts .success").wait_for()
    assert f"{email} — подтверждён" in page.locator("#contacts dl").inner_text()

    sessions = page.locator(".idn-session")
    assert sessions.count() == 3 and page.locator(".idn-badge").count() == 1
    page.locator(".idn-session").get_by_role("button", name=re.compile("^Завершить сеанс")).first.click()
    page.locator("#sessions .success").wait_for()
    assert sessions.count() == 2
    page.get_by_role("button", name="Завершить все другие сеансы").click()
    page.get_by_text("Завершено других сеансов: 1.").wait_for()
    assert sessions.count() == 1 and page.get_by_text("Других открытых сеансов нет.").is_visible()
    assert who.call("GET", "/api/v1/me").status_code == 401  # those sessions really ended
    assert other.call("GET", "/api/v1/me").status_code == 401

    page.locator("#password").get_by_label("Текущий пароль").fill(PASSWORD)
    page.get_by_label("Новый пароль", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Повторите новый пароль").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Сменить пароль").click()
    assert "Пароль изменён" in page.locator("#password .success").inner_text()

    # a social sign-in: link it (the provider's simulator signs this person in as a subject of their own)
    subject = f"idn-{uuid.uuid4().hex[:10]}"
    page.route("**/authorize?**", lambda route: route.continue_(url=f"{route.request.url}&login_hint={subject}"))
    page.get_by_role("button", name="Привязать Тестовый провайдер").click()
    page.locator("#social .success").wait_for()
    assert "Тестовый провайдер" in page.locator(".idn-linked").inner_text()
    page.get_by_role("button", name="Выйти").click()
    page.get_by_role("heading", name="Вход в личный кабинет").wait_for()
    page.get_by_role("button", name="Вход через Тестовый провайдер").click()
    page.get_by_role("heading", name="Мои лицевые счета").wait_for()
    page.goto("/profile#social")
    page.get_by_role("button", name="Отвязать Тестовый провайдер").click()
    page.locator("#social .success").wait_for()
    assert page.get_by_role("button", name="Привязать Тестовый провайдер").is_visible()
    assert_accessible(page, "/profile after unlinking")
    page.get_by_role("button", name="Выйти").click()  # the unlinked identity signs in no more: the page says why
    page.get_by_role("heading", name="Вход в личный кабинет").wait_for()
    page.get_by_role("button", name="Вход через Тестовый провайдер").click()
    page.wait_for_url("**/login?social_error=social_identity_not_linked")
    assert "не привязан к личному кабинету" in page.locator("main .alert").first.inner_text()
    assert_accessible(page, "/login after a refused social sign-in")


def test_the_identity_pages_fit_a_phone(phone_page, stack):
    for path in ("/register", "/recovery", "/auth/recovery?token=x"):
        phone_page.goto(path)
        wait_ready(phone_page)
        if path != "/recovery":  # the password rules arrived
            phone_page.locator(".idn-rule").first.wait_for(state="attached")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, path
