"""The `digests` job: privacy, the minimum group size, once per period, late entries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import DigestChannel, DigestPost
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from sandbox.render import Names, render_message
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings

SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC
IN_PERIOD = SLOT - timedelta(days=3)
MEMBERS = ["UALICE", "UBOB", "UCAROL", "UDAN"]


def _ctx(database: Database, standin: SlackStandIn, **overrides) -> JobContext:
    settings = make_settings(standin=standin, database_url=database.url, **overrides)
    return JobContext(database=database, settings=settings, worker_id="test")


@pytest.fixture
def team(database: Database, standin: SlackStandIn) -> dict:
    """A #team-payments digest (Mondays 09:00 UTC) over Alice, Bob, Carol and Dan."""
    standin.add_user("UDAN", name="dan", tz="UTC")
    standin.add_user("UERIN", name="erin", tz="UTC")
    standin.add_channel("CTEAM", "team-payments", [*MEMBERS, "UBOT"])
    with database.session() as session:
        people = {m: logbook.user(session, m) for m in [*MEMBERS, "UERIN"]}
        logbook.digest_channel(session, "CTEAM", "team-payments", MEMBERS, next_post_at=SLOT)
        return {k: v.id for k, v in people.items()}


def _posts(standin: SlackStandIn) -> list[dict]:
    return [
        c.params for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == "CTEAM"
    ]


def _blob(params: dict) -> str:
    return str(params["blocks"]) + params.get("text", "")


def _report(database: Database) -> None:
    """Something for the week's digest: Alice shares an entry (an empty week posts nothing)."""
    with database.session() as session:
        logbook.entry(session, _user(session, "UALICE"), IN_PERIOD, visibility="team")


def _user(session, slack_id):
    from bot.db.models import User

    return session.scalars(select(User).where(User.slack_user_id == slack_id)).one()


def test_digest_posts_once_per_period_however_often_the_job_runs(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Twice at the slot, then an hour later: one post, one row; the next slot is a week on."""
    _report(database)
    ctx = _ctx(database, standin)
    run_job("digests", ctx, SLOT)
    run_job("digests", ctx, SLOT)
    run_job("digests", ctx, SLOT + timedelta(hours=1))
    assert len(_posts(standin)) == 1
    with database.session() as session:
        (post,) = session.scalars(select(DigestPost)).all()
        assert post.status == "sent" and post.message_ts
        assert (post.period_start, post.period_end) == (SLOT - timedelta(days=7), SLOT)
        assert session.scalars(select(DigestChannel)).one().next_post_at == SLOT + timedelta(days=7)


def test_private_text_never_reaches_a_digest(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Private entries count in totals but their text never appears; shared text does."""
    with database.session() as session:
        alice, bob, carol = (_user(session, u) for u in ("UALICE", "UBOB", "UCAROL"))
        logbook.entry(session, alice, IN_PERIOD, text="SECRET: I doubt my manager")
        logbook.entry(session, bob, IN_PERIOD, text="PRIVATE bob reflection", dimension="writing")
        logbook.entry(
            session,
            carol,
            IN_PERIOD,
            text="Shared: wrote the on-call RFC",
            visibility="team",
            dimension="writing",
        )
        logbook.kudos(session, bob, carol, IN_PERIOD, text="hidden kudos", share=False)
        logbook.kudos(session, alice, carol, IN_PERIOD, text="public kudos", share=True)
    run_job("digests", _ctx(database, standin), SLOT)
    (post,) = _posts(standin)
    blob = _blob(post)
    assert "SECRET" not in blob and "PRIVATE" not in blob and "hidden kudos" not in blob
    assert "Shared: wrote the on-call RFC" in blob
    assert "public kudos" in blob
    assert "*3* people took part" in blob
    assert "*3* entries" in blob


def test_below_the_minimum_group_no_aggregate_is_shown(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Two people took part (minimum three): no totals, no participation count."""
    with database.session() as session:
        alice, bob = _user(session, "UALICE"), _user(session, "UBOB")
        logbook.entry(session, alice, IN_PERIOD)
        logbook.entry(session, bob, IN_PERIOD, text="shared one", visibility="team")
    run_job("digests", _ctx(database, standin), SLOT)
    (post,) = _posts(standin)
    blob = _blob(post)
    assert "took part" not in blob
    assert not re.search(r"\*\d+\* entries", blob)
    assert "at least 3 people" in blob
    assert "shared one" in blob  # an author's own choice to share still shows


def test_the_minimum_group_size_is_a_setting(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """With DIGEST_MIN_GROUP_SIZE=2 the same two people make totals appear."""
    with database.session() as session:
        logbook.entry(session, _user(session, "UALICE"), IN_PERIOD)
        logbook.entry(session, _user(session, "UBOB"), IN_PERIOD)
    run_job("digests", _ctx(database, standin, digest_min_group_size=2), SLOT)
    assert "*2* people took part" in _blob(_posts(standin)[0])


def test_no_broadcast_and_nobody_named_for_not_taking_part(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Hostile shared text cannot broadcast or ping; only people who shared are mentioned."""
    with database.session() as session:
        for who in ("UALICE", "UBOB", "UCAROL"):
            logbook.entry(session, _user(session, who), IN_PERIOD)
        logbook.entry(
            session,
            _user(session, "UALICE"),
            IN_PERIOD,
            text="<!channel> <!here|here> @everyone thanks <@UDAN|dan> &lt;!channel&gt;",
            visibility="team",
        )
    run_job("digests", _ctx(database, standin), SLOT)
    (post,) = _posts(standin)
    blob = _blob(post)
    # Only the period's own date tokens (shown in each reader's zone) are special.
    assert re.findall(r"<!(\w+)", blob) == ["date", "date"]
    assert set(re.findall(r"<@(U[A-Z0-9]+)>", blob)) == {"UALICE"}
    assert "UDAN" not in blob
    assert not post.get("link_names")


def test_late_entries_appear_next_week_as_also_from_last_week(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """An entry for last week logged after its digest appears in the next one, marked late."""
    ctx = _ctx(database, standin)
    with database.session() as session:
        for who in ("UALICE", "UBOB", "UCAROL"):
            logbook.entry(session, _user(session, who), IN_PERIOD)
    run_job("digests", ctx, SLOT)
    with database.session() as session:
        logbook.entry(
            session,
            _user(session, "UDAN"),
            IN_PERIOD,
            created_at=SLOT + timedelta(hours=2),
            text="Late but shared: paired with a new hire",
            visibility="team",
            dimension="mentoring",
        )
    run_job("digests", ctx, SLOT + timedelta(days=7))
    first, second = _posts(standin)
    assert "Late but shared" not in _blob(first)
    assert "Also from last week" in _blob(second)
    assert "Late but shared" in _blob(second)
    assert "1 more entry" in _blob(second)


def test_a_digest_covers_the_seven_days_ending_at_its_slot(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Entries just inside the 7 days count; one a minute after the slot waits for next week."""
    with database.session() as session:
        logbook.entry(
            session,
            _user(session, "UALICE"),
            SLOT - timedelta(days=7),
            text="first minute",
            visibility="team",
        )
        logbook.entry(
            session,
            _user(session, "UBOB"),
            SLOT - timedelta(minutes=1),
            text="last minute",
            visibility="team",
        )
        logbook.entry(
            session,
            _user(session, "UCAROL"),
            SLOT - timedelta(days=7, minutes=1),
            text="too early",
            visibility="team",
        )
        logbook.entry(
            session,
            _user(session, "UDAN"),
            SLOT + timedelta(minutes=1),
            text="next week",
            visibility="team",
        )
    run_job("digests", _ctx(database, standin), SLOT + timedelta(minutes=5))
    blob = _blob(_posts(standin)[0])
    assert "first minute" in blob and "last minute" in blob
    assert "too early" not in blob and "next week" not in blob


def test_the_team_is_the_channel_membership_at_posting_time(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Erin joined the channel since the digest was set up: her shared entry counts now."""
    standin.add_channel("CTEAM", "team-payments", [*MEMBERS, "UERIN", "UBOT"])
    with database.session() as session:
        logbook.entry(
            session, _user(session, "UERIN"), IN_PERIOD, text="erin joined", visibility="team"
        )
    run_job("digests", _ctx(database, standin), SLOT)
    assert "erin joined" in _blob(_posts(standin)[0])


def test_a_non_member_never_appears(database: Database, standin: SlackStandIn, team: dict) -> None:
    """Erin is not in the channel: her shared entries and kudos stay out of its digest."""
    with database.session() as session:
        erin = _user(session, "UERIN")
        logbook.entry(session, erin, IN_PERIOD, text="erin outside", visibility="team")
    _report(database)
    run_job("digests", _ctx(database, standin), SLOT)
    assert "erin outside" not in _blob(_posts(standin)[0])


def test_a_missed_slot_beyond_the_grace_is_skipped_not_posted_late(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Two days of downtime: that week's digest is skipped and the next slot is scheduled."""
    run_job("digests", _ctx(database, standin), SLOT + timedelta(days=2))
    assert _posts(standin) == []
    with database.session() as session:
        assert session.scalars(select(DigestChannel)).one().next_post_at == SLOT + timedelta(days=7)


def test_an_archived_channel_stops_its_digest(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """is_archived is permanent: the post fails once and the digest is switched off."""
    _report(database)
    standin.fail_next("chat.postMessage", "is_archived", times=3)
    ctx = _ctx(database, standin)
    run_job("digests", ctx, SLOT)
    run_job("digests", ctx, SLOT + timedelta(minutes=1))
    with database.session() as session:
        post = session.scalars(select(DigestPost)).one()
        assert (post.status, post.last_error) == ("failed", "is_archived")
        assert session.scalars(select(DigestChannel)).one().active is False
    assert len(standin.calls_to("chat.postMessage")) == 1


@pytest.mark.postgres_only
def test_racing_workers_post_each_digest_once(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Four workers running the job for the same instant: one post per channel."""
    import threading

    with database.session() as session:
        for n in range(5):
            channel = f"CRACE{n}"
            standin.add_channel(channel, f"race-{n}", [*MEMBERS, "UBOT"])
            logbook.digest_channel(session, channel, f"race-{n}", MEMBERS, next_post_at=SLOT)
    _report(database)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            ctx = _ctx(database, standin)
            ctx.worker_id = name
            run_job("digests", ctx, SLOT)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    channels = [c.params["channel"] for c in standin.calls_to("chat.postMessage")]
    assert sorted(channels) == sorted(["CTEAM", *(f"CRACE{n}" for n in range(5))])
    with database.session() as session:
        assert {p.status for p in session.scalars(select(DigestPost))} == {"sent"}


def test_digest_numbers_count_what_members_logged_in_lines_of_their_own(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Golden text: kudos received are no entries and no participation; people and entries
    are counted on separate lines, never run together."""
    with database.session() as session:
        alice, bob, carol, dan = (_user(session, u) for u in MEMBERS)
        logbook.entry(session, alice, IN_PERIOD, people=["UERIN"])
        logbook.entry(session, alice, IN_PERIOD, dimension="writing", scope="org")
        logbook.entry(session, bob, IN_PERIOD, dimension="delivery", scope="self")
        logbook.entry(
            session, carol, IN_PERIOD, dimension="reviews", scope="cross_team", people=["UDAN"]
        )
        # Dan only received a kudos: on his log as recognition, not something he logged.
        logbook.kudos(session, alice, dan, IN_PERIOD, text="Thanks for the pairing", share=True)
        logbook.entry(
            session, dan, IN_PERIOD, text="Thanks for the pairing", source="kudos",
            dimension="mentoring", people=["UALICE"],
        )  # fmt: skip
    run_job("digests", _ctx(database, standin), SLOT)
    (post,) = _posts(standin)
    names = Names.of({"UALICE": "alice", "UDAN": "dan"}, {})
    assert render_message(post, names)[:7] == [
        "Team multiplier digest · #team-payments",
        "═══════════════════════════════════════",
        "  Mon 16 Nov 09:00 – Mon 23 Nov 2026 09:00 (UTC)",
        "3 people took part · 2 people helped by their work",
        "4 entries logged: 3 multiplier work · 2 beyond the team · 1 written artefact",
        "  🔓 Unblocking people 1 · 🔍 Reviews that caught problems 1 · 📝 Writing that travels 1 "
        "· 📦 Own delivery 1",
        "────────────────────────────────────────",
    ]
    assert "🙌 @alice → @dan: Thanks for the pairing" in render_message(post, names)


def test_expectations_never_reach_a_digest(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """A person's staff expectations (issue 17) are theirs: a digest over people who entered
    them, with shared entries mapped to them, names none of them nor the mapping."""
    from bot.expectations.mapping import set_mapping
    from bot.expectations.service import expectations_of, replace_expectations

    with database.session() as session:
        for slack_id in ("UALICE", "UBOB", "UCAROL"):
            person = _user(session, slack_id)
            replace_expectations(
                session=session,
                user=person,
                texts=[f"EXPECTATION of {slack_id}: sets direction"],
                now=IN_PERIOD,
            )
            shared = logbook.entry(
                session, person, IN_PERIOD, text=f"Shared by {slack_id}", visibility="team"
            )
            (expectation,) = expectations_of(session=session, user=person)
            set_mapping(
                session=session,
                user=person,
                entry_id=shared.id,
                values=[f"{shared.id}:{expectation.id}"],
            )
        session.commit()
    run_job("digests", _ctx(database, standin), SLOT)
    (post,) = _posts(standin)
    blob = _blob(post)
    assert "Shared by UALICE" in blob
    assert "EXPECTATION" not in blob and "sets direction" not in blob
    assert "Evidence for" not in blob and ":dart:" not in blob


def test_staff_problems_never_reach_a_digest(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """A person's staff-shaped problem and the steps they ticked (issue 17 item 3) are
    theirs: a digest over people who named one, with shared entries, names none of them."""
    from bot.problems import service as problems

    steps = default_library().problem_steps
    with database.session() as session:
        for slack_id in ("UALICE", "UBOB", "UCAROL"):
            person = _user(session, slack_id)
            problem, _ = problems.name(
                session=session, user=person, text=f"PROBLEM of {slack_id}", now=IN_PERIOD
            )
            problems.tick(session=session, problem=problem, step=steps[0], now=IN_PERIOD)
            logbook.entry(
                session, person, IN_PERIOD, text=f"Shared by {slack_id}", visibility="team"
            )
        session.commit()
    run_job("digests", _ctx(database, standin), SLOT)
    (post,) = _posts(standin)
    blob = _blob(post)
    assert "Shared by UALICE" in blob
    assert "PROBLEM" not in blob and steps[0].label not in blob


def test_no_digest_module_reads_staff_problems() -> None:
    """Nothing under bot/digests imports the staff-problem storage or its table."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in sorted((root / "bot" / "digests").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        assert not {n for n in imported if n.startswith("bot.problems")}, path
        assert "bot.db.models.StaffProblem" not in imported, path


def test_a_week_with_nothing_to_report_posts_nothing(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """Nobody logged or shared anything: no post (a channel of "quiet week" posts teaches
    people to mute it), the week is marked skipped and the next slot is a week on.

    Failed before: "A quiet week on the log." was posted every such week."""
    result = run_job("digests", _ctx(database, standin), SLOT)
    assert _posts(standin) == []
    assert "skipped 1 with nothing to report" in result.summary
    with database.session() as session:
        (post,) = session.scalars(select(DigestPost)).all()
        assert post.status == "skipped" and post.message_ts is None
        assert session.scalars(select(DigestChannel)).one().next_post_at == SLOT + timedelta(days=7)
    _report(database)
    run_job("digests", _ctx(database, standin), SLOT + timedelta(days=7))
    assert _posts(standin) == []  # last week's entry is not this week's news
    with database.session() as session:
        logbook.entry(session, _user(session, "UBOB"), SLOT + timedelta(days=9), visibility="team")
    run_job("digests", _ctx(database, standin), SLOT + timedelta(days=14))
    assert len(_posts(standin)) == 1


def test_the_period_shows_in_each_readers_zone(
    database: Database, standin: SlackStandIn, team: dict
) -> None:
    """The channel is read from many zones: the period's ends are Slack date tokens (each
    reader sees their own time), and the fallback and notification text name the digest's
    zone. Failed before: "Mon 16 Nov 09:00 – Mon 23 Nov 2026 09:00" in no named zone."""
    with database.session() as session:
        session.execute(update(DigestChannel).values(tz="Asia/Kolkata", minute_of_day=14 * 60 + 30))
    _report(database)
    run_job("digests", _ctx(database, standin), SLOT)
    (post,) = _posts(standin)
    period = post["blocks"][1]
    assert period["type"] == "context"
    tokens = re.findall(r"<!date\^(\d+)\^([^|>]+)\|([^>]+)>", period["elements"][0]["text"])
    start, end = SLOT - timedelta(days=7), SLOT
    assert tokens == [
        (str(int(start.timestamp())), "{date_short} {time}", "Mon 16 Nov 14:30"),
        (str(int(end.timestamp())), "{date_short} {time}", "Mon 23 Nov 2026 14:30 (Asia/Kolkata)"),
    ]
    assert post["text"].endswith("Mon 16 Nov 14:30 – Mon 23 Nov 2026 14:30 (Asia/Kolkata)")
