"""Migrations round-trip on both databases and agree with the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

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


WORK_DAYS_REVISION = "00a43985e5ed"


def test_early_week_checkins_are_rekeyed_to_the_week_they_ask_about(
    fresh_database: Database,
) -> None:
    """Monday/Tuesday check-ins move to last week's key (down again on downgrade); a key
    already taken (the person moved their day) stays; users get Monday–Friday work days."""
    script = ScriptDirectory.from_config(alembic_config(str(fresh_database.engine.url)))
    before = script.get_revision(WORK_DAYS_REVISION).down_revision
    upgrade(fresh_database.engine, before)
    now = "2026-12-01 00:00:00"
    rows = [
        # (user, period_key, slot_at UTC): bob in Berlin, weekly on Mondays at 09:30.
        (1, "2026-W48", "2026-11-23 08:30:00"),
        (1, "2026-W49", "2026-11-30 08:30:00"),
        # alice in New York, twice a week (Tuesday and Friday).
        (2, "2026-W49", "2026-12-01 14:00:00"),
        (2, "2026-W49.2", "2026-12-04 20:00:00"),
        # carol in Kolkata moved from Friday to Monday: last week already has its check-in.
        (3, "2026-W48", "2026-11-27 09:30:00"),
        (3, "2026-W49", "2026-11-30 04:00:00"),
        # dana in Kolkata on Mondays at 00:30, still Sunday in UTC: judged by her local day.
        (4, "2026-W50", "2026-12-06 19:00:00"),
    ]
    with fresh_database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, team_id, active, installed_at, settings) "
                "VALUES (1, 'T1', true, :now, '{}')"
            ),
            {"now": now},
        )
        zones = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kolkata")
        for user_id, tz in enumerate(zones, start=1):
            connection.execute(
                text(
                    "INSERT INTO users (id, workspace_id, slack_user_id, tz, is_admin, is_bot, "
                    "active, checkins_enabled, cadence, checkin_weekday, checkin_minute, "
                    "reminder_enabled, summary_enabled, created_at, updated_at) VALUES (:id, 1, "
                    ":slack, :tz, false, false, true, true, 'weekly', 0, 570, true, true, :now, "
                    ":now)"
                ),
                {"id": user_id, "slack": f"U{user_id}", "tz": tz, "now": now},
            )
        for user_id, key, slot in rows:
            connection.execute(
                text(
                    "INSERT INTO checkins (workspace_id, user_id, period_key, slot_at, status, "
                    "prompt_ids, attempts, created_at) VALUES (1, :user, :key, :slot, 'sent', "
                    "'[]', 0, :now)"
                ),
                {"user": user_id, "key": key, "slot": slot, "now": now},
            )

    def keys() -> list[tuple[int, str]]:
        with fresh_database.engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    text("SELECT user_id, period_key FROM checkins ORDER BY id")
                )
            ]

    original = keys()
    upgrade(fresh_database.engine, WORK_DAYS_REVISION)
    assert keys() == [
        (1, "2026-W47"),
        (1, "2026-W48"),
        (2, "2026-W48"),
        (2, "2026-W49.2"),
        (3, "2026-W48"),
        (3, "2026-W49"),  # 2026-W48 is Friday's: this one keeps its key
        (4, "2026-W49"),
    ]
    with fresh_database.engine.connect() as connection:
        workdays = connection.execute(text("SELECT DISTINCT workdays FROM users")).scalars().all()
    assert workdays == [0b0011111]
    downgrade(fresh_database.engine, before)
    assert keys() == original


DROP_QUEUE_REVISION = "7c2e4b9d1f30"


def test_the_work_queue_is_dropped_only_once_every_queued_brag_is_stored(
    fresh_database: Database,
) -> None:
    """A /brag still in queued_work was acked: the migration refuses (changing nothing) until
    the previous version's worker has stored it, then drops the table."""
    script = ScriptDirectory.from_config(alembic_config(str(fresh_database.engine.url)))
    before = script.get_revision(DROP_QUEUE_REVISION).down_revision
    upgrade(fresh_database.engine, before)
    now = "2026-12-01 00:00:00"
    with fresh_database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, team_id, active, installed_at, settings) "
                "VALUES (1, 'T1', true, :now, '{}')"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO users (id, workspace_id, slack_user_id, tz, is_admin, is_bot, "
                "active, checkins_enabled, cadence, checkin_weekday, checkin_minute, "
                "reminder_enabled, summary_enabled, created_at, updated_at) VALUES (1, 1, "
                "'U1', 'UTC', false, false, true, false, 'weekly', 0, 570, true, true, :now, "
                ":now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO queued_work (kind, workspace_id, user_id, payload, enqueued_at, "
                "due_at, attempts) VALUES ('brag', 1, 1, :payload, :now, :now, 0)"
            ),
            {"payload": '{"text": "acked before the deploy"}', "now": now},
        )

    with pytest.raises(RuntimeError, match=r"queued_work still holds 1 /brag"):
        upgrade(fresh_database.engine)
    assert "queued_work" in _tables(fresh_database)
    with fresh_database.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM queued_work")).scalar_one() == 1

    with fresh_database.engine.begin() as connection:
        connection.execute(text("DELETE FROM queued_work"))
    upgrade(fresh_database.engine)
    assert "queued_work" not in _tables(fresh_database)
    assert not pending_migrations(fresh_database.engine)


DELIVERY_STATUS_REVISION = "7d3e1a9c4b20"


def test_delivery_words_become_one_vocabulary_under_a_check(fresh_database: Database) -> None:
    """A digest "posted" becomes `sent`; a check-in marked "ambiguous:" in last_error becomes
    `unknown` (the marker leaves last_error); any other word is then refused by the database.
    Downgrade restores the old words."""
    script = ScriptDirectory.from_config(alembic_config(str(fresh_database.engine.url)))
    before = script.get_revision(DELIVERY_STATUS_REVISION).down_revision
    upgrade(fresh_database.engine, before)
    now = "2026-12-01 00:00:00"
    with fresh_database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, team_id, active, installed_at, settings) "
                "VALUES (1, 'T1', true, :now, '{}')"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO users (id, workspace_id, slack_user_id, tz, is_admin, is_bot, "
                "active, checkins_enabled, cadence, checkin_weekday, checkin_minute, "
                "reminder_enabled, summary_enabled, created_at, updated_at) VALUES (1, 1, "
                "'U1', 'UTC', false, false, true, true, 'weekly', 0, 570, true, true, :now, :now)"
            ),
            {"now": now},
        )
        for key, status, error in [
            ("2026-W47", "pending", "ambiguous: claim by cli@host:1:abc lapsed"),
            ("2026-W48", "pending", "ratelimited"),
            ("2026-W49", "sent", None),
        ]:
            connection.execute(
                text(
                    "INSERT INTO checkins (workspace_id, user_id, period_key, slot_at, status, "
                    "prompt_ids, attempts, last_error, created_at) VALUES (1, 1, :key, :now, "
                    ":status, '[]', 1, :error, :now)"
                ),
                {"key": key, "status": status, "error": error, "now": now},
            )
        connection.execute(
            text(
                "INSERT INTO digest_channels (id, workspace_id, channel_id, weekday, "
                "minute_of_day, tz, active, created_at) VALUES (1, 1, 'C1', 0, 540, 'UTC', "
                "true, :now)"
            ),
            {"now": now},
        )
        for key, status in [("2026-W48", "posted"), ("2026-W49", "failed")]:
            connection.execute(
                text(
                    "INSERT INTO digest_posts (digest_channel_id, period_key, period_start, "
                    "period_end, status, attempts, created_at) VALUES (1, :key, :now, :now, "
                    ":status, 1, :now)"
                ),
                {"key": key, "status": status, "now": now},
            )

    def rows() -> tuple[list[tuple[str, str | None]], list[str]]:
        with fresh_database.engine.connect() as connection:
            checkins = [
                (row[0], row[1])
                for row in connection.execute(
                    text("SELECT status, last_error FROM checkins ORDER BY id")
                )
            ]
            digests = list(
                connection.execute(text("SELECT status FROM digest_posts ORDER BY id")).scalars()
            )
        return checkins, digests

    original = rows()
    upgrade(fresh_database.engine, DELIVERY_STATUS_REVISION)
    assert rows() == (
        [
            ("unknown", "claim by cli@host:1:abc lapsed"),
            ("pending", "ratelimited"),
            ("sent", None),
        ],
        ["sent", "failed"],
    )
    refused = [
        "UPDATE checkins SET status = 'posted'",
        "UPDATE digest_posts SET status = 'posted'",
        "INSERT INTO summary_posts (workspace_id, user_id, period_key, status, attempts, "
        "created_at) VALUES (1, 1, '2026-W49', 'done', 0, '2026-12-01 00:00:00')",
    ]
    for statement in refused:
        with fresh_database.engine.begin() as connection, pytest.raises(IntegrityError):
            connection.execute(text(statement))
    downgrade(fresh_database.engine, before)
    assert rows() == original


CHECKIN_PERIOD_REVISION = "b3a9c0d1e2f3"


def test_checkins_get_the_days_they_ask_about_from_the_cadence_at_the_upgrade(
    fresh_database: Database,
) -> None:
    """Existing check-ins are given their days as the person's cadence reads them: every two
    weeks (Friday, New York), every week (a Monday in Berlin: the week that ended) and twice
    a week (Tuesday and Friday in Kolkata: the days since the other)."""
    script = ScriptDirectory.from_config(alembic_config(str(fresh_database.engine.url)))
    before = script.get_revision(CHECKIN_PERIOD_REVISION).down_revision
    upgrade(fresh_database.engine, before)
    now = "2026-11-01 00:00:00"
    people = [
        (1, "America/New_York", "biweekly", 4, None),
        (2, "Europe/Berlin", "weekly", 0, None),
        (3, "Asia/Kolkata", "twice_weekly", 4, 1),
    ]
    rows = [
        (1, "2026-W49", "2026-12-04 20:00:00"),  # Fri 4 Dec 15:00 in New York
        (2, "2026-W49", "2026-12-07 08:30:00"),  # Mon 7 Dec 09:30 in Berlin
        (3, "2026-W49", "2026-12-01 04:00:00"),  # Tue 1 Dec 09:30 in Kolkata
        (3, "2026-W49.2", "2026-12-04 04:00:00"),  # Fri 4 Dec
    ]
    with fresh_database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, team_id, active, installed_at, settings) "
                "VALUES (1, 'T1', true, :now, '{}')"
            ),
            {"now": now},
        )
        for user_id, tz, cadence, weekday, second in people:
            connection.execute(
                text(
                    "INSERT INTO users (id, workspace_id, slack_user_id, tz, is_admin, is_bot, "
                    "active, checkins_enabled, cadence, checkin_weekday, second_weekday, "
                    "checkin_minute, reminder_enabled, summary_enabled, workdays, created_at, "
                    "updated_at) VALUES (:id, 1, :slack, :tz, false, false, true, true, "
                    ":cadence, :weekday, :second, 570, true, true, 31, :now, :now)"
                ),
                {
                    "id": user_id, "slack": f"U{user_id}", "tz": tz, "cadence": cadence,
                    "weekday": weekday, "second": second, "now": now,
                },
            )  # fmt: skip
        for user_id, key, slot in rows:
            connection.execute(
                text(
                    "INSERT INTO checkins (workspace_id, user_id, period_key, slot_at, status, "
                    "prompt_ids, attempts, created_at) VALUES (1, :user, :key, :slot, 'sent', "
                    "'[]', 0, :now)"
                ),
                {"user": user_id, "key": key, "slot": slot, "now": now},
            )
    upgrade(fresh_database.engine, CHECKIN_PERIOD_REVISION)
    with fresh_database.engine.connect() as connection:
        found = [
            (kind, str(first), str(last))
            for kind, first, last in connection.execute(
                text("SELECT period_kind, period_first, period_last FROM checkins ORDER BY id")
            )
        ]
    assert found == [
        ("two_weeks", "2026-11-23", "2026-12-06"),
        ("week", "2026-11-30", "2026-12-06"),
        ("since", "2026-11-27", "2026-12-01"),
        ("since", "2026-12-01", "2026-12-04"),
    ]
    downgrade(fresh_database.engine, before)
