"""Preferences (настройки уведомлений): by which channels a customer hears of each category.

A customer's own word for a category × channel wins over the catalogue's default; a locked (critical) channel is
always on. A critical notice a customer cannot get by its locked channel (no verified e-mail) goes by another
channel of its kind that reaches them, so that nobody misses a security or legal notice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from kabinet_vocabulary import DELIVERY_CHANNEL

from services.notify.domain.catalogue import CATEGORIES, Category, Kind, channels_of

Said = Mapping[tuple[str, str], bool]  # (category, channel) -> enabled, as the customer said


def enabled(category: Category, channel: str, said: Said) -> bool:
    return channel in category.locked or said.get((category.code, channel), channel in category.default)


def deliver_by(kind: Kind, params: dict, said: Said, reachable: Collection[str]) -> list[str]:
    """The channels a notice of `kind` goes to one customer by: those the kind uses for these params, that the
    customer has on and a verified contact of; a critical one not reachable by its locked channel falls back to
    another of the kind's channels that reaches them."""
    category = CATEGORIES[kind.category]
    chosen = [c for c in kind.channels
              if kind.wanted(params, c) and enabled(category, c, said) and c in reachable]
    must = [c for c in category.locked if kind.wanted(params, c)]
    if must and not chosen:
        chosen = [c for c in kind.channels if c in reachable and c not in must and kind.wanted(params, c)][:1]
    return chosen


@dataclass(frozen=True)
class ChannelSetting:
    channel: str
    title: str
    enabled: bool
    locked: bool


@dataclass(frozen=True)
class CategorySettings:
    category: str
    title: str
    description: str
    channels: tuple[ChannelSetting, ...]


def settings(said: Said) -> list[CategorySettings]:
    """The preferences page: every category (vocabulary order) with the channels its notifications use."""
    return [CategorySettings(c.code, c.title, c.description, tuple(
        ChannelSetting(ch, DELIVERY_CHANNEL.title(ch), enabled(c, ch, said), ch in c.locked)
        for ch in channels_of(c.code))) for c in CATEGORIES.values()]
