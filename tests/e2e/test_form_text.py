"""The entry forms honour what their text says: #hashtags and @names, as on the command line."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import EvidenceEntry
from standin.signing import Input
from tests.e2e.evidence_helpers import count, entries
from tests.e2e.test_checkin_answers import answer_values, send_checkin
from tests.support.apps import RunningApp


def _open_brag_form(app: RunningApp, text: str = "") -> dict[str, Any]:
    app.slack.slash_command("/brag", text, user_id="UALICE")
    app.standin.wait_for("views.open")
    app.wait_idle()
    view = app.standin.find_open_view("UALICE", "evidence_entry")
    assert view is not None
    return view


def _submit(app: RunningApp, view: dict[str, Any], text: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "text": {"text": Input.plain_text(text)},
        "visibility": {"visibility": Input.radio("private")},
    }
    values.update(fields)
    reply = app.slack.view_submission("evidence_entry", user_id="UALICE", view=view, values=values)
    app.wait_idle()
    return reply.json() or {}


def test_hashtag_and_at_names_in_the_brag_form_set_dimension_and_people(
    running_app: RunningApp,
) -> None:
    """/brag alone, text with #review and @bob: filed under reviews, bob among the people."""
    view = _open_brag_form(running_app)
    _submit(running_app, view, "Reviewed the caching RFC with @bob and caught a race #review")
    (entry,) = entries(running_app, "UALICE")
    assert entry.text == "Reviewed the caching RFC with @bob and caught a race #review"
    assert (entry.dimension, entry.people) == ("reviews", ["UBOB"])
    (dm,) = running_app.standin.wait_for("chat.postMessage")
    assert "dimension from #review" in str(dm.params["blocks"])


def test_a_dimension_picked_in_the_form_wins_over_a_hashtag(running_app: RunningApp) -> None:
    """The form's own Dimension field, when picked, wins over a #hashtag in the text."""
    view = _open_brag_form(running_app)
    _submit(
        running_app,
        view,
        "Reviewed the caching RFC #review",
        dimension={"dimension": Input.static_select("writing")},
    )
    (entry,) = entries(running_app, "UALICE")
    assert entry.dimension == "writing"


def test_an_at_name_nobody_has_is_reported(running_app: RunningApp) -> None:
    """An @name that matches nobody is kept in the text and named in the confirmation."""
    view = _open_brag_form(running_app)
    _submit(running_app, view, "Paired with @dana on the flaky deploy")
    (entry,) = entries(running_app, "UALICE")
    assert entry.people == []
    (dm,) = running_app.standin.wait_for("chat.postMessage")
    assert "I couldn't match @dana to one person" in str(dm.params["blocks"])


def test_brag_with_only_a_tag_opens_the_form(running_app: RunningApp) -> None:
    """`/brag #review` stores nothing: it opens the form filed under reviews."""
    view = _open_brag_form(running_app, "#review")
    dimension = next(b for b in view["blocks"] if b.get("block_id") == "dimension")
    assert dimension["element"]["initial_option"]["value"] == "reviews"
    text = next(b for b in view["blocks"] if b.get("block_id") == "text")
    assert "initial_value" not in text["element"]
    assert count(running_app, EvidenceEntry) == 0
    _submit(running_app, view, "Caught a migration that would have locked the orders table")
    (entry,) = entries(running_app, "UALICE")
    assert entry.dimension == "reviews"


def test_hashtag_and_at_names_in_the_checkin_answer_form(running_app: RunningApp) -> None:
    """The answer form came with the question's dimension: a #hashtag typed in it wins, and
    @names become people."""
    row, message = send_checkin(running_app)
    running_app.slack.block_action(
        "checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_0"
    )
    running_app.standin.wait_for("views.open")
    running_app.wait_idle()
    view = running_app.standin.find_open_view("UALICE", "checkin_answer")
    assert view is not None
    prefilled = next(b for b in view["blocks"] if b.get("block_id") == "dimension")
    question_dimension = prefilled["element"]["initial_option"]["value"]
    assert question_dimension != "mentoring"
    running_app.slack.view_submission(
        "checkin_answer",
        user_id="UALICE",
        view=view,
        values=answer_values(
            "Paired with @bob on the deploy pipeline #mentoring",
            dimension={"dimension": Input.static_select(question_dimension)},
        ),
    )
    running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
    assert (entry.dimension, entry.people, entry.checkin_id) == ("mentoring", ["UBOB"], row.id)
