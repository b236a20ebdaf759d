"""Subscriptions of the dispatch section (e.g. readings.due reminders planned a fetch at a time)."""

from __future__ import annotations


def reminder_subscriptions(rt) -> list:
    return []
