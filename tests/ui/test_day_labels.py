"""Every day the app names for people reads one way (`bot.timetext.day_label`): "Mon 7 Dec",
with the year where the day may be in another one: no zero-padded day, no ISO date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.coaching.library import default_library
from bot.coaching.story import DraftText, Quarter, StoryTexts
from bot.db.models import PromotionStory, QuoteRequest, SponsorNote
from bot.quotes import states
from bot.quotes.texts import QuoteTexts
from bot.sponsors.texts import SponsorTexts
from bot.ui import quotes as quote_ui
from bot.ui import sharing as sharing_ui
from bot.ui import sponsor as sponsor_ui
from bot.ui import story as story_ui

NOW = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)


def test_a_quote_request_is_listed_with_the_day_it_was_asked() -> None:
    """(failed before: "asked Mon 07 Dec")."""
    request = QuoteRequest(
        peer_slack_user_id="UBOB",
        status=states.OPEN,
        created_at=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )
    words = QuoteTexts(why="Why.", ask="Ask.", answered="Answered.", declined="Declined.")
    payload = quote_ui.quote_reply([request], words, NOW)
    listed = payload["blocks"][1]["text"]["text"]
    assert listed == "*Your requests*\n• <@UBOB>: asked Mon 7 Dec 2026, waiting"


def test_the_sponsor_note_says_its_days_as_days() -> None:
    """(failed before: "2026-12-14" and "Saved 2026-12-07")."""
    note = SponsorNote(
        sponsor_user_id="UCAROL", sponsor_text=None, last_shown_on=date(2026, 12, 4),
        next_step="Show her the RFC", created_at=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )  # fmt: skip
    assert sponsor_ui.note_lines(note)[1] == "*Last showed them your work:* Fri 4 Dec 2026"
    payload = sponsor_ui.sponsor_reply(note, SponsorTexts(question="Who?", why="Because."))
    (saved,) = [b for b in payload["blocks"] if b["type"] == "context"]
    assert saved["elements"][0]["text"] == "Private to you. Saved Mon 7 Dec 2026."


def test_the_shares_list_names_each_day_in_the_owners_zone() -> None:
    """(failed before: "• 2026-12-07 — …")."""
    shown = sharing_ui.ShareShown(
        id=1, recipient="UCAROL", kind="packet", period_label="this quarter", status="sent",
        at=datetime(2026, 12, 8, 3, tzinfo=UTC),
    )  # fmt: skip
    payload = sharing_ui.share_list([shown], "America/New_York")
    assert payload["blocks"][0]["text"]["text"] == (
        "*What you've shared*\n• Mon 7 Dec 2026 — promotion packet for this quarter to <@UCAROL>"
    )


def test_an_edited_story_says_the_day_it_was_edited() -> None:
    """(failed before: "(edited 2026-12-07)")."""
    story = PromotionStory(
        quarter="2026-Q4", draft="d", omitted=0, story="My story",
        edited_at=datetime(2026, 12, 7, 9, tzinfo=UTC),
    )  # fmt: skip
    payload = story_ui.story_reply(
        Quarter(2026, 4), story, DraftText("d", 0), None, StoryTexts.of(default_library())
    )
    assert (
        payload["blocks"][0]["text"]["text"]
        == f"*Your {Quarter(2026, 4).label} story (edited Mon 7 Dec 2026):*"
    )
