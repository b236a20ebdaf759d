"""Helpers of the readings e2e tests: a supplier of the test's own with accounts (one 1-zone meter each, a
registry baseline of 100 kWh), and a customer who bound them."""

from __future__ import annotations

import random

from tests.e2e.client import Customer, import_registry, new_supplier

HEADER = ("supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
          "automatic_metering\n")


def own_accounts(admin: Customer, count: int, *, window: tuple[int, int] = (1, 31), automatic: int = 0,
                 name: str = "АО «Сбытовая показаний»") -> tuple[dict, list[tuple[str, str]]]:
    """(the supplier, [(account number, meter number)]): the last `automatic` accounts are АИИС КУЭ."""
    supplier = new_supplier(admin, name=name)
    if window != (1, 31):
        admin.ok("PATCH", f"/staff/v1/suppliers/{supplier['supplier_id']}",
                 json={"readings_window": {"from_day": window[0], "to_day": window[1]}})
    code = supplier["sms_code"]
    made = [(f"77-{random.randrange(10**8):08d}", f"{random.randrange(10**8):08d}") for _ in range(count)]
    accounts = "".join(f"{code};{n};Показанцев Пётр Петрович;Санкт-Петербург, ул. Счётная, д. {i + 1};"
                       f"urban_gas_stove;40,0;1;gas;paper;{int(i >= count - automatic)}\n"
                       for i, (n, _) in enumerate(made))
    import_registry(admin, accounts=HEADER + accounts,
                    meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
                           + "".join(f"{code};{n};{m};Меркурий 201.5;1;6;1;2030-12-31\n" for n, m in made),
                    readings="supplier_code;account_number;meter_number;taken_at;total\n"
                             + "".join(f"{code};{n};{m};2026-01-01;100\n" for n, m in made))
    admin.ok("POST", "/staff/v1/tariffs", 201, json={"supplier_id": supplier["supplier_id"],
                                                    "category": "urban_gas_stove", "valid_from": "2020-01-01",
                                                    "prices": {"1": {"total": "6.00"}}})
    return supplier, made


def bound(stack, made: list[tuple[str, str]]) -> tuple[Customer, list[dict]]:
    """A new customer who bound these accounts (proof: the meter number); the accounts as bound."""
    me = Customer(stack.gateway_url).register().login()
    return me, [me.ok("POST", "/api/v1/accounts", 201, json={"number": n, "proof": {"meter_number": m}})
                for n, m in made]
