"""The customer's notification preferences (category × channel) and the one-click unsubscribe of an e-mail.

The rules live in domain/catalogue.py (what may be switched) and domain/preferences.py (what is on); here each use
case is one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kit.errors import Rejected
from services.notify.domain import preferences
from services.notify.domain.catalogue import category_of, check_change
from services.notify.domain.model import EMAIL
from services.notify.domain.unsubscribe import UnsubscribeSigner


def get_preferences(uow, *, user_id: str) -> list[preferences.CategorySettings]:
    with uow:
        return preferences.settings(uow.preferences.of_users([user_id]).get(user_id, {}))


def update_preferences(uow, *, user_id: str, changes: Iterable[tuple[str, str, bool]],
                       now: dt.datetime | None = None) -> list[preferences.CategorySettings]:
    """Switches channels of categories; a locked one switched off refuses the whole change (notification_locked)."""
    changes = list(changes)
    for category, channel, enabled in changes:
        check_change(category, channel, enabled)
    with uow:
        uow.preferences.put(user_id, changes, now or dt.datetime.now(dt.UTC))
        said = uow.preferences.of_users([user_id]).get(user_id, {})
        uow.commit()
    return preferences.settings(said)


@dataclass(frozen=True)
class UnsubscribeOutcome:
    category: str
    category_title: str
    channel: str
    used: bool  # the link was used before
    enabled: bool  # the category's e-mails are on now


def describe_unsubscribe(uow, signer: UnsubscribeSigner, token: str) -> UnsubscribeOutcome:
    """What the link would do: which category's e-mails, whether they are on, whether it was used."""
    u = signer.verify(token)
    category = category_of(u.category)
    with uow:
        used = uow.preferences.unsubscribe_used(u.message_id)
        said = uow.preferences.of_users([u.user_id]).get(u.user_id, {})
    return UnsubscribeOutcome(category.code, category.title, EMAIL, used, preferences.enabled(category, EMAIL, said))


def unsubscribe(uow, signer: UnsubscribeSigner, token: str, now: dt.datetime | None = None) -> UnsubscribeOutcome:
    """RFC 8058 one-click: the token's category's e-mails off for its user, once per link; nothing else changes."""
    u = signer.verify(token)
    category = category_of(u.category)
    check_change(category.code, EMAIL, False)
    now = now or dt.datetime.now(dt.UTC)
    with uow:
        if not uow.preferences.use_unsubscribe(u.message_id, u.user_id, category.code, now):
            raise Rejected(f"Вы уже отписались от писем «{category.title}» по этой ссылке.", code="unsubscribe_used")
        uow.preferences.put(u.user_id, [(category.code, EMAIL, False)], now)
        uow.commit()
    return UnsubscribeOutcome(category.code, category.title, EMAIL, used=False, enabled=False)
