"""Browser tests: the web cabinet in headless Chromium (Debian's package, driven by Playwright) through the
real gateway and services of the session's stack; axe-core checks every page against WCAG 2.1 AA.

Each test gets a fresh browser context (its own cookies and storage) whose requests carry a client address of
their own (X-Forwarded-For: the test profile trusts one proxy hop), as real customers' do.

The browser lives for this package only: Playwright's sync API leaves its event loop marked as running in the
thread while it is alive, and later tests that call asyncio.run() would fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.e2e.client import fake_ip

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
PHONE, DESKTOP = {"width": 375, "height": 740}, {"width": 1280, "height": 900}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="package")
def browser() -> Iterator:
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def new_context(browser, stack, viewport=DESKTOP):
    context = browser.new_context(base_url=stack.gateway_url, viewport=viewport, locale="ru-RU",
                                  timezone_id="Europe/Moscow")
    context.set_extra_http_headers({"X-Forwarded-For": fake_ip()})
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser, stack):
    context = new_context(browser, stack)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def phone_page(browser, stack):
    context = new_context(browser, stack, PHONE)
    yield context.new_page()
    context.close()
