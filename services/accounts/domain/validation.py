"""How accounts' rules report bad input: every failing field at once, keyed by its public JSON name.

A rule raises `InvalidInput` with its own stable code and `fields`. A use case that
checks several rules on one request runs them through `FieldErrors`, so the client
learns of every mistake in one answer: one failing rule keeps its own code; several
give the generic code "invalid_input" with the fields of all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from kit.errors import InvalidInput

T = TypeVar("T")


class FieldErrors:
    """Runs checks, remembers the ones that fail, raises them together."""

    def __init__(self) -> None:
        self.failed: list[InvalidInput] = []

    def check(self, rule: Callable[..., T], *args, **kwargs) -> T | None:
        """The rule's result, or None when it refused (the refusal is kept for `raise_any`)."""
        try:
            return rule(*args, **kwargs)
        except InvalidInput as exc:
            self.failed.append(exc)
            return None

    def raise_any(self) -> None:
        if len(self.failed) == 1:
            raise self.failed[0]
        if self.failed:
            fields: dict[str, str] = {}
            for exc in self.failed:
                for name, message in exc.fields.items():
                    fields.setdefault(name, message)
            raise InvalidInput(code="invalid_input", fields=fields)


def listing(codes: Iterable[str]) -> str:
    """("email", "paper_email", "paper") -> "email, paper_email или paper" (for messages)."""
    codes = list(codes)
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} или {codes[-1]}"
