"""Every day the app names for people reads one way (`bot.timetext.day_label`): "Mon 7 Dec",
with the year where the day may be in another one: no zero-padded day, no ISO date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.db.models import QuoteRequest, SponsorNote
from bot.quotes import states
from bot.quotes.texts import QuoteTexts
from bot.sponsors.texts import SponsorTexts
from bot.ui import quotes as quote_ui
from bot.ui import sponsor as sponsor_ui

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
