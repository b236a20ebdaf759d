"""The notify worker's periodic jobs (kit.jobs): the dispatcher of the outgoing queue (section: dispatch)."""

from __future__ import annotations


def jobs(rt) -> list:
    return []
