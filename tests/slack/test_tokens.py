"""Token rotation: expiring bot tokens are refreshed before use, one refresh per installation."""

from __future__ import annotations

import threading
from datetime import timedelta

from slack_sdk.oauth.installation_store import Installation

from bot.db.base import utcnow
from bot.db.engine import Database
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.slack.oauth import installation_store
from bot.slack.tokens import TokenRefresher
from standin.webapi import SlackStandIn
from tests.support.oauth import make_oauth_settings

OLD, NEW = "xoxb-rotating-old", "xoxb-rotating-new"


def _expiring_install(standin: SlackStandIn, database: Database, *, minutes: int):
    settings = make_oauth_settings(standin=standin, database_url=database.url)
    standin.add_team("T0ROT", "Rot", OLD, "UBROT")
    store = installation_store(settings, database)
    store.save(
        Installation(
            app_id="A0001",
            team_id="T0ROT",
            team_name="Rot",
            bot_token=OLD,
            bot_id="BROT",
            bot_user_id="UBROT",
            bot_scopes="chat:write,commands",
            bot_refresh_token="xoxe-1-refresh-old",
            bot_token_expires_at=utcnow() + timedelta(minutes=minutes),
            user_id="UINSTALLER",
            installed_at=utcnow(),
        )
    )
    # oauth.v2.access with grant_type=refresh_token carries no code: the stand-in's "" entry.
    standin.set_oauth_response(
        "",
        {
            "ok": True,
            "app_id": "A0001",
            "token_type": "bot",
            "access_token": NEW,
            "refresh_token": "xoxe-1-refresh-new",
            "expires_in": 43_200,
            "team": {"id": "T0ROT", "name": "Rot"},
            "bot_user_id": "UBROT",
        },
    )
    return settings, store


def test_concurrent_users_of_an_expiring_token_refresh_it_once(
    database: Database, standin: SlackStandIn, test_database
) -> None:
    """Four workers (two 'processes' on PostgreSQL) needing a token at once: one refresh."""
    settings, store = _expiring_install(standin, database, minutes=5)
    standin.set_delay("oauth.v2.access", 0.5)  # a slow refresh widens the race
    second = Database(database.url) if test_database.backend == "postgresql" else database
    refreshers = [
        TokenRefresher(database=database, store=store, settings=settings),
        TokenRefresher(
            database=second, store=installation_store(settings, second), settings=settings
        ),
    ]
    tokens: list[str] = []
    barrier = threading.Barrier(4)

    def use(refresher: TokenRefresher) -> None:
        barrier.wait()
        bot = refresher.bot(enterprise_id=None, team_id="T0ROT")
        tokens.append(bot.bot_token)

    threads = [threading.Thread(target=use, args=(refreshers[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    if second is not database:
        second.dispose()
    assert tokens == [NEW] * 4
    (refresh,) = standin.calls_to("oauth.v2.access")
    assert refresh.params.get("grant_type") == "refresh_token"
    stored = store.find_bot(enterprise_id=None, team_id="T0ROT")
    assert stored.bot_token == NEW and stored.bot_refresh_token == "xoxe-1-refresh-new"
    assert stored.bot_token_expires_at > (utcnow() + timedelta(hours=11)).timestamp()


def test_worker_refreshes_ahead_and_jobs_send_with_the_fresh_token(
    database: Database, standin: SlackStandIn
) -> None:
    """The refresh-tokens job renews a token expiring within two hours; client_for uses it."""
    settings, _store = _expiring_install(standin, database, minutes=90)
    ctx = JobContext(database=database, settings=settings)
    result = run_job("refresh-tokens", ctx, utcnow())
    assert result.summary.startswith("refreshed 1 token")
    assert run_job("refresh-tokens", ctx, utcnow()).summary.startswith("refreshed 0 token")
    client = ctx.client_for("T0ROT")
    assert client.token == NEW
    assert client.auth_test()["team_id"] == "T0ROT"
    assert len(standin.calls_to("oauth.v2.access")) == 1


def test_request_path_leaves_tokens_with_time_left_alone(
    database: Database, standin: SlackStandIn
) -> None:
    """A token with more than ten minutes left is used as is on the request path (no Slack call)."""
    settings, store = _expiring_install(standin, database, minutes=90)
    refresher = TokenRefresher(database=database, store=store, settings=settings)
    assert refresher.bot(enterprise_id=None, team_id="T0ROT").bot_token == OLD
    assert standin.calls_to("oauth.v2.access") == []
