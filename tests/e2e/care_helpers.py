"""Helpers of the customer-care e2e tests: a supplier of the test's own with a household's and a legal entity's
account (one meter each), customers who bound them (one registered by e-mail, so replies reach a mailbox)."""

from __future__ import annotations

import random

from tests.e2e.client import PASSWORD, Customer, import_registry, new_supplier
from tests.e2e.test_identity_email_and_contacts import link_token

HEADER = ("supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
          "automatic_metering\n")


def supplier_with_accounts(admin: Customer, categories: tuple[str, ...]) -> tuple[dict, list[tuple[str, str]]]:
    """(the supplier, [(account number, meter number)]) — one account per category."""
    supplier = new_supplier(admin, name="АО «Сбытовая новостей»")
    code = supplier["sms_code"]
    made = [(f"55-{random.randrange(10**8):08d}", f"{random.randrange(10**8):08d}") for _ in categories]
    import_registry(admin, accounts=HEADER + "".join(
        f"{code};{n};Клиентов Кирилл;Санкт-Петербург, ул. Новостная, д. {i + 1};{c};40,0;1;gas;email;0\n"
        for i, ((n, _), c) in enumerate(zip(made, categories, strict=True))),
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               + "".join(f"{code};{n};{m};Меркурий 201.5;1;6;1;2030-12-31\n" for n, m in made))
    return supplier, made


def by_email(stack) -> tuple[Customer, str]:
    """A new customer registered (and so verified) by e-mail, signed in; (the customer, the address)."""
    me = Customer(stack.gateway_url)
    email = f"care{random.randrange(10**9)}@example.ru"
    me.ok("POST", "/api/v1/auth/register", 202, json={"email": email, "password": PASSWORD, "terms_accepted": True})
    me.ok("POST", "/api/v1/auth/confirm-link", json={"token": link_token(me, email)})
    return me.login(identifier=email), email


def bind(me: Customer, number: str, meter: str) -> dict:
    return me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
