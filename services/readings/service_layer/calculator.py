"""The calculator (калькулятор): the charge a reading would bring, with nothing stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

from services.readings.domain import model, plausibility
from services.readings.service_layer.accounts import AccountsPort, allowed_account
from services.readings.service_layer.submission import doubt_of, submission_period


class PaymentsPort(Protocol):
    def preview_charge(self, *, supplier_id: str, category: str, ratio: Decimal,
                       consumption: Mapping[str, Decimal], as_of: dt.datetime) -> model.PreliminaryCharge:
        """The preliminary charge payments would post for this consumption; raises its refusals."""


def preview_charge(uow, accounts: AccountsPort, payments: PaymentsPort, *, user_id: str, account_id: str,
                   meter_id: str, values: dict[str, str], now: dt.datetime | None = None) -> model.ChargePreview:
    """Check a reading exactly as `submit_reading` does — meter, АИИС КУЭ, the window (refused, or the next
    period), the values — and ask payments what it would charge for it. The plausibility doubt is reported, not
    refused: the preview says the submission would need the customer's confirmation. Nothing is written: no
    reading, no event, no charge."""
    now = now or dt.datetime.now(dt.UTC)
    with uow:
        account = allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        period = submission_period(uow, account, meter_id, source=model.CABINET, now=now)
        previous, history = uow.readings.last_with_history(meter_id, now - dt.timedelta(days=plausibility.HISTORY_DAYS))
        reading = model.accept_reading(account, meter_id, values, previous, submitted_by=user_id,
                                       idempotency_key=None, now=now)
        reading.period = period
        doubt = doubt_of(reading, previous, history, source=model.CABINET)
    # asked after the transaction ends: no connection waits on another service
    charge = payments.preview_charge(supplier_id=account.supplier_id, category=account.category,
                                     ratio=account.meter(meter_id).ratio, consumption=reading.consumption,
                                     as_of=reading.taken_at)
    return model.ChargePreview(reading=reading, charge=charge, doubt=doubt)
