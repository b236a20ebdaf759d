"""The home page, composed: groups -> accounts with balance, last reading and last charge; contracts; inbox.

The accounts list is the backbone (without it there is nothing to show). Every other
part is asked in parallel with its own deadline; a part that fails or is late
is replaced by {"unavailable": true} and the page still answers.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app
from kabinet.accounts.v1 import accounts_pb2
from kabinet.notify.v1 import notify_pb2
from kabinet.payments.v1 import payments_pb2
from kabinet.readings.v1 import readings_pb2
from marshmallow import Schema, fields

from gateway.openapi import operation
from gateway.schema import dump
from gateway.security import login_required
from gateway.services import accounts, notify, payments, readings
from gateway.shapes import AccountOut, BalanceOut, ChargeOut, ContractOut, NotificationOut, ReadingOut
from kit.errors import DomainError
from kit.grpc_client import ServiceClient

bp = Blueprint("dashboard", __name__, url_prefix="/api/v1")
log = logging.getLogger("gateway.dashboard")
UNAVAILABLE = {"unavailable": True}


class DashboardOut(Schema):
    groups = fields.List(fields.Dict(), metadata={"description": "groups (empty ones too) -> accounts, each an "
                                                                "account card with balance (by bucket: energy and "
                                                                "penalties, amount due, due_on, overdue — the "
                                                                "orange «!»), last_charge, last_reading, "
                                                                "readings_due (true: «Необходимо заявить "
                                                                "показания»; null when unknown) and "
                                                                "readings_window {period, from, to, open}; a part "
                                                                "that could not be fetched is "
                                                                "{\"unavailable\": true}"})
    contracts = fields.Raw(metadata={"description": "list of contracts, or {\"unavailable\": true}"})
    notifications = fields.Dict(metadata={"description": "{unread, latest}, or {\"unavailable\": true}"})
    payments_available = fields.Boolean(metadata={"description": "can one pay by card now (the provider is up, "
                                                                 "no technical break)"})
    payments_notice = fields.String(metadata={"description": "why not, in Russian (\"\" when available)"})


@bp.get("/dashboard")
@operation("Главная: группы, счета, баланс, последние показания, договоры", tag="dashboard",
           response=DashboardOut,
           description="Groups (empty ones too) -> accounts with balance (energy and penalties separately, amount "
                       "due, due date, overdue debt: the orange «!»), last charge and last reading; contracts; "
                       "the inbox. Every part but the accounts list is asked in parallel with its own deadline; a "
                       "part that fails or is late is {\"unavailable\": true} and the page still answers.")
@login_required
def dashboard():
    timeout = current_app.config["KABINET"].dashboard_timeout
    calls = {
        "groups": accounts().future("ListGroups", accounts_pb2.ListGroupsRequest(), timeout=timeout),
        "contracts": accounts().future("ListMyContracts", accounts_pb2.ListMyContractsRequest(), timeout=timeout),
        "inbox": notify().future("ListNotifications", notify_pb2.ListNotificationsRequest(limit=5),
                                 timeout=timeout),
        "payments": payments().future("GetPaymentAvailability", payments_pb2.GetPaymentAvailabilityRequest(),
                                      timeout=timeout),
    }
    cards = accounts().call("ListMyAccounts", accounts_pb2.ListMyAccountsRequest(), idempotent=True).accounts
    if cards:  # every account's money, last reading and «Необходимо заявить показания»: one call each
        ids = [a.account_id for a in cards]
        calls["money"] = payments().future("GetAccountSummaries", payments_pb2.GetAccountSummariesRequest(
            account_ids=ids), timeout=timeout)
        calls["readings"] = readings().future("ListLastReadings", readings_pb2.ListLastReadingsRequest(
            account_ids=ids), timeout=timeout)
        calls["due"] = readings().future("GetReadingsDue", readings_pb2.GetReadingsDueRequest(
            account_ids=ids), timeout=timeout)
    results = {key: _settle(key, fut) for key, fut in calls.items()}
    due = _due_by_account(results.get("due"))
    money, last = _by_account(results.get("money")), _by_account(results.get("readings"))

    # groups in ListGroups' order (the default first, empty ones too); without it, the accounts' own groups
    listed = results["groups"]
    groups: dict[str, dict] = {g.group_id: {"group_id": g.group_id, "name": g.name, "is_default": g.is_default,
                                            "accounts": []} for g in (listed.groups if listed else ())}
    for a in cards:
        card = dump(AccountOut, a)
        summary = money.get(a.account_id)
        card["balance"] = UNAVAILABLE if summary is None else dump(BalanceOut, summary.balance)
        card["last_charge"] = _optional(ChargeOut, summary, "last_charge")
        card["last_reading"] = _optional(ReadingOut, last.get(a.account_id), "reading")
        card["readings_due"], card["readings_window"] = _due(due, a.account_id)
        group = groups.setdefault(a.group_id, {"group_id": a.group_id, "name": a.group_name, "accounts": []})
        group["accounts"].append(card)
    inbox, contracts = results["inbox"], results["contracts"]
    notifications = UNAVAILABLE if inbox is None else {
        "unread": inbox.unread_count,
        "latest": [dump(NotificationOut, m) for m in inbox.messages],
    }
    return dump(DashboardOut, {
        "groups": list(groups.values()),
        "contracts": UNAVAILABLE if contracts is None else [dump(ContractOut, c) for c in contracts.contracts],
        "notifications": notifications, **_availability(results["payments"])})


def _availability(reply) -> dict:
    """The card payments flag: unknown (the call failed) counts as not available."""
    if reply is None:
        return {"payments_available": False, "payments_notice": "Оплата картой временно недоступна."}
    return {"payments_available": reply.available, "payments_notice": "" if reply.available else reply.message}


def _due_by_account(reply) -> dict | None:
    return None if reply is None else {d.account_id: d for d in reply.accounts}


def _due(due: dict | None, account_id: str) -> tuple[bool | None, dict]:
    """(the orange «Необходимо заявить показания», the window's dates); (None, unavailable) when unknown."""
    state = None if due is None else due.get(account_id)
    if state is None:
        return None, UNAVAILABLE
    return state.due, {"period": state.period, "from": state.window_from, "to": state.window_to,
                       "open": state.window_open}


def _by_account(reply) -> dict:
    """A batch reply's items by account ({} when the call failed: every account's part is then unavailable)."""
    return {} if reply is None else {item.account_id: item for item in reply.accounts}


def _optional(schema, item, field: str):
    """An account's newest charge or reading (None when it has none); unavailable when its item is missing."""
    if item is None:
        return UNAVAILABLE
    return dump(schema, getattr(item, field)) if item.HasField(field) else None


def _settle(key, fut):
    try:
        return ServiceClient.result(fut)
    except DomainError as exc:
        log.warning("dashboard part unavailable: %s %s", key, exc.code)
        return None
