"""A quote request's surfaces: the "Request a quote" button (reusable: any surface may carry
it, its action is registered once), the request form, the peer's DM with its form, what each
side is told, and `/multiplier quote`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.db.models import QuoteRequest
from bot.quotes import states
from bot.quotes.states import PeerState
from bot.quotes.texts import QuoteTexts
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
from bot.ui.evidence import notice, notice_modal
from bot.ui.text import display, mention, readable, safe

# The requester's side: the button (handled by bot.listeners.actions.quotes.handle_request_open)
# and the form it opens. The form carries no ids: the submitter is the requester.
REQUEST_ACTION = "quote_request_open"
REQUEST_VIEW = "quote_request"
REQUEST_METADATA = "quote:v1"
PEER_BLOCK, NOTE_BLOCK = "peer", "note"
# The peer's side: the DM's buttons carry the request id, the answer form carries it in its
# private_metadata; both are checked against who pressed (a tampered id changes nothing).
ANSWER_ACTION = "quote_write"
DECLINE_ACTION = "quote_not_now"
ANSWER_VIEW = "quote_answer"
SENTENCE_BLOCK = "sentence"


def request_button(label: str = "Request a quote") -> Button:
    """The button that opens the request form; put it on any surface of the person's own
    (Home, the packet, a story draft): its action is registered once."""
    return button(label, REQUEST_ACTION, "request")


def request_modal(words: QuoteTexts) -> Payload:
    """Pick one peer (a users_select) and, optionally, a note to them."""
    blocks: list[Block] = [
        section(safe(words.why)),
        input_block(
            PEER_BLOCK,
            "Who saw your work up close?",
            element("users_select", PEER_BLOCK, placeholder="Pick one person"),
            hint="They get a DM from Multiplier asking for one sentence, with your note.",
        ),
        input_block(
            NOTE_BLOCK,
            "A note to them",
            element(
                "plain_text_input",
                NOTE_BLOCK,
                multiline=True,
                max_length=states.MAX_NOTE_LENGTH,
                placeholder="e.g. the billing migration RFC last spring",
            ),
            optional=True,
        ),
    ]
    return modal(
        "Request a quote",
        blocks,
        callback_id=REQUEST_VIEW,
        submit="Ask them",
        metadata=REQUEST_METADATA,
    )


def requested_message(peer_slack_id: str, multiplier: str) -> Payload:
    """The requester's DM once the request is stored."""
    text = (
        f"I'm asking {mention(peer_slack_id)} for one sentence about your influence. Their "
        "answer comes back here and lands on your log as kudos from them."
    )
    return message(
        text,
        section(text),
        context(f"Private to you. Your requests: `{safe(multiplier, 50)} quote`."),
    )


def _fill(template: str, **people: str) -> str:
    """A text from prompts/ made safe, its {requester} / {peer} made mentions."""
    shown = safe(template)
    for name, slack_id in people.items():
        shown = shown.replace("{" + name + "}", mention(slack_id))
    return shown


def ask_message(
    request_id: int, requester_slack_id: str, note: str | None, words: QuoteTexts
) -> Payload:
    """The peer's DM: the kind ask, the requester's note, "Write a sentence" / "Not now"."""
    text = _fill(words.ask, requester=requester_slack_id)
    blocks: list[Block] = [section(text)]
    if note:
        blocks.append(section(f"*Their note:*\n{display(note, 2500)}"))
    blocks.append(
        actions(
            button("Write a sentence", ANSWER_ACTION, str(request_id), style="primary"),
            button("Not now", DECLINE_ACTION, str(request_id)),
        )
    )
    return message(text, *blocks)


def answer_modal(state: PeerState) -> Payload:
    """The peer's form: one sentence; the request id rides in the metadata. Answered
    before (`state.sentence`), it opens with their sentence, to change it."""
    who = mention(state.requester_slack_id or "")
    intro = (
        f"One sentence about {who}'s influence on your work: something they changed for "
        "you or your team. It goes to their private log as kudos from you."
    )
    if state.sentence is not None:
        intro = (
            f"Your sentence about {who}'s influence is on their log. Change it here: the new "
            "one takes its place."
        )
    blocks: list[Block] = [section(intro)]
    if state.note:
        blocks.append(context(f"Their note: {display(state.note, 1500)}"))
    blocks.append(
        input_block(
            SENTENCE_BLOCK,
            "Your sentence",
            element(
                "plain_text_input",
                SENTENCE_BLOCK,
                multiline=True,
                max_length=states.MAX_SENTENCE_LENGTH,
                placeholder="e.g. Her RFC on the billing migration saved my team a quarter.",
                initial_value=readable(state.sentence) if state.sentence is not None else None,
            ),
        )
    )
    return modal(
        "A quote",
        blocks,
        callback_id=ANSWER_VIEW,
        submit="Send",
        metadata=str(state.request_id),
    )


def thanks_view(requester_slack_id: str | None) -> Payload:
    """What the peer sees once their sentence is stored (the form turns into this)."""
    who = mention(requester_slack_id) if requester_slack_id else "their"
    text = (
        f"Thank you. Your sentence is on {who}'s log as kudos from you, and I'll let them "
        "know. Words like these are what a promotion case is missing."
    )
    return modal("Thank you", [section(text)], close="Done")


def updated_view(requester_slack_id: str | None) -> Payload:
    """What the peer sees once a second sentence took the place of their first."""
    who = mention(requester_slack_id) if requester_slack_id else "their"
    text = (
        f"Updated. Your new sentence takes the place of your earlier one on {who}'s log; "
        "they will see the new words."
    )
    return modal("Thank you", [section(text)], close="Done")


def ask_answered(requester_slack_id: str | None, request_id: int | None = None) -> Payload:
    """The ask in the peer's DM once they answered: what they did (the form they sent it
    from thanks them: once is enough), and (with the request id) one button to change their
    sentence (the form opens with it; the new one replaces it)."""
    who = mention(requester_slack_id) if requester_slack_id else "them"
    text = f"You sent {who} a sentence about their influence: it is on their log."
    blocks: list[Block] = [section(f"✅ {text}")]
    if request_id is not None:
        blocks.append(actions(button("Change my sentence", ANSWER_ACTION, str(request_id))))
    return message(text, *blocks)


_PEER_NOTICES = {
    states.ANSWERED: "You already sent your sentence. Thank you: it is on their log.",
    states.DECLINED: "You said not now to this one, and they know. Nothing more is needed.",
    states.EXPIRED: "This request is over 30 days old, so it is no longer needed. Thank you "
    "all the same.",
    states.GONE: "This request is no longer needed: it was withdrawn. Thank you all the same.",
    states.NOT_YOURS: "This request isn't addressed to you, so nothing changed.",
}


def peer_notice_text(state: str) -> str:
    return _PEER_NOTICES.get(state, _PEER_NOTICES[states.GONE])


def peer_notice_modal(state: str) -> Payload:
    """The peer pressed "Write a sentence" on a request that is not open (any more)."""
    return notice_modal("A quote", peer_notice_text(state))


def peer_notice(state: str) -> Payload:
    """The same, as the reply to a button in the DM: it replaces the ask (its buttons go),
    unless the button named someone else's request (then the DM stays as it was)."""
    return notice(peer_notice_text(state), replace=state != states.NOT_YOURS)


def declined_reply(requester_slack_id: str | None) -> Payload:
    """The peer's "Not now" answered: the ask's buttons go; the requester is told kindly."""
    who = mention(requester_slack_id) if requester_slack_id else "them"
    text = f"Okay, not now. I'll let {who} know, kindly: no need to explain."
    return message(text, section(text), replace_original=True)


def _quoted(stored_text: str) -> str:
    """A sentence as typed, as a mrkdwn block quote."""
    return "\n".join(f"> {line}" for line in display(stored_text, 2800).split("\n"))


def answered_message(peer_slack_id: str, stored_text: str, words: QuoteTexts) -> Payload:
    """The requester's DM: who wrote it, and the sentence as typed."""
    text = _fill(words.answered, peer=peer_slack_id)
    return message(text, section(text), section(_quoted(stored_text)))


def updated_message(peer_slack_id: str, stored_text: str) -> Payload:
    """The requester's DM (one per request) once the peer changed their sentence: the newest
    words, as typed."""
    text = (
        f"{mention(peer_slack_id)} changed their sentence about your influence. Your log "
        "and your promotion packet now have the new words:"
    )
    return message(text, section(text), section(_quoted(stored_text)))


def declined_message(peer_slack_id: str, words: QuoteTexts) -> Payload:
    text = _fill(words.declined, peer=peer_slack_id)
    return message(text, section(text))


def _status_line(request: QuoteRequest, now: datetime) -> str:
    who = mention(request.peer_slack_user_id)
    asked = day_label(request.created_at, year=True)
    if states.is_stale(request.status, request.created_at, now) or request.status == states.EXPIRED:
        return f"• {who}: asked {asked}, expired after 30 days"
    if request.status == states.ANSWERED:
        return f"• {who}: answered — on your log as kudos"
    if request.status == states.DECLINED:
        return f"• {who}: said not now"
    return f"• {who}: asked {asked}, waiting"


def quote_reply(requests: Sequence[QuoteRequest], words: QuoteTexts, now: datetime) -> Payload:
    """`/multiplier quote`: your requests (private to you) and the button."""
    head = "*Request a quote:* " + safe(words.why)
    lines = [_status_line(r, now) for r in requests]
    blocks: list[Block] = [section(head)]
    if lines:
        blocks.append(section("*Your requests*\n" + "\n".join(lines)))
    blocks.append(context("Private to you: never in a digest."))
    blocks.append(actions(request_button()))
    return message("Request a quote", *blocks, ephemeral=True)


def packet_sent(filename: str) -> Payload:
    """`export packet`'s last word: the file went to the DM, and a peer's words could join it."""
    text = f"Sent {filename} to your DM with Multiplier."
    return message(
        safe(text),
        section(safe(text)),
        context("Its kudos section grows with peers' words: ask one for a sentence."),
        actions(request_button()),
        ephemeral=True,
        replace_original=True,
    )
