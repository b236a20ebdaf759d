"""The test clock's input: an instant as the staff APIs take it (RFC 3339 with its offset)."""

from __future__ import annotations

import datetime as dt

from kit.errors import InvalidInput


def parse_instant(text: str, field: str = "as_of") -> dt.datetime:
    """"2027-01-15T09:00:00+03:00" -> an aware datetime; InvalidInput on `field` otherwise."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(fields={field: "Укажите момент в формате RFC 3339."}) from None
    if moment.tzinfo is None:
        raise InvalidInput(fields={field: "Укажите часовой пояс."})
    return moment
