"""Property: any text through the real HTTP app is stored losslessly or refused with an echo,
and nothing the app sends to Slack broadcasts or breaks a Block Kit limit."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import EvidenceEntry, Kudos
from bot.evidence.parsing import leading_people, no_story
from bot.evidence.service import MAX_TEXT_LENGTH
from bot.ui.text import escape, readable
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings, start_app
from tests.ui.test_display import MARKUP

CONTROL = ["\x00", "\x01", "\x1b[31m", "\x7f", "\u0085", "\u2028", "\ufeff", "\u200d", "\r"]
fragments = st.one_of(
    st.text(max_size=40), st.sampled_from(MARKUP), st.sampled_from(CONTROL),
    st.sampled_from(["<@UBOB|bob>", "#rfc", "#unblock", "@dana", "https://x.example/a?b=1"]),
)  # fmt: skip
typed_text = st.one_of(
    st.lists(fragments, max_size=40).map("".join),
    st.builds(
        lambda piece, n: (piece * n)[:12_000],
        st.sampled_from(["<!channel> é&", "🚀<@UBOB|bob> ", "ab\n", "x"]),
        st.integers(min_value=2_000, max_value=12_000),
    ),
)
_CODE = re.compile(r"^(?:You typed:\n)?```(.*)```$", re.DOTALL)

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _echoed(messages: list[dict]) -> str:
    """The verbatim echo in a refusal: the code-block sections of its messages joined."""
    parts = []
    for message in messages:
        for block in message.get("blocks") or []:
            text = (block.get("text") or {}).get("text", "")
            if match := _CODE.match(text):
                parts.append(match.group(1))
    return "".join(parts)


def _rows(database: Database, model) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(model.text).order_by(model.id)))


def _check_outcome(app: RunningApp, typed: str, before_calls: int, before_rows: list[str],
                   model) -> str:  # fmt: skip
    """Either the text was stored exactly, or it came back in full; says which."""
    rows = _rows(app.database, model)
    responses = app.standin.calls_to("response_url")[before_calls:]
    if model is EvidenceEntry and typed.strip() == "":
        assert rows == before_rows and app.standin.calls_to("views.open")
        return "blank: form opened"
    if model is EvidenceEntry and no_story(typed):
        # Tags or people and no story (`/brag #review`, `/brag @bob`): the form opens.
        assert rows == before_rows and app.standin.calls_to("views.open")
        return "only tags: form opened"
    assert responses, "every command gets an answer"
    first = responses[0].params
    if len(rows) == len(before_rows) + 1:
        assert rows[-1] == typed
        return "stored"
    assert rows == before_rows
    # The whole text comes back, over as many messages as it takes (issue 12).
    echoed = _echoed([r.params for r in responses])
    assert echoed == escape(readable(typed)), first["text"]
    if len(typed) > MAX_TEXT_LENGTH:
        return "refused: too long"
    return "not stored yet: echoed (and form opened)"


@pytest.fixture
def app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    """The real app over HTTP, with a kudos cap high enough not to get in the way."""
    settings_ = make_settings(standin=standin, database_url=database.url, kudos_daily_cap=1000)
    running = start_app(settings=settings_, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()


@settings(PROPERTY_SETTINGS, max_examples=50)
@given(typed=typed_text)
def test_brag_any_text(app: RunningApp, typed: str) -> None:
    """/brag with any text: stored exactly, or refused with all of it echoed back."""
    before, rows = len(app.standin.calls_to("response_url")), _rows(app.database, EvidenceEntry)
    app.slack.slash_command("/brag", typed, user_id="UALICE")
    app.wait_idle()
    event(_check_outcome(app, typed, before, rows, EvidenceEntry))
    assert app.standin.violations == []


@PROPERTY_SETTINGS
@given(typed=typed_text)
def test_kudos_any_text(app: RunningApp, typed: str) -> None:
    """/kudos @bob with any text: recorded exactly (and DMed safely), or refused with an echo."""
    text = "<@UBOB|bob> " + typed
    before, rows = len(app.standin.calls_to("response_url")), _rows(app.database, Kudos)
    app.slack.slash_command("/kudos", text, user_id="UALICE")
    app.wait_idle()
    if not leading_people(text).rest.strip():
        # Nothing said after the people named (`@bob`, `@bob @dana`): usage, with an echo.
        assert "Usage" in app.standin.calls_to("response_url")[before].params["text"]
        event("blank: usage")
    else:
        event(_check_outcome(app, text, before, rows, Kudos))
    assert app.standin.violations == []
