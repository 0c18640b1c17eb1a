"""Team digest messages and the replies to `/multiplier digest …`.

A digest names only people who chose to appear (authors of shared highlights, kudos givers
who allowed it and their recipients); aggregates appear only for a large enough group; no
broadcast or ping can come out of here: shared text goes through `render(…, CHANNEL)`, ours
through `safe`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.coaching.library import CoachingLibrary
from bot.db.models import DigestChannel
from bot.evidence.parsing import entry_words, kudos_words
from bot.summaries.metrics import Highlight, TeamDigest, TeamTotals
from bot.summaries.periods import zone
from bot.timetext import day_label, hhmm, weekday_name
from bot.ui.blocks import (
    MESSAGE_TEXT_BUDGET,
    Block,
    Payload,
    context,
    divider,
    fit_message,
    header,
    message,
    section,
)
from bot.ui.messages import CommandNames
from bot.ui.summary import dimension_label
from bot.ui.text import (
    NO_NAMES,
    Names,
    TextMode,
    date_token,
    mention,
    noun,
    plural,
    render,
    safe,
    truncate,
)

HIGHLIGHT_TEXT_LIMIT = 500


def _period_fallback(digest: TeamDigest, tz: ZoneInfo, tz_name: str) -> str:
    """The seven days a digest covers, up to its slot, in the digest's zone, named: "Mon 16
    Nov 09:00 – Mon 23 Nov 2026 09:00 (America/New_York)" (the times show it is seven days,
    not eight, from slot to slot)."""
    start = digest.period_start.astimezone(tz)
    end = digest.period_end.astimezone(tz)
    return f"{day_label(start)} {start:%H:%M} – {day_label(end, year=True)} {end:%H:%M} ({tz_name})"


# Slack shows each reader these in their own zone ("Dec 4, 2026 4:00 PM"); a digest channel
# is read from many zones, and the schedule's own zone is nobody else's.
_PERIOD_TOKENS = "{date_short} {time}"


def _period_label(digest: TeamDigest, tz: ZoneInfo, tz_name: str) -> str:
    """The period for mrkdwn: each end a Slack date token (the reader's zone); the fallbacks
    read as `_period_fallback`, naming the digest's zone once."""
    start = digest.period_start.astimezone(tz)
    end = digest.period_end.astimezone(tz)
    return (
        date_token(start, _PERIOD_TOKENS, f"{day_label(start)} {start:%H:%M}")
        + " – "
        + date_token(end, _PERIOD_TOKENS, f"{day_label(end, year=True)} {end:%H:%M} ({tz_name})")
    )


def _count(number: int, one: str) -> str:
    return f"*{number}* {noun(number, one)}"


def totals_lines(totals: TeamTotals) -> tuple[str, str]:
    """Two lines that never run people and entries together: who, then what was logged."""
    people = (
        f"{_count(totals.participants, 'person')} took part · "
        f"{_count(totals.people_helped, 'person')} helped by their work"
    )
    entries = (
        f"{_count(totals.entries, 'entry')} logged: "
        f"*{totals.multiplier_entries}* multiplier work · "
        f"*{totals.cross_team_entries}* beyond the team · "
        f"{_count(totals.written_artefacts, 'written artefact')}"
    )
    return people, entries


def _totals_text(totals: TeamTotals, library: CoachingLibrary) -> list[Block]:
    people, entries = totals_lines(totals)
    parts = [
        f"{dimension_label(library, d.id)} {totals.by_dimension[d.id]}"
        for d in library.dimensions
        if totals.by_dimension.get(d.id)
    ]
    blocks: list[Block] = [section(people), section(entries)]
    if parts:
        blocks.append(context(truncate(" · ".join(parts), 2900)))
    return blocks


def _shared_text(text: str, limit: int, people: Names) -> str:
    """What someone shared, for the whole channel: people by name, never pinged."""
    return render(text, TextMode.CHANNEL, limit=limit, names=people)


def _highlight_block(item: Highlight, library: CoachingLibrary, limit: int, people: Names) -> Block:
    return section(
        f"{mention(item.author)} · _{dimension_label(library, item.dimension)}_\n"
        f"{_shared_text(entry_words(item.text, library, item.dimension), limit, people)}"
    )


def _item_limit(digest: TeamDigest) -> int:
    """How much of each highlight or kudos fits, so that the whole digest fits one message."""
    items = len(digest.highlights) + len(digest.kudos) + len(digest.late_highlights)
    share = (MESSAGE_TEXT_BUDGET - 3_000) // max(items, 1)
    return max(120, min(HIGHLIGHT_TEXT_LIMIT, share))


def digest_message(
    digest: TeamDigest,
    *,
    channel_name: str | None,
    tz_name: str,
    library: CoachingLibrary,
    names: CommandNames,
    people: Names = NO_NAMES,
) -> Payload:
    """The weekly post in a team channel (`people` names those its texts mention by id)."""
    tz = zone(tz_name)
    limit = _item_limit(digest)
    title = "Team multiplier digest"
    if channel_name:
        title += f" · #{channel_name}"
    blocks: list[Block] = [header(title), context(_period_label(digest, tz, tz_name))]
    if digest.totals is not None:
        blocks.extend(_totals_text(digest.totals, library))
    else:
        blocks.append(
            context(
                f"Team totals appear once at least {plural(digest.min_group_size, 'person')} "
                "take part in a week, so nobody's week can be singled out."
            )
        )
    if digest.highlights:
        blocks.append(divider())
        blocks.append(section("*Highlights people chose to share*"))
        blocks.extend(_highlight_block(item, library, limit, people) for item in digest.highlights)
        if digest.highlights_more:
            more = plural(digest.highlights_more, "more shared entry", "more shared entries")
            blocks.append(context(f"…and {more}."))
    if digest.kudos:
        blocks.append(divider())
        blocks.append(section("*Kudos*"))
        for kudos in digest.kudos:
            blocks.append(
                section(
                    f":raised_hands: {mention(kudos.giver)} → "
                    f"{', '.join(mention(r) for r in kudos.recipients)}: "
                    f"{_shared_text(kudos_words(kudos.text, kudos.recipients), limit, people)}"
                )
            )
        if digest.kudos_more:
            blocks.append(context(f"…and {digest.kudos_more} more kudos."))
    if digest.late_totals is not None or digest.late_highlights:
        blocks.append(divider())
        blocks.append(section("*Also from last week* (logged after last week's digest)"))
        if digest.late_totals is not None:
            entries = digest.late_totals.entries
            blocks.append(
                context(
                    f"{plural(entries, 'more entry', 'more entries')}, "
                    f"{digest.late_totals.multiplier_entries} of them multiplier work."
                )
            )
        blocks.extend(
            _highlight_block(item, library, limit, people) for item in digest.late_highlights
        )
    blocks.append(
        context(
            f"Log what you enabled with `{names.brag}`; entries are private unless you share "
            "them with your team. Private reflections never appear here."
        )
    )
    text = f"Team multiplier digest for {safe(_period_fallback(digest, tz, tz_name))}"
    return message(text, *fit_message(blocks))


def _schedule(digest: DigestChannel) -> str:
    return f"{weekday_name(digest.weekday)}s {hhmm(digest.minute_of_day)} ({safe(digest.tz, 64)})"


def _channel(digest: DigestChannel) -> str:
    return f"<#{digest.channel_id}>"


def _when(instant: datetime | None, tz_name: str) -> str:
    if instant is None:
        return "not scheduled"
    local = instant.astimezone(zone(tz_name))
    return f"{day_label(local)} {local:%H:%M}"


def digest_added(digest: DigestChannel, min_group_size: int, *, joined: bool = False) -> Payload:
    text = (
        f"The weekly team digest for {_channel(digest)} is set: {_schedule(digest)}, "
        f"next on {_when(digest.next_post_at, digest.tz)}. Each covers the 7 days before it "
        "(the first, from when it was set up): "
        f"team totals once at least {plural(min_group_size, 'person')} take part, highlights "
        "their authors shared, and kudos their givers allowed; a week with nothing to report "
        "posts nothing. Private entries never appear, and nobody is named for not taking part."
    )
    blocks: list[Block] = [section(text)]
    if joined:
        note = (
            f"I joined {_channel(digest)} to post there: Slack lets me read back my own posts "
            "only in channels I'm in, and that is how an interrupted digest is never posted "
            "twice. If I'm removed from the channel, its digest stops and I'll tell you."
        )
        blocks.append(context(note))
        text = f"{text}\n{note}"
    return message(text, *blocks, ephemeral=True)


def digest_removed(channel_id: str) -> Payload:
    text = f"No more digests in <#{channel_id}>. Past posts stay where they are."
    return message(text, ephemeral=True)


def digest_not_found(channel_id: str, names: CommandNames) -> Payload:
    text = (
        f"<#{channel_id}> has no digest. `{names.multiplier} digest list` shows the channels "
        "that do."
    )
    return message(text, ephemeral=True)


def digest_list(rows: Sequence[tuple[DigestChannel, int]], names: CommandNames) -> Payload:
    if not rows:
        text = (
            f"No team digests yet. An admin can start one with "
            f"`{names.multiplier} digest add #channel`."
        )
        return message(text, ephemeral=True)
    lines = [
        f"• {_channel(d)} — {_schedule(d)}, next {_when(d.next_post_at, d.tz)} · "
        f"team of {plural(members, 'person')}"
        if d.active
        else f"• {_channel(d)} — *stopped* {_when(d.stopped_at, d.tz)}: "
        f"{_stop_reason(d)} {_restart(d, names)}"
        for d, members in rows[:40]
    ]
    if len(rows) > 40:
        lines.append(f"…and {len(rows) - 40} more.")
    text = "*Team digests*\n" + "\n".join(lines)
    return message("Team digests", section(truncate(text, 2990)), ephemeral=True)


_STOP_REASONS = {
    "not_in_channel": "I was removed from {channel}.",
    "channel_not_found": "I can't see {channel} any more (deleted, or private and I was removed).",
    "is_archived": "{channel} was archived.",
}


def _stop_reason(digest: DigestChannel) -> str:
    reason = digest.stopped_reason or ""
    known = _STOP_REASONS.get(reason)
    if known is None:
        return f"Slack stopped me posting in {_channel(digest)} ({safe(reason, 64)})."
    return known.format(channel=_channel(digest))


def _restart(digest: DigestChannel, names: CommandNames) -> str:
    command = f"{names.multiplier} digest add #{digest.channel_name or 'channel'}"
    if digest.stopped_reason == "is_archived":
        return f"Once it is unarchived, `{safe(command, 200)}` restarts it."
    return (
        f"To restart it, run `{safe(command, 200)}` (in a private channel, "
        "`/invite @Multiplier` first)."
    )


def digest_stopped(digest: DigestChannel, names: CommandNames) -> Payload:
    """The DM to the admin who set a digest up, once Slack stopped it."""
    text = (
        f"The weekly team digest in {_channel(digest)} has stopped: {_stop_reason(digest)} "
        f"{_restart(digest, names)}"
    )
    return message(text, section(text))


def admins_only(
    admins: Sequence[str],
    what: str = "set up or remove team digests, since a digest posts to a whole channel",
) -> Payload:
    """The polite refusal for a non-admin, naming who can do it (`what` only they can do)."""
    who = ", ".join(mention(a) for a in admins[:5])
    ask = f"{who} can do it — ask one of them" if who else "Ask one of your workspace admins"
    text = f"Only workspace admins and owners can {what}. {ask} to run this command."
    return message(text, ephemeral=True)


def channel_problem(channel_id: str, reason: str) -> Payload:
    invite = (
        f"<#{channel_id}> is private and I'm not in it. Invite me with `/invite @Multiplier` "
        "in that channel, then try again."
    )
    messages = {
        "not_in_channel": invite,
        "missing_scope": (
            f"I need Slack's permission to join <#{channel_id}> (`channels:join`), which this "
            "installation does not have yet. Ask whoever installed Multiplier to install it "
            "again (the manifest asks for it), then try again."
        ),
        "private_not_invited": (
            "I can't see that channel: it is private, or it does not exist. If it is private, "
            "invite me with `/invite @Multiplier` in that channel first, then try again."
        ),
        "is_archived": f"<#{channel_id}> is archived, so a digest could never be posted there.",
        "channel_not_found": (
            "I can't see that channel. If it is private, invite me with `/invite @Multiplier` "
            "first."
        ),
    }
    text = messages.get(
        reason, f"I couldn't look up <#{channel_id}> ({safe(reason, 64)}). Please try again."
    )
    return message(text, ephemeral=True)
