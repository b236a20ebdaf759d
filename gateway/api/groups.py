"""Абоненты и группы: the cabinet's groups of accounts («Моя группа» always exists)."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.accounts.v1 import accounts_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.api.accounts import accounts, path_id
from gateway.openapi import operation
from gateway.security import login_required
from kit.errors import NotFound

bp = Blueprint("groups", __name__, url_prefix="/api/v1")


@bp.get("/groups")
@operation("Мои группы", tag="groups", response=s.GroupListOut,
           description="With the number of accounts in each; the default «Моя группа» comes first.")
@login_required
def list_groups():
    reply = accounts().call("ListGroups", pb.ListGroupsRequest(), idempotent=True)
    return {"groups": [present.group(x) for x in reply.groups]}


@bp.post("/groups")
@operation("Создать группу", tag="groups", body=s.GroupIn, response=s.GroupOut, status=201, errors=(409, 422),
           description="Names are unique in a cabinet (409 group_name_taken); at most 50 groups.")
@login_required
def create_group():
    data = s.load(s.GroupIn, request.get_json(silent=True))
    return present.group(accounts().call("CreateGroup", pb.CreateGroupRequest(name=data["name"]))), 201


@bp.get("/groups/<group_id>")
@operation("Группа", tag="groups", response=s.GroupOut, errors=(404,))
@login_required
def get_group(group_id: str):
    reply = accounts().call("ListGroups", pb.ListGroupsRequest(), idempotent=True)
    found = next((x for x in reply.groups if x.group_id == group_id), None)
    if found is None:  # the service's own answer for a group that is not mine
        raise NotFound("Группа не найдена.", code="group_not_found")
    return present.group(found)


@bp.patch("/groups/<group_id>")
@operation("Переименовать группу", tag="groups", body=s.GroupIn, response=s.GroupOut, errors=(404, 409, 422))
@login_required
def rename_group(group_id: str):
    data = s.load(s.GroupIn, request.get_json(silent=True))
    return present.group(accounts().call("RenameGroup", pb.RenameGroupRequest(group_id=path_id(group_id),
                                                                              name=data["name"])))


@bp.delete("/groups/<group_id>")
@operation("Удалить группу", tag="groups", response=s.GroupDeletedOut, errors=(404, 409),
           description="Its accounts move to «Моя группа», which cannot be deleted (409 default_group).")
@login_required
def delete_group(group_id: str):
    reply = accounts().call("DeleteGroup", pb.DeleteGroupRequest(group_id=path_id(group_id)))
    return {"default_group_id": reply.default_group_id, "moved_accounts": reply.moved_accounts}
