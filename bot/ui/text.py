"""Text for people: stored Slack text rendered per surface, our own text escaped, plurals."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import Enum

from bot.plural import noun, plural
from bot.ui.utf16 import utf16_len, utf16_prefix

__all__ = ["noun", "plural"]  # re-exported: bot.ui builds most counted text

# Limits are in UTF-16 code units, as Slack counts them (bot/ui/utf16.py).
SECTION_TEXT_LIMIT = 3000
ELLIPSIS = "…"
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def escape(text: str) -> str:
    """Escape &, < and > so user text can never form a mention, link or broadcast."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def and_list(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def truncate(text: str, limit: int) -> str:
    """Cut text for display (never for storage) so it fits a Block Kit limit."""
    if utf16_len(text) <= limit:
        return text
    return utf16_prefix(text, max(limit - len(ELLIPSIS), 0)) + ELLIPSIS


def safe(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Raw text (ours, or a form value) for mrkdwn: escaped, then cut without splitting an
    escape. Stored Slack text is escaped already: show it with `display()`/`render()`."""
    escaped = escape(text)
    if utf16_len(escaped) <= limit:
        return escaped
    cut = utf16_prefix(escaped, limit - len(ELLIPSIS))
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def date_token(instant: datetime, tokens: str, fallback: str) -> str:
    """A time Slack shows in each reader's own zone (`<!date^UNIX^{date_short} {time}|…>`);
    `fallback` (ours, escaped here) is what a client that cannot format it shows instead."""
    seconds = int(instant.timestamp())
    return f"<!date^{seconds}^{tokens}|{escape(fallback).replace('|', '/')}>"


def mention(slack_user_id: str) -> str:
    """A user mention the bot builds itself, only from a well-formed Slack user id."""
    if not _SLACK_USER_ID.match(slack_user_id):
        return escape(slack_user_id)
    return f"<@{slack_user_id}>"


# ── Stored Slack text, shown to people ─────────────────────────────────────────────────────
# Everything people write is stored as Slack sends it: `&`, `<` and `>` escaped (`&amp;`),
# people as <@U1|bob> (slash commands) or <@U1> (messages), channels as <#C1|team>, links as
# <https://x|label>, broadcasts as <!here>. Text typed into a form is escaped the same way
# before it is stored (`from_typed`), so stored text always has one format. `render()` is the
# one way to show it, in the mode of the surface:
#
#   MRKDWN    Block Kit mrkdwn (sections, contexts, message text). User mentions go through
#             `mention()` (Slack shows the real name, so a forged label cannot mislead), links
#             are rebuilt from validated URLs, `&`, `<` and `>` are escaped exactly once (so
#             Slack shows them once), broadcasts come out inert.
#   CHANNEL   mrkdwn for a post a whole channel reads (the team digest): as MRKDWN, but people
#             are written `@bob`, so nobody is pinged by what someone else wrote.
#   PLAIN     plain_text objects, form prefills, JSON fields: what the person typed, with
#             `@bob`, `#team`, `label (https://…)` and plain `&`, `<`, `>`. Slack shows
#             plain_text literally, so nothing in it can mention or broadcast.
#   MARKDOWN  Markdown files (the promotion packet): as PLAIN, links as [label](url).
#
# Storage keeps the text exactly as received; rendering is for display only.


class TextMode(Enum):
    """How a surface shows text: see the comment above."""

    MRKDWN = "mrkdwn"
    CHANNEL = "channel"
    PLAIN = "plain"
    MARKDOWN = "markdown"


Names = Mapping[str, str]
"""Slack user or channel id → name, for mentions Slack sent without one (`<@U1>`)."""

NO_NAMES: Names = {}

_ENTITY = re.compile(r"<([^<>\n]*)>")
_USER_ENTITY = re.compile(r"^@([UW][A-Z0-9]{2,31})(?:\|([^<>]*))?$")
_CHANNEL_ENTITY = re.compile(r"^#([CG][A-Z0-9]{2,31})(?:\|([^<>]*))?$")
_SPECIAL_ENTITY = re.compile(r"^!([a-z_]+)(?:\^[^|]*)?(?:\|(.*))?$", re.IGNORECASE | re.DOTALL)
_LINK_ENTITY = re.compile(r"^((?:https?://|mailto:)[^\s|<>]+)(?:\|(.*))?$", re.DOTALL)
_SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,31}$")
_MARKDOWN_URL = re.compile(r"^https?://[^\s<>()\[\]]+$")
BROADCASTS = ("here", "channel", "everyone")
# A word joiner after "@" keeps a typed "@here" readable but never a broadcast, even where a
# payload asks Slack to link names.
_DEFUSE = "@\u2060"
MAX_LINK_URL = 1000


def unescape(text: str) -> str:
    """Undo Slack's three escapes (in this order, so `&amp;lt;` stays `&lt;`)."""
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


def md_link(label: str, url: str) -> str:
    """[label](url) for a clean http(s) URL; otherwise the two as text."""
    url = url.strip()
    label = " ".join(label.split()).replace("[", "(").replace("]", ")") or url
    if _MARKDOWN_URL.match(url):
        return f"[{label}]({url})"
    return f"{label} ({url})" if label != url else url


_AT_BROADCAST_WORD = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)


def _defuse_at_words(text: str) -> str:
    return _AT_BROADCAST_WORD.sub(_DEFUSE, text)


def _mrkdwn_plain(segment: str) -> str:
    """A run of plain text for mrkdwn: Slack's escapes undone, escaped once, broadcasts inert."""
    return _defuse_at_words(escape(unescape(segment)))


def _mrkdwn_special(word: str, label: str | None) -> str:
    """<!here>, <!subteam^S1|@team>, <!date^…|fallback>: never a broadcast."""
    if word in BROADCASTS:
        return _DEFUSE + word
    if word == "subteam":
        return _DEFUSE + escape(unescape(label or "group").lstrip("@"))
    return _defuse_at_words(escape(unescape(label if label else f"<!{word}>")))


def _mrkdwn_entity(inner: str) -> str:
    """One <…> entity as mrkdwn."""
    if m := _USER_ENTITY.match(inner):
        return mention(m.group(1))
    if m := _CHANNEL_ENTITY.match(inner):
        label = m.group(2)
        if label:
            return "#" + _defuse_at_words(escape(unescape(label)))
        return channel_link(m.group(1))
    if m := _SPECIAL_ENTITY.match(inner):
        return _mrkdwn_special(m.group(1).lower(), m.group(2))
    if m := _LINK_ENTITY.match(inner):
        return link(m.group(1), m.group(2))
    return _defuse_at_words(escape("<" + unescape(inner) + ">"))


def _plain_entity(inner: str, mode: TextMode, names: Names) -> str:
    """One <…> entity as the person wrote it: @name, #channel, a link with its URL."""
    if m := _USER_ENTITY.match(inner):
        user_id, label = m.group(1), m.group(2)
        return "@" + (names.get(user_id) or unescape(label or "").lstrip("@") or user_id)
    if m := _CHANNEL_ENTITY.match(inner):
        channel_id, label = m.group(1), m.group(2)
        return "#" + (names.get(channel_id) or unescape(label or "").lstrip("#") or channel_id)
    if m := _SPECIAL_ENTITY.match(inner):
        return _plain_special(m.group(1).lower(), m.group(2))
    if m := _LINK_ENTITY.match(inner):
        return _plain_link(unescape(m.group(1)), unescape(m.group(2) or ""), mode)
    return unescape(f"<{inner}>")


def _plain_special(word: str, label: str | None) -> str:
    if word in BROADCASTS or word == "subteam":
        return "@" + (word if word in BROADCASTS else unescape(label or "group").lstrip("@"))
    return unescape(label) if label else f"<!{word}>"


def _plain_link(url: str, label: str, mode: TextMode) -> str:
    if not label or label in (url, url.removeprefix("mailto:")):
        return url.removeprefix("mailto:")
    return md_link(label, url) if mode is TextMode.MARKDOWN else f"{label} ({url})"


def _channel_entity(inner: str, names: Names) -> str:
    """One <…> entity for a channel post: a person by name, never a ping."""
    if m := _USER_ENTITY.match(inner):
        label = names.get(m.group(1)) or unescape(m.group(2) or "").lstrip("@") or "someone"
        return _defuse_at_words(escape("@" + label))
    return _mrkdwn_entity(inner)


def _pieces(text: str, mode: TextMode, names: Names) -> list[tuple[str, bool]]:
    """(rendered, can_be_cut) pieces of a stored Slack text, in order."""
    plain: Callable[[str], str]
    entity: Callable[[str], str]
    if mode is TextMode.MRKDWN:
        plain, entity = _mrkdwn_plain, _mrkdwn_entity
    elif mode is TextMode.CHANNEL:
        plain = _mrkdwn_plain

        def entity(inner: str) -> str:
            return _channel_entity(inner, names)

    else:
        plain = unescape

        def entity(inner: str) -> str:
            return _plain_entity(inner, mode, names)

    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _ENTITY.finditer(text):
        if match.start() > position:
            pieces.append((plain(text[position : match.start()]), True))
        pieces.append((entity(match.group(1)), False))
        position = match.end()
    if position < len(text):
        pieces.append((plain(text[position:]), True))
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


def render(
    stored: str,
    mode: TextMode = TextMode.MRKDWN,
    *,
    limit: int | None = None,
    names: Names = NO_NAMES,
) -> str:
    """Stored Slack text as a person should see it on a surface of `mode`.

    `limit` (UTF-16 units, as Slack counts) cuts it, for display, never for storage, without
    splitting a mention, a link or an escape, ending with "…". `names` fills in mentions
    Slack sent without a name (PLAIN, MARKDOWN and CHANNEL; in MRKDWN Slack shows the name).
    """
    pieces = _pieces(stored, mode, names)
    total = sum(utf16_len(rendered) for rendered, _ in pieces)
    if limit is None or total <= limit:
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
            plain = mode in (TextMode.PLAIN, TextMode.MARKDOWN)
            out.append(utf16_prefix(rendered, room) if plain else _cut_escaped(rendered, room))
        break
    return "".join(out) + ELLIPSIS


def display(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Stored Slack text for mrkdwn, cut to `limit`: `render(text, TextMode.MRKDWN, …)`."""
    return render(text, TextMode.MRKDWN, limit=limit)


def readable(text: str, names: Names = NO_NAMES, *, limit: int | None = None) -> str:
    """Stored Slack text as typed, for plain_text, prefills and files: `render(…, PLAIN)`."""
    return render(text, TextMode.PLAIN, limit=limit, names=names)


def mentioned_ids(*texts: str | None, unnamed_only: bool = False) -> list[str]:
    """Ids of the people and channels the texts mention (only those Slack sent without a
    name, `<@U1>`, with `unnamed_only`), in order, to look their names up."""
    found: dict[str, None] = {}
    for text in texts:
        for match in _ENTITY.finditer(text or ""):
            inner = match.group(1)
            m = _USER_ENTITY.match(inner) or _CHANNEL_ENTITY.match(inner)
            if m and not (unnamed_only and m.group(2)):
                found[m.group(1)] = None
    return list(found)


_AFTER_WORD = r"(?![\w])"
_BEFORE_WORD = r"(?<![\w@#])"


def from_typed(typed: str, *, original: str | None = None, names: Names = NO_NAMES) -> str:
    """What a person typed into a plain_text_input, as stored text (Slack-escaped).

    Editing stored text: a form prefilled with `readable(original, names)` and saved unchanged
    gives back `original` exactly; saved with changes, the mentions, channels and links of the
    original that are still written as they were shown become Slack markup again.
    """
    escaped = escape(typed)
    if original is None:
        return escaped
    if typed == readable(original, names):
        return original
    markup: dict[str, str] = {}
    for match in _ENTITY.finditer(original):
        inner = match.group(1)
        if not (
            _USER_ENTITY.match(inner)
            or _CHANNEL_ENTITY.match(inner)
            or _SPECIAL_ENTITY.match(inner)
            or _LINK_ENTITY.match(inner)
        ):
            continue
        shown = escape(_plain_entity(inner, TextMode.PLAIN, names))
        if len(shown) > 1:
            markup.setdefault(shown, match.group(0))
    if not markup:
        return escaped
    alternatives = "|".join(re.escape(shown) for shown in sorted(markup, key=len, reverse=True))
    pattern = re.compile(f"{_BEFORE_WORD}({alternatives}){_AFTER_WORD}")
    return pattern.sub(lambda m: markup[m.group(1)], escaped)


def take_escaped(escaped: str, size: int) -> tuple[str, str]:
    """The first piece of escaped text, at most `size` UTF-16 units (at least one character,
    so splitting always progresses), and the rest; never half an `&amp;` or a surrogate pair."""
    if utf16_len(escaped) <= size:
        return escaped, ""
    cut = utf16_prefix(escaped, size) or escaped[:1]
    amp = cut.rfind("&")
    if amp > 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut, escaped[len(cut) :]


# ── Counts ──────────────────────────────────────────────────────────────────────────────────
