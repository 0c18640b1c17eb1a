"""forget-me and export, checked table by table from the metadata (not from a hand-kept list).

The seeding is generic too: after the explicit rows below, any table with a foreign key to
`users` that still holds nothing about the user gets a synthetic row built from its columns,
so a table added by a later feature is seeded, forgotten and checked without editing this file.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.coaching.library import default_library
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.models import (
    Answer,
    CheckIn,
    DigestChannel,
    DigestPost,
    DirectMessage,
    Kudos,
    SummaryPost,
    User,
)
from bot.evidence import service as evidence
from bot.privacy import service as privacy
from bot.workspaces import service as workspaces
from tests.support.privacy import rows_referring_to

NOW = datetime(2026, 8, 14, 12, 0, tzinfo=UTC)
LIBRARY = default_library()
_counter = itertools.count(1)


def _synthetic(column: Column[Any]) -> Any:
    kind = column.type
    impl = getattr(kind, "impl", None)
    if isinstance(kind, DateTime) or isinstance(impl, DateTime):
        return NOW
    if isinstance(kind, Date):
        return date(2026, 8, 14)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return next(_counter)
    if isinstance(kind, JSON):
        return []
    if isinstance(kind, String | Text) or isinstance(impl, String | Text):
        length = getattr(impl if impl is not None else kind, "length", None) or 32
        return f"s{next(_counter)}"[:length]
    raise AssertionError(f"no synthetic value for {column.table.name}.{column.name} ({kind})")


def seed_generic(session: Session, table: Table, user: User) -> None:
    """Insert one row about `user` into a table, from its column types alone."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if (
            column.primary_key
            and column.autoincrement in (True, "auto")
            and not column.foreign_keys
        ):
            continue
        if column.foreign_keys:
            fk = next(iter(column.foreign_keys))
            target = fk.column.table
            if target.name == "users":
                values[column.name] = user.id
            elif target.name == "workspaces":
                values[column.name] = user.workspace_id
            else:
                about = privacy._about_user(target, user.id)
                query = select(fk.column)
                if about is not None:
                    query = query.where(about)
                found = session.scalars(query.limit(1)).first()
                if found is None and not column.nullable:
                    raise AssertionError(f"seed {target.name} before {table.name}")
                values[column.name] = found
        elif column.default is not None or column.server_default is not None:
            continue
        elif column.nullable:
            values[column.name] = None
        else:
            values[column.name] = _synthetic(column)
    try:
        with session.begin_nested():
            session.execute(insert(table).values(**values))
    except IntegrityError as error:  # pragma: no cover - tells the next author what to do
        pytest.fail(f"could not seed {table.name} generically ({error}); seed it explicitly here")


def seed_world(database: Database) -> dict[str, Any]:
    """Alice with something in every table about users; Bob and Carol with their own data."""
    with database.session() as session:
        alice = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UALICE")
        bob = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UBOB")
        carol = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UCAROL")
        # Another workspace with a user whose Slack id is the same: never touched.
        twin = workspaces.ensure_user(session=session, team_id="T0002", slack_user_id="UALICE")
        session.flush()
        for user in (alice, bob, twin):
            checkin = CheckIn(
                workspace_id=user.workspace_id, user_id=user.id, period_key="2026-W33",
                slot_at=NOW, status="answered",
            )  # fmt: skip
            session.add(checkin)
            session.flush()
            entry = evidence.create_entry(
                session=session, user=user, text=f"answer of {user.slack_user_id}",
                source="checkin", checkin_id=checkin.id, people=["UCAROL"],
            )  # fmt: skip
            session.add(
                Answer(
                    workspace_id=user.workspace_id, user_id=user.id, checkin_id=checkin.id,
                    kind="answer", text="did things", source="modal", evidence_id=entry.id,
                )
            )  # fmt: skip
            session.add(
                SummaryPost(workspace_id=user.workspace_id, user_id=user.id, period_key="2026-W33")
            )
            session.add(
                DirectMessage(
                    workspace_id=user.workspace_id, user_id=user.id,
                    channel_id=f"D{user.slack_user_id}{user.workspace_id}", ts="1.1", text="hi",
                )
            )  # fmt: skip
        evidence.log_text(
            session=session, user=alice, text="mentored <@UBOB|bob> #mentoring",
            source="brag", library=LIBRARY,
        )  # fmt: skip
        evidence.log_text(
            session=session, user=bob, text="paired with <@UALICE|alice> and <@UCAROL>",
            source="brag", library=LIBRARY,
        )  # fmt: skip
        evidence.give_kudos(
            session=session, giver=alice, recipient=bob, text="<@UBOB> fixed CI",
            library=LIBRARY, daily_cap=5, now=NOW,
        )  # fmt: skip
        evidence.give_kudos(
            session=session, giver=bob, recipient=alice, text="<@UALICE> great review",
            library=LIBRARY, daily_cap=5, now=NOW,
        )  # fmt: skip
        evidence.give_kudos(
            session=session, giver=carol, recipient=bob, text="<@UBOB> thanks",
            library=LIBRARY, daily_cap=5, now=NOW,
        )  # fmt: skip
        channel = DigestChannel(
            workspace_id=alice.workspace_id, channel_id="CTEAM", created_by_id=alice.id
        )
        session.add(channel)
        session.flush()
        session.add(
            DigestPost(
                digest_channel_id=channel.id, period_key="2026-W33", period_start=NOW,
                period_end=NOW + timedelta(days=7),
            )
        )  # fmt: skip
        session.flush()
        for table in Base.metadata.sorted_tables:
            about = privacy._about_user(table, alice.id)
            if about is None or table.name == "users":
                continue
            if not session.execute(select(func.count()).select_from(table).where(about)).scalar():
                seed_generic(session, table, alice)
        return {
            "alice": alice.id, "bob": bob.id, "twin": twin.id, "workspace": alice.workspace_id,
            "channel": channel.id,
        }  # fmt: skip


def _counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar() or 0
        for t in Base.metadata.sorted_tables
    }


def _rows_about(session: Session, user_id: int) -> dict[str, int]:
    found = {}
    for table in Base.metadata.sorted_tables:
        about = privacy._about_user(table, user_id)
        if about is not None:
            n = session.execute(select(func.count()).select_from(table).where(about)).scalar()
            if n:
                found[table.name] = n
    return found


def test_forget_me_leaves_no_row_referring_to_the_user(database: Database) -> None:
    """Every table in the metadata is checked: no foreign key, Slack id or JSON list names her."""
    ids = seed_world(database)
    with database.session() as session:
        before_alice = _rows_about(session, ids["alice"])
        before_bob = _rows_about(session, ids["bob"])
        before_twin = _rows_about(session, ids["twin"])
        # Every table that can refer to a user has a row about Alice before she is forgotten.
        assert set(before_alice) == {t.name for t in Base.metadata.sorted_tables
                                     if privacy._about_user(t, ids["alice"]) is not None}  # fmt: skip
    with database.session() as session:
        alice = session.get(User, ids["alice"])
        report = privacy.forget_user(session=session, user=alice)
    assert report.total_deleted > 0
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            for fk in privacy.user_foreign_keys(table):
                n = session.execute(
                    select(func.count()).select_from(table).where(fk.parent == ids["alice"])
                ).scalar()
                assert n == 0, f"{table.name}.{fk.parent.name} still refers to her"
            if table.name == "users":
                assert session.get(User, ids["alice"]) is None
        left = rows_referring_to(
            session=session, workspace_id=ids["workspace"], user_id=ids["alice"],
            slack_user_id="UALICE",
        )  # fmt: skip
        assert left == {}
        # Bob keeps his own rows, minus the kudos he gave her (it was on her log); the kudos
        # she gave him stays his evidence, with her removed.
        after_bob = _rows_about(session, ids["bob"])
        assert after_bob["users"] == 1
        assert after_bob["kudos"] == before_bob["kudos"] - 1
        assert after_bob["evidence_entries"] == before_bob["evidence_entries"]
        from_her = session.scalars(
            select(Kudos).where(Kudos.recipient_id == ids["bob"], Kudos.giver_id.is_(None))
        ).one()
        assert from_her.text == "<@UBOB> fixed CI" and from_her.share_in_digest is False
        kept = session.get(evidence.EvidenceEntry, from_her.evidence_id)
        assert kept.user_id == ids["bob"] and kept.source == "kudos" and kept.people == []
        assert _rows_about(session, ids["twin"]) == before_twin  # another workspace: untouched
        bob_note = session.scalars(
            select(evidence.EvidenceEntry).where(
                evidence.EvidenceEntry.user_id == ids["bob"],
                evidence.EvidenceEntry.source == "brag",
            )
        ).one()
        assert bob_note.people == ["UCAROL"]  # her id left his list; his words stay
        assert "UALICE" in bob_note.text
        channel = session.get(DigestChannel, ids["channel"])
        assert channel is not None and channel.created_by_id is None
        assert session.execute(select(func.count()).select_from(DigestPost)).scalar() == 1


def test_a_table_added_later_is_forgotten_too(database: Database) -> None:
    """A new table with a foreign key to users is covered without changing forget-me."""
    future = Table(
        "future_notes",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("workspace_id", ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        Column("author_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        Column("mentioned_user_id", String(32)),
        Column("watchers", JSON),
        Column("note", Text, nullable=False),
    )
    try:
        future.create(database.engine)
        ids = seed_world(database)  # seeds future_notes generically
        with database.session() as session:
            alice = session.get(User, ids["alice"])
            session.execute(
                insert(future).values(
                    workspace_id=alice.workspace_id, author_id=ids["bob"],
                    mentioned_user_id="UALICE", watchers=["UALICE", "UBOB"], note="bob's",
                )
            )  # fmt: skip
            assert session.execute(select(func.count()).select_from(future)).scalar() == 2
        with database.session() as session:
            privacy.forget_user(session=session, user=session.get(User, ids["alice"]))
        with database.session() as session:
            rows = session.execute(select(future)).all()
            assert [(r.note, r.mentioned_user_id, r.watchers) for r in rows] == [
                ("bob's", None, ["UBOB"])
            ]
            assert rows_referring_to(
                session=session, workspace_id=ids["workspace"], user_id=ids["alice"],
                slack_user_id="UALICE",
            ) == {}  # fmt: skip
    finally:
        future.drop(database.engine, checkfirst=True)
        Base.metadata.remove(future)


def test_export_holds_every_row_about_the_user_and_round_trips(database: Database) -> None:
    """The JSON export has each table's rows about the user, and reads back to the same rows."""
    ids = seed_world(database)
    with database.session() as session:
        alice = session.get(User, ids["alice"])
        data = json.loads(json.dumps(privacy.export_user_data(session=session, user=alice)))
        assert data["format"] == "multiplier-export" and data["workspace"]["team_id"] == "T0001"
        for table in Base.metadata.sorted_tables:
            about = privacy._about_user(table, ids["alice"])
            if about is None:
                assert table.name not in data["tables"]
                continue
            stored = [
                dict(row._mapping)
                for row in session.execute(select(table).where(about).order_by(*table.primary_key))
            ]
            assert privacy.rows_from_export(data, table.name) == stored, table.name
        blob = json.dumps(data)
        assert "answer of UBOB" not in blob and "paired with" not in blob  # nobody else's data
        assert "<@UBOB> fixed CI" in blob  # the kudos she gave (its row names her as giver)


def test_export_of_a_new_user_is_empty_but_valid(database: Database) -> None:
    """Someone with no data gets their user row and empty tables."""
    with database.session() as session:
        user = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UNEW")
        data = privacy.export_user_data(session=session, user=user)
    assert data["user"]["slack_user_id"] == "UNEW"
    assert all(rows == [] for rows in data["tables"].values())
