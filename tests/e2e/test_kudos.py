"""/kudos end to end: the recipient's entry, the DM, refusals, the cap, the digest choice."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import EvidenceEntry, Kudos, User
from bot.ui.text import readable
from tests.e2e.evidence_helpers import click, count, entries, last_response
from tests.support.apps import RunningApp, make_settings, start_app


def kudos(running_app: RunningApp, text: str, user_id: str = "UALICE", n: int = 1) -> dict:
    running_app.slack.slash_command("/kudos", text, user_id=user_id)
    payload = last_response(running_app, n)
    running_app.wait_idle()
    return payload


def _kudos_rows(running_app: RunningApp) -> list[Kudos]:
    with running_app.database.session() as session:
        rows = list(session.scalars(select(Kudos).order_by(Kudos.id)))
        session.expunge_all()
        return rows


def test_kudos_lands_on_the_recipients_log_and_dms_them(running_app: RunningApp) -> None:
    """The entry is the recipient's (source kudos, giver credited), and they get a DM."""
    text = "<@UBOB|bob> unblocked our release by fixing the deploy pipeline #unblock"
    payload = kudos(running_app, text)
    assert "Kudos sent" in payload["text"]
    (entry,) = entries(running_app, "UBOB")
    assert entry.text == text
    assert (entry.source, entry.dimension, entry.visibility) == ("kudos", "unblocking", "private")
    assert entry.people == ["UALICE"]
    (row,) = _kudos_rows(running_app)
    assert row.evidence_id == entry.id and row.share_in_digest is False
    with running_app.database.session() as session:
        giver = session.get(User, row.giver_id)
        assert giver.slack_user_id == "UALICE"
    (dm,) = running_app.standin.wait_for("chat.postMessage")
    assert dm.params["channel"] == "UBOB"
    blob = str(dm.params["blocks"])
    assert "<@UALICE> gave you kudos" in blob and "deploy pipeline" in blob
    assert entries(running_app, "UALICE") == []


def test_giver_chooses_whether_kudos_appear_in_digests(running_app: RunningApp) -> None:
    """The confirmation's toggle allows the kudos in team digests, and takes it back."""
    payload = kudos(running_app, "<@UBOB|bob> mentored two new hires through on-call")
    assert "Not shown in team digests" in str(payload["blocks"])
    click(running_app, payload, "kudos_share")
    assert _kudos_rows(running_app)[0].share_in_digest is True
    allowed = last_response(running_app, 2)
    assert "May appear" in str(allowed["blocks"])
    click(running_app, allowed, "kudos_share")
    assert _kudos_rows(running_app)[0].share_in_digest is False


def test_recipient_can_share_or_delete_from_the_dm(running_app: RunningApp) -> None:
    """The kudos DM has the recipient's Share and Delete; Delete removes entry and kudos."""
    kudos(running_app, "<@UBOB|bob> wrote the on-call handbook #docs")
    (dm,) = running_app.standin.wait_for("chat.postMessage")
    message = {"blocks": dm.json("blocks"), "ts": dm.response["ts"], "channel": "DUBOB"}
    running_app.slack.block_action("evidence_share", user_id="UBOB", message=message)
    running_app.wait_idle()
    assert entries(running_app, "UBOB")[0].visibility == "team"
    running_app.slack.block_action("evidence_delete", user_id="UBOB", message=message)
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0
    assert count(running_app, Kudos) == 0


def test_no_kudos_to_yourself(running_app: RunningApp) -> None:
    """Kudos to yourself are refused with the text echoed; nothing is stored."""
    payload = kudos(running_app, "<@UALICE|alice> did great")
    assert "someone else" in payload["text"]
    assert "did great" in str(payload["blocks"])
    assert count(running_app, Kudos) == 0 and count(running_app, EvidenceEntry) == 0


def test_no_kudos_to_a_bot_or_slackbot(running_app: RunningApp) -> None:
    """Bots (by users.info) and Slackbot (by id) get no kudos, and no user row either."""
    running_app.standin.add_user("UHELPER", name="helperbot", is_bot=True)
    for n, target in enumerate(("<@UHELPER|helperbot>", "<@USLACKBOT|slackbot>", "<@UBOT>"), 1):
        payload = kudos(running_app, f"{target} is the best", n=n)
        assert "not bots" in payload["text"]
    assert count(running_app, Kudos) == 0
    with running_app.database.session() as session:
        ids = set(session.scalars(select(User.slack_user_id)))
    assert ids <= {"UALICE"}


def test_unknown_or_deactivated_recipient(running_app: RunningApp) -> None:
    """An id Slack doesn't know, or a deactivated account, is refused with an echo."""
    running_app.standin.add_user("UGONE", name="gone", deleted=True)
    first = kudos(running_app, "<@UNOBODY1> thanks")
    assert "couldn't find" in first["text"]
    second = kudos(running_app, "<@UGONE|gone> thanks", n=2)
    assert "deactivated" in second["text"]
    assert count(running_app, Kudos) == 0


def test_usage_for_missing_recipient_or_text(running_app: RunningApp) -> None:
    """No mention, an unresolved @name, or no text get usage with the typed text echoed."""
    cases = ["", "great job everyone", "@dana great job", "<@UBOB|bob>   "]
    for n, typed in enumerate(cases, 1):
        payload = kudos(running_app, typed, n=n)
        assert "Usage" in payload["text"], typed
        if typed.strip():  # echoed as typed: `@bob`, not Slack's `<@UBOB|bob>`
            assert readable(typed).split()[0] in str(payload["blocks"])
    assert "@dana" in last_response(running_app, 3)["text"]
    assert count(running_app, Kudos) == 0


def test_daily_cap_per_giver(database, standin) -> None:
    """A giver past the daily cap is refused (text echoed); others are unaffected."""
    settings = make_settings(standin=standin, database_url=database.url, kudos_daily_cap=2)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        kudos(running, "<@UBOB|bob> one", n=1)
        kudos(running, "<@UCAROL|carol> two", n=2)
        refused = kudos(running, "<@UBOB|bob> three is one too many", n=3)
        assert "2 kudos today" in refused["text"]
        assert "three is one too many" in str(refused["blocks"])
        kudos(running, "<@UALICE|alice> from bob", user_id="UBOB", n=4)
        assert len(_kudos_rows(running)) == 3
    finally:
        running.stop()


def test_dm_failure_still_keeps_the_kudos(running_app: RunningApp) -> None:
    """If the recipient can't be DMed, the kudos stays on their log and the giver is told."""
    running_app.standin.fail_next("chat.postMessage", error="cannot_dm_bot")
    kudos(running_app, "<@UBOB|bob> reviewed my design doc and caught a race")
    note = last_response(running_app, 2)
    assert "couldn't send <@UBOB> a DM" in note["text"]
    assert len(entries(running_app, "UBOB")) == 1


def _sections(payload: dict) -> str:
    return "\n".join(b["text"]["text"] for b in payload["blocks"] if b["type"] == "section")


def test_kudos_to_several_people_reaches_each_of_them(running_app: RunningApp) -> None:
    """/kudos @bob @carol: one kudos each (their own entry and DM), the giver told who by name."""
    text = "<@UBOB|bob>, <@UCAROL|carol> paired through the payments migration with <@UDAN|dan>"
    running_app.standin.add_user("UDAN", name="dan")
    payload = kudos(running_app, text)
    assert _sections(payload).startswith("*Kudos sent to <@UBOB> and <@UCAROL>*")
    rows = _kudos_rows(running_app)
    assert len(rows) == 2
    (bobs,), (carols,) = entries(running_app, "UBOB"), entries(running_app, "UCAROL")
    assert bobs.text == carols.text == text
    # Each was helped by the giver (and dan), not by the other recipient.
    assert bobs.people == ["UALICE", "UDAN"] and carols.people == ["UALICE", "UDAN"]
    dms = running_app.standin.wait_for("chat.postMessage", count=2)
    assert sorted(dm.params["channel"] for dm in dms) == ["UBOB", "UCAROL"]
    assert "3 more kudos today" in str(payload["blocks"])
    click(running_app, payload, "kudos_share")
    assert all(row.share_in_digest for row in _kudos_rows(running_app))


def test_kudos_never_drops_anyone_silently(running_app: RunningApp) -> None:
    """Everyone named who can't receive it is listed with the reason; the others get it."""
    running_app.standin.add_user("UHELPER", name="helperbot", is_bot=True)
    running_app.standin.add_user("UGONE", name="gone", deleted=True)
    text = (
        "<@UBOB|bob> <@UHELPER|helperbot> <@UGONE|gone> @dana <@UALICE|alice> "
        "<@UNOBODY1> ran a great launch"
    )
    confirmation = kudos(running_app, text)
    assert _sections(confirmation).startswith("*Kudos sent to <@UBOB>*")
    not_sent = last_response(running_app, 2)
    lines = _sections(not_sent).splitlines()
    assert lines[0] == "*Not sent to:*"
    assert sorted(lines[1:]) == sorted(
        [
            "• @dana: Slack didn't match that name to a person — pick people from the list as "
            "you type @",
            "• <@UHELPER>: kudos go to people, not bots",
            "• <@UGONE>: their account is deactivated",
            "• <@UALICE>: that's you — log your own work with `/brag`",
            "• <@UNOBODY1>: I couldn't find them in this workspace",
        ]
    )
    assert len(_kudos_rows(running_app)) == 1


def test_nobody_can_receive_it_lists_each_and_echoes_the_text(running_app: RunningApp) -> None:
    """When none of several named people can receive it, each is listed and the text echoed."""
    running_app.standin.add_user("UGONE", name="gone", deleted=True)
    payload = kudos(running_app, "<@UGONE|gone> <@UALICE|alice> shipped the & fix")
    blocks = str(payload["blocks"])
    assert "*No kudos sent:*" in blocks and "<@UGONE>: their account is deactivated" in blocks
    assert "shipped the &amp; fix" in blocks  # the text, echoed safely
    assert count(running_app, Kudos) == 0 and count(running_app, EvidenceEntry) == 0


def test_each_recipient_counts_against_the_daily_cap(database, standin) -> None:
    """With 2 left today, /kudos to three people reaches two and says who was over the cap."""
    settings = make_settings(standin=standin, database_url=database.url, kudos_daily_cap=2)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        standin.add_user("UDAN", name="dan")
        payload = kudos(running, "<@UBOB|bob> <@UCAROL|carol> <@UDAN|dan> fixed the build")
        assert _sections(payload).startswith("*Kudos sent to <@UBOB> and <@UCAROL>*")
        assert "That was your last kudos for today." in str(payload["blocks"])
        not_sent = last_response(running, 2)
        assert "<@UDAN>: you've reached today's limit of 2 kudos" in _sections(not_sent)
        assert len(_kudos_rows(running)) == 2
    finally:
        running.stop()


def test_the_dm_names_the_recipients_once(running_app: RunningApp) -> None:
    """`/kudos @bob @carol thanks …`: each DM says who else got it in its first line and
    shows the words without the leading names (failed before: "gave you kudos:" then
    "@bob @carol thanks …"); the entry keeps the text exactly as typed."""
    typed = "<@UBOB|bob> <@UCAROL|carol> thanks for the RFC reviews"
    kudos(running_app, typed)
    dms = running_app.standin.wait_for("chat.postMessage", count=2)
    shown = {dm.params["channel"]: dm.json("blocks")[0]["text"]["text"] for dm in dms}
    assert shown == {
        "UBOB": ":tada: <@UALICE> gave kudos to you and <@UCAROL>:\nthanks for the RFC reviews",
        "UCAROL": ":tada: <@UALICE> gave kudos to you and <@UBOB>:\nthanks for the RFC reviews",
    }
    assert [e.text for e in entries(running_app, "UBOB")] == [typed]
