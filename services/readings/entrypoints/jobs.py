"""The readings worker's periodic jobs (kit.jobs): the readings.due reminders."""

from __future__ import annotations

from kit.jobs import Job
from services.readings.service_layer import due


def jobs(rt) -> list:
    # «Необходимо заявить показания»: every supplier's reminders whose day has come, once per account, period and
    # kind (the notices' key); every 10 minutes, so a window's first day is announced early in the morning.
    # Dev and test plan when staff say so (StaffRunReadingsDue with the test clock).
    closing_days = rt.config.due_closing_days
    return [Job("readings.due", 600, lambda now: None if rt.config.is_dev
                else due.plan_reminders(rt.uow, now=now, closing_days=closing_days))]
