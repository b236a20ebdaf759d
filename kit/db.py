"""Database access: engines (created by a composition root, never at import) and the unit of work."""

from __future__ import annotations

from collections.abc import Callable

from psycopg.pq import ExecStatus
from psycopg.rows import dict_row
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kit.events import Event
from kit.outbox import write_events
from kit.tracing import driver_statement

_TUPLES_OK = ExecStatus.TUPLES_OK


def make_engine(url: str, *, pool_size: int = 10, application_name: str = "kabinet") -> Engine:
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # No pre-ping: it costs a round trip on every checkout. A connection that died is
        # invalidated on its first error (the pool is then refreshed) and recycled hourly.
        pool_recycle=3600,
        connect_args={"application_name": application_name, "connect_timeout": 5},
    )


def driver_rows(session: Session, sql: str, params: dict | list[dict]) -> list[dict]:
    """A hot statement, in plain SQL with `%(name)s` parameters, straight through the driver in the session's
    transaction; its rows as dicts (none for a statement without a result; a list of parameter sets runs it
    once for each, pipelined, and returns nothing). SQLAlchemy's execution costs about
    twice psycopg's (~115 vs ~65 µs of CPU a statement here), which counts on the paths every reading takes.
    The SQL casts uuid columns to text (`id::text`) where SQLAlchemy's types would have made strings, and
    arrays of ids from text (`%(ids)s::uuid[]`)."""
    driver = driver_of(session)
    with driver_statement(driver.info.dbname, sql), driver.cursor(row_factory=dict_row) as cursor:
        if isinstance(params, list):
            cursor.executemany(sql, params)
            return []
        cursor.execute(sql, params)
        # the result's status, not cursor.description: that builds a Column object per column each time
        result = cursor.pgresult
        return cursor.fetchall() if result is not None and result.status == _TUPLES_OK else []


def driver_of(session: Session):
    """The psycopg connection of the session's transaction, asked of SQLAlchemy once per transaction (its
    Session.connection() costs ~15 µs of CPU, more than some of the hot statements)."""
    driver = session.info.get(_DRIVER)
    if driver is None:
        driver = session.info[_DRIVER] = session.connection().connection.driver_connection
    return driver


_DRIVER = "kit.db.driver"


@event.listens_for(Session, "after_transaction_end")
def _forget_driver(session: Session, transaction) -> None:
    if transaction.parent is None:  # the next transaction may run on another pooled connection
        session.info.pop(_DRIVER, None)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


class UnitOfWork:
    """One business transaction: repositories share one session; events recorded
    with `emit` are written to the outbox in the same transaction on `commit`.

        with uow:
            ...
            uow.emit(event)
            uow.commit()

    Leaving the block without commit rolls back.
    """

    def __init__(self, sessions: Callable[[], Session], producer: str) -> None:
        self._sessions = sessions
        self.producer = producer
        self.session: Session | None = None
        self._events: list[Event] = []

    def __enter__(self):
        self.session = self._sessions()
        self._events = []
        self._open_repositories(self.session)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def _open_repositories(self, session: Session) -> None:
        """Services override this to attach their repositories to the session."""

    def emit(self, event: Event) -> None:
        self._events.append(event)

    def commit(self) -> None:
        if self._events:
            write_events(self.session, self.producer, self._events)
            self._events = []
        self.session.commit()
