"""The story's form and DM: the draft fits Slack's form, and a cut is said, never silent."""

from __future__ import annotations

from bot.coaching.library import default_library
from bot.coaching.story import FORM_LIMIT, DraftText, Quarter, StoryTexts
from bot.db.models import PromotionStory
from bot.ui import story as ui

TEXTS = StoryTexts.of(default_library())
Q4 = Quarter(2026, 4)


def _field(view: dict) -> dict:
    (block,) = [b for b in view["blocks"] if b.get("block_id") == "story"]
    return block


def test_a_cut_draft_says_so_in_the_form_and_the_dm() -> None:
    story = PromotionStory(quarter=Q4.key, draft="The pattern across your entries:", omitted=4)
    block = _field(ui.story_modal(Q4, story, {}, TEXTS))
    assert block["element"]["max_length"] == FORM_LIMIT
    assert block["hint"]["text"] == TEXTS.cut.format(omitted="4 items")
    dm = ui.quarterly_message(Q4, DraftText(story.draft, 4), None, TEXTS)
    contexts = [e["text"] for b in dm["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert TEXTS.cut.format(omitted="4 items") in contexts


def test_names_longer_than_budgeted_are_cut_at_the_form_limit_and_said() -> None:
    draft = "\n".join(f"- from <@U{i:08d}>" for i in range(200))
    names = {f"U{i:08d}": "a-very-long-display-name-" * 2 for i in range(200)}
    story = PromotionStory(quarter=Q4.key, draft=draft, omitted=0)
    block = _field(ui.story_modal(Q4, story, names, TEXTS))
    assert len(block["element"]["initial_value"]) == FORM_LIMIT
    assert "Cut at the form's 3,000 characters" in block["hint"]["text"]


def test_an_uncut_draft_has_no_hint_and_an_edited_story_is_prefilled_instead() -> None:
    story = PromotionStory(
        quarter=Q4.key, draft="Draft &amp; more", omitted=0, story="Mine &amp; <@UBOB>"
    )
    block = _field(ui.story_modal(Q4, story, {"UBOB": "bob"}, TEXTS))
    assert "hint" not in block
    assert block["element"]["initial_value"] == "Mine & @bob"
    assert ui.quarter_in(ui.metadata_for(Q4)) == Q4
