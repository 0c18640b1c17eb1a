"""Generate the large benchmark dataset: 1,000 users × 52 weeks, about 500,000 entries.

    python -m bench.dataset --url postgresql+psycopg://postgres@127.0.0.1:5432/test --schema bench5
    python -m bench.dataset --url sqlite:////tmp/multiplier-bench.db

Bulk loading: COPY on PostgreSQL, one executemany transaction on SQLite. Deterministic
(seeded), so figures are comparable between runs. The schema comes from the migrations.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bot.db.engine import Database
from bot.db.migrate import upgrade

# The instant the benchmarks look from: Monday 23 Nov 2026, 14:00 UTC.
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
USERS = 1000
WEEKS = 52
TEAM_SIZE = 50
TEAM_ID = "TBENCH"
BENCH_CHANNEL = "CBENCH00"
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles", "UTC")
DIMENSIONS = (
    "unblocking",
    "reviews",
    "decisions",
    "writing",
    "mentoring",
    "cross_team",
    "long_horizon",
    "problem_framing",
    "business_impact",
    "alignment",
    "delivery",
    "delivery",
    "delivery",
)
SCOPES = ("self", "team", "team", "cross_team", "org", None)
PHRASES = (
    "Unblocked {p} on the release pipeline after the cache went stale",
    "Reviewed the payments migration and caught a race condition",
    "Wrote the RFC for the shared rate limiter; three teams commented",
    "Paired with {p} on their first on-call shift",
    "Fixed a flaky test in the checkout suite",
    "Ran the architecture review for the search team",
    "Shipped the retry logic for webhooks",
    "Said not now to the rewrite; framed the real problem as latency",
    "Cut the CI bill by a third by sharing runners across teams",
)


def slack_id(n: int) -> str:
    return f"UB{n:05d}"


def _naive(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(tzinfo=None)


def _entries(rng: random.Random, user_ids: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    start = NOW - timedelta(weeks=WEEKS)
    span = (NOW - start).total_seconds()
    for user_id in user_ids:
        # About 9.6 entries a week on average, varying by person.
        count = rng.randint(300, 700)
        for _ in range(count):
            occurred = start + timedelta(seconds=rng.random() * span)
            created = occurred + timedelta(minutes=rng.choice((0, 0, 0, 5, 90, 60 * 30)))
            people = [slack_id(rng.randrange(USERS)) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
            phrase = rng.choice(PHRASES).format(p=f"<@{people[0]}>" if people else "a teammate")
            yield (
                1,
                user_id,
                phrase,
                rng.choice(DIMENSIONS),
                rng.choice(SCOPES),
                json.dumps(people),
                "team" if rng.random() < 0.15 else "private",
                "brag",
                _naive(occurred),
                _naive(min(created, NOW)),
                _naive(min(created, NOW)),
            )


ENTRY_COLUMNS = (
    "workspace_id",
    "user_id",
    "text",
    "dimension",
    "scope",
    "people",
    "visibility",
    "source",
    "occurred_at",
    "created_at",
    "updated_at",
)


def _users(rng: random.Random) -> list[tuple[Any, ...]]:
    now = _naive(NOW - timedelta(weeks=WEEKS + 1))
    return [
        (
            n + 1, 1, slack_id(n), f"user{n}", ZONES[n % len(ZONES)], False, False, True,
            n % 3 == 0, "weekly", 4, 900, True, True, now, now,
        )
        for n in range(USERS)
    ]  # fmt: skip


USER_COLUMNS = (
    "id",
    "workspace_id",
    "slack_user_id",
    "display_name",
    "tz",
    "is_admin",
    "is_bot",
    "active",
    "checkins_enabled",
    "cadence",
    "checkin_weekday",
    "checkin_minute",
    "reminder_enabled",
    "summary_enabled",
    "created_at",
    "updated_at",
)


def _checkins(rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for user in range(1, USERS + 1):
        for week in range(WEEKS):
            slot = NOW - timedelta(weeks=week, days=3, hours=rng.randint(0, 5))
            answered = rng.random() < 0.7
            rows.append(
                (
                    1, user, f"{slot:%G-W%V}", _naive(slot), "answered" if answered else "expired",
                    "[]", 1, _naive(slot), _naive(slot + timedelta(hours=2)) if answered else None,
                    _naive(slot),
                )
            )  # fmt: skip
    return rows


CHECKIN_COLUMNS = (
    "workspace_id",
    "user_id",
    "period_key",
    "slot_at",
    "status",
    "prompt_ids",
    "attempts",
    "sent_at",
    "answered_at",
    "created_at",
)


def _kudos(rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for _ in range(USERS * WEEKS // 2):
        giver, recipient = rng.randrange(1, USERS + 1), rng.randrange(1, USERS + 1)
        if giver == recipient:
            continue
        at = NOW - timedelta(seconds=rng.random() * WEEKS * 7 * 86400)
        rows.append(
            (
                1,
                giver,
                recipient,
                "Thanks for the help on the migration",
                rng.random() < 0.5,
                _naive(at),
            )
        )
    return rows


KUDOS_COLUMNS = (
    "workspace_id",
    "giver_id",
    "recipient_id",
    "text",
    "share_in_digest",
    "created_at",
)


def _digest_channels() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """20 team channels of 50 people each; the first is the benchmarked digest."""
    channels, members = [], []
    for team in range(USERS // TEAM_SIZE):
        channel_id = f"CBENCH{team:02d}"
        channels.append(
            (team + 1, 1, channel_id, f"team-{team:02d}", 0, 540, "UTC", True,
             _naive(NOW), _naive(NOW))
        )  # fmt: skip
        for n in range(team * TEAM_SIZE, (team + 1) * TEAM_SIZE):
            members.append((1, team + 1, slack_id(n)))
    return channels, members


CHANNEL_COLUMNS = (
    "id",
    "workspace_id",
    "channel_id",
    "channel_name",
    "weekday",
    "minute_of_day",
    "tz",
    "active",
    "next_post_at",
    "created_at",
)
MEMBER_COLUMNS = ("workspace_id", "digest_channel_id", "slack_user_id")


def _copy(connection: Any, table: str, columns: Sequence[str], rows: Any) -> int:
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:  # psycopg 3
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _sqlite_value(value: Any) -> Any:
    # The format SQLAlchemy's SQLite DateTime writes, so range comparisons line up.
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value


def _executemany(
    connection: sqlite3.Connection, table: str, columns: Sequence[str], rows: Any
) -> int:
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    count = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= 20_000:
            connection.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    if batch:
        connection.executemany(sql, batch)
        count += len(batch)
    return count


def generate(url: str) -> dict[str, int]:
    """Create the schema and load the dataset; returns row counts per table."""
    # Bulk loading may take a while per statement: no statement timeout here.
    database = Database(url, statement_timeout=None)
    upgrade(database.engine)
    rng = random.Random(5)
    channels, members = _digest_channels()
    user_rows = _users(rng)
    tables: list[tuple[str, Sequence[str], Any]] = [
        ("users", USER_COLUMNS, user_rows),
        ("digest_channels", CHANNEL_COLUMNS, channels),
        ("digest_channel_members", MEMBER_COLUMNS, members),
        ("checkins", CHECKIN_COLUMNS, _checkins(rng)),
        ("kudos", KUDOS_COLUMNS, _kudos(rng)),
        ("evidence_entries", ENTRY_COLUMNS, _entries(rng, range(1, USERS + 1))),
    ]
    counts: dict[str, int] = {}
    raw = database.engine.raw_connection()
    try:
        driver = raw.driver_connection
        if database.is_sqlite:
            assert isinstance(driver, sqlite3.Connection)
            driver.execute("BEGIN")
            driver.execute(
                "INSERT INTO workspaces (id, team_id, name, active, installed_at, settings) "
                "VALUES (1, ?, 'Bench', 1, ?, '{}')",
                (TEAM_ID, _sqlite_value(_naive(NOW))),
            )
            for table, columns, rows in tables:
                counts[table] = _executemany(driver, table, columns, rows)
            driver.execute("COMMIT")
            driver.execute("ANALYZE")
        else:
            with driver.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO workspaces (id, team_id, name, active, installed_at, settings) "
                    "VALUES (1, %s, 'Bench', true, %s, '{}')",
                    (TEAM_ID, _naive(NOW)),
                )
            for table, columns, rows in tables:
                counts[table] = _copy(driver, table, columns, rows)
            with driver.cursor() as cursor:
                for table in ("users", "digest_channels", "checkins", "kudos", "evidence_entries"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
            driver.commit()
            driver.autocommit = True
            with driver.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    finally:
        raw.close()
    database.dispose()
    return counts


def postgres_schema_url(base: str, schema: str, *, recreate: bool) -> str:
    """A URL whose search_path is `schema` (created empty when `recreate`)."""
    from urllib.parse import quote

    from sqlalchemy import create_engine

    if recreate:
        admin = create_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL (SQLite file or PostgreSQL)")
    parser.add_argument("--schema", help="PostgreSQL schema to (re)create and fill")
    args = parser.parse_args()
    url = args.url
    if url.startswith("postgresql"):
        url = postgres_schema_url(url, args.schema or "bench5", recreate=True)
    elif url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    started = time.perf_counter()
    counts = generate(url)
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": round(elapsed, 1), "rows": counts}))


if __name__ == "__main__":
    main()
