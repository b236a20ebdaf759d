"""The payments worker's periodic jobs (kit.jobs): the billing schedule and the daily penalty accrual."""

from __future__ import annotations


def jobs(rt) -> list:
    return []
