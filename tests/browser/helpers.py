"""What browser tests share: axe-core's WCAG 2.1 AA check, the vision-impaired mode, signing in.

Waits use locators only: the page's Content-Security-Policy forbids the eval that a string expression given to
page.wait_for_function needs (the "() => …" function form is fine).
"""

from __future__ import annotations

import json
import os
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.client import PASSWORD, Customer

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA rules on the page as it stands: one line per violation (rule, nodes)."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + json.dumps([n["target"] for n in v["nodes"]][:5])
            for v in results.response["violations"]]


def assert_accessible(page, what: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {what or page.url}:\n" + "\n".join(violations)


def vision_mode(page, scale: str = "150") -> None:
    """The eye button's mode as a person switches it on (remembered per browser)."""
    page.evaluate("""scale => localStorage.setItem('kabinet.vision', JSON.stringify(
        {on: true, scale, contrast: true, spacing: true, images: false}))""", scale)


def wait_ready(page) -> None:
    """The page rendered: no navigation under way (the router marks main busy until the new page replaced the
    old one), its h1 is there and the loading line gone."""
    expect(page.locator("main[aria-busy='true']")).to_have_count(0)
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main .loading")).to_have_count(0)


def both_modes(page, what: str, scale: str = "150") -> None:
    """axe on the page as it stands, then in the vision-impaired mode (reloaded), then back to normal."""
    wait_ready(page)
    assert_accessible(page, what)
    shot(page, what)
    vision_mode(page, scale)
    page.reload()
    wait_ready(page)
    assert_accessible(page, f"{what} (vision-impaired)")
    shot(page, f"{what}-vision")
    page.evaluate("() => localStorage.removeItem('kabinet.vision')")
    page.reload()
    wait_ready(page)


def shot(page, what: str) -> None:
    """KABINET_SHOTS=<folder>: a full-page screenshot of each page checked (to look at them; nothing asserted)."""
    folder = os.environ.get("KABINET_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, re.sub(r"[^\w-]+", "_", what).strip("_") + ".png"), full_page=True)


def fits(page) -> list[str]:
    """Nothing wider than the window (wide tables scroll inside their own box): [] or what sticks out."""
    return page.evaluate("""() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1
        ? [] : [...document.querySelectorAll('body *')].filter((el) => !el.closest('.table-wrap')
          && el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(
          (el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)
          .concat([`scrollWidth ${document.documentElement.scrollWidth}`])""")


def text(locator) -> str:
    """The text a person reads, the no-break spaces of the Russian formats as plain ones."""
    return re.sub(r"[\u00a0\u202f]", " ", locator.inner_text())


def here(page) -> str:
    return page.evaluate("() => location.pathname + location.search")


def solve_captcha(page, stack) -> None:
    """Types the answer of the form's captcha (the dev profile tells it at /dev/captcha/<id>)."""
    captcha_id = page.locator("input[name=captcha_id]")
    expect(captcha_id).not_to_have_value("")
    answer = page.request.get(f"{stack.gateway_url}/dev/captcha/{captcha_id.input_value()}").json()["answer"]
    page.get_by_label("Символы с картинки").fill(answer)


def customer(stack) -> Customer:
    """A registered customer (through the API) to sign in with in the browser."""
    return Customer(stack.gateway_url).register()


def sign_in(page, who: Customer, next_path: str = "", login: str = "", password: str = PASSWORD) -> None:
    """Sign in through the login page (by the customer's phone unless told), then wait for the next page."""
    page.goto(f"/login?next={next_path}" if next_path else "/login")
    wait_ready(page)
    page.get_by_label("Телефон, e-mail или логин").fill(login or who.phone)
    page.get_by_label("Пароль", exact=True).fill(password)
    page.get_by_role("button", name="Войти", exact=True).click()  # not «Войти через …» (social sign-in)
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.locator("main h1")).not_to_have_text(re.compile("^Вход"))  # the next page, not the one left
    wait_ready(page)
