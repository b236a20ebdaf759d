"""The payments worker's periodic jobs (kit.jobs): the billing schedule and the daily penalty accrual."""

from __future__ import annotations

import functools

from kit.jobs import Job
from services.payments.adapters.yookassa import provider_from_config
from services.payments.entrypoints.card_payment_jobs import card_payment_jobs
from services.payments.service_layer import autopay, billing, penalties


def jobs(rt) -> list:
    return [
        # закрытие периода: resume runs whose owner died; in production also start each supplier's previous
        # month once it has ended in its zone (dev and test bill when staff say so, with the test clock)
        Job("billing.schedule", 60, lambda now: billing.schedule(rt.uow, now=now, start_due=not rt.config.is_dev)),
        # пени: every supplier's days through its yesterday; idempotent (account × day once), so every 10 minutes
        Job("penalties.accrue", 600, lambda now: penalties.accrue(rt.uow, now=now)),
        # автоплатёж: the months whose day has come, once per account and period; dev and test charge when staff
        # say so (StaffRunAutopay with the test clock)
        Job("autopay.run", 60, _autopay(rt)),
        # оплата картой: the provider's notifications (re-fetched, applied once) every second; payments still
        # pending after a few minutes are re-fetched every minute (a notification may be lost)
        *card_payment_jobs(rt),
    ]


def _autopay(rt):
    """The autopay scheduler's step; its provider adapter is made on first use (off in dev and test)."""
    provider = functools.cache(lambda: provider_from_config(rt.config))
    return lambda now: None if rt.config.is_dev else autopay.run(rt.uow, provider(), now=now)
