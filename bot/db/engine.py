"""Engine and session management shared by the web process, the worker and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "multiplier_read_only"
# Seconds to wait for a new PostgreSQL connection, for a free one from the pool, and for the
# pool's liveness check of a kept one: during an outage requests fail within this instead of
# queueing (DATABASE_CONNECT_TIMEOUT).
DEFAULT_CONNECT_TIMEOUT = 2
# Seconds one statement may take (DATABASE_STATEMENT_TIMEOUT): the server cancels it then,
# and the client gives up a second later if the server does not answer at all.
DEFAULT_STATEMENT_TIMEOUT = 5.0
# The client's own wait beyond the server's statement timeout, for the server's cancel.
_CLIENT_GRACE_SECONDS = 1.0
# The pool sizes when the caller does not derive them from its threads (Settings.database_pool).
DEFAULT_POOL_SIZE = 10
DEFAULT_MAX_OVERFLOW = 20


def create_database_engine(
    url: str,
    *,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout: float | None = DEFAULT_STATEMENT_TIMEOUT,
    **kwargs: Any,
) -> Engine:
    """Create an engine tuned for the backend: WAL and immediate transactions on SQLite.

    On PostgreSQL every round trip is bounded, so an unreachable database (even one whose
    packets vanish without a reset) fails a request in seconds instead of hanging it: a new
    connection within `connect_timeout`, a free pooled one within `connect_timeout`, the
    pool's liveness check of a kept connection within `connect_timeout`, and a statement
    within `statement_timeout` (None: unbounded, for migrations). TCP keepalives and
    `tcp_user_timeout` let the kernel notice a dead peer on idle connections too.

    Statement parameters are left out of error messages (`hide_parameters`): they hold what
    users typed, and errors are logged.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", DEFAULT_POOL_SIZE)
    kwargs.setdefault("max_overflow", DEFAULT_MAX_OVERFLOW)
    kwargs.setdefault("pool_timeout", connect_timeout)
    connect_args = dict(kwargs.pop("connect_args", {}))
    query = make_url(url).query
    if "connect_timeout" not in query:
        connect_args.setdefault("connect_timeout", connect_timeout)
    given = query.get("connect_timeout")
    bound = float(given if isinstance(given, str) else connect_args["connect_timeout"])
    for name, value in _keepalives(statement_timeout or bound).items():
        if name not in query:
            connect_args.setdefault(name, value)
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    _bound_round_trips(
        engine,
        ping_timeout=max(bound, 1.0),
        statement_timeout=statement_timeout,
    )
    return engine


def _keepalives(dead_after: float) -> dict[str, int]:
    """libpq's TCP settings: a peer whose packets vanish is given up on, even when idle.

    `tcp_user_timeout` aborts a connection whose sent data stays unacknowledged that long
    (a blackholed network); keepalives probe an idle one. Neither can see a middlebox that
    acknowledges and then forwards nothing: the client-side deadline below covers that.
    """
    seconds = max(int(dead_after), 1)
    return {
        "keepalives": 1,
        "keepalives_idle": max(seconds, 5),
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": (seconds + 1) * 1000,
    }


def _bound_round_trips(
    engine: Engine, *, ping_timeout: float, statement_timeout: float | None
) -> None:
    """Connections whose every wait on the server has a deadline (see DeadlineConnection)."""
    from bot.db.deadline import DeadlineConnection, bound_pings, is_round_trip_timeout

    bound_pings(engine.dialect)
    client_bound = statement_timeout + _CLIENT_GRACE_SECONDS if statement_timeout else None

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        connection = DeadlineConnection.connect(*cargs, **cparams)
        connection.round_trip_timeout = client_bound
        connection.ping_timeout = ping_timeout
        if statement_timeout:
            # The server's own bound: a slow statement is cancelled and the connection
            # stays usable (set here, not as a startup option, which PgBouncer refuses).
            connection.execute(f"SET statement_timeout = {int(statement_timeout * 1000)}")
            connection.commit()
        return connection

    @event.listens_for(engine, "handle_error")
    def _timed_out_ping_is_an_outage(context: Any) -> None:
        # A kept connection that did not answer the pool's check in time: the database is
        # unreachable, not just this connection gone. Fail now rather than also spend
        # connect_timeout on a new connection (a reset, in contrast, still reconnects).
        if context.is_pre_ping and is_round_trip_timeout(context.original_exception):
            context.is_disconnect = False


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE below is honoured.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # WAL lets a reader run beside the one writer, even one in this same process.
            connection.exec_driver_sql("BEGIN")
            return
        # A deferred transaction that later writes can fail with "database is locked" without
        # waiting; taking the write lock up front makes concurrent writers queue on busy_timeout.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


_WROTE = "multiplier_wrote"


def _track_writes(factory: sessionmaker[Session]) -> None:
    """Mark a session's transaction once it writes or locks rows (see release_read_transaction)."""

    @event.listens_for(factory, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        session.info[_WROTE] = True

    @event.listens_for(factory, "do_orm_execute")
    def _executed(state: Any) -> None:
        locks = getattr(state.statement, "_for_update_arg", None) is not None
        if not state.is_select or locks:
            state.session.info[_WROTE] = True

    @event.listens_for(factory, "after_transaction_end")
    def _ended(session: Session, transaction: Any) -> None:
        if transaction.parent is None:
            session.info.pop(_WROTE, None)


class Database:
    """An engine plus the session factories built on it."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_database_engine(url, **engine_kwargs)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.read_session_factory = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # One session per thread for Bolt listeners; closed when the listener finishes.
        self.scoped_session = scoped_session(self.session_factory)
        _track_writes(self.session_factory)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one unit of work: committed on success, rolled back on error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reads only; on SQLite it never waits for (or takes) the write lock.

        Use it for checks made while another transaction of this process may be writing
        (e.g. "is this workspace still installed?" in the middle of a job's unit of work).
        """
        session = self.read_session_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def release_read_transaction(self) -> bool:
        """End this thread's listener transaction if it has only read; True if it did.

        Called before every Web API call and response a listener makes (bot.middleware):
        a transaction left open by reads (a lazy load, a check after the flow's commit)
        would otherwise keep its pooled connection, and on SQLite the write lock, for as
        long as Slack takes to answer. Committing a transaction that wrote nothing changes
        no data; objects stay loaded (expire_on_commit=False). One that wrote (or locked
        rows) is left alone: its flow owns it and commits it.
        """
        registry = self.scoped_session.registry
        if not registry.has():
            return False
        session = registry()
        if not session.in_transaction() or session.info.get(_WROTE):
            return False
        if session.new or session.dirty or session.deleted:
            return False
        try:
            session.commit()
        except SQLAlchemyError:  # the database went away: the flow's next use will say so
            session.rollback()
            return False
        return True

    def remove_thread_session(self) -> None:
        """Close this thread's listener session, rolling back anything left uncommitted."""
        self.scoped_session.remove()

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.scoped_session.remove()
        self.engine.dispose()
