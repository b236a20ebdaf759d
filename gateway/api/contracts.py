"""Договоры энергоснабжения of legal entities: bind by number + a listed e-mail, confirm by the link,
list, view, remove, export to .xlsx."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.accounts.v1 import accounts_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.api.accounts import accounts, binding_attempt, path_id
from gateway.api.auth import sending
from gateway.openapi import operation
from gateway.security import login_required
from gateway.throttle import client_ip, throttle

bp = Blueprint("contracts", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/contracts")
@operation("Привязать договор (номер и e-mail из договора)", tag="contracts", body=s.BindContractIn,
           response=s.BindContractOut, status=202, errors=(409, 422, 429),
           description="When the 14-digit number and one of the contract's e-mails match, a single-use link "
                       "(24 h) is sent to that e-mail; the reply is the same neutral one whether they match or "
                       "not. Only when they match: 409 contract_taken (bound to another cabinet; whose is never "
                       "said) or 409 contract_already_bound (already mine). Binding attempts and e-mail sending "
                       "caps apply (429).")
@login_required
def bind_contract():
    data = s.load(s.BindContractIn, request.get_json(silent=True))
    binding_attempt()
    sending("email", data["email"])  # it may send an e-mail: the per-address, per-IP and global caps
    reply = accounts().call("BindContract", pb.BindContractRequest(number=data["number"], email=data["email"]))
    return {"detail": reply.message, "link_ttl_seconds": reply.link_ttl_seconds}, 202


@bp.post("/contracts/confirm")
@operation("Подтвердить привязку договора по ссылке из письма", tag="contracts", body=s.ContractConfirmIn,
           response=s.ContractConfirmOut, auth=False, errors=(404, 422, 429),
           description="The web page /contracts/confirm?token=T posts the token here. No sign-in is needed: the "
                       "token is the credential and the contract goes to the cabinet that asked (the link is often "
                       "opened by an accountant, on another computer). A used, expired or unknown token is 404 "
                       "contract_link_invalid.")
def confirm_contract():
    data = s.load(s.ContractConfirmIn, request.get_json(silent=True))
    throttle().hit("code_ip", client_ip())
    reply = accounts().call("ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=data["token"].strip()))
    return {"contract_id": reply.contract_id, "number": reply.number,
            "detail": f"Договор {reply.number} добавлен в личный кабинет."}


@bp.get("/contracts")
@operation("Мои договоры", tag="contracts", response=s.ContractListOut)
@login_required
def list_contracts():
    reply = accounts().call("ListMyContracts", pb.ListMyContractsRequest(), idempotent=True)
    return {"contracts": [present.contract(c) for c in reply.contracts]}


@bp.get("/contracts/<contract_id>")
@operation("Договор", tag="contracts", response=s.ContractOut, errors=(404,))
@login_required
def get_contract(contract_id: str):
    return present.contract(accounts().call("GetContract", pb.GetContractRequest(contract_id=path_id(contract_id)),
                                            idempotent=True))


@bp.delete("/contracts/<contract_id>")
@operation("Удалить договор из личного кабинета", tag="contracts", status=204, errors=(404,))
@login_required
def remove_contract(contract_id: str):
    accounts().call("RemoveContract", pb.RemoveContractRequest(contract_id=path_id(contract_id)))
    return "", 204


@bp.get("/contracts/<contract_id>/export.xlsx")
@operation("Экспорт договора в Excel", tag="contracts", errors=(404,), produces=XLSX,
           description=f"The contract's details as an .xlsx workbook ({XLSX}), as an attachment.")
@login_required
def export_contract(contract_id: str):
    reply = accounts().call("ExportContract", pb.ExportContractRequest(contract_id=path_id(contract_id)),
                            idempotent=True)
    response = current_app.response_class(reply.content, mimetype=reply.content_type or XLSX)
    response.headers.set("Content-Disposition", "attachment", filename=reply.filename or "dogovor.xlsx")
    return response
