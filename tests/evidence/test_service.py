"""The evidence service: lossless storage, ownership and tenancy, kudos rules and the cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.evidence import service as evidence
from bot.evidence import visibility
from bot.evidence.filters import FilterError, decode, encode, parse_filter
from bot.workspaces import service as workspaces

LIBRARY = default_library()
NOW = datetime(2026, 8, 14, 15, 0, tzinfo=UTC)


def _user(session, slack_id: str, team: str = "T0001", tz: str = "UTC"):
    user = workspaces.ensure_user(session=session, team_id=team, slack_user_id=slack_id)
    user.tz = tz
    session.flush()
    return user


def test_text_limits() -> None:
    """10,000 characters are fine, NUL included; one more is refused."""
    evidence.check_text("x" * 10_000)
    evidence.check_text("a\x00b")
    with pytest.raises(evidence.EvidenceTooLong):
        evidence.check_text("x" * 10_001)


def test_owner_only_and_tenancy(database: Database) -> None:
    """Only the owner, in the owner's workspace, can read or change an entry."""
    with database.session() as session:
        alice = _user(session, "UALICE")
        bob = _user(session, "UBOB")
        twin = _user(session, "UALICE", team="T0002")  # same Slack id, other workspace
        entry, _ = evidence.log_text(
            session=session, user=alice, text="mine #rfc", source="brag", library=LIBRARY
        )
        for other in (bob, twin):
            assert evidence.get_own_entry(session=session, user=other, entry_id=entry.id) is None
            assert not evidence.delete_entry(session=session, user=other, entry_id=entry.id)
            assert (
                evidence.set_visibility(
                    session=session, user=other, entry_id=entry.id, value="team"
                )
                is None
            )
            assert (
                evidence.list_entries(
                    session=session, user=other, where=evidence.EntryFilter()
                ).total
                == 0
            )
        assert not visibility.can_change(entry, bob)


def test_edits_keep_known_values_only(database: Database) -> None:
    """Unknown dimensions, scopes and visibilities from a form never reach the database."""
    with database.session() as session:
        alice = _user(session, "UALICE")
        entry = evidence.create_entry(session=session, user=alice, text="t", source="modal")
        changes = evidence.EntryChanges(
            text=None, dimension="x" * 200, scope="galaxy", people=["UBOB", "<!here>", "UALICE"],
            link=None, impact=None, visibility="everyone",
        )  # fmt: skip
        updated = evidence.update_entry(
            session=session, user=alice, entry_id=entry.id, changes=changes, library=LIBRARY
        )
        assert updated is not None
        assert (updated.text, updated.dimension, updated.scope) == ("t", None, None)
        assert updated.people == ["UBOB"] and updated.visibility == "private"
        assert (
            evidence.relabel(
                session=session,
                user=alice,
                entry_id=entry.id,
                label="dimension",
                value="bogus",
                library=LIBRARY,
            )
            is None
        )


def test_kudos_cap_counts_the_givers_local_day(database: Database) -> None:
    """The cap resets at the giver's local midnight, not UTC's."""
    with database.session() as session:
        alice = _user(session, "UALICE", tz="Asia/Kolkata")  # UTC+05:30
        bob = _user(session, "UBOB")
        late = datetime(2026, 8, 14, 18, 0, tzinfo=UTC)  # 23:30 in Kolkata on the 14th
        for n in range(2):
            evidence.give_kudos(
                session=session, giver=alice, recipient=bob, text=f"k{n}", library=LIBRARY,
                daily_cap=2, now=late,
            )  # fmt: skip
        with pytest.raises(evidence.KudosRefused) as refused:
            evidence.give_kudos(
                session=session, giver=alice, recipient=bob, text="k2", library=LIBRARY,
                daily_cap=2, now=late + timedelta(minutes=20),
            )  # fmt: skip
        assert refused.value.reason == evidence.KudosRefused.DAILY_CAP
        next_local_day = late + timedelta(minutes=31)  # 00:01 on the 15th in Kolkata
        evidence.give_kudos(
            session=session, giver=alice, recipient=bob, text="k3", library=LIBRARY,
            daily_cap=2, now=next_local_day,
        )  # fmt: skip


def test_kudos_refusals(database: Database) -> None:
    """Self, bots, deactivated and other-workspace recipients are refused."""
    with database.session() as session:
        alice = _user(session, "UALICE")
        bot = _user(session, "UHELPER")
        bot.is_bot = True
        gone = _user(session, "UGONE")
        gone.active = False
        elsewhere = _user(session, "UZED", team="T0002")
        cases = [
            (alice, evidence.KudosRefused.SELF),
            (bot, evidence.KudosRefused.BOT),
            (gone, evidence.KudosRefused.INACTIVE),
            (elsewhere, evidence.KudosRefused.ELSEWHERE),
        ]
        for recipient, reason in cases:
            with pytest.raises(evidence.KudosRefused) as refused:
                evidence.give_kudos(
                    session=session, giver=alice, recipient=recipient, text="x", library=LIBRARY,
                    daily_cap=5, now=NOW,
                )  # fmt: skip
            assert refused.value.reason == reason
        with pytest.raises(evidence.KudosRefused):
            evidence.check_kudos_recipient(
                giver=alice, recipient_slack_id="USLACKBOT", profile={"is_bot": False}
            )


def test_list_filters_round_trip_through_a_button(database: Database) -> None:
    """A typed filter becomes a short button value that reads back to the same filter."""
    request = parse_filter("#rfc this quarter", library=LIBRARY, now=NOW, tz="UTC")
    assert request.where.dimension == "writing" and request.where.start is not None
    value = encode(request, 15)
    assert len(value) < 100 and "rfc" not in value
    back = decode(value, library=LIBRARY)
    assert back is not None and back.where == request.where and back.offset == 15
    assert parse_filter("last 7", library=LIBRARY, now=NOW, tz="UTC").where.limit == 7
    assert parse_filter("mentoring", library=LIBRARY, now=NOW, tz="UTC").where.dimension == (
        "mentoring"
    )
    for bad in ("last 0", "#nope", "whenever"):
        with pytest.raises(FilterError):
            parse_filter(bad, library=LIBRARY, now=NOW, tz="UTC")
    for tampered in ("", "x", "galaxy||||0", "|||9999|0", "|abc|||0", "writing|1|2|3|4|5"):
        assert decode(tampered, library=LIBRARY) is None


def test_kudos_daily_cap_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """KUDOS_DAILY_CAP is read from the environment, defaults to 5 and must be at least 1."""
    from bot.config import SettingsError, load_settings

    assert load_settings(_env_file=None).kudos_daily_cap == 5
    monkeypatch.setenv("KUDOS_DAILY_CAP", "12")
    assert load_settings(_env_file=None).kudos_daily_cap == 12
    monkeypatch.setenv("KUDOS_DAILY_CAP", "0")
    with pytest.raises(SettingsError, match="KUDOS_DAILY_CAP"):
        load_settings(_env_file=None)
