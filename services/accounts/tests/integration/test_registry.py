"""Registry import against real PostgreSQL: idempotent, reports bad rows, closes removed meters."""

from __future__ import annotations

import time

import pytest
from kabinet.accounts.v1 import accounts_pb2 as pb
from sqlalchemy import func, select

from kit.errors import Forbidden
from kit.migrations import upgrade
from kit.outbox import outbox
from kit.settings import ServiceConfig, load
from services.accounts import bootstrap
from services.accounts.adapters.orm import accounts, meters, payments
from services.accounts.entrypoints.api import AccountsServicer
from services.accounts.service_layer.registry import import_registry, resolve
from services.accounts.tests import demo
from services.accounts.tests.demo import load_demo
from services.accounts.tests.integration.test_cabinet import ADMIN, OPERATOR, call
from tools.registry_generator import generate

pytestmark = pytest.mark.integration


@pytest.fixture
def rt(database_url_factory, nats_url):
    url = database_url_factory("accounts")
    upgrade(url, bootstrap.SERVICE.package_dir / "migrations")
    runtime = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=url, nats_url=nats_url))
    load_demo(runtime)  # the demo supplier, code 012
    yield runtime
    runtime.engine.dispose()


def count(rt, table, *where) -> int:
    with rt.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def files(path, kinds=("accounts", "meters", "payments")):
    return {kind: (path / f"{kind}.csv").read_bytes() for kind in kinds}


def by_kind(report):
    return {f.kind: f for f in report.files}


def test_a_10000_account_registry_imports_once_and_re_imports_as_unchanged(rt, tmp_path):
    generate(tmp_path, 10_000)
    started = time.perf_counter()
    first = by_kind(import_registry(rt.uow(), **files(tmp_path)))
    elapsed = time.perf_counter() - started
    assert (first["accounts"].inserted, first["meters"].inserted, first["payments"].inserted) == (10_000, 10_000, 20_000)
    assert not any(f.rejected for f in first.values())
    events = count(rt, outbox, outbox.c.subject == "accounts.account.changed")
    assert events >= 10_000
    print(f"\nregistry import: 10,000 accounts + meters + 20,000 payments in {elapsed:.1f}s")

    again = by_kind(import_registry(rt.uow(), **files(tmp_path)))
    assert [(f.inserted, f.updated, f.closed, f.unchanged) for f in again.values()] == [
        (0, 0, 0, 10_000), (0, 0, 0, 10_000), (0, 0, 0, 20_000)]
    assert count(rt, outbox, outbox.c.subject == "accounts.account.changed") == events  # nothing new to say
    assert count(rt, accounts) == 10_004 and count(rt, payments) == 20_000 + 6  # + the demo's

    numbers = [line.split(";")[1] for line in (tmp_path / "accounts.csv").read_text().splitlines()[1:]]
    started = time.perf_counter()
    found = resolve(rt.uow(), supplier_code="012", account_numbers=numbers, contract_numbers=[], with_meters=True)
    elapsed = time.perf_counter() - started
    assert len(found.accounts) == 10_000 and all(len(a.meters) == 1 for a in found.accounts)
    print(f"resolve: 10,000 account numbers with their meters in {elapsed:.2f}s")


def test_generated_contracts_import_once(rt, tmp_path):
    generate(tmp_path, 200)
    first = by_kind(import_registry(rt.uow(), **files(tmp_path, ("accounts", "contracts"))))
    assert (first["contracts"].inserted, first["contracts"].rejected) == (10, [])
    again = by_kind(import_registry(rt.uow(), **files(tmp_path, ("contracts",))))
    assert (again["contracts"].inserted, again["contracts"].updated, again["contracts"].unchanged) == (0, 0, 10)


def test_changes_are_applied_removed_meters_closed_and_bad_rows_reported(rt, tmp_path):
    generate(tmp_path, 20)
    import_registry(rt.uow(), **files(tmp_path))
    acc = (tmp_path / "accounts.csv").read_text().splitlines()
    met = (tmp_path / "meters.csv").read_text().splitlines()
    acc[1] = acc[1].replace("Санкт-Петербург", "Санкт-Петербург (новый адрес)")
    acc.append("999;77-00000001;Кто-то;Адрес;urban_gas_stove;;;gas;email;0")       # unknown supplier
    acc.append("012;50-00000100;;Адрес;urban_gas_stove;;;gas;email;0")             # no holder
    acc.append(acc[2])                                                              # duplicate
    untouched = met.pop(3)                          # an account the file does not list keeps its meters
    replaced = met[2].split(";")[2]
    met[2] = ";".join(met[2].split(";")[:2]) + ";NEW-1;Меркурий 201.5;1;6;1;"      # a meter replaced
    met.append("012;50-99999999;123;Меркурий;1;6;1;")                               # account unknown
    met.append("012;50-00000005;124;Меркурий;4;6;1;")                               # 4 zones
    (tmp_path / "accounts.csv").write_text("\n".join(acc) + "\n")
    (tmp_path / "meters.csv").write_text("\n".join(met) + "\n")

    report = by_kind(import_registry(rt.uow(), accounts=(tmp_path / "accounts.csv").read_bytes(),
                                     meters=(tmp_path / "meters.csv").read_bytes()))
    a, m = report["accounts"], report["meters"]
    assert (a.inserted, a.updated, a.unchanged) == (0, 1, 19)
    assert [r.line for r in a.rejected] == [22, 23, 24]
    assert "код поставщика" in a.rejected[0].reason and "владелец" in a.rejected[1].reason
    assert "Повтор" in a.rejected[2].reason
    assert (m.inserted, m.closed) == (1, 1)
    assert sorted(r.line for r in m.rejected) == [21, 22]
    with rt.engine.connect() as conn:
        closed_at = dict(conn.execute(select(meters.c.number, meters.c.closed_at)).all())
    assert closed_at[replaced] is not None  # closed, not deleted
    assert closed_at["NEW-1"] is None and closed_at[untouched.split(";")[2]] is None


def test_the_other_services_resolve_numbers_to_ids_by_accounts_rules(rt):
    import_registry(rt.uow(), contracts=("supplier_code;contract_number;holder;inn;emails;address\n"
                                         "012;78078078078000;ООО «Завод»;7801234567;a@b.ru;Адрес\n").encode())
    api = AccountsServicer(rt.uow)
    reply = call(api, ADMIN, "StaffResolveAccounts", pb.StaffResolveAccountsRequest(
        supplier_code="012", account_numbers=["012-010000001", "12-10000002", "12-99999999", "нет"],
        contract_numbers=["7807 8078 0780 00", "1"], with_meters=True))
    assert reply.supplier_id == demo.DEMO_SUPPLIER
    found = {a.number: a for a in reply.accounts}
    assert set(found) == {"012-010000001", "12-10000002"}
    assert found["012-010000001"].account_id == demo.account("12-10000001")  # the registry's ids: uuid5
    assert [(m.meter_number, m.meter_id, m.zones, m.digits, m.closed) for m in found["12-10000002"].meters] == [
        ("23456789", demo.meter("12-10000002", "23456789"), 2, 6, False)]
    assert [(c.contract_number, c.supplier_id) for c in reply.contracts] == [("7807 8078 0780 00", demo.DEMO_SUPPLIER)]
    unknown = call(api, ADMIN, "StaffResolveAccounts", pb.StaffResolveAccountsRequest(
        supplier_code="999", account_numbers=["12-10000002"]))
    assert (unknown.supplier_id, list(unknown.accounts)) == ("", [])
    with pytest.raises(Forbidden):
        call(api, OPERATOR, "StaffResolveAccounts", pb.StaffResolveAccountsRequest(supplier_code="012"))
