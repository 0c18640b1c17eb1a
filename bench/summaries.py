"""Time the personal summary, the App Home build and a 50-member team digest; count queries.

    python -m bench.summaries --url sqlite:////tmp/multiplier-bench.db
    python -m bench.summaries --schema bench5 \
        --url postgresql+psycopg://postgres@127.0.0.1:5432/test

Run `python -m bench.dataset` with the same arguments first. Each measurement is the service
call the app makes (database reads, metrics, Block Kit), without the Slack round trip:
  summary  build_summary for the week that ended + the DM's blocks
  home     home_view_for (this week so far, trend, nudge, recent entries, settings)
  digest   build_digest of the 50-member #team-00 for the 7 days before its slot + its message
The chart PNG (matplotlib) is timed on its own: it is drawn once per weekly DM, off any
request path.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select

from bench.dataset import BENCH_CHANNEL, NOW, USERS, postgres_schema_url, slack_id
from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import DigestChannel, EvidenceEntry, User
from bot.digests import service as digests
from bot.home import service as home
from bot.summaries import chart, periods
from bot.summaries import service as summaries
from bot.ui import summary as summary_ui
from bot.ui.digest import digest_message
from bot.ui.messages import CommandNames

LIB = default_library()
NAMES = CommandNames()


class QueryCounter:
    def __init__(self, database: Database) -> None:
        self.count = 0
        event.listen(database.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _measure(
    database: Database, counter: QueryCounter, runs: int, work: Callable[[Any, int], None]
) -> dict[str, Any]:
    timings: list[float] = []
    queries: set[int] = set()
    for n in range(runs):
        with database.session() as session:
            before = counter.count
            started = time.perf_counter()
            work(session, n)
            timings.append((time.perf_counter() - started) * 1000)
            queries.add(counter.count - before)
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
        "queries": sorted(queries),
    }


def run(url: str, runs: int) -> dict[str, Any]:
    database = Database(url)
    counter = QueryCounter(database)
    rng = random.Random(7)
    picks = [slack_id(rng.randrange(USERS)) for _ in range(runs)]

    def user(session: Any, n: int) -> User:
        return session.scalars(select(User).where(User.slack_user_id == picks[n])).one()

    def summary(session: Any, n: int) -> None:
        person = user(session, n)
        week = summaries.previous_week(person, NOW)
        result = summaries.build_summary(session=session, user=person, week=week, library=LIB)
        summary_ui.weekly_summary_message(result, LIB, multiplier_command="/multiplier")

    def home_tab(session: Any, n: int) -> None:
        view = home.home_view_for(
            session=session, user=user(session, n), now=NOW, library=LIB, names=NAMES
        )
        assert len(view["blocks"]) <= 100

    slot = periods.latest_digest_slot(NOW, 0, 540, periods.zone("UTC"))

    def digest(session: Any, _n: int) -> None:
        channel = session.scalars(
            select(DigestChannel).where(DigestChannel.channel_id == BENCH_CHANNEL)
        ).one()
        team = digests.build_digest(
            session=session,
            digest=channel,
            period_start=slot - timedelta(days=7),
            period_end=slot,
            library=LIB,
            min_group_size=3,
        )
        assert team.totals is not None and team.totals.participants >= 3
        digest_message(team, channel_name="team-00", tz_name="UTC", library=LIB, names=NAMES)

    with database.session() as session:
        entries = session.scalar(select(func.count()).select_from(EvidenceEntry))
        users = session.scalar(select(func.count()).select_from(User))
    # Warm up caches (library, plan cache, OS page cache) before measuring.
    _measure(database, counter, min(20, runs), summary)
    results = {
        "database": database.engine.dialect.name,
        "users": users,
        "entries": entries,
        "summary": _measure(database, counter, runs, summary),
        "home": _measure(database, counter, runs, home_tab),
        "digest_50": _measure(database, counter, max(10, runs // 10), digest),
    }
    with database.session() as session:
        person = session.scalars(select(User).where(User.slack_user_id == picks[0])).one()
        result = summaries.build_summary(
            session=session, user=person, week=summaries.previous_week(person, NOW), library=LIB
        )
    rows = summary_ui.chart_rows(result, LIB)
    chart_ms = []
    for _ in range(10):
        started = time.perf_counter()
        chart.render_png(rows, title="bench")
        chart_ms.append((time.perf_counter() - started) * 1000)
    results["chart_png"] = {"runs": 10, "p50_ms": round(statistics.median(chart_ms), 1)}
    results["machine"] = f"{platform.machine()}, {platform.python_version()}, shared"
    database.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--schema", help="PostgreSQL schema filled by bench.dataset")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    url = args.url
    if url.startswith("postgresql"):
        url = postgres_schema_url(url, args.schema or "bench5", recreate=False)
    print(json.dumps(run(url, args.runs), indent=2))


if __name__ == "__main__":
    main()
