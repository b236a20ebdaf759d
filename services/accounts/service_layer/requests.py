"""Service requests (заявки) and meter-data error reports: filed by customers, processed by staff."""

from __future__ import annotations

import datetime as dt
import uuid

from kit.errors import InvalidInput
from kit.ids import is_uuid
from services.accounts.domain import requests as dr
from services.accounts.service_layer.ownership import own_account, own_request


def create(uow, *, user_id: str, account_id: str, type: str, description: str, preferred_from: str = "",
           preferred_to: str = "") -> dr.ServiceRequest:
    """Electrical or plumbing work at the account's premise; the preferred times as ISO 8601 texts."""
    now = dt.datetime.now(dt.UTC)
    draft = dr.customer_request(type=type, description=description, preferred_from=preferred_from,
                                preferred_to=preferred_to, now=now)
    return _file(uow, user_id=user_id, account_id=account_id, draft=draft, now=now)


def report_meter_data(uow, *, user_id: str, account_id: str, description: str,
                      meter_id: str = "") -> dr.ServiceRequest:
    """"Сообщить об ошибке в данных счётчика": a request of type meter_data for staff."""
    draft = dr.meter_data_report(description)
    return _file(uow, user_id=user_id, account_id=account_id, draft=draft, meter_id=meter_id,
                 now=dt.datetime.now(dt.UTC))


def _file(uow, *, user_id: str, account_id: str, draft: dr.Draft, now: dt.datetime,
          meter_id: str = "") -> dr.ServiceRequest:
    """Files a request about one of the user's accounts; the address is the account's premise."""
    with uow:
        card = own_account(uow, user_id, account_id)
        if meter_id and meter_id not in {m.meter_id for m in card.meters}:
            raise InvalidInput(code="invalid_meter", fields={"meter_id": "Выберите счётчик этого лицевого счёта."})
        request_id = str(uuid.uuid4())
        uow.requests.add(request_id=request_id, user_id=user_id, account_id=card.account_id, type=draft.type,
                         description=draft.description, address=card.address, preferred_from=draft.preferred_from,
                         preferred_to=draft.preferred_to, meter_id=meter_id or None, now=now)
        req = uow.requests.get(request_id)
        uow.commit()
    return req


def mine(uow, user_id: str, account_id: str = "") -> list[dr.ServiceRequest]:
    if account_id and not is_uuid(account_id):
        return []
    with uow:
        return uow.requests.of_user(user_id, account_id or None)


def one_of_mine(uow, user_id: str, request_id: str) -> dr.ServiceRequest:
    with uow:
        return own_request(uow, user_id, request_id)


def cancel(uow, *, user_id: str, request_id: str, comment: str = "") -> dr.ServiceRequest:
    """The customer cancels while the request is new. Nothing is told (no accounts.service_request.changed): the
    customer need not hear of their own action."""
    now = dt.datetime.now(dt.UTC)
    comment = dr.comment(comment)
    with uow:
        req = own_request(uow, user_id, request_id, lock=True)
        dr.customer_can_cancel(req.status)
        uow.requests.set_status(req.request_id, "cancelled", now)
        uow.requests.record(req.request_id, "cancelled", comment, "customer", user_id, now)
        req = uow.requests.get(req.request_id)
        uow.commit()
    return req
