"""E-mail links ("/auth/confirm?token=…"): one link completes a registration or a contact change."""

from __future__ import annotations

from services.auth.adapters import crypto
from services.auth.domain.challenges import Confirmed, invalid_link
from services.auth.service_layer.contact_change import apply_contact_change
from services.auth.service_layer.context import Context, now
from services.auth.service_layer.registration import activate


def confirm_link(uow, ctx: Context, *, token: str) -> Confirmed:
    """Recovery links are not accepted here (they go to CompleteRecovery with a new password)."""
    at = now()
    with uow:
        challenge = uow.challenges.by_link(crypto.token_digest(token or ""))
        if challenge is None or challenge.purpose not in ("registration", "contact_change") or \
                not challenge.usable(at):
            raise invalid_link()
        if challenge.purpose == "registration":
            result = activate(uow, challenge, at)
        else:
            apply_contact_change(uow, challenge, at)
            result = Confirmed("contact_change")
        uow.commit()
    return result
