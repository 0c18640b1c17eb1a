"""`/kudos @bob @carol great launch in #team`: the channel a giver asks to post in.

Only a channel at the very end counts, after "in" (optionally "post in", "also in",
"share in", or set off by a dash, comma or parenthesis): `… in #team`, `… (post in
<#C123|team>)`. Slack escapes a channel it recognises as ``<#C…|name>``; one it does not
stays as typed, ``#name`` (`id` None): no channel the giver can see. The wiring keeps such
a text whole unless the giver clearly asked to post ("#writing" may be a dimension
hashtag), and says so when they did ("post in #nochannel"). Everything else in the text is
left exactly as typed.

"in #payments" at the end can also be part of the story ("fixed the flaky test in
#payments"), so `explicit` says whether the giver clearly asked to post: the wiring may
post at once when it is true, and should ask first when it is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TARGET = re.compile(
    r"(?P<lead>(?:^|\s*[-—–,(]\s*|\s+))"
    r"(?P<verb>(?i:(?:(?:and|&amp;)\s+)?(?:also\s+)?(?:(?:post|posted|share|shared)\s+)?"
    r"(?:also\s+)?))"
    r"(?i:in)\s+"
    r"(?:<#(?P<id>[CG][A-Z0-9]{2,31})(?:\|(?P<label>[^<>]*))?>|#(?P<name>[^\W_][\w\-]{0,79}))"
    r"\s*\)?[\s.!]*$",
)


@dataclass(frozen=True)
class ChannelTarget:
    """A channel to post in: its id when Slack linked it, its name as shown or typed."""

    id: str | None
    name: str | None
    explicit: bool  # "post in #x", "(in #x)", "— in #x": clearly a request to post


@dataclass(frozen=True)
class KudosText:
    """A /kudos text split into what the kudos says and where to post it, if anywhere."""

    text: str
    channel: ChannelTarget | None


# The target is within this many characters of the end (a channel name is at most 80).
_TAIL = 300


def split_channel_target(typed: str) -> KudosText:
    """Split a trailing "in #channel" off a /kudos text; the rest is returned untouched."""
    stripped = typed.rstrip()
    # Searching only the tail keeps a huge text linear ("^" still means the real start).
    match = _TARGET.search(stripped, max(0, len(stripped) - _TAIL))
    if match is None:
        return KudosText(typed, None)
    lead = match.group("lead")
    explicit = bool(match.group("verb").strip()) or bool(lead.strip())
    name = match.group("label") or match.group("name")
    target = ChannelTarget(
        id=match.group("id"),
        name=name.lower() if match.group("name") else (name or None),
        explicit=explicit,
    )
    return KudosText(stripped[: match.start()].rstrip(), target)
