"""Migrations round-trip on both databases and agree with the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import alembic_config, downgrade, pending_migrations, upgrade
from tests.support.databases import create_postgres, drop_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path):
    """An empty database of its own (not the shared test schema)."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_database")  # skips when PostgreSQL is unavailable
        test_db = create_postgres()
        database = test_db.open()
        downgrade(database.engine, "base")
        yield database
        database.dispose()
        drop_postgres(test_db)
    else:
        database = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield database
        database.dispose()


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(fresh_database: Database) -> None:
    """upgrade head, downgrade base and upgrade head again leave exactly the model's tables."""
    model_tables = {t.name for t in Base.metadata.sorted_tables}
    upgrade(fresh_database.engine)
    assert _tables(fresh_database) == model_tables
    downgrade(fresh_database.engine, "base")
    assert _tables(fresh_database) == set()
    upgrade(fresh_database.engine)
    assert _tables(fresh_database) == model_tables
    assert not pending_migrations(fresh_database.engine)


def test_models_and_migrations_agree(fresh_database: Database) -> None:
    """`alembic check` finds no difference between the models and the migrated schema."""
    upgrade(fresh_database.engine)
    config = alembic_config(fresh_database.engine.url.render_as_string(hide_password=False))
    with fresh_database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)


def test_migration_files_are_dated() -> None:
    """Migration files are named by date so the history reads in order."""
    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    for name in names:
        assert name[:4].isdigit() and name[4] == "_", name
