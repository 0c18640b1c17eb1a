"""What the Slack client does to typed text before the app sees it.

Slack escapes `&`, `<` and `>`, turns `@name` into a user mention and `#channel` into a
channel link, and wraps links in angle brackets. Slash commands registered with
`should_escape: true` (as ours are in manifest.yml) get mentions with the name attached,
`<@U123|bob>`; messages get `<@U123>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(
    r"(?P<url>https?://[^\s<>|]+[^\s<>|.,;:!?)\]'\"])"
    r"|(?<![\w@#&])(?P<sigil>[@#])(?P<name>[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)"
)
BROADCASTS = ("here", "channel", "everyone")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_slack_sends(
    text: str,
    *,
    user_id: Callable[[str], str | None],
    channel_id: Callable[[str], str | None],
    command: bool,
) -> str:
    """Typed text as Slack delivers it: in a slash command (`command=True`) or a message."""

    def replace(match: re.Match[str]) -> str:
        if match.group("url"):
            return f"<{escape(match.group('url'))}>"
        sigil, name = match.group("sigil"), match.group("name")
        if sigil == "@":
            if name.lower() in BROADCASTS:
                return f"<!{name.lower()}>"
            found = user_id(name)
            if found is None:
                return match.group(0)
            return f"<@{found}|{name}>" if command else f"<@{found}>"
        found = channel_id(name)
        return f"<#{found}|{name}>" if found else match.group(0)

    # Links and names are found in the text as typed (a URL may end with `&`), and
    # everything around them is escaped.
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(replace(match))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)
