"""Slack emoji names: one normaliser for reactions, statuses and settings.

Slack names an emoji by its short code without colons (`trophy`, `+1`); a reaction with a
skin tone arrives as `+1::skin-tone-2`; people type `:trophy:`, `Trophy`, `thumbsup` or the
character itself (🏆) into settings and statuses. `emoji_name` reduces all of these to the
one name Slack uses for reactions.
"""

from __future__ import annotations

import re

# Characters people type or paste, for the emoji the app cares about.
UNICODE_NAMES = {
    "🏆": "trophy",
    "⭐": "star",
    "🌟": "star2",
    "👍": "+1",
    "👎": "-1",
    "🙏": "pray",
    "🙌": "raised_hands",
    "👏": "clap",
    "🎉": "tada",
    "🙇": "bow",
    "🙄": "roll_eyes",
    "🙃": "upside_down_face",
    "😒": "unamused",
    "❤": "heart",
    "💪": "muscle",
    "🔥": "fire",
    "💯": "100",
    "🌴": "palm_tree",
    "🏝": "desert_island",
    "🏖": "beach_with_umbrella",
    "⛱": "umbrella_on_ground",
    "✈": "airplane",
    "🛫": "airplane_departure",
    "🤒": "face_with_thermometer",
    "🤕": "face_with_head_bandage",
    "🤧": "sneezing_face",
    "🤢": "nauseated_face",
    "🍼": "baby_bottle",
    "🧳": "luggage",
}
# Other names Slack accepts for one emoji → the name reactions arrive with.
ALIASES = {"thumbsup": "+1", "thumbsdown": "-1", "thumbs_up": "+1", "thumbs_down": "-1"}
EMOJI_NAME = re.compile(r"^[a-z0-9_+\-']{1,100}$")
SHORTCODE = re.compile(r":([a-z0-9_+\-']+):(?::skin-tone-[2-6]:)?")
_SKIN_TONE = re.compile(r"::?skin-tone-[2-6]:?$")
# Variation selectors, the zero-width joiner and skin-tone modifiers change no meaning here.
_MODIFIERS = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")


def emoji_name(emoji: str) -> str:
    """ ":Trophy:", "trophy", "🏆", "thumbsup::skin-tone-2", "👍🏽" → "trophy", "+1"."""
    value = _MODIFIERS.sub("", emoji.strip())
    if value in UNICODE_NAMES:
        return UNICODE_NAMES[value]
    value = _SKIN_TONE.sub("", value.casefold()).strip(":").strip()
    return ALIASES.get(value, value)


def is_emoji_name(name: str) -> bool:
    """Whether a (normalised) name looks like a Slack emoji name."""
    return bool(EMOJI_NAME.match(name))


def emoji_in(text: str) -> list[str]:
    """The emoji in a text, as names: `:shortcodes:` first, then known characters."""
    names = [ALIASES.get(name, name) for name in SHORTCODE.findall(text.casefold())]
    names += [name for char, name in UNICODE_NAMES.items() if char in text]
    return names
