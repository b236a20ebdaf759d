"""Identifiers: the one place that says what an id looks like."""

from __future__ import annotations

import uuid


def is_uuid(value: str) -> bool:
    """True for a UUID in any of its usual spellings; ids from outside are checked with this before a
    lookup, so that a malformed id is simply "not found" (never a database error)."""
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True
