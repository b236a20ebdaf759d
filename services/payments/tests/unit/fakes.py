"""In-memory fakes of payments' ports: repositories, projections, the audit log and accounts."""

from kit.errors import NotFound
from services.payments.domain.tariffs import tariff_exists


class FakeTariffs:
    def __init__(self, *tariffs):
        self.tariffs = list(tariffs)

    def put(self, tariff):
        self.tariffs = [t for t in self.tariffs if t.tariff_id != tariff.tariff_id] + [tariff]

    def add_new(self, tariff):
        if any((t.supplier_id, t.category, t.valid_from) == (tariff.supplier_id, tariff.category, tariff.valid_from)
               for t in self.tariffs):
            raise tariff_exists(tariff.valid_from)
        self.tariffs.append(tariff)

    def for_category(self, supplier_id, category):
        return self.find(supplier_id=supplier_id, category=category)

    def find(self, *, supplier_id="", category=""):
        return sorted((t for t in self.tariffs if supplier_id in ("", t.supplier_id) and category in ("", t.category)),
                      key=lambda t: (t.supplier_id, t.category, t.valid_from))


class FakeCategories:
    def __init__(self, *categories):
        self.by_code = {c.code: c for c in categories}

    def get(self, code):
        return self.by_code.get(code)

    def list(self):
        return sorted(self.by_code.values(), key=lambda c: c.code)

    def put(self, category):
        before, self.by_code[category.code] = self.by_code.get(category.code), category
        return before

    def put_missing(self, category):
        self.by_code.setdefault(category.code, category)


class FakeSchedules:
    def __init__(self, **schedules):
        self.by_supplier = dict(schedules)

    def get(self, supplier_id):
        return self.by_supplier.get(supplier_id)

    def put_missing(self, supplier_id, schedule):
        self.by_supplier.setdefault(supplier_id, schedule)


class FakeNorms:
    def __init__(self):
        self.norms = {}

    def put(self, norm):
        key = (*norm.key, norm.valid_from)
        before, self.norms[key] = self.norms.get(key), norm
        return before

    def find(self, *, supplier_id="", category=""):
        return [n for _, n in sorted(self.norms.items())
                if supplier_id in ("", n.supplier_id) and category in ("", n.category)]


class FakeCharges:
    def __init__(self):
        self.charges = []

    def add_many(self, charges):
        self.charges.extend(charges)

    def for_reading(self, reading_id, kind):
        return next((c for c in self.charges if (c.reading_id, c.kind) == (reading_id, kind)), None)

    def charged(self, reading_ids, kinds):
        return {c.reading_id for c in self.charges if c.reading_id in reading_ids and c.kind in kinds}

    def list_for_account(self, account_id, limit):
        return sorted((c for c in self.charges if c.account_id == account_id),
                      key=lambda c: c.posted_at, reverse=True)[:limit]


class FakeLedger:
    def __init__(self):
        self.entries = []

    def lock_account(self, account_id):
        pass

    def lock_accounts(self, account_ids):
        pass

    def add(self, entry):
        self.entries.append(entry)

    def add_many(self, entries):
        self.entries.extend(entries)

    def add_once(self, entry):
        if any(e.external_id == entry.external_id for e in self.entries):
            return False
        self.entries.append(entry)
        return True

    def balance_kop(self, account_id):
        return sum(e.amount_kop for e in self.entries if e.account_id == account_id)

    def balances_kop(self, account_ids):
        return {account_id: self.balance_kop(account_id) for account_id in account_ids}


class FakeAccess:
    """The projection of bindings (empty unless told otherwise)."""

    def __init__(self, bound=()):
        self.bound = set(bound)

    def is_bound(self, user_id, account_id):
        return (user_id, account_id) in self.bound


class FakeAccountFacts:
    """The projection of accounts' facts."""

    def __init__(self, *facts):
        self.by_id = {f.account_id: f for f in facts}

    def get(self, account_id):
        return self.by_id.get(account_id)

    def put(self, facts, as_of):
        self.by_id[facts.account_id] = facts


class FakeSuppliers:
    """The projection of suppliers' facts."""

    def __init__(self, *suppliers):
        self.by_id = {s.supplier_id: s for s in suppliers}

    def get(self, supplier_id):
        return self.by_id.get(supplier_id)

    def put(self, supplier, as_of):
        self.by_id[supplier.supplier_id] = supplier


class FakeBilling:
    """The billing runs as charging sees them: the periods that have a run, per supplier."""

    def __init__(self):
        self.billed = set()  # (supplier_id, period)

    def close_period_lock(self, supplier_id, period, *, shared=False):
        pass

    def billed_periods(self, supplier_id, since):
        return [p for s, p in self.billed if s == supplier_id and p >= since]


class FakeAudit:
    def __init__(self):
        self.records = []

    def record(self, **entry):
        self.records.append(entry)


class FakeUnitOfWork:
    def __init__(self, *tariffs, categories=(), suppliers=()):
        self.tariffs, self.charges, self.ledger = FakeTariffs(*tariffs), FakeCharges(), FakeLedger()
        self.categories, self.schedules, self.norms = FakeCategories(*categories), FakeSchedules(), FakeNorms()
        self.access, self.account_facts, self.audit = FakeAccess(), FakeAccountFacts(), FakeAudit()
        self.suppliers = FakeSuppliers(*suppliers)
        self.billing = FakeBilling()
        self.events, self.committed = [], False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def emit(self, event):
        self.events.append(event)

    def commit(self):
        self.committed = True


class FakeAccounts:
    """accounts: CheckAccess allows the accounts it knows (with their facts), NOT_FOUND otherwise."""

    def __init__(self, allowed=(), facts=()):
        self.allowed = set(allowed) | {f.account_id for f in facts}
        self.facts_by_id = {f.account_id: f for f in facts}
        self.asked = []

    def check_access(self, account_id):
        self.asked.append(account_id)
        if account_id not in self.allowed:
            raise NotFound(code="account_not_found")

    def facts(self, account_id):
        self.check_access(account_id)
        return self.facts_by_id[account_id]
