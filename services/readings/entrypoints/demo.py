"""Demo data (dev and test profiles): a baseline reading for every demo meter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kit.demo import demo_data
from services.readings.domain.model import SEED, Reading


def load_demo(rt) -> None:
    data = demo_data(rt.config)
    with rt.uow() as uow:
        for account in data["accounts"]:
            for meter in account["meters"]:
                if uow.readings.last_for_meter(meter["meter_id"]) is not None:
                    continue
                initial = meter["initial_reading"]
                uow.readings.add(Reading(
                    account_id=account["account_id"], meter_id=meter["meter_id"],
                    values={z: Decimal(v) for z, v in initial["values"].items()},
                    consumption={z: Decimal("0.000") for z in initial["values"]},
                    taken_at=dt.datetime.fromisoformat(initial["taken_at"]), source=SEED,
                ))
        uow.commit()
