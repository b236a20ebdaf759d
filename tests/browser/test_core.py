"""The cabinet's frame and its first pages in a real browser: sign in with the keyboard, the dashboard, the
vision-impaired mode remembered, unknown addresses, and axe-core's 0 violations in both modes."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    assert_accessible,
    both_modes,
    customer,
    fits,
    sign_in,
    vision_mode,
    wait_ready,
)
from tests.e2e.client import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_guest_is_sent_to_sign_in_and_the_page_is_accessible_in_both_modes(page):
    page.goto("/")
    page.wait_for_url("**/login?next=%2F")
    wait_ready(page)
    assert page.title() == "Вход — Личный кабинет"
    assert page.evaluate("document.activeElement.tagName") == "H1"  # a screen reader starts at the heading
    assert_accessible(page, "/login")
    vision_mode(page, "200")
    page.reload()
    wait_ready(page)
    assert page.evaluate("document.documentElement.className").split() == [
        "vi", "vi-200", "vi-contrast", "vi-spacing", "vi-noimg"]
    assert_accessible(page, "/login (vision-impaired)")


def test_sign_in_with_the_keyboard_alone_then_the_dashboard(page, stack):
    who = customer(stack)
    who.login().bind("12-10000002")  # a demo account, so the dashboard has a card
    page.goto("/login?next=/")
    wait_ready(page)
    page.keyboard.press("Tab")  # from the heading to the first field
    page.keyboard.type(who.phone)
    page.keyboard.press("Tab")
    page.keyboard.type("wrong-password")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().strip()  # the server's Russian message, announced
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_label("Пароль", exact=True).press("Enter")
    page.get_by_role("heading", name="Мои лицевые счета").wait_for()
    assert page.url == f"{stack.gateway_url}/"
    card = page.locator(".card").first
    assert "12-10000002" in card.inner_text()
    assert card.locator(".balance").is_visible()
    assert_accessible(page, "/ (dashboard)")
    vision_mode(page)
    page.reload()
    wait_ready(page)
    assert_accessible(page, "/ (dashboard, vision-impaired)")


def test_the_eye_button_switches_the_mode_on_and_it_is_remembered(page, stack):
    page.goto("/login")
    wait_ready(page)
    page.get_by_role("button", name="Версия для слабовидящих").click()
    assert "vi" in page.evaluate("document.documentElement.className").split()
    page.get_by_label("Очень крупный (×2)").check()
    page.get_by_label("Показывать изображения").uncheck()
    assert_accessible(page, "/login with the vision panel open")
    page.get_by_role("button", name="Закрыть").click()
    page.goto("/news")
    classes = page.evaluate("document.documentElement.className").split()
    assert {"vi", "vi-200", "vi-noimg"} <= set(classes)


def test_an_unknown_page_says_so_and_an_unknown_api_path_stays_a_problem(page, stack):
    page.goto("/no/such/page")
    wait_ready(page)
    assert page.locator("h1").inner_text() == "Страница не найдена"
    both_modes(page, "an unknown page")
    response = page.request.post(f"{stack.gateway_url}/api/v1/no-such-route", data={})
    assert response.status == 404 and response.headers["content-type"].startswith("application/problem+json")


def test_a_320_px_phone_in_the_largest_vision_mode_scrolls_only_down(browser, stack):
    from tests.browser.conftest import new_context

    who = customer(stack).login()
    who.bind("12-10000001")
    context = new_context(browser, stack, {"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto("/login")
        vision_mode(page, "200")
        for path in ("/login", "/register", "/public/readings", "/help"):
            page.goto(path)
            wait_ready(page)
            assert fits(page) == [], path
        sign_in(page, who)
        for path in ("/", "/readings", "/payments", "/notifications", "/profile"):
            page.goto(path)
            wait_ready(page)
            assert fits(page) == [], path
    finally:
        context.close()
