"""The payments worker's periodic jobs (kit.jobs): the billing schedule and the daily penalty accrual."""

from __future__ import annotations

from kit.jobs import Job
from services.payments.service_layer import billing, penalties


def jobs(rt) -> list:
    return [
        # закрытие периода: resume runs whose owner died; in production also start each supplier's previous
        # month once it has ended in its zone (dev and test bill when staff say so, with the test clock)
        Job("billing.schedule", 60, lambda now: billing.schedule(rt.uow, now=now, start_due=not rt.config.is_dev)),
        # пени: every supplier's days through its yesterday; idempotent (account × day once), so every 10 minutes
        Job("penalties.accrue", 600, lambda now: penalties.accrue(rt.uow, now=now)),
    ]
