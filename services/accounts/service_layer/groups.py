"""Абоненты и группы: the cabinet's groups of accounts («Моя группа» always exists)."""

from __future__ import annotations

from services.accounts.domain import model
from services.accounts.service_layer.ownership import own_group


def list_groups(uow, user_id: str) -> list[model.Group]:
    with uow:
        groups = uow.accounts.groups(user_id)  # creates «Моя группа» on first use
        uow.commit()
    return groups


def create_group(uow, *, user_id: str, name: str) -> model.Group:
    with uow:
        name = model.group_name(name, uow.accounts.groups(user_id))
        group_id = uow.accounts.add_group(user_id, name)
        uow.commit()
    return model.Group(group_id, name, False, 0)


def rename_group(uow, *, user_id: str, group_id: str, name: str) -> model.Group:
    with uow:
        group = own_group(uow, user_id, group_id)
        name = model.group_name(name, uow.accounts.groups(user_id), renaming=group.group_id)
        uow.accounts.rename_group(group.group_id, name)
        uow.commit()
    return model.Group(group.group_id, name, group.is_default, group.account_count)


def delete_group(uow, *, user_id: str, group_id: str) -> tuple[str, int]:
    """Deletes a group; its accounts move to the default group. (default group id, moved)."""
    with uow:
        group = own_group(uow, user_id, group_id)
        model.check_deletable(group)
        default_id = uow.accounts.default_group(user_id)
        moved = uow.accounts.delete_group(user_id, group.group_id, default_id)
        uow.commit()
    return default_id, moved
