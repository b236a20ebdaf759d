"""A realistic registry of any size: accounts.csv, meters.csv, payments.csv and contracts.csv (one legal
contract per 20 accounts) for accounts; balances.csv (each account's balance on 2026-09-02, some as dated
debts), tariffs.csv (the two categories' tariffs) for payments; readings.csv (each meter's last reading)
for readings (docs/registry-format.md). Data for tests and benchmarks of the registry import, not a part
of the services.

    python -m tools.registry_generator --accounts 100000 --out /tmp/registry
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

from services.accounts.domain.registry import (
    ACCOUNT_COLUMNS,
    CONTRACT_COLUMNS,
    METER_COLUMNS,
    PAYMENT_COLUMNS,
)

STREETS = ["ул. Садовая", "Невский пр.", "ул. Рубинштейна", "Лиговский пр.", "ул. Марата", "Московский пр.",
           "ул. Гороховая", "пр. Просвещения", "ул. Савушкина", "пр. Ветеранов", "ул. Типанова", "Загородный пр.",
           "ул. Звёздная", "пр. Энгельса", "Гражданский пр.", "ул. Дыбенко", "Комендантский пр."]
SURNAMES = ["Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
            "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов"]
NAMES = ["Иван", "Пётр", "Анна", "Мария", "Сергей", "Ольга", "Алексей", "Елена", "Дмитрий", "Наталья"]
PATRONYMICS = ["Иванович", "Петрович", "Сергеевич", "Алексеевич", "Дмитриевич", "Николаевич"]
ZONE_COLUMNS = ("total", "day", "night", "peak", "semi_peak")
ZONES = {1: ("total",), 2: ("day", "night"), 3: ("peak", "semi_peak", "night")}
MODELS = {1: ["Меркурий 201.5", "НЕВА 101 AS", "СЕ 101 R5"], 2: ["НЕВА МТ 124 AS OP", "Меркурий 200.02"],
          3: ["НЕВА МТ 324 1.0 AOS26", "Меркурий 230 ART-01"]}


def generate(out: Path, accounts: int, *, supplier_code: str = "012", prefix: str = "50", seed: int = 2026) -> None:
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    today = dt.date(2026, 11, 1)
    meters: list[tuple[str, str, int, int]] = []  # (account number, meter number, zones, digits)
    with (open(out / "accounts.csv", "w", newline="", encoding="utf-8") as fa,
          open(out / "meters.csv", "w", newline="", encoding="utf-8") as fm,
          open(out / "payments.csv", "w", newline="", encoding="utf-8") as fp):
        wa, wm, wp = (csv.writer(f, delimiter=";") for f in (fa, fm, fp))
        wa.writerow(ACCOUNT_COLUMNS)
        wm.writerow(METER_COLUMNS)
        wp.writerow(PAYMENT_COLUMNS)
        for i in range(accounts):
            number = f"{prefix}-{i:08d}"
            electric = rnd.random() < 0.3
            surname = rnd.choice(SURNAMES)
            female = rnd.random() < 0.5
            holder = (f"{surname}{'а' if female else ''} {rnd.choice(NAMES)} "
                      f"{rnd.choice(PATRONYMICS)[:-2] + 'на' if female else rnd.choice(PATRONYMICS)}")
            wa.writerow([supplier_code, number, holder,
                         f"Санкт-Петербург, {rnd.choice(STREETS)}, д. {rnd.randint(1, 150)}, кв. {rnd.randint(1, 400)}",
                         "urban_electric_stove" if electric else "urban_gas_stove",
                         f"{rnd.randint(18, 140)},{rnd.randint(0, 9)}", rnd.randint(1, 6),
                         "electric" if electric else "gas", rnd.choice(["email", "paper_email", "paper"]),
                         "1" if rnd.random() < 0.02 else "0"])
            zones = rnd.choices([1, 2, 3], weights=[60, 30, 10])[0]
            meter, digits = f"{rnd.randint(10**7, 10**8 - 1)}", rnd.choice([5, 6])
            wm.writerow([supplier_code, number, meter, rnd.choice(MODELS[zones]), zones,
                         digits, "1", (today + dt.timedelta(days=rnd.randint(30, 3650))).isoformat()])
            meters.append((number, meter, zones, digits))
            for k in range(2):
                paid = today - dt.timedelta(days=30 * k + rnd.randint(0, 20))
                amount = f"{rnd.randint(300, 6000)},{rnd.randint(0, 99):02d}"
                wp.writerow([supplier_code, number, paid.strftime("%d.%m.%Y"), amount,
                             rnd.choice(["cabinet", "bank", "third_party"]), f"gen-{number}-{k}"])
    _contracts(out / "contracts.csv", max(1, accounts // 20), supplier_code, random.Random(seed + 1))
    _money_and_readings(out, meters, supplier_code, random.Random(seed + 2))


BALANCE_DAY = dt.date(2026, 9, 2)  # the balances' date: the generated payments after it go to the ledger


def _money_and_readings(out: Path, meters: list[tuple[str, str, int, int]], supplier_code: str,
                        rnd: random.Random) -> None:
    """balances.csv (a plain balance, or one or two dated debts, − owed / + overpaid), readings.csv (each
    meter's last reading on 2026-10-25, fitting its digits) and tariffs.csv."""
    with (open(out / "balances.csv", "w", newline="", encoding="utf-8") as fb,
          open(out / "readings.csv", "w", newline="", encoding="utf-8") as fr):
        wb, wr = csv.writer(fb, delimiter=";"), csv.writer(fr, delimiter=";")
        wb.writerow(["supplier_code", "account_number", "bucket", "amount", "due_on", "as_of", "external_id"])
        wr.writerow(["supplier_code", "account_number", "meter_number", "taken_at", *ZONE_COLUMNS])
        for number, meter, zones, digits in meters:
            kind = rnd.random()
            if kind < 0.3:  # dated debts: last month's and, for some, the month before
                for months in range(1, 2 + (rnd.random() < 0.3)):
                    due = dt.date(2026, 9 - months, 10)
                    wb.writerow([supplier_code, number, "energy", f"-{rnd.randint(200, 4000)},{rnd.randint(0, 99):02d}",
                                 due.isoformat(), BALANCE_DAY.isoformat(), ""])
                if rnd.random() < 0.2:
                    wb.writerow([supplier_code, number, "penalties", f"-{rnd.randint(1, 300)},{rnd.randint(0, 99):02d}",
                                 "", BALANCE_DAY.isoformat(), ""])
            else:
                sign = "" if kind < 0.4 else "-"
                amount = "0,00" if kind > 0.8 else f"{sign}{rnd.randint(1, 3000)},{rnd.randint(0, 99):02d}"
                wb.writerow([supplier_code, number, "energy", amount, "", BALANCE_DAY.isoformat(), ""])
            dial = 10 ** digits
            values = {zone: f"{rnd.randint(0, dial // 2)}.{rnd.randint(0, 999):03d}" for zone in ZONES[zones]}
            wr.writerow([supplier_code, number, meter, "2026-10-25", *(values.get(z, "") for z in ZONE_COLUMNS)])
    with open(out / "tariffs.csv", "w", newline="", encoding="utf-8") as ft:
        wt = csv.writer(ft, delimiter=";")
        wt.writerow(["supplier_code", "category", "category_title", "valid_from", "one_zone", "two_zone_day",
                     "two_zone_night", "three_zone_peak", "three_zone_semi_peak", "three_zone_night"])
        wt.writerow([supplier_code, "urban_gas_stove", "Городское население в домах с газовыми плитами",
                     "2026-07-01", "7,05", "8,11", "4,02", "9,17", "7,05", "4,02"])
        wt.writerow([supplier_code, "urban_electric_stove", "Городское население в домах с электроплитами",
                     "2026-07-01", "4,94", "5,68", "2,82", "6,42", "4,94", "2,82"])


def _contracts(path: Path, count: int, supplier_code: str, rnd: random.Random) -> None:
    """Legal entities' contracts: 14-digit numbers, one to three e-mails each."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(CONTRACT_COLUMNS)
        for i in range(count):
            name = f"{rnd.choice(['ООО', 'АО', 'ИП'])} «{rnd.choice(SURNAMES)} и партнёры {i}»"
            domain = f"firm{i}.example.ru"
            emails = ", ".join(f"{box}@{domain}" for box in rnd.sample(["buh", "info", "office", "energo"],
                                                                       rnd.randint(1, 3)))
            w.writerow([supplier_code, f"780780{i:08d}", name, f"78{rnd.randint(10**7, 10**8 - 1)}", emails,
                        f"Санкт-Петербург, {rnd.choice(STREETS)}, д. {rnd.randint(1, 150)}, пом. {rnd.randint(1, 40)}-Н"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--supplier-code", default="012")
    parser.add_argument("--prefix", default="50", help="first group of the account numbers")
    args = parser.parse_args()
    generate(args.out, args.accounts, supplier_code=args.supplier_code, prefix=args.prefix)


if __name__ == "__main__":
    main()
