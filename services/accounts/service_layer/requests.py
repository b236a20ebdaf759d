"""Service requests (заявки) and meter-data error reports: filed by customers, processed by staff."""

from __future__ import annotations

import datetime as dt
import uuid

from kit.errors import InvalidInput, NotFound
from services.accounts.domain import requests as dr
from services.accounts.service_layer.handlers import _is_uuid, _own_account

REQUEST_NOT_FOUND = NotFound("Заявка не найдена.", code="request_not_found")


def create(uow, *, user_id: str, account_id: str, type: str, description: str,
           preferred_from: dt.datetime | None = None, preferred_to: dt.datetime | None = None,
           meter_id: str = "") -> dr.ServiceRequest:
    """A request about one of the user's accounts; the address is the account's premise."""
    now = dt.datetime.now(dt.UTC)
    description = dr.description(description)
    dr.preferred_window(preferred_from, preferred_to, now)
    with uow:
        card = _own_account(uow, user_id, account_id)
        if meter_id and meter_id not in {m.meter_id for m in card.meters}:
            raise InvalidInput(code="invalid_meter", fields={"meter_id": "Выберите счётчик этого лицевого счёта."})
        request_id = str(uuid.uuid4())
        uow.requests.add(request_id=request_id, user_id=user_id, account_id=card.account_id, type=type,
                         description=description, address=card.address, preferred_from=preferred_from,
                         preferred_to=preferred_to, meter_id=meter_id or None, now=now)
        req = uow.requests.get(request_id)
        uow.commit()
    return req


def mine(uow, user_id: str, account_id: str = "") -> list[dr.ServiceRequest]:
    if account_id and not _is_uuid(account_id):
        return []
    with uow:
        return uow.requests.of_user(user_id, account_id or None)


def one_of_mine(uow, user_id: str, request_id: str) -> dr.ServiceRequest:
    with uow:
        return _own(uow, user_id, request_id)


def cancel(uow, *, user_id: str, request_id: str, comment: str = "") -> dr.ServiceRequest:
    """The customer cancels while the request is new."""
    now = dt.datetime.now(dt.UTC)
    with uow:
        req = _own(uow, user_id, request_id, lock=True)
        dr.customer_can_cancel(req.status)
        uow.requests.set_status(req.request_id, "cancelled", now)
        uow.requests.record(req.request_id, "cancelled", (comment or "").strip()[:500], "customer", user_id, now)
        req = uow.requests.get(req.request_id)
        uow.commit()
    return req


def _own(uow, user_id: str, request_id: str, *, lock: bool = False) -> dr.ServiceRequest:
    req = uow.requests.get(request_id, user_id=user_id, lock=lock) if _is_uuid(request_id) else None
    if req is None:
        raise REQUEST_NOT_FOUND
    return req
