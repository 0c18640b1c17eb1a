"""/brag end to end: signed slash commands, the confirmation's buttons, the form."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import clock
from bot.db.models import EvidenceEntry, User
from standin.signing import Input
from tests.e2e.evidence_helpers import brag, click, count, element, entries, last_response
from tests.support.apps import RunningApp


def test_brag_reads_dimension_people_and_links(running_app: RunningApp) -> None:
    """A hashtag sets the dimension, mentions become people, the first link is kept."""
    text = "Wrote the caching RFC with <@UBOB|bob> &amp; <@UCAROL> <https://docs.example.com/rfc|rfc> #rfc"
    payload = brag(running_app, text)
    (entry,) = entries(running_app)
    assert entry.text == text
    assert entry.dimension == "writing"
    assert entry.people == ["UBOB", "UCAROL"]
    assert entry.link == "https://docs.example.com/rfc"
    assert entry.visibility == "private" and entry.source == "brag"
    blob = str(payload["blocks"])
    assert "Writing that travels" in blob and "from #rfc" in blob
    assert "<@UBOB>" in blob  # rendered through mention(), the label dropped
    _, select = element(payload, "evidence_dimension")
    assert select["initial_option"]["value"] == f"{entry.id}:writing"
    for action_id in ("evidence_edit", "evidence_share", "evidence_delete"):
        element(payload, action_id)


def test_brag_guesses_dimension_from_keywords(running_app: RunningApp) -> None:
    """Without a hashtag, keywords suggest the dimension and the confirmation says so."""
    payload = brag(running_app, "unblocked the payments team on the rate-limit bug")
    (entry,) = entries(running_app)
    assert entry.dimension == "unblocking"
    assert "guessed" in str(payload["blocks"])


def test_change_dimension_with_one_click(running_app: RunningApp) -> None:
    """The dimension menu re-files the entry and redraws the confirmation."""
    payload = brag(running_app, "reviewed the schema change #review")
    (entry,) = entries(running_app)
    click(running_app, payload, "evidence_dimension", selected=f"{entry.id}:mentoring")
    assert entries(running_app)[0].dimension == "mentoring"
    redrawn = last_response(running_app, 2)
    assert redrawn["replace_original"] is True
    assert "Mentoring" in str(redrawn["blocks"])


def test_share_and_make_private(running_app: RunningApp) -> None:
    """ "Share with my team" marks the entry team-visible; the redrawn button makes it private."""
    payload = brag(running_app, "ran the incident review #incident")
    click(running_app, payload, "evidence_share")
    assert entries(running_app)[0].visibility == "team"
    shared = last_response(running_app, 2)
    assert "Make private" in str(shared["blocks"])
    click(running_app, shared, "evidence_share")
    assert entries(running_app)[0].visibility == "private"


def test_delete_from_the_confirmation(running_app: RunningApp) -> None:
    """Delete removes the entry and replaces the confirmation."""
    payload = brag(running_app, "mentored dana on trade-offs")
    click(running_app, payload, "evidence_delete")
    assert count(running_app, EvidenceEntry) == 0
    assert "Deleted" in last_response(running_app, 2)["text"]


def test_edit_opens_the_form_and_saves_changes(running_app: RunningApp) -> None:
    """Edit opens the form with the text as typed; saving it untouched keeps the stored text
    exactly, while the other fields change in place."""
    text = "fixed <!channel> flakiness &amp; more <@UBOB|bob>"
    payload = brag(running_app, text)
    click(running_app, payload, "evidence_edit")
    (opened,) = running_app.standin.wait_for("views.open")
    view = opened.json("view")
    assert view["callback_id"] == "evidence_entry"
    _, text_input = element(view, "text")
    assert text_input["initial_value"] == "fixed @channel flakiness & more @bob"
    reply = running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={
            "text": {"text": Input.plain_text(text_input["initial_value"])},
            "dimension": {"dimension": Input.static_select("cross_team")},
            "scope": {"scope": Input.static_select("org")},
            "people": {"people": Input.multi_users_select(["UBOB", "UCAROL"])},
            "link": {"link": Input.plain_text("https://ci.example.com/flaky")},
            "impact": {"impact": Input.plain_text("CI went from 70% to 99% green")},
            "visibility": {"visibility": Input.radio("team")},
        },
    )
    assert reply.status == 200
    running_app.wait_idle()
    (entry,) = entries(running_app)
    assert entry.text == text
    assert (entry.dimension, entry.scope, entry.visibility) == ("cross_team", "org", "team")
    assert entry.people == ["UBOB", "UCAROL"]
    assert entry.impact == "CI went from 70% to 99% green"


def test_brag_without_text_opens_the_form_and_saving_logs(running_app: RunningApp) -> None:
    """/brag alone opens the form; saving it stores a modal entry and confirms in DM."""
    running_app.slack.slash_command("/brag", "", user_id="UALICE")
    running_app.standin.wait_for("views.open")
    running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={
            "text": {"text": Input.plain_text("Chartered the API working group 🚀")},
            "dimension": {"dimension": Input.static_select("alignment")},
            "scope": {"scope": Input.static_select("cross_team")},
            "people": {"people": Input.multi_users_select(["UBOB"])},
            "link": {"link": Input.plain_text(None)},
            "impact": {"impact": Input.plain_text(None)},
            "visibility": {"visibility": Input.radio("private")},
        },
    )
    running_app.wait_idle()
    (entry,) = entries(running_app)
    assert entry.text == "Chartered the API working group 🚀"
    assert (entry.source, entry.dimension, entry.scope) == ("modal", "alignment", "cross_team")
    (dm,) = running_app.standin.wait_for("chat.postMessage")
    assert dm.params["channel"] == "UALICE"
    assert "Chartered the API working group" in str(dm.params["blocks"])


def test_empty_form_text_is_an_inline_error(running_app: RunningApp) -> None:
    """Saving the form with blank text keeps it open with an error on the text field."""
    running_app.slack.slash_command("/brag", "", user_id="UALICE")
    running_app.standin.wait_for("views.open")
    reply = running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={"text": {"text": Input.plain_text("   ")}},
    )
    assert reply.json()["response_action"] == "errors"
    assert "text" in reply.json()["errors"]
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0


def test_malformed_mention_is_offered_for_saving(running_app: RunningApp) -> None:
    """An unresolved @name opens the prefilled form and echoes the text; nothing is stored yet."""
    text = "paired with @dana on the migration plan"
    running_app.slack.slash_command("/brag", text, user_id="UALICE")
    (opened,) = running_app.standin.wait_for("views.open")
    view = opened.json("view")
    _, text_input = element(view, "text")
    assert text_input["initial_value"] == text
    assert "@dana" in str(view["blocks"])
    echo = last_response(running_app)
    assert "@dana" in echo["text"] and text in str(echo["blocks"])
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0
    running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={
            "text": {"text": Input.plain_text(text)},
            "people": {"people": Input.multi_users_select(["UBOB"])},
            "visibility": {"visibility": Input.radio("private")},
        },
    )
    running_app.wait_idle()
    (entry,) = entries(running_app)
    assert entry.text == text and entry.source == "brag" and entry.people == ["UBOB"]


def test_broadcasts_and_markup_are_stored_but_never_sent(running_app: RunningApp) -> None:
    """<!channel>, <!here> and <!subteam^…> are stored as typed and rendered inert."""
    text = "<!channel> <!here|here> <!everyone> <!subteam^S123|@eng> @here ping"
    payload = brag(running_app, text)
    assert entries(running_app)[0].text == text
    blob = str(payload["blocks"])
    assert "<!" not in blob
    assert running_app.standin.violations == []


def test_unicode_and_control_characters_round_trip(running_app: RunningApp) -> None:
    """Emoji, RTL text, tabs and newlines are stored exactly."""
    text = "shipped 🚢\tמסמך\n\u200bzero-width & <b>tags</b>\r\nend"
    brag(running_app, text)
    assert entries(running_app)[0].text == text


def test_nul_is_stored_exactly(running_app: RunningApp) -> None:
    """A NUL character is stored and read back exactly, on SQLite and on PostgreSQL."""
    text = "before\x00after \ufdd0 escape \ufdd0\ufdd1 and \x00\x00"
    payload = brag(running_app, text)
    assert "Nothing was saved" not in payload["text"]
    (entry,) = entries(running_app)
    assert entry.text == text


def test_ten_thousand_characters_are_kept(running_app: RunningApp) -> None:
    """Exactly 10,000 characters are stored in full; the display is cut, the entry is not."""
    text = ("déjà vu <@UBOB> " * 700)[:10_000]
    payload = brag(running_app, text)
    assert entries(running_app)[0].text == text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in payload["blocks"])


def test_long_malformed_brag_is_kept_with_a_note(running_app: RunningApp) -> None:
    """Too long for the form, a text with an unresolved @name is stored as is, with a note."""
    text = "paired with @dana on the migration plan. " + "details " * 500
    payload = brag(running_app, text)
    assert entries(running_app)[0].text == text
    assert "use Edit to pick people" in str(payload["blocks"])


def test_glue_work_gets_the_staff_level_version(running_app: RunningApp) -> None:
    """Logging glue work ("fixed a flaky test") shows the coach's staff-level reframe."""
    payload = brag(running_app, "fixed a flaky test in the payments suite")
    assert "staff-level version" in str(payload["blocks"])
    assert "testing strategy" in str(payload["blocks"])


def test_a_brag_that_only_needs_storing_is_acked_empty(running_app: RunningApp) -> None:
    """The quick path's ack is an empty 200 (Slack shows nothing); the confirmation follows."""
    reply = running_app.slack.slash_command("/brag", "Wrote the migration plan", user_id="UALICE")
    assert reply.status == 200
    assert reply.body == ""
    assert "Logged to your private evidence" in str(last_response(running_app))
    running_app.wait_idle()
    assert [e.text for e in entries(running_app)] == ["Wrote the migration plan"]


def test_a_first_brag_is_dated_in_the_persons_own_zone(running_app: RunningApp) -> None:
    """Sunday 21:00 in New York is Monday in UTC: a first /brag, before anything else, is
    filed under Sunday (failed before: Monday, and "this week" the UTC week, until check-ins
    were turned on and the zone was learned)."""
    now = clock.now()
    monday_2am = (now + timedelta(days=7 - now.weekday())).replace(
        hour=2, minute=0, second=0, microsecond=0
    )
    clock.shift(monday_2am - now)
    try:
        payload = brag(running_app, "Reviewed the caching RFC and caught the stampede")
    finally:
        clock.reset()
    with running_app.database.session() as session:
        user = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        (entry,) = session.scalars(select(EvidenceEntry)).all()
        assert user.tz == "America/New_York"
        local = entry.occurred_at.astimezone(ZoneInfo(user.tz))
    assert local.strftime("%a") == "Sun"
    assert f"Sun {local:%d %b %Y}" in str(payload["blocks"])


def test_a_brag_of_only_a_mention_asks_what_happened(running_app: RunningApp) -> None:
    """`/brag @bob` opens the form with bob chosen and asks what happened (failed before: an
    entry whose whole text was "@bob")."""
    running_app.slack.slash_command("/brag", "<@UBOB|bob>", user_id="UALICE")
    (opened,) = running_app.standin.wait_for("views.open")
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0
    view = opened.params["view"]
    people = next(block["element"] for block in view["blocks"] if block.get("block_id") == "people")
    assert people["initial_users"] == ["UBOB"]
    assert "tell me what happened" in str(view["blocks"])
