"""Thanks suggestions: the private DM, what a click says, the check-in's list of open ones."""

from __future__ import annotations

from collections.abc import Sequence

from bot.plural import plural
from bot.ui.blocks import Block, Payload, actions, button, context, message, section
from bot.ui.text import and_list, channel_link, link, mention

LOG_IT = "thanks_log"
LOG_IT_FROM_CHECKIN = "thanks_log_checkin"  # answered beside the check-in, not in its place
DISMISS = "thanks_dismiss"


def suggestion_message(
    *, suggestion_id: int, thanker: str, channel_id: str, permalink: str | None, days: int
) -> Payload:
    """The DM to the person thanked: who, where, the message's link, "Log it" / "Dismiss"."""
    where = channel_link(channel_id)
    said = f"{mention(thanker)} thanked you in {where}"
    if permalink:
        said += f" ({link(permalink, 'see the message')})"
    value = str(suggestion_id)
    return message(
        f"{mention(thanker)} thanked you in {where}. Log it as evidence?",
        section(f":raised_hands: {said}. Log it as evidence?"),
        context(
            "Nothing of the message is kept unless you log it. "
            f"This suggestion goes away in {plural(days, 'day')}."
        ),
        actions(
            button("Log it", LOG_IT, value, style="primary"),
            button("Dismiss", DISMISS, value),
            block_id=f"thanks_{suggestion_id}",
        ),
    )


def logged(*, channel_id: str | None, permalink: str | None) -> Payload:
    where = f" from {channel_link(channel_id)}" if channel_id else ""
    text = f":white_check_mark: Logged the thanks{where} as your private evidence"
    if permalink:
        text += f" ({link(permalink, 'the message')})"
    return message(text + ".", replace_original=True)


def dismissed() -> Payload:
    return message("Dismissed: nothing was kept.", replace_original=True)


def gone() -> Payload:
    return message(
        "That suggestion is no longer open (logged, dismissed or expired).", replace_original=True
    )


def unreadable(channel_id: str | None) -> Payload:
    where = f" in {channel_link(channel_id)}" if channel_id else ""
    return message(
        f"I can no longer read that message{where} (deleted, or I was removed from the "
        "channel): nothing was logged.",
        replace_original=True,
    )


def checkin_suggestions(
    suggestions: Sequence[tuple[int, str, str]], *, limit: int = 10
) -> list[Block]:
    """The check-in's lines for this week's open suggestions (id, thanker, channel):
    "3 people thanked you in #payments and #infra", then one "Log it" per suggestion."""
    if not suggestions:
        return []
    people = list(dict.fromkeys(thanker for _, thanker, _ in suggestions))
    channels = list(dict.fromkeys(channel for _, _, channel in suggestions))
    where = and_list([channel_link(c) for c in channels[:5]])
    if len(channels) > 5:
        where += f" and {plural(len(channels) - 5, 'more channel')}"
    who = plural(len(people), "person", "people")
    blocks: list[Block] = [section(f":raised_hands: {who} thanked you in {where} this week.")]
    for suggestion_id, thanker, channel in suggestions[:limit]:
        blocks.append(
            section(
                f"{mention(thanker)} in {channel_link(channel)}",
                accessory=button("Log it", LOG_IT_FROM_CHECKIN, str(suggestion_id)),
            )
        )
    if len(suggestions) > limit:
        blocks.append(context(f"…and {len(suggestions) - limit} more in your DMs."))
    return blocks
