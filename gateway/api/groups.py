"""Абоненты и группы: the cabinet's groups of accounts («Моя группа» always exists)."""

from __future__ import annotations

from flask import Blueprint
from kabinet.accounts.v1 import accounts_pb2 as pb
from marshmallow import Schema, fields

from gateway.openapi import operation
from gateway.schema import StrictSchema, body, dump, path_id, text
from gateway.security import login_required
from gateway.services import accounts
from kit.errors import NotFound

bp = Blueprint("groups", __name__, url_prefix="/api/v1")


class GroupIn(StrictSchema):
    name = text(required=True)


class GroupOut(Schema):
    group_id = fields.String()
    name = fields.String()
    is_default = fields.Boolean()
    account_count = fields.Integer()


class GroupListOut(Schema):
    groups = fields.List(fields.Nested(GroupOut))


class GroupDeletedOut(Schema):
    default_group_id = fields.String(metadata={"description": "where the group's accounts went"})
    moved_accounts = fields.Integer()


@bp.get("/groups")
@operation("Мои группы", tag="groups", response=GroupListOut,
           description="With the number of accounts in each; the default «Моя группа» comes first.")
@login_required
def list_groups():
    return dump(GroupListOut, accounts().call("ListGroups", pb.ListGroupsRequest(), idempotent=True))


@bp.post("/groups")
@operation("Создать группу", tag="groups", body=GroupIn, response=GroupOut, status=201, errors=(409, 422),
           description="Names are unique in a cabinet (409 group_name_taken); at most 50 groups.")
@login_required
def create_group():
    data = body(GroupIn)
    return dump(GroupOut, accounts().call("CreateGroup", pb.CreateGroupRequest(name=data["name"]))), 201


@bp.get("/groups/<group_id>")
@operation("Группа", tag="groups", response=GroupOut, errors=(404,))
@login_required
def get_group(group_id: str):
    reply = accounts().call("ListGroups", pb.ListGroupsRequest(), idempotent=True)
    found = next((x for x in reply.groups if x.group_id == group_id), None)
    if found is None:  # the service's own answer for a group that is not mine
        raise NotFound("Группа не найдена.", code="group_not_found")
    return dump(GroupOut, found)


@bp.patch("/groups/<group_id>")
@operation("Переименовать группу", tag="groups", body=GroupIn, response=GroupOut, errors=(404, 409, 422))
@login_required
def rename_group(group_id: str):
    data = body(GroupIn)
    return dump(GroupOut, accounts().call("RenameGroup", pb.RenameGroupRequest(group_id=path_id(group_id),
                                                                               name=data["name"])))


@bp.delete("/groups/<group_id>")
@operation("Удалить группу", tag="groups", response=GroupDeletedOut, errors=(404, 409),
           description="Its accounts move to «Моя группа», which cannot be deleted (409 default_group).")
@login_required
def delete_group(group_id: str):
    return dump(GroupDeletedOut, accounts().call("DeleteGroup", pb.DeleteGroupRequest(group_id=path_id(group_id))))
