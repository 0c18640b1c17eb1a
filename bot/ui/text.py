"""Rendering user text safely in Slack mrkdwn."""

from __future__ import annotations

import re

from bot.ui.utf16 import utf16_len, utf16_prefix

# Limits are in UTF-16 code units, as Slack counts them (bot/ui/utf16.py).
SECTION_TEXT_LIMIT = 3000
ELLIPSIS = "…"
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def escape(text: str) -> str:
    """Escape &, < and > so user text can never form a mention, link or broadcast."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut text for display (never for storage) so it fits a Block Kit limit."""
    if utf16_len(text) <= limit:
        return text
    return utf16_prefix(text, max(limit - len(ELLIPSIS), 0)) + ELLIPSIS


def safe(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Escape, then truncate without splitting an escape sequence."""
    escaped = escape(text)
    if utf16_len(escaped) <= limit:
        return escaped
    cut = utf16_prefix(escaped, limit - len(ELLIPSIS))
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def mention(slack_user_id: str) -> str:
    """A user mention the bot builds itself, only from a well-formed Slack user id."""
    if not _SLACK_USER_ID.match(slack_user_id):
        return escape(slack_user_id)
    return f"<@{slack_user_id}>"


# ── Slack markup made readable ─────────────────────────────────────────────────────────────
# Text that came from Slack (slash commands, messages) carries markup: <@U1|bob>, <#C1|gen>,
# <https://x|label>, <!here>, and &amp; &lt; &gt;. `display()` renders it for people: user
# mentions through `mention()` (Slack shows the real name, so a forged label cannot mislead),
# links re-built from validated URLs, channels and broadcasts as inert text, and every other
# character escaped. Storage keeps the text exactly as received; this is display only.

_ENTITY = re.compile(r"<([^<>\n]*)>")
_USER_ENTITY = re.compile(r"^@([UW][A-Z0-9]{2,31})(?:\|[^<>]*)?$")
_CHANNEL_ENTITY = re.compile(r"^#([CG][A-Z0-9]{2,31})(?:\|([^<>]*))?$")
_SPECIAL_ENTITY = re.compile(r"^!([a-z_]+)(?:\^[^|]*)?(?:\|(.*))?$", re.IGNORECASE | re.DOTALL)
_LINK_ENTITY = re.compile(r"^((?:https?://|mailto:)[^\s|<>]+)(?:\|(.*))?$", re.DOTALL)
_SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,31}$")
# A word joiner after "@" keeps a typed "@here" readable but never a broadcast, even where a
# payload asks Slack to link names.
_DEFUSE = "@\u2060"
MAX_LINK_URL = 1000


def unescape(text: str) -> str:
    """Undo Slack's three escapes (&amp; &lt; &gt;)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def channel_link(channel_id: str) -> str:
    """A channel link the bot builds itself, only from a well-formed channel id."""
    if not _SLACK_CHANNEL_ID.match(channel_id):
        return escape(channel_id)
    return f"<#{channel_id}>"


def link(url: str, label: str | None = None) -> str:
    """A mrkdwn link from a validated http(s)/mailto URL; anything else comes out as text."""
    target = unescape(url).strip()
    ok = (
        _LINK_ENTITY.match(target) is not None
        and "|" not in target
        and len(target) <= MAX_LINK_URL
        and not any(ch.isspace() or ord(ch) < 32 for ch in target)
    )
    shown = _defuse_at_words(escape(unescape(label))) if label else ""
    if not ok:
        return shown or _defuse_at_words(escape(target))
    return f"<{escape(target)}|{shown}>" if shown else f"<{escape(target)}>"


def _plain(segment: str) -> str:
    """A run of plain text: Slack's escapes undone, then escaped again, broadcasts defused."""
    return _defuse_at_words(escape(unescape(segment)))


_AT_BROADCAST_WORD = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)


def _defuse_at_words(text: str) -> str:
    return _AT_BROADCAST_WORD.sub(_DEFUSE, text)


def _special(word: str, label: str | None) -> str:
    """<!here>, <!subteam^S1|@team>, <!date^…|fallback>: never a broadcast."""
    if word in ("here", "channel", "everyone"):
        return _DEFUSE + word
    if word == "subteam":
        return _DEFUSE + escape(unescape(label or "group").lstrip("@"))
    shown = label if label else f"<!{word}>"
    return _defuse_at_words(escape(unescape(shown)))


def _entity(inner: str) -> str:
    """Render one <…> entity."""
    if m := _USER_ENTITY.match(inner):
        return mention(m.group(1))
    if m := _CHANNEL_ENTITY.match(inner):
        label = m.group(2)
        if label:
            return "#" + _defuse_at_words(escape(unescape(label)))
        return channel_link(m.group(1))
    if m := _SPECIAL_ENTITY.match(inner):
        return _special(m.group(1).lower(), m.group(2))
    if m := _LINK_ENTITY.match(inner):
        return link(m.group(1), m.group(2))
    return _defuse_at_words(escape("<" + unescape(inner) + ">"))


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(rendered, can_be_cut) pieces of a Slack text, in order."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _ENTITY.finditer(text):
        if match.start() > position:
            pieces.append((_plain(text[position : match.start()]), True))
        pieces.append((_entity(match.group(1)), False))
        position = match.end()
    if position < len(text):
        pieces.append((_plain(text[position:]), True))
    return pieces


def _cut_escaped(text: str, room: int) -> str:
    """The longest prefix of escaped text within `room` that splits no &entity; or joiner."""
    cut = utf16_prefix(text, room)
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    if cut.endswith("@"):
        cut = cut[:-1]
    return cut


def display(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Slack text rendered readable and safe for mrkdwn, cut (for display) to `limit`."""
    pieces = _tokens(text)
    total = sum(utf16_len(rendered) for rendered, _ in pieces)
    if total <= limit:
        return "".join(rendered for rendered, _ in pieces)
    room = max(limit - len(ELLIPSIS), 0)
    out: list[str] = []
    for rendered, can_cut in pieces:
        size = utf16_len(rendered)
        if size <= room:
            out.append(rendered)
            room -= size
            continue
        if can_cut:
            out.append(_cut_escaped(rendered, room))
        break
    return "".join(out) + ELLIPSIS


def chunks(text: str, size: int) -> list[str]:
    """Escaped `text` in pieces of at most `size` UTF-16 units, never splitting an entity."""
    escaped = escape(text)
    parts: list[str] = []
    while escaped:
        if utf16_len(escaped) <= size:
            parts.append(escaped)
            break
        cut = utf16_prefix(escaped, size) or escaped[:1]  # always progress
        amp = cut.rfind("&")
        if amp > 0 and ";" not in cut[amp:]:
            cut = cut[:amp]
        parts.append(cut)
        escaped = escaped[len(cut) :]
    return parts
