"""Договоры энергоснабжения of legal entities: bind by number + a listed e-mail, confirm by the link,
list, view, remove, export to .xlsx. accounts checks the number and the e-mail."""

from __future__ import annotations

from flask import Blueprint
from kabinet.accounts.v1 import accounts_pb2 as pb
from marshmallow import Schema, fields

from gateway.captcha import solved_if_given
from gateway.openapi import operation
from gateway.schema import NAME, SECRET, SHORT, XLSX, StrictSchema, attachment, body, dump, path_id, text
from gateway.security import current_caller, login_required
from gateway.services import accounts
from gateway.shapes import ContractOut
from gateway.throttle import binding_attempt, client_ip, sending, throttle

bp = Blueprint("contracts", __name__, url_prefix="/api/v1")


class BindContractIn(StrictSchema):
    number = text(required=True, metadata={"description": "14 digits, spaces allowed"})
    email = text(NAME, required=True, metadata={"description": "an e-mail written in the contract"})
    captcha_id = text(SHORT, metadata={"description": "when asked (422 captcha_required)"})
    captcha_answer = text(SHORT)


class BindContractOut(Schema):
    detail = fields.String(attribute="message")
    link_ttl_seconds = fields.Integer()


class ContractConfirmIn(StrictSchema):
    token = text(SECRET, required=True)


class ContractConfirmOut(Schema):
    contract_id = fields.String()
    number = fields.String()
    detail = fields.String()


class ContractListOut(Schema):
    contracts = fields.List(fields.Nested(ContractOut))


@bp.post("/contracts")
@operation("Привязать договор (номер и e-mail из договора)", tag="contracts", body=BindContractIn,
           response=BindContractOut, status=202, errors=(409, 422, 429),
           description="When the 14-digit number and one of the contract's e-mails match, a single-use link "
                       "(24 h) is sent to that e-mail; the reply is the same neutral one whether they match or "
                       "not. Only when they match: 409 contract_taken (bound to another cabinet; whose is never "
                       "said) or 409 contract_already_bound (already mine). Binding attempts and e-mail sending "
                       "caps apply (429).")
@login_required
def bind_contract():
    data = body(BindContractIn)
    binding_attempt(current_caller().user_id)
    sending("email", data["email"])  # it may send an e-mail: the per-address, per-IP and global caps
    reply = accounts().call("BindContract", pb.BindContractRequest(number=data["number"], email=data["email"],
                                                                   captcha_solved=solved_if_given(data)))
    return dump(BindContractOut, reply), 202


@bp.post("/contracts/confirm")
@operation("Подтвердить привязку договора по ссылке из письма", tag="contracts", body=ContractConfirmIn,
           response=ContractConfirmOut, auth=False, errors=(404, 422, 429),
           description="The web page /contracts/confirm?token=T posts the token here. No sign-in is needed: the "
                       "token is the credential and the contract goes to the cabinet that asked (the link is often "
                       "opened by an accountant, on another computer). A used, expired or unknown token is 404 "
                       "contract_link_invalid.")
def confirm_contract():
    data = body(ContractConfirmIn)
    throttle().hit("code_ip", client_ip())
    reply = accounts().call("ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=data["token"].strip()))
    return dump(ContractConfirmOut, {"contract_id": reply.contract_id, "number": reply.number,
                                     "detail": f"Договор {reply.number} добавлен в личный кабинет."})


@bp.get("/contracts")
@operation("Мои договоры", tag="contracts", response=ContractListOut)
@login_required
def list_contracts():
    return dump(ContractListOut, accounts().call("ListMyContracts", pb.ListMyContractsRequest(), idempotent=True))


@bp.get("/contracts/<contract_id>")
@operation("Договор", tag="contracts", response=ContractOut, errors=(404,))
@login_required
def get_contract(contract_id: str):
    return dump(ContractOut, accounts().call("GetContract", pb.GetContractRequest(contract_id=path_id(contract_id)),
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
    return attachment(reply, XLSX, "dogovor.xlsx")
