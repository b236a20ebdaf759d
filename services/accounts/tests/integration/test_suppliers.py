"""Suppliers through the accounts servicer against real PostgreSQL: staff admins create and change them,
operators read them, every call is audited, every change leaves as accounts.supplier.changed, and the
rows entered before migration 0004 (the demo supplier's bank JSON) are carried over."""

from __future__ import annotations

import json
import uuid

import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from kabinet.accounts.v1 import accounts_pb2 as pb
from sqlalchemy import create_engine, text

from kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from kit.migrations import upgrade
from kit.settings import ServiceConfig, load
from services.accounts import bootstrap
from services.accounts.entrypoints.api import AccountsServicer
from services.accounts.tests.demo import DEMO_SUPPLIER, load_demo
from services.accounts.tests.integration.test_cabinet import ADMIN, OPERATOR, call, events, person

pytestmark = pytest.mark.integration

MIGRATIONS = bootstrap.SERVICE.package_dir / "migrations"


def sber_supplier(**changes) -> pb.Supplier:
    """A valid supplier banking with ПАО Сбербанк (БИК 044525225, корр. счёт 30101810400000000225)."""
    values = dict(
        name="АО «Петербургская сбытовая компания»", inn="7841322249", kpp="784101001",
        bank=pb.BankDetails(bank_name="ПАО Сбербанк", bic="044525225", settlement_account="40702810938000000001",
                            correspondent_account="30101810400000000225"),
        sms_code="077", timezone="", readings_window=pb.ReadingsWindow(from_day=15, to_day=25, outside="refuse"),
        payment_due_day=10, services=["Электроэнергия"])
    return pb.Supplier(**values | changes)


@pytest.fixture
def rt(database_url_factory, nats_url):
    url = database_url_factory("accounts")
    upgrade(url, MIGRATIONS)
    runtime = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=url, nats_url=nats_url))
    load_demo(runtime)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def api(rt):
    return AccountsServicer(rt.uow)


def create(api, supplier: pb.Supplier, who=ADMIN) -> pb.Supplier:
    return call(api, who, "StaffCreateSupplier", pb.StaffCreateSupplierRequest(supplier=supplier))


def change(api, supplier_id: str, paths: list[str], who=ADMIN, **values) -> pb.Supplier:
    return call(api, who, "StaffUpdateSupplier", pb.StaffUpdateSupplierRequest(
        supplier_id=supplier_id, supplier=pb.Supplier(**values), update_mask=FieldMask(paths=paths)))


def audit(api, supplier_id: str) -> list[pb.AuditEntry]:
    return list(call(api, ADMIN, "StaffListAudit", pb.StaffListAuditRequest(entity="supplier",
                                                                            entity_id=supplier_id)).entries)


def test_an_admin_creates_a_supplier_and_it_is_announced_and_audited(api, rt):
    made = create(api, sber_supplier())
    assert uuid.UUID(made.supplier_id) and made.timezone == "Europe/Moscow"
    assert (made.inn, made.kpp, made.bank.bic, made.sms_code, made.payment_due_day) == (
        "7841322249", "784101001", "044525225", "077", 10)
    assert call(api, OPERATOR, "StaffGetSupplier", pb.StaffGetSupplierRequest(supplier_id=made.supplier_id)) == made
    listed = call(api, OPERATOR, "StaffListSuppliers", pb.StaffListSuppliersRequest()).suppliers
    assert {s.supplier_id for s in listed} == {made.supplier_id, DEMO_SUPPLIER}
    public = api.ListSuppliers(pb.ListSuppliersRequest(), None).suppliers  # no caller: what customers choose from
    mine = next(s for s in public if s.supplier_id == made.supplier_id)
    assert (mine.name, list(mine.services)) == (made.name, list(made.services))
    assert {f.name for f, _ in mine.ListFields()} <= {"supplier_id", "name", "services"}  # no bank, INN, codes

    [announced] = [e.supplier for e in events(rt, "accounts.supplier.changed") if e.supplier.supplier_id ==
                   made.supplier_id]
    assert announced == made
    [created] = [e for e in audit(api, made.supplier_id) if e.action == "supplier.created"]
    assert created.actor_id == ADMIN.user_id and not created.before_json
    assert json.loads(created.after_json)["bank.correspondent_account"] == "30101810400000000225"


def test_an_admin_changes_only_the_fields_named_and_the_audit_has_before_and_after(api, rt):
    made = create(api, sber_supplier())
    announced = len(events(rt, "accounts.supplier.changed"))
    # to ВТБ: БИК 044525187, корр. счёт 30101810700000000187, and an account keyed for it
    vtb = pb.BankDetails(bic="044525187", correspondent_account="30101810700000000187",
                         settlement_account="40702810700000000001")
    changed = change(api, made.supplier_id, ["name", "bank.bic", "bank.correspondent_account",
                                             "bank.settlement_account", "readings_window.outside"],
                     name="АО «ПСК»", bank=vtb, readings_window=pb.ReadingsWindow(outside="next_period"))
    assert (changed.name, changed.bank.bic, changed.readings_window.outside) == ("АО «ПСК»", "044525187",
                                                                                 "next_period")
    assert (changed.bank.bank_name, changed.inn, changed.readings_window.from_day, list(changed.services)) == (
        "ПАО Сбербанк", "7841322249", 15, ["Электроэнергия"])  # not named: unchanged
    assert events(rt, "accounts.supplier.changed")[announced:][-1].supplier == changed

    [updated] = [e for e in audit(api, made.supplier_id) if e.action == "supplier.updated"]
    before, after = json.loads(updated.before_json), json.loads(updated.after_json)
    assert (before["name"], after["name"]) == ("АО «Петербургская сбытовая компания»", "АО «ПСК»")
    assert (before["bank.bic"], after["bank.bic"]) == ("044525225", "044525187")
    assert set(after) == {"name", "bank.bic", "bank.correspondent_account", "bank.settlement_account",
                          "readings_window.outside"}

    same = change(api, made.supplier_id, ["payment_due_day"], payment_due_day=10)
    assert same == changed and len(events(rt, "accounts.supplier.changed")) == announced + 1  # nothing new


def test_bad_values_are_refused_all_at_once_and_nothing_is_written(api, rt):
    announced = len(events(rt, "accounts.supplier.changed"))
    with pytest.raises(InvalidInput) as exc:
        create(api, sber_supplier(inn="7841322248", bank=pb.BankDetails(
            bank_name="ПАО Сбербанк", bic="04452522", settlement_account="40702810938000000001",
            correspondent_account="30101810400000000225"), payment_due_day=31))
    assert exc.value.code == "invalid_input"
    assert set(exc.value.fields) == {"inn", "bank.bic", "payment_due_day"}
    with pytest.raises(InvalidInput) as exc:  # a settlement account that does not match the BIC
        create(api, sber_supplier(bank=pb.BankDetails(
            bank_name="ПАО Сбербанк", bic="044525225", settlement_account="40702810938000000002",
            correspondent_account="30101810400000000225")))
    assert (exc.value.code, set(exc.value.fields)) == ("invalid_bank_details", {"bank.settlement_account"})

    made = create(api, sber_supplier())
    with pytest.raises(InvalidInput) as exc:  # another bank's BIC alone does not match the accounts kept
        change(api, made.supplier_id, ["bank.bic"], bank=pb.BankDetails(bic="044525187"))
    assert (exc.value.code, set(exc.value.fields)) == ("invalid_bank_details", {"bank.bic"})
    for paths, code in (([], "nothing_to_change"), (["supplier_id"], "invalid_update_mask")):
        with pytest.raises(InvalidInput) as exc:
            change(api, made.supplier_id, paths)
        assert exc.value.code == code
    assert len(events(rt, "accounts.supplier.changed")) == announced + 1
    assert [e.action for e in audit(api, made.supplier_id)] == ["supplier.created"]


def test_an_sms_code_belongs_to_one_supplier(api):
    with pytest.raises(Conflict) as exc:
        create(api, sber_supplier(sms_code="012"))  # the demo supplier's
    assert (exc.value.code, set(exc.value.fields)) == ("sms_code_taken", {"sms_code"})
    made = create(api, sber_supplier())
    with pytest.raises(Conflict):
        change(api, made.supplier_id, ["sms_code"], sms_code="012")
    assert change(api, made.supplier_id, ["sms_code"], sms_code="078").sms_code == "078"
    assert create(api, sber_supplier(sms_code="077")).sms_code == "077"  # free again


def test_operators_read_admins_write_customers_nothing(api):
    made = create(api, sber_supplier())
    for attempt in (lambda who: create(api, sber_supplier(sms_code="079"), who),
                    lambda who: change(api, made.supplier_id, ["name"], who, name="x")):
        for who in (OPERATOR, person()):
            with pytest.raises(Forbidden):
                attempt(who)
    with pytest.raises(Forbidden):
        call(api, person(), "StaffListSuppliers", pb.StaffListSuppliersRequest())
    for missing in (str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(NotFound) as exc:
            call(api, OPERATOR, "StaffGetSupplier", pb.StaffGetSupplierRequest(supplier_id=missing))
        assert exc.value.code == "supplier_not_found"
        with pytest.raises(NotFound):
            change(api, missing, ["name"], name="x")
    call(api, OPERATOR, "StaffGetSupplier", pb.StaffGetSupplierRequest(supplier_id=made.supplier_id))
    call(api, OPERATOR, "StaffListSuppliers", pb.StaffListSuppliersRequest())
    entries = call(api, ADMIN, "StaffListAudit", pb.StaffListAuditRequest()).entries
    assert {(e.action, e.actor_id) for e in entries} >= {
        ("supplier.created", ADMIN.user_id), ("supplier.viewed", OPERATOR.user_id),
        ("suppliers.listed", OPERATOR.user_id)}


def test_the_demo_supplier_is_announced_when_created_and_keeps_its_values_on_a_change(api, rt):
    [demo] = [e.supplier for e in events(rt, "accounts.supplier.changed")]
    assert (demo.supplier_id, demo.sms_code, demo.bank.bic, demo.kpp) == (DEMO_SUPPLIER, "012", "044030653",
                                                                         "780001001")
    assert (demo.readings_window.from_day, demo.readings_window.to_day, demo.payment_due_day) == (1, 31, 10)
    renamed = change(api, DEMO_SUPPLIER, ["kpp"], kpp="780101001")  # its other values stay as they were
    assert (renamed.kpp, renamed.inn) == ("780101001", demo.inn)


def test_migration_0004_moves_the_bank_json_into_columns_and_fills_defaults(database_url_factory):
    url = database_url_factory("accounts")
    upgrade(url, MIGRATIONS, "0003")
    engine = create_engine(url)
    bank = {"bank_name": "ПАО Сбербанк", "bik": "044525225", "account": "40702810938000000001",
            "corr_account": "30101810400000000225"}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO suppliers (supplier_id, name, inn, sms_code, bank, services) VALUES "
                          "(:id, 'Старый', '7841322249', '033', CAST(:bank AS jsonb), '[\"Электроэнергия\"]')"),
                     {"id": DEMO_SUPPLIER, "bank": json.dumps(bank)})
    upgrade(url, MIGRATIONS)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM suppliers")).mappings().one()
    engine.dispose()
    assert (row["bank_name"], row["bic"], row["settlement_account"], row["correspondent_account"]) == (
        "ПАО Сбербанк", "044525225", "40702810938000000001", "30101810400000000225")
    assert (row["kpp"], row["timezone"], row["readings_from_day"], row["readings_to_day"],
            row["readings_outside"], row["payment_due_day"]) == ("", "Europe/Moscow", 1, 31, "refuse", 10)
    assert "bank" not in row
