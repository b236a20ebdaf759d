"""In-memory fakes of readings' ports: the reading repository, the projection, the unit of work, accounts
and payments."""

import datetime as dt

from kit.errors import NotFound
from services.readings.domain import plausibility
from services.readings.domain.model import COUNTED, ChargeLine, PreliminaryCharge


class FakeReadings:
    def __init__(self):
        self.rows = []

    def add(self, reading):
        self.rows.append(reading)

    def lock_meter(self, meter_id):
        pass

    def last_for_meter(self, meter_id):
        return next((r for r in reversed(self.rows) if r.meter_id == meter_id and r.status in COUNTED), None)

    def before(self, reading):
        return next((r for r in reversed(self.rows) if r.meter_id == reading.meter_id and r.status in COUNTED
                     and r.reading_id != reading.reading_id and r.taken_at <= reading.taken_at), None)

    def history_for_meter(self, meter_id, since):
        return [r for r in self.rows if r.meter_id == meter_id and r.status in COUNTED and r.taken_at >= since]

    def last_with_history(self, meter_id, since):
        return self.last_for_meter(meter_id), plausibility.summary(self.history_for_meter(meter_id, since))

    def get(self, reading_id):
        return next((r for r in self.rows if r.reading_id == reading_id), None)

    def set_status(self, reading_id, status):
        self.get(reading_id).status = status

    def by_idempotency_key(self, user_id, key, account_id=None):
        return next((r for r in self.rows if (r.submitted_by, r.idempotency_key) == (user_id, key)
                     and (user_id is not None or r.account_id == account_id)), None)

    def list_for_account(self, account_id, limit, *, meter_id=None, period=None, after=None):
        rows = [r for r in reversed(self.rows) if r.account_id == account_id
                and (not meter_id or r.meter_id == meter_id) and (not period or r.period == period)]
        if after:
            rows = rows[[r.reading_id for r in rows].index(after[2]) + 1:]
        return rows[:limit]


class FakeSuppliers:
    def __init__(self, *known):
        self.known = {s.supplier_id: s for s in known}

    def get(self, supplier_id):
        return self.known.get(supplier_id)


class FakeAudit:
    def __init__(self):
        self.entries = []

    def record(self, **entry):
        self.entries.append(entry)


class FakeProjection:
    def __init__(self, bound=()):
        self.bound = dict(bound)  # (user, account) -> facts

    def allowed_facts(self, user_id, account_id):
        return self.bound.get((user_id, account_id))


class FakeUnitOfWork:
    def __init__(self, bound=(), suppliers=()):
        self.readings, self.accounts = FakeReadings(), FakeProjection(bound)
        self.suppliers, self.audit = FakeSuppliers(*suppliers), FakeAudit()
        self.events, self.committed = [], 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def emit(self, event):
        self.events.append(event)

    def commit(self):
        self.committed += 1


class FakeAccounts:
    def __init__(self, *allowed):
        self.allowed, self.asked = {f.account_id: f for f in allowed}, 0

    def facts(self, account_id):
        self.asked += 1
        if account_id not in self.allowed:
            raise NotFound(code="account_not_found")
        return self.allowed[account_id]


class FakePayments:
    """payments' PreviewCharge: every zone at 5 RUB/kWh × КТ, or the refusal it was given."""

    def __init__(self, refusal=None):
        self.refusal, self.asked = refusal, []

    def preview_charge(self, **question):
        self.asked.append(question)
        if self.refusal is not None:
            raise self.refusal
        lines = tuple(ChargeLine(zone, used * question["ratio"], 50000, int(used * question["ratio"] * 500))
                      for zone, used in question["consumption"].items())
        return PreliminaryCharge(lines, sum(line.amount_kop for line in lines), dt.date(2026, 7, 1))
