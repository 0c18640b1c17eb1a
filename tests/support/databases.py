"""Test databases: one migrated SQLite file and one PostgreSQL schema per test process."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_problem() -> str | None:
    """None when the test PostgreSQL answers; otherwise why not, in one line."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        return str(getattr(error, "orig", error)).strip().splitlines()[0]
    return None


_TABLES_CHILDREN_FIRST = [t.name for t in reversed(Base.metadata.sorted_tables)]
_POSTGRES_CLEAN = "; ".join(
    [
        *(f'DELETE FROM "{name}"' for name in _TABLES_CHILDREN_FIRST),  # noqa: S608
        "DO $$ DECLARE s record; BEGIN"
        " FOR s IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        " LOOP EXECUTE format('ALTER SEQUENCE %I RESTART', s.sequencename); END LOOP;"
        " END $$",
    ]
)


@dataclass
class MigratedDatabase:
    """A migrated database for one backend, reused by every test of this process."""

    backend: str
    url: str
    schema: str | None = None

    def open(self) -> Database:
        return Database(self.url)

    def clean(self, database: Database) -> None:
        """Delete every row, so the next test starts from an empty, migrated schema.

        A process the previous test started (a web app, a worker) may still be finishing a
        write as it exits; PostgreSQL then picks one side of the deadlock to abort. That side
        is ours: we try again once the other has ended.
        """
        for attempt in range(5):
            try:
                self._clean_once(database)
                return
            except OperationalError as error:
                if "deadlock detected" not in str(error) or attempt == 4:
                    raise

    def _clean_once(self, database: Database) -> None:
        with database.engine.begin() as connection:
            if self.backend == "postgresql":
                # One round trip. DELETE, not TRUNCATE: on tables this small TRUNCATE costs
                # ~100 ms (it replaces each table's files), twice per test; the sequences
                # restart as TRUNCATE … RESTART IDENTITY made them.
                connection.execute(text(_POSTGRES_CLEAN))
            else:
                for name in _TABLES_CHILDREN_FIRST:
                    connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608


def create_sqlite(directory: Path) -> MigratedDatabase:
    url = f"sqlite:///{directory / 'multiplier-test.db'}"
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    return MigratedDatabase(backend="sqlite", url=url)


def create_postgres() -> MigratedDatabase:
    """A fresh schema of its own, so parallel test runs on one server never meet."""
    schema = f"mt_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    return MigratedDatabase(backend="postgresql", url=url, schema=schema)


def drop_postgres(test_database: MigratedDatabase) -> None:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{test_database.schema}" CASCADE'))
    admin.dispose()
