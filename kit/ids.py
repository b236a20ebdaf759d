"""Identifiers: the one place that says what an id looks like."""

from __future__ import annotations

import re

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: str) -> bool:
    """True for a UUID in its canonical hyphenated spelling, the one Kabinet hands out (and one every
    database accepts; `urn:uuid:…` or braces are not ids of ours). Ids from outside are checked with
    this before a lookup, so that a malformed id is simply "not found", never a database error."""
    return isinstance(value, str) and bool(_UUID.match(value))
