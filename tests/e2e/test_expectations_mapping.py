"""Evidence mapped to expectations (issue 17), end to end over signed HTTP: a person enters
their expectations, logs evidence, sees the coach's suggested mapping on the confirmation,
changes it with one click (several, or none), and the Home tab and the promotion packet
show it grouped; tampered choices are refused with nothing changed; the mappings are the
owner's (exported, forgotten) and follow edits of the list."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.db.models import EntryExpectation, Expectation, User
from standin.signing import Input
from tests.e2e.evidence_helpers import brag, click, entries, last_response
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp

LADDER = (
    "Sets technical direction across teams\n"
    "Writes RFCs that other teams adopt & follow\n"
    "Mentors senior engineers\n"
)
RFC = "Wrote the RFC for the payments retry design; two other teams adopted it"
FLAKY = "Fixed the flaky build"
MENU = "evidence_expectations"


def _responses(app: RunningApp) -> int:
    return len(app.standin.calls_to("response_url"))


def _enter(app: RunningApp, typed: str, user_id: str = "UALICE") -> None:
    """Submit the expectations modal (its confirmation DM awaited)."""
    before = len(app.standin.calls_to("chat.postMessage"))
    values = {"expectations": {"text": Input.plain_text(typed)}}
    reply = app.slack.view_submission("expectations", user_id=user_id, values=values)
    assert reply.status == 200 and reply.body == ""
    app.standin.wait_for("chat.postMessage", count=before + 1)
    app.wait_idle()


def _expectations(app: RunningApp, user_id: str = "UALICE") -> dict[str, int]:
    """Stored text → id of a person's expectations."""
    with app.database.session() as session:
        rows = session.execute(
            select(Expectation.text, Expectation.id)
            .join(User, User.id == Expectation.user_id)
            .where(User.slack_user_id == user_id)
        )
        return {row.text: row.id for row in rows}


def _mapped(app: RunningApp, entry_id: int) -> list[tuple[int, bool]]:
    with app.database.session() as session:
        rows = session.execute(
            select(EntryExpectation.expectation_id, EntryExpectation.suggested)
            .where(EntryExpectation.entry_id == entry_id)
            .order_by(EntryExpectation.expectation_id)
        )
        return [(row[0], row[1]) for row in rows]


def _menu_block(payload: dict[str, Any]) -> dict[str, Any]:
    (block,) = [b for b in payload["blocks"] if (b.get("accessory") or {}).get("action_id") == MENU]
    return block


def _choose(
    app: RunningApp,
    payload: dict[str, Any],
    values: list[str],
    *,
    user_id: str = "UALICE",
    block_id: str | None = None,
) -> dict[str, Any]:
    """Pick these options in the confirmation's menu (as Slack sends them: every option now
    selected), and return the answer on the response_url."""
    n = _responses(app) + 1
    menu = _menu_block(payload)
    app.slack.block_action(
        MENU,
        user_id=user_id,
        block_id=block_id or menu["block_id"],
        action_type="multi_static_select",
        action_extra={
            "selected_options": [
                {"text": {"type": "plain_text", "text": v}, "value": v} for v in values
            ]
        },
        # A forged block id is not in the message: sent without one (as a crafted request).
        message=None
        if block_id
        else {"blocks": payload["blocks"], "message_ts": "1.000001", "channel": "C0GENERAL"},
    )
    answer = last_response(app, n)
    app.wait_idle()
    return answer


def _home(app: RunningApp, user_id: str = "UALICE") -> dict[str, Any]:
    before = len(app.standin.calls_to("views.publish"))
    app.slack.app_home_opened(user_id=user_id)
    app.standin.wait_for("views.publish", count=before + 1)
    app.wait_idle()
    view = app.standin.home_view(user_id)
    assert view is not None
    return view


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        if block["type"] in ("section", "header"):
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found.extend(e["text"] for e in block["elements"])
    return found


def test_suggested_on_the_confirmation_changed_in_one_click_shown_on_home_and_packet(
    running_app: RunningApp,
) -> None:
    """The acceptance path: the coach maps an RFC entry to "Writes RFCs…", the person adds
    "Sets technical direction…" in one click; an unrelated entry maps to none; the Home
    counts each expectation with its newest entry and names the one without evidence; the
    packet lists the entries under each expectation and the unmapped one on its own."""
    _enter(running_app, LADDER)
    ids = _expectations(running_app)
    direction = ids["Sets technical direction across teams"]
    rfcs = ids["Writes RFCs that other teams adopt &amp; follow"]
    mentors = ids["Mentors senior engineers"]

    confirmation = brag(running_app, RFC, n=1)
    (entry,) = entries(running_app, "UALICE")
    menu = _menu_block(confirmation)
    assert menu["block_id"] == f"evx|{entry.id}"
    assert menu["text"]["text"] == (
        ":dart: *Evidence for:* “Writes RFCs that other teams adopt &amp; follow”"
        " _(suggested from your words: change it here)_"
    )
    options = menu["accessory"]["options"]
    assert [o["text"]["text"] for o in options] == [
        "Sets technical direction across teams",
        "Writes RFCs that other teams adopt & follow",  # plain text: as typed
        "Mentors senior engineers",
    ]
    assert [o["value"] for o in menu["accessory"]["initial_options"]] == [f"{entry.id}:{rfcs}"]
    assert _mapped(running_app, entry.id) == [(rfcs, True)]

    # One click: the menu now holds two; the confirmation is redrawn in place.
    changed = _choose(running_app, confirmation, [f"{entry.id}:{rfcs}", f"{entry.id}:{direction}"])
    assert changed["replace_original"] is True
    assert _menu_block(changed)["text"]["text"] == (
        ":dart: *Evidence for:* “Sets technical direction across teams”, "
        "“Writes RFCs that other teams adopt &amp; follow”"
    )
    assert _mapped(running_app, entry.id) == sorted([(rfcs, False), (direction, False)])

    # Nothing overlaps: no suggestion, said plainly.
    unrelated = brag(running_app, FLAKY, n=_responses(running_app) + 1)
    flaky = entries(running_app, "UALICE")[-1]
    assert _menu_block(unrelated)["text"]["text"].startswith(
        ":dart: *Evidence for:* none of your expectations yet."
    )
    assert "initial_options" not in _menu_block(unrelated)["accessory"]
    assert _mapped(running_app, flaky.id) == []

    # The Home: coverage per expectation, with the newest entry; the uncovered one named.
    home = _home(running_app)
    texts = _texts(home["blocks"])
    start = texts.index("Your expectations")
    assert texts[start + 1] == "Evidence so far for 2 of your 3 expectations. Private to you."
    assert texts[start + 2] == (
        f"• “Sets technical direction across teams” — 1 entry · newest: {RFC}\n"
        f"• “Writes RFCs that other teams adopt &amp; follow” — 1 entry · newest: {RFC}"
    )
    assert texts[start + 3].startswith(
        "*No evidence yet:* “Mentors senior engineers”. That is common early on, not a verdict: "
        "log the next thing you do toward it, or ask your manager"
    )

    # The packet groups by expectation first; the unmapped entry has its own group.
    multiplier(running_app, "export packet", n=_responses(running_app) + 1)
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (packet,) = running_app.standin.uploaded_files()
    content = packet.content.decode()
    part = content.split("## Your staff expectations")[1].split("\n## ")[0]
    headings = [line for line in part.splitlines() if line.startswith("### ")]
    assert headings == [
        "### 1. Sets technical direction across teams (1)",
        "### 2. Writes RFCs that other teams adopt & follow (1)",
        "### 3. Mentors senior engineers (0)",
        "### Not mapped to an expectation (1)",
    ]
    under_rfcs = part.split("### 2.")[1].split("### 3.")[0]
    assert RFC in under_rfcs and FLAKY not in under_rfcs
    assert "_Nothing mapped to this expectation in this period._" in part.split("### 3.")[1]
    assert FLAKY in part.split("### Not mapped")[1]

    # "None" is a choice too: clearing the menu unmaps the entry.
    cleared = _choose(running_app, changed, [])
    assert _menu_block(cleared)["text"]["text"].startswith(
        ":dart: *Evidence for:* none of your expectations yet."
    )
    assert _mapped(running_app, entry.id) == []
    assert mentors  # (named above; never mapped)


def test_tampered_choices_are_refused_and_nothing_changes(running_app: RunningApp) -> None:
    """Another person's expectation, one edited away, garbage, an option naming another
    entry, and someone else pressing the menu: each refused with a clear message."""
    _enter(running_app, LADDER)
    _enter(running_app, "Writes RFCs for the platform", user_id="UBOB")
    ids = _expectations(running_app)
    rfcs = ids["Writes RFCs that other teams adopt &amp; follow"]
    (bobs,) = _expectations(running_app, "UBOB").values()
    confirmation = brag(running_app, RFC, n=1)
    (entry,) = entries(running_app, "UALICE")
    before = _mapped(running_app, entry.id)
    assert before == [(rfcs, True)]

    not_yours = (
        "That choice isn't one of your current expectations (it may have been edited away), "
        "so nothing changed. `/multiplier expectations list` shows them."
    )
    for values in (
        [f"{entry.id}:{bobs}"],  # bob's expectation
        [f"{entry.id}:{rfcs}", "garbage"],  # garbage among good ones
        [f"{entry.id}:"],
        [f"{entry.id + 1}:{rfcs}"],  # another entry's option
        [f"{entry.id}:99999999999999999999999"],
    ):
        answer = _choose(running_app, confirmation, values)
        assert answer["text"] == not_yours
        assert answer.get("replace_original") is not True
        assert _mapped(running_app, entry.id) == before

    # Bob presses alice's menu (her entry in the block id): not his entry.
    answer = _choose(running_app, confirmation, [f"{entry.id}:{bobs}"], user_id="UBOB")
    assert answer["text"].startswith("I couldn't find that among your entries")
    assert _mapped(running_app, entry.id) == before
    answer = _choose(running_app, confirmation, [], block_id="evx|nonsense")
    assert answer["text"].startswith("I couldn't find that among your entries")

    # An expectation edited away: an old confirmation's option for it is refused.
    _enter(running_app, "Sets technical direction across teams\nMentors senior engineers")
    assert _mapped(running_app, entry.id) == []  # its mapping went with it
    answer = _choose(running_app, confirmation, [f"{entry.id}:{rfcs}"])
    assert answer["text"] == not_yours
    assert _mapped(running_app, entry.id) == []


def test_edits_keep_mappings_of_kept_items_and_mappings_are_exported_and_forgotten(
    running_app: RunningApp,
) -> None:
    """Editing the list keeps the mappings of unchanged items and drops those of removed
    ones; `export json` carries them; forget-me deletes alice's and leaves bob's."""
    _enter(running_app, LADDER)
    ids = _expectations(running_app)
    rfcs = ids["Writes RFCs that other teams adopt &amp; follow"]
    mentors = ids["Mentors senior engineers"]
    brag(running_app, RFC, n=1)
    brag(running_app, "Mentored two senior engineers through their first design review", n=2)
    rfc_entry, mentor_entry = entries(running_app, "UALICE")
    assert _mapped(running_app, rfc_entry.id) == [(rfcs, True)]
    assert _mapped(running_app, mentor_entry.id) == [(mentors, True)]
    _enter(running_app, "Writes RFCs for the platform", user_id="UBOB")
    brag(running_app, "Wrote the RFC for the platform queue", user_id="UBOB", n=3)
    (bob_entry,) = entries(running_app, "UBOB")
    assert len(_mapped(running_app, bob_entry.id)) == 1

    # Drop "Writes RFCs…", keep "Mentors…" (same row), add one.
    _enter(running_app, "Mentors senior engineers\nOwns the on-call rotation")
    assert _expectations(running_app)["Mentors senior engineers"] == mentors
    assert _mapped(running_app, rfc_entry.id) == []
    assert _mapped(running_app, mentor_entry.id) == [(mentors, True)]

    multiplier(running_app, "export json", n=4)
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (uploaded,) = running_app.standin.uploaded_files()
    rows = json.loads(uploaded.content)["tables"]["entry_expectations"]
    assert [(row["entry_id"], row["expectation_id"]) for row in rows] == [
        (mentor_entry.id, mentors)
    ]

    prompt = multiplier(running_app, "forget-me", n=_responses(running_app) + 1)
    n = _responses(running_app) + 1
    click(running_app, prompt, "forget_me_confirm")
    assert "Done" in last_response(running_app, n)["text"]
    with running_app.database.session() as session:
        left = session.scalars(select(EntryExpectation.entry_id)).all()
    assert left == [bob_entry.id]


def test_react_to_log_confirmation_shows_the_mapping_too(running_app: RunningApp) -> None:
    """An entry logged by a capture reaction is mapped the same way, and its DM shows it
    with the menu (the common path: every entry goes through create_entry)."""
    _enter(running_app, LADDER)
    mentors = _expectations(running_app)["Mentors senior engineers"]
    running_app.standin.add_channel(
        "C0GENERAL",
        "general",
        members=["UALICE", "UBOB", running_app.standin.bot_user_id()],
    )
    text = "Mentored <@UBOB> through the rollback"
    ts = running_app.standin.add_message("C0GENERAL", user="UALICE", text=text)["ts"]
    reply = running_app.slack.reaction_added(
        user_id="UALICE", channel_id="C0GENERAL", ts=ts, name="trophy", event_ts="1765000000.0"
    )
    assert reply.status == 200
    running_app.wait_idle()
    (entry,) = entries(running_app, "UALICE")
    assert _mapped(running_app, entry.id) == [(mentors, True)]
    dms = running_app.standin.wait_for_dm("UALICE", count=2)  # the saved list, then this
    (confirmation,) = [m for m in dms if "evx|" in str(m.get("blocks"))]
    assert _menu_block(confirmation)["text"]["text"].startswith(
        ":dart: *Evidence for:* “Mentors senior engineers”"
    )


def test_the_home_follows_an_edit_of_the_list(running_app: RunningApp) -> None:
    """Entering expectations republishes the Home with its coverage section; clearing them
    takes the section away again (no stale coverage)."""

    def covered(call: Any) -> bool:
        return '"Your expectations"' in json.dumps(call.params.get("view"))

    def published(*, with_coverage: bool) -> dict[str, Any]:
        seen = {id(c) for c in running_app.standin.calls_to("views.publish")}
        running_app.standin.wait_for(
            "views.publish",
            timeout=15,
            predicate=lambda c: id(c) not in seen and covered(c) == with_coverage,
        )
        running_app.wait_idle()
        view = running_app.standin.home_view("UALICE")
        assert view is not None
        return view

    home = _home(running_app)
    assert "Your expectations" not in _texts(home["blocks"])
    refresher = running_app.app.home_refresher
    assert refresher is not None and refresher.wait_idle()  # nothing else pending
    _enter(running_app, LADDER)
    home = published(with_coverage=True)
    assert "Evidence so far for 0 of your 3 expectations. Private to you." in _texts(home["blocks"])

    multiplier(running_app, "expectations clear", n=_responses(running_app) + 1)
    home = published(with_coverage=False)
    assert "Your expectations" not in _texts(home["blocks"])


MENTORING = "Mentored two senior engineers through their first design review"


def _edit_text(app: RunningApp, confirmation: dict[str, Any], typed: str) -> None:
    """Press Edit on a confirmation and save the form with new words (the rest as shown)."""
    before = len(app.standin.calls_to("views.open"))
    click(app, confirmation, "evidence_edit")
    view = app.standin.wait_for("views.open", count=before + 1)[-1].json("view")
    assert view["callback_id"] == "evidence_entry"
    reply = app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={
            "text": {"text": Input.plain_text(typed)},
            "dimension": {"dimension": Input.static_select("writing")},
            "scope": {"scope": Input.static_select("team")},
            "people": {"people": Input.multi_users_select([])},
            "link": {"link": Input.plain_text(None)},
            "impact": {"impact": Input.plain_text(None)},
            "visibility": {"visibility": Input.radio("private")},
        },
    )
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    app.wait_idle()


def test_an_edit_of_the_words_re_suggests_unless_the_person_chose(
    running_app: RunningApp,
) -> None:
    """Edited into words about mentoring: an entry the coach mapped (never touched) now maps
    to "Mentors…"; one the person mapped by hand, or cleared by hand, keeps their choice."""
    _enter(running_app, LADDER)
    ids = _expectations(running_app)
    direction = ids["Sets technical direction across teams"]
    rfcs = ids["Writes RFCs that other teams adopt &amp; follow"]
    mentors = ids["Mentors senior engineers"]

    untouched = brag(running_app, RFC, n=1)
    chosen = brag(running_app, RFC, n=2)
    cleared = brag(running_app, RFC, n=3)
    first, second, third = entries(running_app, "UALICE")
    assert [_mapped(running_app, e.id) for e in (first, second, third)] == [[(rfcs, True)]] * 3
    _choose(running_app, chosen, [f"{second.id}:{direction}"])
    _choose(running_app, cleared, [])
    assert _mapped(running_app, second.id) == [(direction, False)]
    assert _mapped(running_app, third.id) == []

    _edit_text(running_app, untouched, MENTORING)
    assert _mapped(running_app, first.id) == [(mentors, True)]
    _edit_text(running_app, chosen, MENTORING)
    assert _mapped(running_app, second.id) == [(direction, False)]
    _edit_text(running_app, cleared, MENTORING)
    assert _mapped(running_app, third.id) == []

    # Words that speak to none of them: the coach's suggestion goes with the old words.
    _edit_text(running_app, untouched, FLAKY)
    assert _mapped(running_app, first.id) == []
    (entry, *_) = entries(running_app, "UALICE")
    assert entry.text == FLAKY


def _meta(payload: dict[str, Any]) -> list[str]:
    """The parts of the confirmation's line under the entry (dimension · scope · … · how)."""
    line = next(b for b in payload["blocks"] if b["type"] == "context")["elements"][0]["text"]
    return str(line).split(" · ")


def test_the_mapping_redraw_keeps_where_the_dimension_came_from(
    running_app: RunningApp,
) -> None:
    """The /brag confirmation says "dimension from #writing"; changing the expectations menu
    redraws it with that part still there; picking another dimension drops it (the person
    chose it)."""
    _enter(running_app, LADDER)
    ids = _expectations(running_app)
    direction = ids["Sets technical direction across teams"]
    confirmation = brag(running_app, f"{RFC} #writing", n=1)
    (entry,) = entries(running_app, "UALICE")
    assert _meta(confirmation)[-1] == "dimension from #writing"

    redrawn = _choose(running_app, confirmation, [f"{entry.id}:{direction}"])
    assert redrawn["replace_original"] is True
    assert _meta(redrawn) == _meta(confirmation)
    assert _menu_block(redrawn)["text"]["text"].startswith(":dart: *Evidence for:*")

    n = _responses(running_app) + 1
    click(running_app, redrawn, "evidence_dimension", selected=f"{entry.id}:mentoring")
    picked = last_response(running_app, n)
    assert not any(part.startswith("dimension") for part in _meta(picked))
