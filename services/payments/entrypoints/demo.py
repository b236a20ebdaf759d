"""Demo data (dev and test profiles): customer categories, the demo tariffs and every demo account's
opening balance."""

from __future__ import annotations

import datetime as dt

from kit.demo import demo_data
from services.payments.domain.model import Tariff, parse_prices
from services.payments.domain.tariffs import CustomerCategory
from services.payments.service_layer.charging import load_tariffs_and_openings

CATEGORIES = [
    CustomerCategory("urban_gas_stove", "Городское население в домах с газовыми плитами"),
    CustomerCategory("urban_electric_stove", "Городское население в домах с электроплитами"),
    CustomerCategory("rural", "Сельское население"),
    CustomerCategory("gardening", "Садоводческие и огороднические товарищества"),
]


def load_demo(rt) -> None:
    data = demo_data(rt.config)
    tariffs = [Tariff(tariff_id=t["tariff_id"], supplier_id=t["supplier_id"], category=t["category"],
                      valid_from=dt.date.fromisoformat(t["valid_from"]),
                      prices=parse_prices(t["prices_rub_per_kwh"]))
               for t in data["tariffs"]]
    openings = {a["account_id"]: int(a["opening_balance_kop"]) for a in data["accounts"]}
    known = {c.code for c in CATEGORIES}
    categories = CATEGORIES + [CustomerCategory(code, code) for code in sorted({t.category for t in tariffs} - known)]
    load_tariffs_and_openings(rt.uow(), tariffs, openings, now=dt.datetime.now(dt.UTC), categories=categories)
