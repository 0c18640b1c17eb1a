"""What a direct message to the bot is: an answer, "nothing", a call for help, or chatter.

Pure: text in, a kind out. Only answers become evidence. While a check-in is open a reply in
its thread is taken as an answer unless it is plainly something else (chatter, a question,
`help`); a top-level DM must also *read as an answer* — enough words that say something —
because the cost of a wrong guess is uneven: an answer left unsaved is one line away from
being saved (the bot says so), chatter saved as evidence pollutes the log unseen.

The text is Slack message text: mentions arrive as ``<@U…>``, links as ``<https://…|label>``,
emoji as ``:shortcode:`` (or as Unicode from some clients), and ``& < >`` escaped.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class ReplyKind(StrEnum):
    """What a DM is, as far as check-ins care."""

    CHATTER = "chatter"  # empty, emoji, "thanks!", "ok": ignored
    HELP = "help"  # "help", "?": the help message
    NOTHING = "nothing"  # "nothing this week", "n/a": the open questions answered with nothing
    QUESTION = "question"  # a question to the bot: not saved, and the person is told
    SHORT = "short"  # a few words: an answer in the check-in's thread, not at top level
    ANSWER = "answer"  # reads as an answer anywhere


# Replies that mean "nothing this week", compared case- and punctuation-insensitively.
NOTHING_PHRASES = frozenset(
    {
        "nothing",
        "nothing this week",
        "nothing last week",
        "nothing to report",
        "none",
        "nope",
        "n/a",
        "na",
        "skip",
    }
)
HELP_PHRASES = frozenset(
    {
        "help",
        "help me",
        "help please",
        "please help",
        "usage",
        "commands",
        "menu",
        "what can you do",
        "what do you do",
        "how does this work",
        "how do i use this",
        "how do i use you",
    }
)


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one readable block (easier to review than a list literal)."""
    return frozenset(words.split())


# Words that, alone or together, carry no answer: acknowledgements and greetings.
CHATTER_WORDS = _word_set(
    """
    ok okay k kk okey alright thanks thank thx ty tysm cheers cool great nice awesome perfect
    sure yes yep yeah yup no nah hi hello hey yo morning evening good night bye later lol
    haha hahaha lmao wow oh ah hmm got it noted sounds will do np welcome you u much so very
    appreciated appreciate love gotcha right fine done
    merci danke gracias grazie obrigado obrigada ciao hola salut
    谢谢 好的 好 ありがとう ありがとうございます 감사합니다 고마워
    """
)
# Small words that say nothing on their own ("ok let me think" is not an answer).
STOPWORDS = _word_set(
    """
    i me my we us our you your it its this that these those a an the to of in on at for with
    and or but is was are were be been am do did does have has had just let me think maybe
    what when where who why how can could would should there here then than as if not
    """
)
# A top-level DM reads as an answer with this many words that say something.
ANSWER_WORDS = 3
# ... or this many when one of them is a person, a link or a #hashtag.
ANSWER_WORDS_WITH_ANCHOR = 2

_SHORTCODE = re.compile(r":[a-z0-9_+\-']+(?:::[a-z0-9_\-]+)?:", re.IGNORECASE)
_ENTITY = re.compile(r"<([^<>\n]*)>")
_BARE_URL = re.compile(r"\bhttps?://\S+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w&#/])#[^\W\d_][\w\-]*")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!。！]\s")
_NOTHING_PUNCTUATION = re.compile(r"[^\w/ ]+")
# Scripts written without spaces: a run of these characters is several words.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def is_nothing(text: str) -> bool:
    """True for "nothing this week", "n/a", "Nothing." and the like."""
    folded = _NOTHING_PUNCTUATION.sub("", text.casefold()).strip()
    return " ".join(folded.split()) in NOTHING_PHRASES


def _without_emoji(text: str) -> str:
    """Drop :shortcodes: and pictographs (with their joiners and skin-tone modifiers)."""
    text = _SHORTCODE.sub(" ", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("So", "Sk", "Cs", "Co") or char in "\u200d\ufe0e\ufe0f\u20e3":
            kept.append(" ")
        else:
            kept.append(char)
    return "".join(kept)


def _anchors(text: str) -> tuple[str, int, int]:
    """The text with Slack entities replaced by their words; the people and links it names."""
    people = links = 0

    def entity(match: re.Match[str]) -> str:
        nonlocal people, links
        inner = match.group(1)
        if inner.startswith("@"):
            people += 1
            return " "
        if inner.lower().startswith(("http://", "https://", "mailto:")):
            links += 1
            return " " + inner.partition("|")[2] + " "
        if inner.startswith("#"):
            return " " + inner.partition("|")[2] + " "
        return " "  # <!here>, <!subteam^…>: nothing a person wrote

    text = _ENTITY.sub(entity, text)
    links += len(_BARE_URL.findall(text))
    return _BARE_URL.sub(" ", text), people, links


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _weight(word: str) -> float:
    """How many words a token is: one, or half a word per character in unspaced scripts."""
    unspaced = len(_UNSPACED.findall(word))
    return max(1.0, unspaced / 2) if unspaced else 1.0


def _is_question(text: str) -> bool:
    """One sentence that ends with a question mark (a question to the bot)."""
    stripped = text.rstrip()
    if not stripped.endswith(("?", "？")):
        return False
    return _SENTENCE_END.search(stripped.rstrip("?？ ")) is None


def classify_reply(text: str) -> ReplyKind:
    """What a DM is (see ReplyKind); the same text always gets the same kind."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if raw.strip("?？ ") == "" and "?" in raw.replace("？", "?"):
        return ReplyKind.HELP
    without_entities, people, links = _anchors(raw)
    plain = _without_emoji(_unescape(without_entities))
    has_hashtag = _HASHTAG.search(plain) is not None
    words = [w.casefold() for w in _WORD.findall(plain)]
    phrase = " ".join(words)
    if not people and not links and phrase in HELP_PHRASES:
        return ReplyKind.HELP
    if not people and not links and is_nothing(plain):
        return ReplyKind.NOTHING
    if words and _is_question(_without_emoji(raw)):
        return ReplyKind.QUESTION
    content = [w for w in words if w not in CHATTER_WORDS and w not in STOPWORDS]
    if not content and not links:
        # Emoji, "thanks!", "ok 👍", "thanks <@U…>": nothing an answer could be made of.
        return ReplyKind.CHATTER
    anchors = people + links
    weight = sum(_weight(w) for w in content) + anchors
    needed = ANSWER_WORDS_WITH_ANCHOR if (anchors or has_hashtag) else ANSWER_WORDS
    return ReplyKind.ANSWER if weight >= needed else ReplyKind.SHORT


def is_answer_in_thread(kind: ReplyKind) -> bool:
    """In the check-in's own thread, a few words are enough to be an answer."""
    return kind in (ReplyKind.ANSWER, ReplyKind.SHORT)
