"""Staff use cases over master data with in-memory ports (roles, audit, versions), and the customer's view
of an account's tariff (access, the projection of accounts' facts)."""

import datetime as dt
from decimal import Decimal

import pytest

from kit.context import Caller
from kit.errors import Conflict, Forbidden, InvalidInput, NotFound, Rejected
from services.payments.domain.model import AccountFacts, Tariff
from services.payments.domain.tariffs import CustomerCategory, ZoneSchedule
from services.payments.service_layer import master_data, views
from services.payments.tests.unit.fakes import FakeAccess, FakeAccountFacts, FakeAccounts, FakeUnitOfWork

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
ACCOUNT = "b96f0cb8-a399-516a-b116-c9c892ea28e0"
USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
ADMIN = Caller(user_id="a0000000-0000-0000-0000-000000000001", kind="staff", roles=("admin",))
OPERATOR = Caller(user_id="a0000000-0000-0000-0000-000000000002", kind="staff", roles=("operator",))
CUSTOMER = Caller(user_id=USER, kind="person")
GAS = CustomerCategory("urban_gas_stove", "Городское население в домах с газовыми плитами")
CURRENT = Tariff("t-current", SUPPLIER, "urban_gas_stove", dt.date(2026, 7, 1), {1: {"total": Decimal("7.05")}})
NOW = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
FACTS = AccountFacts(ACCOUNT, SUPPLIER, "urban_gas_stove", meter_zones=(1,))


def uow_with_current():
    return FakeUnitOfWork(CURRENT, categories=[GAS])


def add(uow, who=ADMIN, valid_from="2027-01-01", prices=None, **kw):
    return master_data.add_tariff(uow, who, supplier_id=kw.get("supplier_id", SUPPLIER),
                                  category=kw.get("category", "urban_gas_stove"), valid_from=valid_from,
                                  prices=prices or {"1": {"total": "7.45"}})


def test_an_admin_schedules_a_tariff_and_it_is_audited():
    uow = uow_with_current()
    card = add(uow)
    assert card.tariff.valid_from == dt.date(2027, 1, 1) and card.valid_until is None
    assert card.category_title == GAS.title and uow.committed
    assert uow.schedules.get(SUPPLIER) is not None  # the supplier keeps the default schedule from now on
    [record] = uow.audit.records
    assert (record["action"], record["entity_id"], record["actor_id"], record["roles"]) == (
        "tariff.added", card.tariff.tariff_id, ADMIN.user_id, ("admin",))
    assert record["after"]["prices"] == {"1": {"total": "7.45"}} and record["after"]["valid_from"] == "2027-01-01"

    listed = master_data.list_tariffs(uow, OPERATOR, supplier_id=SUPPLIER)
    assert [(c.tariff.tariff_id, c.valid_until) for c in listed] == [
        ("t-current", dt.date(2026, 12, 31)), (card.tariff.tariff_id, None)]
    in_force = master_data.list_tariffs(uow, OPERATOR, on="2026-12-31")
    assert [c.tariff.tariff_id for c in in_force] == ["t-current"]
    assert uow.audit.records[-1]["action"] == "tariffs.listed"


def test_the_same_date_twice_is_refused():
    uow = uow_with_current()
    with pytest.raises(Conflict) as err:
        add(uow, valid_from="2026-07-01")
    assert err.value.code == "tariff_exists"
    assert len(uow.tariffs.tariffs) == 1 and uow.audit.records == []


def test_a_tariff_needs_a_known_category():
    with pytest.raises(InvalidInput) as err:
        add(uow_with_current(), category="rural")
    assert list(err.value.fields) == ["category"]


@pytest.mark.parametrize("who", [OPERATOR, CUSTOMER, Caller(user_id="x", kind="staff", roles=())])
def test_only_an_admin_writes(who):
    uow = uow_with_current()
    with pytest.raises(Forbidden) as err:
        add(uow, who)
    assert err.value.code == "staff_only" and uow.audit.records == []
    with pytest.raises(Forbidden):
        master_data.put_category(uow, who, code="rural", title="Сельское население")
    with pytest.raises(Forbidden):
        master_data.set_norm(uow, who, supplier_id=SUPPLIER, category="urban_gas_stove", residents=1,
                             valid_from="2027-01-01", kwh_per_month="88")


def test_staff_read_customers_do_not():
    uow = uow_with_current()
    assert master_data.list_categories(uow, OPERATOR) == [GAS]
    for read in (master_data.list_tariffs, master_data.list_norms, master_data.list_categories):
        with pytest.raises(Forbidden):
            read(uow, CUSTOMER)


def test_list_filters_are_checked():
    with pytest.raises(InvalidInput) as err:
        master_data.list_tariffs(uow_with_current(), OPERATOR, supplier_id="nope", on="31.12.2026")
    assert set(err.value.fields) == {"supplier_id", "on"}


def test_categories_are_created_and_renamed():
    uow = uow_with_current()
    master_data.put_category(uow, ADMIN, code="rural", title="Сельское население")
    master_data.put_category(uow, ADMIN, code="rural", title="Население в сельской местности")
    assert uow.categories.get("rural").title == "Население в сельской местности"
    assert uow.audit.records[-1]["before"] == {"title": "Сельское население"}


def test_norms_are_set_replaced_and_listed_as_of_a_date():
    uow = uow_with_current()
    set_norm = lambda residents, valid_from, kwh: master_data.set_norm(  # noqa: E731
        uow, ADMIN, supplier_id=SUPPLIER, category="urban_gas_stove", residents=residents, valid_from=valid_from,
        kwh_per_month=kwh)
    set_norm(1, "2026-07-01", "93")
    set_norm(2, "2026-07-01", "58")
    set_norm(1, "2027-01-01", "95")
    replaced = set_norm(1, "2027-01-01", "96.5")
    assert replaced.norm.kwh_per_month == Decimal("96.5") and uow.audit.records[-1]["before"]["kwh_per_month"] == "95"
    every = master_data.list_norms(uow, OPERATOR, supplier_id=SUPPLIER)
    assert [(c.norm.residents, str(c.norm.valid_from), c.valid_until) for c in every] == [
        (1, "2026-07-01", dt.date(2026, 12, 31)), (1, "2027-01-01", None), (2, "2026-07-01", None)]
    today = master_data.list_norms(uow, OPERATOR, on="2026-12-03")
    assert [(c.norm.residents, c.norm.kwh_per_month) for c in today] == [(1, Decimal(93)), (2, Decimal(58))]


# --- the customer's view --------------------------------------------------------------------

def test_the_tariff_of_my_account_today_and_the_scheduled_change():
    uow = uow_with_current()
    add(uow, valid_from="2027-01-01", prices={"1": {"total": "7.45"}})
    uow.access = FakeAccess({(USER, ACCOUNT)})
    uow.account_facts = FakeAccountFacts(FACTS)
    accounts = FakeAccounts()
    view = views.account_tariff(uow, accounts, user_id=USER, account_id=ACCOUNT, now=NOW)
    assert accounts.asked == []  # both projections knew
    assert view.on == dt.date(2026, 12, 3) and view.account == FACTS
    assert view.current.tariff is CURRENT and view.current.valid_until == dt.date(2026, 12, 31)
    assert view.next.tariff.prices == {1: {"total": Decimal("7.45")}}
    assert [h.texts for h in view.current.schedule.hours_of("night")] == [("23:00", "07:00")]
    # at 21:30 UTC on 31 December it is already 1 January in the supplier's zone
    new_year = views.account_tariff(uow, accounts, user_id=USER, account_id=ACCOUNT,
                                    now=dt.datetime(2026, 12, 31, 21, 30, tzinfo=dt.UTC))
    assert new_year.current.tariff.valid_from == dt.date(2027, 1, 1) and new_year.next is None


def test_the_suppliers_own_schedule_is_shown():
    uow = uow_with_current()
    uow.schedules.by_supplier[SUPPLIER] = ZoneSchedule.from_texts({
        "peak": [("08:00", "11:00"), ("16:00", "20:00")], "semi_peak": [("11:00", "16:00"), ("20:00", "22:00")],
        "night": [("22:00", "08:00")]})
    view = views.account_tariff(uow, FakeAccounts(facts=[FACTS]), user_id=USER, account_id=ACCOUNT, now=NOW)
    assert [h.texts for h in view.current.schedule.hours_of("day")] == [("08:00", "22:00")]


def test_without_the_projection_accounts_decides_and_tells():
    uow = uow_with_current()
    accounts = FakeAccounts(facts=[FACTS])
    view = views.account_tariff(uow, accounts, user_id=USER, account_id=ACCOUNT, now=NOW)
    assert view.account == FACTS and accounts.asked == [ACCOUNT] and view.next is None
    uow.access = FakeAccess({(USER, ACCOUNT)})  # bound, but its facts are not projected yet
    views.account_tariff(uow, accounts, user_id=USER, account_id=ACCOUNT, now=NOW)
    assert accounts.asked == [ACCOUNT, ACCOUNT]


def test_someone_elses_account_is_not_found():
    uow = uow_with_current()
    uow.account_facts = FakeAccountFacts(FACTS)  # projected, but not bound to this user
    with pytest.raises(NotFound):
        views.account_tariff(uow, FakeAccounts(), user_id=USER, account_id=ACCOUNT, now=NOW)
    with pytest.raises(NotFound):
        views.account_tariff(uow, FakeAccounts(), user_id=USER, account_id="../etc", now=NOW)


def test_no_tariff_in_force_is_said_so():
    uow = FakeUnitOfWork(categories=[GAS])
    add(uow, valid_from="2027-01-01")
    with pytest.raises(Rejected) as err:
        views.account_tariff(uow, FakeAccounts(facts=[FACTS]), user_id=USER, account_id=ACCOUNT, now=NOW)
    assert err.value.code == "tariff_not_found"
