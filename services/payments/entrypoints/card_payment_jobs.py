"""The worker's card payment jobs: the provider's notification inbox and the reconciler of pending payments."""

from __future__ import annotations

from kit.jobs import Job
from services.payments.adapters.yookassa import provider_from_config
from services.payments.service_layer import card_payments


def card_payment_jobs(rt) -> list[Job]:
    provider = provider_from_config(rt.config)
    return [
        Job("card_payments.notifications", 1,
            lambda now: card_payments.process_notifications(rt.uow, provider, now=now), first_after_seconds=1),
        Job("card_payments.reconcile", 60,
            lambda now: card_payments.reconcile(rt.uow, provider, now=now,
                                                older_than_seconds=rt.config.reconcile_after_seconds)),
    ]
