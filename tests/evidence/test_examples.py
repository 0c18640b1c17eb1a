"""Corrections become a workspace's labelled examples, and its classifier learns from them."""

from __future__ import annotations

from sqlalchemy import select

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import ClassifierExample, EvidenceEntry
from bot.evidence import examples
from bot.evidence import service as evidence
from bot.privacy import service as privacy
from bot.workspaces import service as workspaces

LIBRARY = default_library()
TRIAGE = "Ran the weekly incident triage for the payments squad"
ALIKE = "ran the weekly incident triage for the search squad"


def _user(session, slack_id: str, team: str = "T0001"):
    user = workspaces.ensure_user(session=session, team_id=team, slack_user_id=slack_id)
    session.flush()
    return user


def test_a_one_click_change_teaches_the_whole_workspace_and_only_it(database: Database) -> None:
    """Alice re-files an entry; Bob's similar text is filed alike; another workspace is not."""
    with database.session() as session:
        alice, bob = _user(session, "UALICE"), _user(session, "UBOB")
        twin = _user(session, "UBOB", team="T0002")
        entry, parsed = evidence.log_text(
            session=session, user=alice, text=TRIAGE, source="brag", library=LIBRARY
        )
        assert parsed.dimension != "alignment"
        evidence.relabel(
            session=session,
            user=alice,
            entry_id=entry.id,
            label="dimension",
            value="alignment",
            library=LIBRARY,
        )
        evidence.relabel(
            session=session,
            user=alice,
            entry_id=entry.id,
            label="scope",
            value="org",
            library=LIBRARY,
        )
        (example,) = session.scalars(select(ClassifierExample)).all()
        assert (example.user_id, example.entry_id) == (alice.id, entry.id)
        assert (example.dimension, example.scope) == ("alignment", "org")
        learned, learned_parsed = evidence.log_text(
            session=session, user=bob, text=ALIKE, source="brag", library=LIBRARY
        )
        assert (learned.dimension, learned.scope) == ("alignment", "org")
        assert learned_parsed.dimension_source == "example" and learned_parsed.matched == ()
        elsewhere, _ = evidence.log_text(
            session=session, user=twin, text=ALIKE, source="brag", library=LIBRARY
        )
        assert elsewhere.dimension != "alignment"


def test_changing_again_updates_the_one_example_and_the_cache_notices(database: Database) -> None:
    """One example per entry, the latest correction; a cached index is rebuilt when it changes."""
    with database.session() as session:
        alice = _user(session, "UALICE")
        entry, _ = evidence.log_text(
            session=session, user=alice, text=TRIAGE, source="brag", library=LIBRARY
        )
        for dimension in ("alignment", "mentoring"):
            evidence.relabel(
                session=session,
                user=alice,
                entry_id=entry.id,
                label="dimension",
                value=dimension,
                library=LIBRARY,
            )
            index = examples.workspace_examples(session=session, workspace_id=alice.workspace_id)
            assert [e.dimension for e in index.examples] == [dimension]
        assert len(session.scalars(select(ClassifierExample)).all()) == 1


def test_someone_elses_entry_or_an_unknown_choice_changes_nothing(database: Database) -> None:
    """Tampered ids and unknown scopes are refused, and no example is recorded."""
    with database.session() as session:
        alice, bob = _user(session, "UALICE"), _user(session, "UBOB")
        entry, _ = evidence.log_text(
            session=session, user=alice, text=TRIAGE, source="brag", library=LIBRARY
        )
        for user, entry_id, scope in (
            (bob, entry.id, "org"),
            (alice, entry.id, "galaxy"),
            (alice, "x", "org"),
        ):
            assert (
                evidence.relabel(
                    session=session,
                    user=user,
                    entry_id=entry_id,
                    label="scope",
                    value=scope,
                    library=LIBRARY,
                )
                is None
            )
        assert session.scalars(select(ClassifierExample)).all() == []


def test_deleting_the_entry_deletes_the_example_and_forget_me_reaches_it(
    database: Database,
) -> None:
    """An example lives and dies with its entry, and belongs to its author's data."""
    with database.session() as session:
        alice = _user(session, "UALICE")
        kept, _ = evidence.log_text(
            session=session, user=alice, text=TRIAGE, source="brag", library=LIBRARY
        )
        gone, _ = evidence.log_text(
            session=session, user=alice, text="Fixed the build", source="brag", library=LIBRARY
        )
        for entry in (kept, gone):
            evidence.relabel(
                session=session,
                user=alice,
                entry_id=entry.id,
                label="scope",
                value="team",
                library=LIBRARY,
            )
        assert evidence.delete_entry(session=session, user=alice, entry_id=gone.id)
        session.flush()
        assert [e.entry_id for e in session.scalars(select(ClassifierExample))] == [kept.id]
        data = privacy.export_user_data(session=session, user=alice)
        assert len(data["tables"]["classifier_examples"]) == 1
        assert data["counts"]["classifier_examples"] == 1
        assert data["counts"]["evidence_entries"] == 1
        privacy.forget_user(session=session, user=alice)
        session.flush()
        assert session.scalars(select(ClassifierExample)).all() == []
        assert session.scalars(select(EvidenceEntry)).all() == []
