"""The promotion story's surfaces: the quarterly DM, the `/multiplier story` reply, the form."""

from __future__ import annotations

from bot.coaching.story import FORM_LIMIT, DraftText, Quarter, StoryTexts
from bot.db.models import PromotionStory
from bot.timetext import day_label
from bot.ui.blocks import (
    Block,
    Button,
    Payload,
    actions,
    button,
    context,
    element,
    input_block,
    message,
    modal,
    section,
)
from bot.ui.quotes import request_button
from bot.ui.text import Names, display, readable, safe
from bot.ui.utf16 import utf16_len, utf16_prefix

STORY_VIEW = "promotion_story"
OPEN_ACTION = "promotion_story_open"
# The form names the quarter whose story it edits; the submitter is the owner. A submission
# whose metadata is not exactly this shape for a quarter they have a story of is refused.
METADATA_PREFIX = "story:v1:"
EDIT_LABEL = "Edit into my story"


def metadata_for(quarter: Quarter) -> str:
    return f"{METADATA_PREFIX}{quarter.key}"


def quarter_in(metadata: object) -> Quarter | None:
    """The quarter a form's metadata names; None when it is not ours."""
    if not isinstance(metadata, str) or not metadata.startswith(METADATA_PREFIX):
        return None
    return Quarter.parse(metadata.removeprefix(METADATA_PREFIX))


def _parts(stored: str) -> list[Block]:
    """The stored text as sections, one per part of the draft (each within a section's limit)."""
    return [section(display(part)) for part in stored.split("\n\n") if part.strip()]


def _edit(quarter: Quarter, label: str = EDIT_LABEL) -> Button:
    return button(label, OPEN_ACTION, quarter.key, style="primary")


def quarterly_message(
    quarter: Quarter, draft: DraftText, edited: str | None, texts: StoryTexts
) -> Payload:
    """The quarterly DM: the ask, the draft for the quarter that ended (or the person's story,
    if they already edited it), and a button opening the form prefilled with it. An empty
    quarter gets no DM (bot/stories/quarterly.py), so there is always one of the two."""
    ask = texts.ask.format(quarter=quarter.label)
    blocks: list[Block] = [section(f"*{safe(ask)}*")]
    if edited is not None:
        blocks.append(context(f"You already edited your {quarter.label} story: here it is."))
        blocks += _parts(edited)
    else:
        blocks += _parts(draft.text)
        note = draft.cut_note(texts)
        if note:
            blocks.append(context(safe(note)))
    blocks.append(context("Private to you. Your promotion packet uses your story."))
    # A story is stronger with other teams' words in it (seed 002's peer recognition).
    blocks.append(actions(_edit(quarter), request_button("Ask a peer for a quote")))
    return message(safe(ask), *blocks)


def story_reply(
    quarter: Quarter,
    current: PromotionStory | None,
    draft: DraftText,
    earlier: PromotionStory | None,
    texts: StoryTexts,
) -> Payload:
    """`/multiplier story`: this quarter's story so far, and the newest earlier one."""
    blocks: list[Block] = []
    buttons: list[Button] = []
    if current is not None and current.story is not None:
        edited = current.edited_at
        when = f" (edited {day_label(edited, year=True)})" if edited is not None else ""
        head = f"Your {quarter.label} story{when}:"
        blocks += [section(f"*{safe(head)}*"), *_parts(current.story)]
        buttons.append(_edit(quarter, "Edit my story"))
    elif current is not None:
        head = f"Your {quarter.label} story so far, drafted from your log:"
        blocks += [section(f"*{safe(head)}*"), *_parts(current.draft)]
        note = draft.cut_note(texts)
        if note:
            blocks.append(context(safe(note)))
        buttons.append(_edit(quarter))
    else:
        head = texts.empty_quarter.format(quarter=quarter.label)
        blocks.append(section(safe(head)))
    if earlier is not None:
        told = Quarter.parse(earlier.quarter)
        if told is not None:
            state = "edited" if earlier.story is not None else "a draft, not edited yet"
            blocks.append(context(f"Your {told.label} story: {state}."))
            buttons.append(_edit(told, f"Edit my {told.label} story"))
    blocks.append(context("Private to you. Your promotion packet uses your stories."))
    # One actions block per button: Slack refuses an action_id twice in one block.
    blocks += [actions(each, block_id=f"story_{n}") for n, each in enumerate(buttons)]
    return message(safe(head), *blocks, ephemeral=True)


def story_modal(
    quarter: Quarter, story: PromotionStory, names: Names, texts: StoryTexts
) -> Payload:
    """The form: the story (or the draft) as typed, to edit into the person's own words."""
    shown = readable(story.story if story.story is not None else story.draft, names)
    hints: list[str] = []
    if story.story is None and story.omitted:
        note = DraftText(story.draft, story.omitted).cut_note(texts)
        if note:
            hints.append(note)
    if utf16_len(shown) > FORM_LIMIT:
        shown = utf16_prefix(shown, FORM_LIMIT)
        hints.append(f"Cut at the form's {FORM_LIMIT:,} characters: the end is left out.")
    blocks: list[Block] = [
        section(
            safe(
                f"Your {quarter.label} promotion story. Keep what shows the level, say it in "
                "your words, add the numbers only you know."
            )
        ),
        input_block(
            "story",
            "Your story",
            element(
                "plain_text_input",
                "story",
                multiline=True,
                max_length=FORM_LIMIT,
                initial_value=shown,
            ),
            hint=" ".join(hints) or None,
        ),
    ]
    return modal(
        "Your promotion story",
        blocks,
        callback_id=STORY_VIEW,
        submit="Save",
        metadata=metadata_for(quarter),
    )


def saved_reply(quarter: Quarter, story: PromotionStory) -> Payload:
    """What the person sees after saving."""
    text = f"Saved your {quarter.label} story. Your promotion packet uses it."
    return message(text, section(safe(text)), *_parts(story.story or ""))


def not_found_reply(command: str) -> Payload:
    text = f"That story is no longer there: `{command} story` drafts one from your log."
    return message(text, ephemeral=True)
