"""Screenshots of the web cabinet's main pages at 375 and 1280 px, and what each page weighs.

    python -m tools.screenshots [--out docs/screenshots]

Starts its own stack (test profile, demo data), registers a customer through the API with two demo accounts,
signs in in headless Chromium (Debian's) and visits each page: a PNG per page and width into `--out`, and a
table of page weight (bytes transferred for the page and everything it loaded, compressed as sent) and the
time until its heading showed.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from devstack.stack import REPO_ROOT, Stack
from tests.browser.conftest import CHROMIUM, DESKTOP, FLAGS, PHONE
from tests.browser.helpers import sign_in, wait_ready
from tests.e2e.client import Customer

# (file name, address, signed in)
PAGES = [
    ("login", "/login", False),
    ("register", "/register", False),
    ("dashboard", "/", True),
    ("account", "/accounts/{account}", True),
    ("readings", "/readings", True),
    ("consumption", "/accounts/{account}/consumption", True),
    ("payments", "/payments", True),
    ("money", "/accounts/{account}/money", True),
    ("notifications", "/notifications", True),
    ("profile", "/profile", True),
    ("public-readings", "/public/readings", False),
    ("news", "/news", False),
    ("help", "/help", False),
]


def visit(page, path: str) -> tuple[int, float]:
    """Loads `path` (a fresh context: empty cache); (bytes transferred, seconds until the page's h1 showed)."""
    sizes: list[int] = []

    def count(request) -> None:
        measured = request.sizes()
        sizes.append(measured["responseBodySize"] + measured["responseHeadersSize"])

    page.on("requestfinished", count)
    started = time.monotonic()
    page.goto(path)
    wait_ready(page)
    shown = time.monotonic() - started
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", count)
    return sum(sizes), shown


def signed_in_state(browser, base_url: str, who: Customer) -> dict:
    """The cookies of a browser session of `who` (signed in through the sign-in page)."""
    context = browser.new_context(base_url=base_url)
    context.set_extra_http_headers({"X-Forwarded-For": who.ip})
    sign_in(context.new_page(), who)
    state = context.storage_state()
    context.close()
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="kabinet-shots-"))
    stack = Stack(work / "data", "test", fast=True)
    stack.start()
    try:
        who = Customer(stack.gateway_url).register().login()
        account = [who.bind(number)["account_id"] for number in ("12-10000001", "12-10000002")][0]
        args.out.mkdir(parents=True, exist_ok=True)
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            state = signed_in_state(browser, stack.gateway_url, who)
            for width_name, viewport in (("375", PHONE), ("1280", DESKTOP)):
                for name, path, needs_user in PAGES:
                    context = browser.new_context(base_url=stack.gateway_url, viewport=viewport, locale="ru-RU",
                                                  storage_state=state if needs_user else None)
                    context.set_extra_http_headers({"X-Forwarded-For": who.ip})
                    page = context.new_page()
                    weight, shown = visit(page, path.format(account=account))
                    page.screenshot(path=str(args.out / f"{name}-{width_name}.png"))
                    rows.append((name, path, width_name, weight, shown))
                    context.close()
            browser.close()
        print(f"{'page':<16}{'address':<34}{'width':>6}{'weight':>12}{'h1 shown':>10}")
        for name, path, width, weight, shown in rows:
            print(f"{name:<16}{path:<34}{width:>6}{weight / 1024:>10.1f} KB{shown * 1000:>8.0f} ms")
    finally:
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
