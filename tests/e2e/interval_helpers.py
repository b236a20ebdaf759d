"""Helpers of the interval-profile e2e tests: a legal entity's account (numbered as its contract, category
"legal") of a supplier of the test's own in a time zone without summer time, with register readings from the
supplier's registry for the months a test needs, bound by a new customer; the template filled with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import random

from openpyxl import load_workbook

from tests.e2e.client import Customer, eventually, import_registry, new_supplier

TZ = "Asia/Yekaterinburg"  # UTC+5 all year
HEADER = ("supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
          "automatic_metering\n")


def legal_account(stack, admin: Customer, readings: list[tuple[str, int, int]], *, category: str = "legal",
                  ratio: str = "1") -> tuple[Customer, dict, str]:
    """(the customer, the bound account, the contract number): a two-zone meter (day/night) whose registry
    readings are `readings` [(YYYY-MM-DD, day, night)], oldest first (the first is the baseline)."""
    supplier = new_supplier(admin, name="АО «Почасовая сбытовая»")
    admin.ok("PATCH", f"/staff/v1/suppliers/{supplier['supplier_id']}", json={"timezone": TZ})
    code, contract, meter = supplier["sms_code"], f"7{random.randrange(10**13):013d}", f"{random.randrange(10**8):08d}"
    import_registry(admin, accounts=HEADER + f"{code};{contract};ООО «Часы и минуты»;Екатеринбург, ул. Заводская, "
                                             f"д. 5;{category};;0;;email;0\n",
                    meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
                           f"{code};{contract};{meter};Меркурий 234;2;7;{ratio};2030-12-31\n")
    for taken, day, night in readings:  # one file each: a file holds a meter's last reading
        import_registry(admin, readings="supplier_code;account_number;meter_number;taken_at;day;night\n"
                                        f"{code};{contract};{meter};{taken};{day};{night}\n")
    me = Customer(stack.gateway_url).register().login()
    account = me.ok("POST", "/api/v1/accounts", 201, json={"number": contract, "proof": {"meter_number": meter}})
    eventually(lambda: me.ok("GET", f"/api/v1/accounts/{account['account_id']}/consumption")["timezone"] == TZ,
               what="the supplier's time zone in readings")
    return me, account, contract


def fill(template: bytes, value=1, edit=None) -> bytes:
    """Every value cell of the downloaded template set to `value`, then `edit(sheet)`."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.active
    days = sum(1 for c in sheet[1][1:] if c.value is not None)
    for row in range(2, 26):
        for col in range(2, 2 + days):
            sheet.cell(row, col, value)
    if edit:
        edit(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def paths(account: dict) -> tuple[str, str]:
    """(the template's path, the profiles' path) of the account's meter."""
    base = f"/api/v1/accounts/{account['account_id']}/meters/{account['meters'][0]['meter_id']}"
    return base + "/interval-template.xlsx", base + "/interval-profiles"


def upload(me: Customer, account: dict, content: bytes, mode: str = "plain", period: str | None = None):
    params = {"mode": mode, **({"period": period} if period else {})}
    return me.call("POST", paths(account)[1], params=params,
                   files={"file": ("profile.xlsx", content, "application/octet-stream")})


def template(me: Customer, account: dict, period: str) -> bytes:
    response = me.call("GET", paths(account)[0], params={"period": period})
    assert response.status_code == 200, response.text
    return response.content


def this_month() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y-%m}"
