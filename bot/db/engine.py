"""Engine and session management shared by the web process, the worker and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, scoped_session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "multiplier_read_only"
# Seconds to wait for a new PostgreSQL connection, or for a free one from the pool: during an
# outage requests fail within this instead of queueing (DATABASE_CONNECT_TIMEOUT).
DEFAULT_CONNECT_TIMEOUT = 2


def create_database_engine(
    url: str, *, connect_timeout: int = DEFAULT_CONNECT_TIMEOUT, **kwargs: Any
) -> Engine:
    """Create an engine tuned for the backend: WAL and immediate transactions on SQLite.

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
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", connect_timeout)
    connect_args = dict(kwargs.pop("connect_args", {}))
    if "connect_timeout" not in make_url(url).query:
        connect_args.setdefault("connect_timeout", connect_timeout)
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


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
