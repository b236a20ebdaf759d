"""A realistic demo registry of any size: accounts.csv, meters.csv, payments.csv and contracts.csv
(one legal contract per 20 accounts; docs/registry-format.md). Data for tests and benchmarks of the
accounts service's registry import, not a part of the service.

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
MODELS = {1: ["Меркурий 201.5", "НЕВА 101 AS", "СЕ 101 R5"], 2: ["НЕВА МТ 124 AS OP", "Меркурий 200.02"],
          3: ["НЕВА МТ 324 1.0 AOS26", "Меркурий 230 ART-01"]}


def generate(out: Path, accounts: int, *, supplier_code: str = "012", prefix: str = "50", seed: int = 2026) -> None:
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    today = dt.date(2026, 11, 1)
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
            wm.writerow([supplier_code, number, f"{rnd.randint(10**7, 10**8 - 1)}", rnd.choice(MODELS[zones]), zones,
                         rnd.choice([5, 6]), "1", (today + dt.timedelta(days=rnd.randint(30, 3650))).isoformat()])
            for k in range(2):
                paid = today - dt.timedelta(days=30 * k + rnd.randint(0, 20))
                amount = f"{rnd.randint(300, 6000)},{rnd.randint(0, 99):02d}"
                wp.writerow([supplier_code, number, paid.strftime("%d.%m.%Y"), amount,
                             rnd.choice(["cabinet", "bank", "third_party"]), f"gen-{number}-{k}"])
    _contracts(out / "contracts.csv", max(1, accounts // 20), supplier_code, random.Random(seed + 1))


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
