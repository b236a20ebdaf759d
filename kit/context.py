"""Per-request context that travels with a call: request id and caller identity."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
caller_var: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("caller", default=None)


@dataclass(frozen=True)
class Caller:
    """Who makes the call: a signed-in user (customer or staff), as the access token says."""

    user_id: str
    kind: str  # "person" | "organization" | "staff"
    session_id: str = ""
    roles: tuple[str, ...] = ()
    onboarding_required: bool = False  # organization before "Давайте познакомимся": profile calls only
    token: str = field(default="", repr=False)  # forwarded on calls to other services
    auth_time: int = 0  # epoch seconds of the session's last password entry (step-up); 0: unknown


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id() -> str:
    return request_id_var.get()


def caller() -> Caller | None:
    return caller_var.get()


def require_caller() -> Caller:
    """The signed-in caller, or Unauthenticated."""
    from kit.errors import Unauthenticated

    current = caller_var.get()
    if current is None:
        raise Unauthenticated()
    return current
