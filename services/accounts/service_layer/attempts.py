"""Failed proofs (account binding and contract binding share them; the rule is
domain/model.py:check_attempt_budget)."""

from __future__ import annotations

import datetime as dt

from services.accounts.domain import model


def check_attempts(uow, *, user_id: str, key: str, now: dt.datetime, captcha_solved: bool) -> None:
    """TooManyAttempts when the user failed too often lately; `captcha_required` when this number is under
    pressure and the caller solved no captcha. Called before the proof is checked, so it reveals nothing of it."""
    by_user_hour, by_user_day, for_number = uow.accounts.failed_attempts(
        user_id=user_id, key=key, hour=now - model.ATTEMPT_WINDOW, day=now - model.DAY)
    model.check_attempt_budget(failed_by_user_hour=by_user_hour, failed_by_user_day=by_user_day,
                               failed_for_number=for_number, captcha_solved=captcha_solved)


def record_failure(uow, *, user_id: str, key: str) -> None:
    """A failed proof; the caller commits it even though the request is refused."""
    uow.accounts.record_failed_attempt(user_id=user_id, key=key)
