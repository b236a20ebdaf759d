"""The budget of failed proofs (account binding and contract binding share it; the rule is
domain/model.py:check_attempt_budget)."""

from __future__ import annotations

import datetime as dt

from services.accounts.domain import model


def check_attempts(uow, *, user_id: str, key: str, now: dt.datetime) -> None:
    """TooManyAttempts when the user, or anyone for this number, failed too often lately."""
    by_user, by_number = uow.accounts.failed_attempts(user_id=user_id, key=key, since=now - model.ATTEMPT_WINDOW)
    model.check_attempt_budget(by_user, by_number)


def record_failure(uow, *, user_id: str, key: str) -> None:
    """A failed proof; the caller commits it even though the request is refused."""
    uow.accounts.record_failed_attempt(user_id=user_id, key=key)
