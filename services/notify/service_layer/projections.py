"""Notify's projections of other services' facts, kept by its consumers (event handlers: they run inside the
transaction the kit's consumer opened): verified contacts (where a user's SMS and e-mails go), who is bound to an
account, an account's number, category and supplier, a supplier's time zone. The newest fact wins everywhere.
"""

from __future__ import annotations

import datetime as dt

from services.notify.domain.render import DEFAULT_TIME_ZONE


def project_contact(uow, *, user_id: str, channel: str, destination: str, as_of: dt.datetime) -> None:
    """auth.contact.verified: where the user's e-mails (and SMS) go from now on."""
    uow.contacts.put(user_id, channel, destination, as_of)


def project_binding(uow, *, account_id: str, user_id: str, bound: bool, as_of: dt.datetime) -> None:
    """accounts.account.bound / unbound: who hears of an account's facts (a late older fact changes nothing)."""
    uow.projection.bind(account_id, user_id, bound=bound, as_of=as_of)


def project_account(uow, *, account_id: str, supplier_id: str, number: str, category: str,
                    as_of: dt.datetime) -> None:
    """accounts.account.changed: the number messages name, the category news audiences use, the supplier."""
    uow.projection.put_account(account_id, supplier_id=supplier_id, number=number, category=category, as_of=as_of)


def project_supplier(uow, *, supplier_id: str, name: str, time_zone: str, as_of: dt.datetime) -> None:
    """accounts.supplier.changed: the time zone of its customers (quiet hours, times in texts)."""
    uow.projection.put_supplier(supplier_id, name=name, time_zone=time_zone or DEFAULT_TIME_ZONE, as_of=as_of)
