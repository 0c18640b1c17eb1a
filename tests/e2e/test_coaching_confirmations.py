"""What the coach understood, shown and changed in one click; questions that draw out evidence.

Signed requests → app → database → stand-in, as Slack would do it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.coaching.library import default_library
from bot.db.models import Answer, ClassifierExample, EvidenceEntry
from standin.signing import Input
from tests.e2e.evidence_helpers import brag, click, element, entries, last_response
from tests.e2e.test_checkin_answers import answer_values, send_checkin
from tests.support.apps import RunningApp

LIBRARY = default_library()


def _examples(app: RunningApp) -> list[tuple[int, str | None, str | None]]:
    with app.database.session() as session:
        return [
            (e.entry_id, e.dimension, e.scope)
            for e in session.scalars(select(ClassifierExample).order_by(ClassifierExample.id))
        ]


def _option_values(select_element: dict[str, Any]) -> list[str]:
    return [o["value"] for o in select_element["options"]]


# ── /brag ────────────────────────────────────────────────────────────────────────────────


def test_brag_confirmation_shows_dimension_and_scope_each_with_one_click_change(
    running_app: RunningApp,
) -> None:
    """The confirmation names what was understood and offers every dimension and scope."""
    payload = brag(running_app, "Reviewed Tom's design doc and flagged the double charge")
    (entry,) = entries(running_app)
    assert (entry.dimension, entry.scope) == ("reviews", "team")
    meta = str(payload["blocks"][1])
    assert "Reviews that caught problems" in meta and "My team" in meta
    assert "guessed from “reviewed, flagged”" in meta  # why: the words, as typed
    _, dimension = element(payload, "evidence_dimension")
    _, scope = element(payload, "evidence_scope")
    assert scope["initial_option"]["value"] == f"{entry.id}:team"
    assert _option_values(scope) == [f"{entry.id}:{s}" for s in LIBRARY.scope_ids] + [
        f"{entry.id}:"
    ]
    assert dimension["initial_option"]["value"] == f"{entry.id}:reviews"


def test_a_change_is_remembered_for_the_workspace(running_app: RunningApp) -> None:
    """Alice re-files an entry; Bob's similar text is then filed the same way, without ever
    being shown Alice's words."""
    payload = brag(running_app, "Ran the weekly incident triage for the payments squad")
    (entry,) = entries(running_app)
    assert entry.dimension != "alignment"
    click(running_app, payload, "evidence_dimension", selected=f"{entry.id}:alignment")
    redrawn = last_response(running_app, 2)
    click(running_app, redrawn, "evidence_scope", selected=f"{entry.id}:org")
    assert _examples(running_app) == [(entry.id, "alignment", "org")]
    third = last_response(running_app, 3)
    assert element(third, "evidence_scope")[1]["initial_option"]["value"] == f"{entry.id}:org"
    bobs = brag(
        running_app, "ran the weekly incident triage for the search squad", user_id="UBOB", n=4
    )
    learned = entries(running_app, "UBOB")[0]
    assert (learned.dimension, learned.scope) == ("alignment", "org")
    assert "as your workspace filed texts like this" in str(bobs["blocks"])
    assert "payments" not in str(bobs)


def test_someone_else_cannot_change_my_entry_scope(running_app: RunningApp) -> None:
    """Bob replaying Alice's scope menu (or garbage) is refused; nothing is stored.

    Bob uses Multiplier too (a person with no row at all is told their data went with
    forget-me, see tests/e2e/test_forget_me_and_exports.py).
    """
    brag(running_app, "Paired with Dana on the release checklist", user_id="UBOB")
    payload = brag(running_app, "Reviewed Tom's design doc", n=2)
    (entry,) = entries(running_app, "UALICE")
    for n, value in enumerate((f"{entry.id}:org", "abc:org", f"{entry.id}:galaxy"), start=3):
        user = "UBOB" if n == 3 else "UALICE"
        click(running_app, payload, "evidence_scope", user_id=user, selected=value)
        assert "couldn't find" in last_response(running_app, n)["text"]
    assert entries(running_app, "UALICE")[0].scope == "team"
    assert _examples(running_app) == []


# ── Check-ins ────────────────────────────────────────────────────────────────────────────


def _question_contexts(message: dict[str, Any]) -> list[list[str]]:
    """Per question, the context lines under it, until its buttons."""
    found: list[list[str]] = []
    for block in message["blocks"]:
        text = str((block.get("text") or {}).get("text") or "")
        if block["type"] == "section" and text.startswith("*") and ". " in text[:6]:
            found.append([])
        elif block["type"] == "context" and found:
            found[-1].append(str(block["elements"][0]["text"]))
    return found


def test_each_question_is_open_and_shows_one_follow_up(running_app: RunningApp) -> None:
    """Open questions (never "Did you…?"), each with a single follow-up under it."""
    row, message = send_checkin(running_app)
    contexts = _question_contexts(message)
    assert len(contexts) == len(row.prompt_ids)
    for prompt_id, lines in zip(row.prompt_ids, contexts, strict=True):
        prompt = LIBRARY.prompt(prompt_id)
        assert not prompt.text.startswith(("Did ", "Was ", "Does ", "Is ", "Have "))
        assert lines == [prompt.follow_ups[0]]


def test_a_reply_is_confirmed_with_what_was_understood_and_what_it_still_lacks(
    running_app: RunningApp,
) -> None:
    """The confirmation shows dimension and scope (one click to change) and asks only the
    follow-ups the answer does not cover; a change is remembered."""
    row, message = send_checkin(running_app)
    text = "Paired with <@UBOB> on the flaky deploy until his builds went green"
    running_app.slack.dm_message(text, user_id="UALICE", thread_ts=message["ts"])
    (confirm,) = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    with running_app.database.session() as session:
        answer = session.scalars(select(Answer)).one()
        entry = session.get(EvidenceEntry, answer.evidence_id)
        assert entry is not None
        session.expunge_all()
    blocks = confirm.data["blocks"]
    _, dimension = element(confirm.data, "checkin_answer_dimension")
    _, scope = element(confirm.data, "checkin_answer_scope")
    assert dimension["initial_option"]["value"] == f"{answer.id}:{entry.dimension}"
    assert scope["initial_option"]["value"] == f"{answer.id}:{entry.scope}"
    prompt = LIBRARY.prompt(row.prompt_ids[0])
    lacking = [b for b in blocks if "could still say" in str(b)]
    later = prompt.follow_ups[1:]
    shown = [f for f in later if f in str(lacking)]
    assert shown, "the answer names a person but no number: something is asked for"
    assert prompt.follow_ups[0] not in str(lacking)
    confirmation = next(
        m
        for m in running_app.standin.dm_messages("UALICE")
        if m.get("text") == "Saved your answer."
    )
    running_app.slack.block_action(
        "checkin_answer_scope",
        user_id="UALICE",
        message=confirmation,
        selected_option=f"{answer.id}:cross_team",
    )
    (replaced,) = running_app.standin.wait_for("response_url")
    running_app.wait_idle()
    assert replaced.params["replace_original"] is True
    assert element(replaced.params, "checkin_answer_scope")[1]["initial_option"]["value"] == (
        f"{answer.id}:cross_team"
    )
    assert entries(running_app)[0].scope == "cross_team"
    assert _examples(running_app) == [(entry.id, entry.dimension, "cross_team")]


def test_a_form_answer_is_confirmed_in_the_checkin_thread(running_app: RunningApp) -> None:
    """After the Answer form, the thread gets the same confirmation; an answer that says who,
    what otherwise and a number is not asked for more."""
    row, message = send_checkin(running_app)
    running_app.slack.block_action(
        "checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_0"
    )
    running_app.standin.wait_for("views.open")
    running_app.slack.view_submission(
        "checkin_answer",
        user_id="UALICE",
        values=answer_values(
            "Unblocked <@UBOB> on the deploy: 2 days saved, he would have waited otherwise",
            who={"people": Input.multi_users_select(["UBOB"])},
            impact={"impact": Input.plain_text("Saved two days for 3 engineers")},
        ),
    )
    (confirm,) = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    assert confirm.data["channel"] == row.channel_id or confirm.data["channel"].startswith("D")
    assert confirm.data["thread_ts"] == message["ts"]
    assert element(confirm.data, "checkin_answer_dimension")
    assert element(confirm.data, "checkin_answer_scope")
    assert "could still say" not in str(confirm.data["blocks"])


def test_someone_elses_answer_cannot_be_relabelled(running_app: RunningApp) -> None:
    """Bob picking a scope on Alice's answer id (or garbage) is refused; nothing changes."""
    _row, message = send_checkin(running_app)
    running_app.slack.dm_message("Reviewed Tom's PR", user_id="UALICE", thread_ts=message["ts"])
    running_app.standin.wait_for("chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text")))  # fmt: skip
    running_app.wait_idle()
    with running_app.database.session() as session:
        answer_id = session.scalars(select(Answer.id)).one()
    values = [f"{answer_id}:org", "x:org", f"{answer_id}:galaxy", ":org"]
    for n, value in enumerate(values):
        running_app.slack.block_action(
            "checkin_answer_scope", user_id="UBOB" if n == 0 else "UALICE", channel_id="DUBOB",
            block_id="checkin_answer_confirmation", action_type="static_select", selected_option=value,
        )  # fmt: skip
    refusals = running_app.standin.wait_for("response_url", count=len(values))
    assert all("isn't yours" in c.params["text"] for c in refusals)
    running_app.wait_idle()
    assert entries(running_app)[0].scope != "org"
    assert _examples(running_app) == []


def test_an_answer_is_filed_by_the_activity_it_names_else_by_its_question(
    running_app: RunningApp,
) -> None:
    """ "Reviewed …" is a review whatever was asked; an answer naming no activity takes the
    dimension of the question it answers."""
    row, message = send_checkin(running_app)
    for n, text in enumerate(
        (
            "Reviewed Tom's design doc and flagged the double charge",
            "A good week with the payments folks",
        ),
        start=1,
    ):
        running_app.slack.dm_message(text, user_id="UALICE", thread_ts=message["ts"])
        running_app.standin.wait_for(
            "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text")), count=n
        )
        running_app.wait_idle()
    first, second = entries(running_app)
    assert first.dimension == "reviews"
    assert second.dimension == LIBRARY.prompt(row.prompt_ids[1]).dimension
