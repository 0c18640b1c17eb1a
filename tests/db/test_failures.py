"""Busy or unreachable: real failures from real databases, classified for the person waiting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.db.engine import Database
from bot.db.failures import availability
from bot.errors import user_message
from tests.support.databases import MigratedDatabase

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


def _failure(fn) -> BaseException:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - whatever the database raised
        fn()
    return caught.value


def test_sqlite_write_lock_held_past_the_busy_timeout_is_busy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    holder = Database(url)
    impatient = create_engine(url, connect_args={"timeout": 0})
    try:
        with holder.session() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
        with holder.session() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))  # holds the write lock

            def write() -> None:
                with impatient.begin() as connection:
                    connection.execute(text("INSERT INTO t VALUES (2)"))

            error = _failure(write)
        assert availability(error) == "busy"
        assert "busy" in user_message(error)
    finally:
        impatient.dispose()
        holder.dispose()


def test_exhausted_pool_is_busy(test_database: MigratedDatabase) -> None:
    db = Database(test_database.url, pool_size=1, max_overflow=0, connect_timeout=1)
    if db.is_sqlite:
        db.engine.dispose()
        db = Database(test_database.url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        with db.engine.connect():
            error = _failure(lambda: db.engine.connect().close())
        assert availability(error) == "busy"
        assert user_message(error).startswith("Multiplier is very busy")
    finally:
        db.dispose()


@pytest.mark.postgres_only
def test_statement_cancelled_by_its_timeout_is_busy(test_database: MigratedDatabase) -> None:
    db = Database(test_database.url, statement_timeout=0.2)
    try:
        with db.engine.connect() as connection:
            error = _failure(lambda: connection.execute(text("SELECT pg_sleep(5)")))
        assert availability(error) == "busy"
    finally:
        db.dispose()


def test_unreachable_server_is_unreachable() -> None:
    db = Database(UNREACHABLE)
    try:
        error = _failure(db.ping)
        assert isinstance(error, OperationalError)
        assert availability(error) == "unreachable"
        assert "can't reach its database" in user_message(error)
    finally:
        db.dispose()


def test_a_bug_is_not_about_availability() -> None:
    error = ValueError("a bug")
    assert availability(error) is None
    assert "something went wrong" in user_message(error)
