"""The accounts servicer against real PostgreSQL, called as the gateway would (a caller in context):
binding with proof and activation codes, groups, contracts by e-mail link, service requests, staff
tools with their audit, and an IDOR suite — another cabinet's ids are NOT_FOUND and say nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import uuid

import pytest
from kabinet.accounts.v1 import accounts_pb2 as pb
from openpyxl import load_workbook
from sqlalchemy import select, update

from kit.context import Caller, caller_var
from kit.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Rejected, TooManyAttempts
from kit.events import decode
from kit.migrations import upgrade
from kit.outbox import outbox
from kit.settings import ServiceConfig, load
from services.accounts import bootstrap
from services.accounts.adapters.orm import activation_codes, bind_attempts, contract_confirmations
from services.accounts.domain.model import MAX_ATTEMPTS_PER_USER, MAX_ATTEMPTS_PER_USER_DAY, NUMBER_PRESSURE
from services.accounts.entrypoints.api import AccountsServicer
from services.accounts.tests import demo
from services.accounts.tests.demo import load_demo

pytestmark = pytest.mark.integration

IVANOV = demo.account("12-10000001")        # last payment 2026-10-15 1450,75, meter 01234567
PETROVA = demo.account("12-10000002")
SIDOROV = demo.account("12-10000003")       # meter 34567890
SIDOROV_METER = demo.meter("12-10000003", "34567890")
CONTRACT = "78078078078000"
CONTRACTS_CSV = (
    "supplier_code;contract_number;holder;inn;emails;address\n"
    f"012;{CONTRACT};ООО «Завод»;7801234567;buh@zavod.ru, info@zavod.ru;Санкт-Петербург, ул. Заводская, 1\n"
    "012;78078078078001;ООО «Склад»;7801234568;sklad@example.ru;Санкт-Петербург, ул. Складская, 2\n"
).encode()


@pytest.fixture
def rt(database_url_factory, nats_url):
    url = database_url_factory("accounts")
    upgrade(url, bootstrap.SERVICE.package_dir / "migrations")
    runtime = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=url, nats_url=nats_url))
    load_demo(runtime)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def api(rt):
    return AccountsServicer(rt.uow)


def person(kind="person") -> Caller:
    return Caller(user_id=str(uuid.uuid4()), kind=kind)


OPERATOR = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("operator",))
ADMIN = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("admin",))


@contextlib.contextmanager
def as_(who: Caller):
    token = caller_var.set(who)
    try:
        yield
    finally:
        caller_var.reset(token)


def call(api, who: Caller, method: str, request):
    with as_(who):
        return getattr(api, method)(request, None)


def bind_by_meter(api, who, number="12-10000003", meter="34567890", **kw):
    return call(api, who, "BindAccount", pb.BindAccountRequest(number=number, meter_number=meter, **kw))


def events(rt, subject: str) -> list:
    with rt.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.envelope).where(outbox.c.subject == subject).order_by(outbox.c.seq))
        return [decode(r.envelope).payload for r in rows]


def import_contracts(api, data=CONTRACTS_CSV):
    return call(api, ADMIN, "ImportRegistry", pb.ImportRegistryRequest(contracts=data))


def request_link(api, rt, who, email="buh@zavod.ru") -> str:
    """Asks to bind the contract; the raw token as notify would get it from the event."""
    before = len(events(rt, "accounts.contract.confirmation_requested"))
    call(api, who, "BindContract", pb.BindContractRequest(number=CONTRACT, email=email))
    sent = events(rt, "accounts.contract.confirmation_requested")
    assert len(sent) == before + 1
    return sent[-1].token


# --- accounts, groups ---

def test_bind_with_details_group_alias_update_and_unbind(api, rt):
    me = person()
    acc = call(api, me, "BindAccount", pb.BindAccountRequest(
        number="0012-010000001", last_payment=pb.LastPaymentProof(date="2026-10-15", amount_kop=145075),
        alias="Квартира"))
    assert (acc.account_id, acc.alias, acc.group_name) == (IVANOV, "Квартира", "Моя группа")
    assert acc.meters[0].verification_due and acc.bill_delivery and acc.premise.stove in ("gas", "electric", "")
    dacha = call(api, me, "CreateGroup", pb.CreateGroupRequest(name="Дача"))
    sid = bind_by_meter(api, me, group_id=dacha.group_id)
    assert sid.group_name == "Дача"
    groups = call(api, me, "ListGroups", pb.ListGroupsRequest()).groups
    assert [(g.name, g.is_default, g.account_count) for g in groups] == [("Моя группа", True, 1), ("Дача", False, 1)]

    changed_before = len(events(rt, "accounts.account.changed"))
    choice = "paper" if acc.bill_delivery != "paper" else "email"
    upd = call(api, me, "UpdateAccount", pb.UpdateAccountRequest(account_id=IVANOV, alias="", group_id=dacha.group_id,
                                                                 bill_delivery=choice))
    assert (upd.alias, upd.group_name, upd.bill_delivery) == ("", "Дача", choice)
    assert events(rt, "accounts.account.changed")[changed_before:][0].account.bill_delivery == choice

    call(api, me, "RenameGroup", pb.RenameGroupRequest(group_id=groups[0].group_id, name="Дом"))
    with pytest.raises(Conflict):
        call(api, me, "CreateGroup", pb.CreateGroupRequest(name="дача"))
    with pytest.raises(Rejected):
        call(api, me, "DeleteGroup", pb.DeleteGroupRequest(group_id=groups[0].group_id))
    gone = call(api, me, "DeleteGroup", pb.DeleteGroupRequest(group_id=dacha.group_id))
    assert (gone.default_group_id, gone.moved_accounts) == (groups[0].group_id, 2)
    assert {a.group_name for a in call(api, me, "ListMyAccounts", pb.ListMyAccountsRequest()).accounts} == {"Дом"}

    call(api, me, "UnbindAccount", pb.UnbindAccountRequest(account_id=IVANOV))
    assert events(rt, "accounts.account.unbound")[-1].user_id == me.user_id
    with pytest.raises(NotFound):
        call(api, me, "CheckAccess", pb.CheckAccessRequest(account_id=IVANOV))
    assert [a.account_id for a in call(api, me, "ListMyAccounts", pb.ListMyAccountsRequest()).accounts] == [SIDOROV]


def test_proof_guessing_hits_the_limit_and_the_error_never_says_what_was_wrong(api):
    me = person()
    codes = set()
    for i in range(MAX_ATTEMPTS_PER_USER):
        with pytest.raises(NotFound) as exc:
            call(api, me, "BindAccount", pb.BindAccountRequest(
                number="12-10000001", last_payment=pb.LastPaymentProof(date="2026-10-15", amount_kop=100 + i)))
        codes.add((exc.value.code, exc.value.message))
    with pytest.raises(NotFound) as exc:  # a wrong meter and an unknown number say the same
        bind_by_meter(api, person(), number="99-99999999")
    codes.add((exc.value.code, exc.value.message))
    assert len(codes) == 1
    with pytest.raises(TooManyAttempts):  # even the right proof now
        call(api, me, "BindAccount", pb.BindAccountRequest(
            number="12-10000001", last_payment=pb.LastPaymentProof(date="2026-10-15", amount_kop=145075)))


def pay(amount_kop: int) -> pb.LastPaymentProof:
    return pb.LastPaymentProof(date="2026-10-15", amount_kop=amount_kop)


def guessers_enough_to_put_a_number_under_pressure() -> list[Caller]:
    return [person() for _ in range(-(-NUMBER_PRESSURE // MAX_ATTEMPTS_PER_USER))]


def test_strangers_failing_for_a_number_never_lock_its_owner_out(api):
    guessers = guessers_enough_to_put_a_number_under_pressure()
    for g in guessers:
        for i in range(MAX_ATTEMPTS_PER_USER):
            with pytest.raises(NotFound):
                call(api, g, "BindAccount", pb.BindAccountRequest(number="12-10000001", last_payment=pay(100 + i)))

    owner, stranger = person(), person()
    answers = []
    for who, proof in [(owner, pay(145075)), (stranger, pay(99))]:  # right or wrong: a captcha first
        with pytest.raises(InvalidInput) as exc:
            call(api, who, "BindAccount", pb.BindAccountRequest(number="0012-010000001", last_payment=proof))
        answers.append((exc.value.code, exc.value.message, exc.value.fields))
    assert answers[0] == answers[1] and answers[0][0] == "captcha_required" and set(answers[0][2]) == {"captcha_answer"}
    with pytest.raises(NotFound):  # with a captcha a wrong proof is a mismatch as ever
        call(api, stranger, "BindAccount", pb.BindAccountRequest(number="12-10000001", last_payment=pay(99),
                                                                 captcha_solved=True))

    acc = call(api, owner, "BindAccount", pb.BindAccountRequest(number="12-10000001", last_payment=pay(145075),
                                                              captcha_solved=True))
    assert acc.account_id == IVANOV
    for g in guessers:  # the guessers' own budgets still refuse them, even with a captcha and the right proof
        with pytest.raises(TooManyAttempts) as exc:
            call(api, g, "BindAccount", pb.BindAccountRequest(number="12-10000001", last_payment=pay(145075),
                                                              captcha_solved=True))
        assert exc.value.code == "too_many_attempts"
    other = bind_by_meter(api, person())  # other numbers are not under pressure
    assert other.account_id == SIDOROV


def test_a_cabinet_gets_a_day_budget_of_failed_proofs(api, rt):
    me = person()
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)  # outside the hour, inside the day
    with rt.engine.begin() as conn:
        conn.execute(bind_attempts.insert(), [{"user_id": me.user_id, "number_key": f"99-{i}", "at": earlier}
                                              for i in range(MAX_ATTEMPTS_PER_USER_DAY)])
    with pytest.raises(TooManyAttempts) as exc:
        bind_by_meter(api, me)
    assert exc.value.retry_after == 24 * 3600
    bind_by_meter(api, person())  # those failures were for other numbers: this one is not under pressure


def test_an_activation_code_binds_once_and_only_its_account(api, rt):
    with pytest.raises(Forbidden):  # customers cannot issue codes
        call(api, person(), "StaffIssueActivationCode", pb.StaffIssueActivationCodeRequest(account_id=PETROVA))
    issued = call(api, OPERATOR, "StaffIssueActivationCode", pb.StaffIssueActivationCodeRequest(account_id=PETROVA))
    with rt.engine.connect() as conn:
        stored = conn.execute(select(activation_codes.c.code_hash)).scalars().all()
    assert issued.code not in stored and issued.code.replace("-", "") not in stored  # hashed only
    with pytest.raises(NotFound):  # the code of another account
        call(api, person(), "BindAccount", pb.BindAccountRequest(number="12-10000003", activation_code=issued.code))
    first = person()
    acc = call(api, first, "BindAccount", pb.BindAccountRequest(number="12-10000002",
                                                                activation_code=issued.code.lower()))
    assert acc.account_id == PETROVA
    with pytest.raises(NotFound):  # single use
        call(api, person(), "BindAccount", pb.BindAccountRequest(number="12-10000002", activation_code=issued.code))
    again = call(api, OPERATOR, "StaffIssueActivationCode", pb.StaffIssueActivationCodeRequest(account_id=PETROVA))
    newer = call(api, OPERATOR, "StaffIssueActivationCode", pb.StaffIssueActivationCodeRequest(account_id=PETROVA))
    with pytest.raises(NotFound):  # a newer code replaces an unused one
        call(api, person(), "BindAccount", pb.BindAccountRequest(number="12-10000002", activation_code=again.code))
    with rt.engine.begin() as conn:  # expiry
        conn.execute(update(activation_codes).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    with pytest.raises(NotFound):
        call(api, person(), "BindAccount", pb.BindAccountRequest(number="12-10000002", activation_code=newer.code))


# --- contracts ---

def test_contract_binding_by_e_mail_link_single_use_one_cabinet_export_and_removal(api, rt):
    first = import_contracts(api).files[0]
    assert (first.kind, first.inserted, first.rejected) == ("contracts", 2, [])
    me, other = person("organization"), person("organization")

    wrong = call(api, me, "BindContract", pb.BindContractRequest(number=CONTRACT, email="boss@zavod.ru"))
    right = call(api, me, "BindContract", pb.BindContractRequest(number=CONTRACT, email="Info@Zavod.ru"))
    assert wrong.message.replace("boss", "X") == right.message.replace("info", "X")  # neutral either way
    assert call(api, me, "ListMyContracts", pb.ListMyContractsRequest()).contracts == []  # not yet

    token = request_link(api, rt, me)
    with rt.engine.connect() as conn:
        assert token not in conn.execute(select(contract_confirmations.c.token_hash)).scalars().all()
    with as_(None):  # the link works where nobody is signed in
        done = api.ConfirmContractBinding(pb.ConfirmContractBindingRequest(token=token), None)
    assert done.number == CONTRACT
    assert events(rt, "accounts.contract.bound")[-1].user_id == me.user_id
    with pytest.raises(NotFound) as exc:  # single use
        call(api, me, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=token))
    assert exc.value.code == "contract_link_invalid"

    mine = call(api, me, "ListMyContracts", pb.ListMyContractsRequest()).contracts
    assert [(c.number, c.holder, list(c.emails)) for c in mine] == [
        (CONTRACT, "ООО «Завод»", ["buh@zavod.ru", "info@zavod.ru"])]
    with pytest.raises(Rejected) as exc:  # a second cabinet: a clear refusal, not whose it is
        call(api, other, "BindContract", pb.BindContractRequest(number=CONTRACT, email="buh@zavod.ru"))
    assert exc.value.code == "contract_taken" and me.user_id not in exc.value.message
    with pytest.raises(Conflict):
        call(api, me, "BindContract", pb.BindContractRequest(number=CONTRACT, email="buh@zavod.ru"))

    xlsx = call(api, me, "ExportContract", pb.ExportContractRequest(contract_id=mine[0].contract_id))
    assert xlsx.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["Номер договора"] == CONTRACT and values["ИНН"] == "7801234567"

    call(api, me, "RemoveContract", pb.RemoveContractRequest(contract_id=mine[0].contract_id))
    assert events(rt, "accounts.contract.unbound")[-1].contract_id == mine[0].contract_id
    token = request_link(api, rt, other)  # free again
    call(api, other, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=token))
    assert [c.number for c in call(api, other, "ListMyContracts", pb.ListMyContractsRequest()).contracts] == [CONTRACT]


def test_a_contract_link_expires_and_a_race_is_won_by_one_cabinet(api, rt):
    import_contracts(api)
    me, rival = person(), person()
    stale = request_link(api, rt, me)
    with rt.engine.begin() as conn:
        conn.execute(update(contract_confirmations).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    with pytest.raises(NotFound):
        call(api, me, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=stale))
    mine, theirs = request_link(api, rt, me), request_link(api, rt, rival, "info@zavod.ru")
    call(api, rival, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=theirs))
    with pytest.raises(Rejected):
        call(api, me, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=mine))
    assert call(api, me, "ListMyContracts", pb.ListMyContractsRequest()).contracts == []


def test_contract_guessing_hits_the_limit(api):
    import_contracts(api)
    me = person()
    for i in range(MAX_ATTEMPTS_PER_USER):
        call(api, me, "BindContract", pb.BindContractRequest(number=CONTRACT, email=f"guess{i}@zavod.ru"))
    with pytest.raises(TooManyAttempts):
        call(api, me, "BindContract", pb.BindContractRequest(number=CONTRACT, email="buh@zavod.ru"))


def test_strangers_failing_for_a_contract_never_lock_its_owner_out(api, rt):
    import_contracts(api)
    guessers = guessers_enough_to_put_a_number_under_pressure()
    for g in guessers:
        for i in range(MAX_ATTEMPTS_PER_USER):
            call(api, g, "BindContract", pb.BindContractRequest(number=CONTRACT, email=f"guess{i}@zavod.ru"))
    owner = person("organization")
    with pytest.raises(InvalidInput) as exc:
        call(api, owner, "BindContract", pb.BindContractRequest(number=CONTRACT, email="buh@zavod.ru"))
    assert exc.value.code == "captcha_required"
    sent = len(events(rt, "accounts.contract.confirmation_requested"))
    call(api, owner, "BindContract", pb.BindContractRequest(number=CONTRACT, email="buh@zavod.ru", captcha_solved=True))
    link = events(rt, "accounts.contract.confirmation_requested")[sent:]
    assert [e.user_id for e in link] == [owner.user_id]
    call(api, owner, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=link[0].token))
    assert [c.number for c in call(api, owner, "ListMyContracts", pb.ListMyContractsRequest()).contracts] == [CONTRACT]
    with pytest.raises(TooManyAttempts):
        call(api, guessers[0], "BindContract", pb.BindContractRequest(number=CONTRACT, email="buh@zavod.ru",
                                                                      captcha_solved=True))


def test_re_importing_contracts_is_idempotent_and_bad_rows_are_reported(api, rt):
    import_contracts(api)
    token = request_link(api, rt, (me := person()))
    call(api, me, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=token))
    again = import_contracts(api).files[0]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    changed = CONTRACTS_CSV.decode().replace("ООО «Склад»", "АО «Склад»") + (
        "012;123;Кто-то;7801234567;a@b.ru;Адрес\n"
        "999;78078078078009;Кто-то;7801234567;a@b.ru;Адрес\n"
        f"012;{CONTRACT};Дубль;7801234567;a@b.ru;Адрес\n")
    report = import_contracts(api, changed.encode()).files[0]
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)
    assert [r.line for r in report.rejected] == [4, 5, 6]
    assert len(call(api, me, "ListMyContracts", pb.ListMyContractsRequest()).contracts) == 1  # binding kept
    with pytest.raises(InvalidInput):
        import_contracts(api, b"supplier_code;holder\n012;x\n")


# --- service requests ---

def test_service_requests_statuses_history_and_customer_cancel(api, rt):
    me = person()
    bind_by_meter(api, me)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    req = call(api, me, "CreateServiceRequest", pb.CreateServiceRequestRequest(
        account_id=SIDOROV, type="electrical", description="Искрит розетка на кухне",
        preferred_from=soon.isoformat(), preferred_to=(soon + dt.timedelta(hours=3)).isoformat()))
    assert (req.status, req.address) != ("", "") and req.status == "new" and req.preferred_from
    report = call(api, me, "ReportMeterDataError", pb.ReportMeterDataErrorRequest(
        account_id=SIDOROV, meter_id=SIDOROV_METER, description="Модель счётчика указана неверно"))
    assert report.type == "meter_data"
    with pytest.raises(InvalidInput):
        call(api, me, "CreateServiceRequest", pb.CreateServiceRequestRequest(
            account_id=SIDOROV, type="meter_data", description="x"))

    queue = call(api, OPERATOR, "StaffListServiceRequests", pb.StaffListServiceRequestsRequest(type="meter_data"))
    assert [r.request_id for r in queue.requests] == [report.request_id] and queue.requests[0].user_id == me.user_id
    with pytest.raises(Rejected):
        call(api, OPERATOR, "StaffUpdateServiceRequest", pb.StaffUpdateServiceRequestRequest(
            request_id=req.request_id, status="done"))
    for status in ("accepted", "in_progress", "done"):
        call(api, OPERATOR, "StaffUpdateServiceRequest", pb.StaffUpdateServiceRequestRequest(
            request_id=req.request_id, status=status, comment=f"→ {status}"))
    told = events(rt, "accounts.service_request.changed")
    assert [(e.request_id, e.user_id, e.account_id, e.account_number, e.type, e.status, e.comment) for e in told] == [
        (req.request_id, me.user_id, SIDOROV, "12-10000003", "electrical", s, f"→ {s}")
        for s in ("accepted", "in_progress", "done")]  # one per step: the refused "done" above told nothing
    assert all(e.at.endswith("Z") for e in told)
    got = call(api, me, "GetServiceRequest", pb.GetServiceRequestRequest(request_id=req.request_id))
    assert [(h.status, h.actor) for h in got.history] == [
        ("new", "customer"), ("accepted", "staff"), ("in_progress", "staff"), ("done", "staff")]
    assert got.user_id == ""  # customers are not shown user ids
    with pytest.raises(Rejected):
        call(api, me, "CancelServiceRequest", pb.CancelServiceRequestRequest(request_id=req.request_id))
    cancelled = call(api, me, "CancelServiceRequest", pb.CancelServiceRequestRequest(request_id=report.request_id))
    assert cancelled.status == "cancelled"
    assert len(events(rt, "accounts.service_request.changed")) == 3  # the customer's own cancel is not told
    mine = call(api, me, "ListMyServiceRequests", pb.ListMyServiceRequestsRequest())
    assert {r.request_id for r in mine.requests} == {req.request_id, report.request_id}


# --- staff ---

def test_staff_search_view_correct_meter_and_audit(api, rt):
    me = person()
    bind_by_meter(api, me)
    for who in (me, Caller(user_id=str(uuid.uuid4()), kind="staff", roles=())):
        with pytest.raises(Forbidden):
            call(api, who, "StaffSearchAccounts", pb.StaffSearchAccountsRequest(number="12-10000003"))
    with pytest.raises(Forbidden):  # staff tokens do not act as customers
        bind_by_meter(api, OPERATOR)
    by = {
        "number": pb.StaffSearchAccountsRequest(number="12-010000003"),
        "meter": pb.StaffSearchAccountsRequest(meter_number="034567890"),
        "user": pb.StaffSearchAccountsRequest(user_id=me.user_id),
    }
    for name, query in by.items():
        found = call(api, OPERATOR, "StaffSearchAccounts", query).accounts
        assert [a.account.account_id for a in found] == [SIDOROV], name
        assert [b.user_id for b in found[0].bindings] == [me.user_id]
    holder = call(api, OPERATOR, "StaffGetAccount", pb.StaffGetAccountRequest(account_id=SIDOROV)).account.holder
    assert SIDOROV in [a.account.account_id for a in call(api, OPERATOR, "StaffSearchAccounts",
                                                          pb.StaffSearchAccountsRequest(holder=holder[:5])).accounts]

    changed_before = len(events(rt, "accounts.account.changed"))
    meter = call(api, OPERATOR, "StaffCorrectMeter", pb.StaffCorrectMeterRequest(
        meter_id=SIDOROV_METER, model="Меркурий 231", verification_due="2031-12-31", reason="Заявка абонента"))
    assert (meter.model, meter.verification_due) == ("Меркурий 231", "2031-12-31")
    assert events(rt, "accounts.account.changed")[changed_before:][0].account.meters[0].model == "Меркурий 231"
    with pytest.raises(InvalidInput):
        call(api, OPERATOR, "StaffCorrectMeter", pb.StaffCorrectMeterRequest(meter_id=SIDOROV_METER, zones=2))

    with pytest.raises(Forbidden):  # the audit is for admins
        call(api, OPERATOR, "StaffListAudit", pb.StaffListAuditRequest())
    entries = call(api, ADMIN, "StaffListAudit", pb.StaffListAuditRequest(entity="meter")).entries
    assert [(e.action, e.actor_id, e.entity_id) for e in entries] == [
        ("meter.corrected", OPERATOR.user_id, SIDOROV_METER)]
    assert '"model": "Меркурий 231"' in entries[0].after_json and "model" in entries[0].before_json
    actions = {e.action for e in call(api, ADMIN, "StaffListAudit", pb.StaffListAuditRequest()).entries}
    assert {"accounts.searched", "account.viewed", "meter.corrected"} <= actions


# --- IDOR: another cabinet's ids ---

def test_another_cabinets_ids_are_not_found_and_say_nothing(api, rt):
    owner, intruder = person(), person()
    bind_by_meter(api, owner)
    group = call(api, owner, "CreateGroup", pb.CreateGroupRequest(name="Чужая"))
    req = call(api, owner, "CreateServiceRequest", pb.CreateServiceRequestRequest(
        account_id=SIDOROV, type="plumbing", description="Течёт кран"))
    import_contracts(api)
    call(api, owner, "ConfirmContractBinding", pb.ConfirmContractBindingRequest(token=request_link(api, rt, owner)))
    contract_id = call(api, owner, "ListMyContracts", pb.ListMyContractsRequest()).contracts[0].contract_id
    bind_by_meter(api, intruder, number="12-10000001", meter="1234567")  # the intruder has a cabinet of their own

    missing = str(uuid.uuid4())
    attempts = {
        "account": [("GetAccount", pb.GetAccountRequest, "account_id"),
                    ("CheckAccess", pb.CheckAccessRequest, "account_id"),
                    ("UpdateAccount", lambda account_id: pb.UpdateAccountRequest(account_id=account_id, alias="x"),
                     None),
                    ("UnbindAccount", pb.UnbindAccountRequest, "account_id"),
                    ("CreateServiceRequest", lambda account_id: pb.CreateServiceRequestRequest(
                        account_id=account_id, type="plumbing", description="x"), None),
                    ("ReportMeterDataError", lambda account_id: pb.ReportMeterDataErrorRequest(
                        account_id=account_id, description="x"), None)],
        "group": [("RenameGroup", lambda group_id: pb.RenameGroupRequest(group_id=group_id, name="Моя"), None),
                  ("DeleteGroup", pb.DeleteGroupRequest, "group_id"),
                  ("UpdateAccount", lambda group_id: pb.UpdateAccountRequest(account_id=IVANOV, group_id=group_id),
                   None)],
        "contract": [("GetContract", pb.GetContractRequest, "contract_id"),
                     ("ExportContract", pb.ExportContractRequest, "contract_id"),
                     ("RemoveContract", pb.RemoveContractRequest, "contract_id")],
        "request": [("GetServiceRequest", pb.GetServiceRequestRequest, "request_id"),
                    ("CancelServiceRequest", pb.CancelServiceRequestRequest, "request_id")],
    }
    real = {"account": SIDOROV, "group": group.group_id, "contract": contract_id, "request": req.request_id}
    for kind, calls in attempts.items():
        for method, make, field in calls:
            answers = []
            for target in (real[kind], missing, "not-a-uuid"):
                request = make(**{field: target}) if field else make(target)
                with pytest.raises(DomainError) as exc:
                    call(api, intruder, method, request)
                answers.append((type(exc.value), exc.value.code, exc.value.message))
            assert answers[0][0] is NotFound and len(set(answers)) == 1, (method, answers)
    mine = call(api, intruder, "ListMyServiceRequests", pb.ListMyServiceRequestsRequest(account_id=SIDOROV))
    assert list(mine.requests) == []
    # and nothing of the owner's changed
    assert [a.account_id for a in call(api, owner, "ListMyAccounts", pb.ListMyAccountsRequest()).accounts] == [SIDOROV]
    assert call(api, owner, "GetServiceRequest", pb.GetServiceRequestRequest(request_id=req.request_id)).status == "new"
    assert len(call(api, owner, "ListMyContracts", pb.ListMyContractsRequest()).contracts) == 1
    assert "Чужая" in [g.name for g in call(api, owner, "ListGroups", pb.ListGroupsRequest()).groups]
