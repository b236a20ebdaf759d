"""What browser tests share: axe-core's WCAG 2.1 AA check, the vision-impaired mode, signing in."""

from __future__ import annotations

import json

from axe_playwright_python.sync_playwright import Axe

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
    """The page rendered: its h1 is there and the loading line gone."""
    page.wait_for_selector("main h1")
    page.wait_for_function("!document.querySelector('main .loading')")


def customer(stack) -> Customer:
    """A registered customer (through the API) to sign in with in the browser."""
    return Customer(stack.gateway_url).register()


def sign_in(page, who: Customer, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Телефон, e-mail или логин").fill(who.phone)
    page.get_by_label("Пароль", exact=True).fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(lambda url: not url.endswith("/login") and "/login?" not in url)
    wait_ready(page)
