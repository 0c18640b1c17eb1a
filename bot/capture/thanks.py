"""Who does a Slack message thank? A small, explainable, precision-first detector.

Input is a message as Slack stores it: mentions escaped as ``<@U…>`` or ``<@U…|name>``
(``<@W…>`` on Enterprise Grid), ``& < >`` as ``&amp; &lt; &gt;``, emoji mostly as
``:shortcodes:``. Output is the people thanked (Slack ids) with a ``why``, or nobody.

A wrong suggestion costs more than a missed one, so a person counts as thanked only when a
thanks phrase and their mention are tied together by one of a few shapes:

* **after** — the mention list follows the phrase, with only filler between:
  "thanks <@A>", "huge thanks to <@A> and <@B> for …", "🙏 <@A>", "kudos to <@A>";
* **before** — the message or sentence starts with the mention list, and only greetings,
  praise or filler stand between it and the phrase: "<@A> you're a star, thanks";
* **after the reason** — "thanks for the quick review, <@A>!" (the mention ends the
  sentence, and is not the object of the reason: "thanks for helping <@B>" thanks nobody);
* **especially** — "thanks all, especially <@A>"; and **and … for** — "thanks <@A> for X,
  and <@B> for Y";
* **a sentence of its own** — "Thank you!!! <@A>" (a sentence that holds only mentions, next
  to a thanks sentence that names nobody).

A sentence's thanks is void when it is a question, a request ("please", "can you"), made in
advance ("thanks in advance", "TIA"), conditional ("if", "but", "although"), negated ("no
thanks", "not thanks to"), sarcastic (🙄, 🙃, "/s", "gee", "thanks for breaking …"), or
names nobody. Quoted lines (``>``), code blocks and inline code are never read. A person also
asked something in the same message ("thanks <@A>! could you also …?") is not suggested.
The author and known bots are never suggested; only public channels are read.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.capture.emoji import UNICODE_NAMES
from bot.coaching.text import normalise

# Only public channels are read; private channels, DMs and group DMs never are.
PUBLIC_CHANNEL_TYPE = "channel"
# Message subtypes that are still a person writing (others: edits, joins, bots …).
_PERSON_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message"})

# ── Tokens ────────────────────────────────────────────────────────────────────────────────

_ENTITY = re.compile(r"<([^<>\n]*)>")
_USER = re.compile(r"^@([UW][A-Z0-9]{2,31})(?:\|[^<>]*)?$")
_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
# Slack stores a quote's ">" escaped; ">>>" quotes everything after it.
_QUOTE_REST = re.compile(r"^[ \t]*(?:&gt;|>){3}.*\Z", re.MULTILINE | re.DOTALL)
_QUOTE_LINE = re.compile(r"^[ \t]*(?:&gt;|>).*$", re.MULTILINE)
# "/s" and "jk" take back whatever came before them.
_SARCASM_TAG = re.compile(r"(?:^|\s)(?:/s|jk|j/k)\b", re.IGNORECASE)
_PLAIN_TOKEN = re.compile(
    r"(?P<emoji>:[a-z0-9_+\-']+:(?::skin-tone-[2-6]:)?)"
    r"|(?P<url>https?://\S+)"
    r"|(?P<heart><3+)"
    # Words without "_": Slack's _italics_ must not glue it to a word.
    r"|(?P<word>[^\W_]+(?:['.\-][^\W_]+)*)"
    r"|(?P<brk>[.!?;\n\u2026\u3002\uff01\uff1f]+)"
    r"|(?P<sym>\S)"
)
# Skin tones, variation selectors and joiners change nothing about what an emoji says.
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d]")


class _Token(NamedTuple):  # a tuple: a 40,000-character message makes ~10,000 of them
    kind: str  # word, mention, group, entity, emoji, url, punct, break
    value: str  # the folded word, the Slack id, the emoji name, the character(s)


def _strip_unread(text: str) -> str:
    """Drop what the author did not say themselves: code and quoted lines."""
    text = _CODE_BLOCK.sub("\n", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _QUOTE_REST.sub("\n", text)
    return _QUOTE_LINE.sub("\n", text)


def _entity_token(inner: str) -> _Token:
    if match := _USER.match(inner):
        return _Token("mention", match.group(1))
    if inner.startswith("!"):  # <!here>, <!channel>, <!subteam^S…|@team>: groups, no one person
        return _Token("group", inner)
    return _Token("entity", inner)


def _plain_tokens(plain: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _PLAIN_TOKEN.finditer(normalise(plain)):
        kind = match.lastgroup or "sym"
        value = match.group()
        if kind == "emoji":
            tokens.append(_Token("emoji", value.split("::", 1)[0].strip(":")))
        elif kind == "sym":
            if _EMOJI_MODIFIERS.fullmatch(value):
                continue
            if value in UNICODE_NAMES:
                tokens.append(_Token("emoji", UNICODE_NAMES[value]))
            elif unicodedata.category(value) == "So":
                tokens.append(_Token("emoji", "other"))
            else:
                tokens.append(_Token("punct", value))
        elif kind == "heart":
            tokens.append(_Token("emoji", "heart"))
        elif kind == "brk":
            tokens.append(_Token("break", value))
        else:
            tokens.append(_Token(kind, value))
    return tokens


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    for match in _ENTITY.finditer(text):
        tokens.extend(_plain_tokens(text[position : match.start()]))
        tokens.append(_entity_token(match.group(1)))
        position = match.end()
    tokens.extend(_plain_tokens(text[position:]))
    return tokens


@dataclass
class _Sentence:
    tokens: list[_Token]
    question: bool

    @property
    def mentions(self) -> list[str]:
        return [t.value for t in self.tokens if t.kind == "mention"]

    def words(self) -> list[str]:
        return [t.value for t in self.tokens if t.kind == "word"]


def _sentences(tokens: Sequence[_Token]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    current: list[_Token] = []
    for token in tokens:
        if token.kind == "break":
            if current:
                sentences.append(_Sentence(current, question="?" in token.value))
            current = []
        else:
            current.append(token)
    if current:
        sentences.append(_Sentence(current, question=False))
    return sentences


# ── Vocabulary ────────────────────────────────────────────────────────────────────────────

_THANKS_WORDS = (
    r"th+a+n+k+s+|thx+|thnx|thanx|tnx|thks|tks|tysm|tyvm|thankyou|thanku|danke|dankeschön"
    r"|merci|gracias|grazie|obrigad[oa]|dziękuję|dziekuje|спасибо|bedankt|kiitos|mahalo"
    r"|arigato|arigatou|teşekkürler|köszönöm|dhanyavaad|dhanyavad|shukriya"
)
_THANKS_WORD = re.compile(f"^(?:{_THANKS_WORDS})$")
_THANKS_PREFIXES = ("ありがとう", "谢谢", "多谢", "감사합니다", "고맙습니다", "धन्यवाद")
# Words that thank only when a mention stands right beside them ("ty <@A>", "cheers <@A>").
_WEAK_THANKS = frozenset({"ty", "cheers", "tack", "takk"})
_THANK_YOU = frozenset({"you", "u", "ya", "yo", "y'all", "yall", "youu"})
_WANT_TO = frozenset({"want", "wanted", "like", "love", "wish"})
_DANK_BEFORE = frozenset({"vielen", "herzlichen", "besten", "tausend"})
_RECOGNITION = frozenset({"kudos", "props", "shoutout", "shout-out", "shoutouts", "shout-outs"})
_RECOGNITION_PAIRS = frozenset(
    {("shout", "out"), ("hats", "off"), ("credit", "to"), ("love", "to"), ("much", "love")}
)
_APPRECIATE = frozenset({"appreciate", "appreciated"})
_PRAISE_WORDS = frozenset(
    {"lifesaver", "life-saver", "legend", "hero", "mvp", "rockstar", "bravo", "superstar"}
)
_PRAISE_PAIRS = frozenset(
    {
        ("you", "rock"),
        ("you", "rocked"),
        ("nice", "catch"),
        ("good", "catch"),
        ("great", "catch"),
        ("great", "job"),
        ("great", "work"),
        ("nice", "work"),
        ("nice", "job"),
        ("well", "done"),
        ("amazing", "work"),
        ("awesome", "work"),
        ("life", "saver"),
        ("shout", "out"),
        ("hats", "off"),
    }
)
_THANKS_EMOJI = frozenset(
    {"pray", "raised_hands", "clap", "bow", "thankyou", "thank_you", "thanks", "ty", "tyvm"}
)
_SARCASM_EMOJI = frozenset(
    {"upside_down_face", "roll_eyes", "eye_roll", "eyeroll", "face_with_rolling_eyes", "unamused"}
)
_NEGATIONS = frozenset({"no", "not", "nein", "non", "nah", "nope", "without", "nee", "nej"})
_IN_ADVANCE = (
    ("in", "advance"),
    ("ahead", "of", "time"),
    ("beforehand",),
    ("in", "anticipation"),
    ("d'avance",),
    ("im", "voraus"),
    ("de", "antemano"),
    ("in", "anticipo"),
    ("por", "adelantado"),
    ("for", "any"),
    ("tia",),
)
_CONTRAST = frozenset({"but", "although", "though", "however", "except", "if", "unless"})
_REQUEST_WORDS = frozenset({"please", "pls", "plz", "lmk", "pleeease", "bitte"})
_MODALS = frozenset(
    {"can", "could", "would", "will", "won't", "wouldn't", "couldn't", "can't", "cannot"}
)
_MODAL_SUBJECTS = frozenset(
    {"you", "u", "someone", "somebody", "anyone", "anybody", "one", "y'all", "we", "i"}
)
# "thanks for breaking main": the reason is a complaint.
_SARCASTIC_REASONS = frozenset(
    {
        "nothing",
        "breaking",
        "nuking",
        "wiping",
        "ruining",
        "crashing",
        "outage",
        "page",
        "paging",
        "waking",
        "spamming",
    }
)
_SARCASTIC_OPENERS = frozenset({"gee", "yeah", "sure", "wow"})

# Words any thanks phrase starts with, or holds (pairs count by both their words).
_CUE_WORDS = (
    frozenset({"thank", "dank", "grateful"})
    | _WEAK_THANKS
    | _RECOGNITION
    | _APPRECIATE
    | _PRAISE_WORDS
    | {word for pair in _PRAISE_PAIRS | _RECOGNITION_PAIRS for word in pair}
)
_CUE_MARKS = (
    *(f":{name}:" for name in _THANKS_EMOJI),
    *(char for char, name in UNICODE_NAMES.items() if name in _THANKS_EMOJI),
    *_THANKS_PREFIXES,
)
_WORDS = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")


def _might_thank(folded: str) -> bool:
    """Whether a folded text could hold a thanks phrase at all: most messages cannot."""
    if any(mark in folded for mark in _CUE_MARKS):
        return True
    words = set(_WORDS.findall(folded))
    return bool(words & _CUE_WORDS) or any(_THANKS_WORD.match(word) for word in words)


# Between a thanks phrase and the mention list after it.
_AFTER_FILLER = frozenset(
    {
        "so",
        "sooo",
        "soo",
        "much",
        "very",
        "a",
        "lot",
        "ton",
        "tons",
        "bunch",
        "million",
        "heaps",
        "loads",
        "again",
        "to",
        "all",
        "everyone",
        "everybody",
        "folks",
        "team",
        "guys",
        "y'all",
        "yall",
        "both",
        "also",
        "as",
        "always",
        "once",
        "more",
        "really",
        "big",
        "huge",
        "dear",
        "beaucoup",
        "vielmals",
        "mille",
        "muchas",
        "mil",
        "de",
        "an",
    }
    | _THANK_YOU
)
# Between a mention list that opens a sentence and the thanks phrase after it.
_BEFORE_FILLER = frozenset(
    {
        "you",
        "u",
        "you're",
        "youre",
        "ur",
        "are",
        "r",
        "a",
        "an",
        "absolute",
        "total",
        "true",
        "real",
        "such",
        "star",
        "rock",
        "best",
        "the",
        "so",
        "really",
        "just",
        "i",
        "we",
        "want",
        "wanted",
        "to",
        "say",
        "big",
        "huge",
        "many",
        "again",
        "also",
        "seriously",
        "honestly",
        "both",
        "all",
        "two",
        "guys",
        "folks",
        "nice",
        "great",
        "good",
        "catch",
        "work",
        "job",
        "well",
        "done",
        "amazing",
        "awesome",
        "brilliant",
        "perfect",
        "wow",
        "omg",
        "much",
        "very",
    }
    | _PRAISE_WORDS
)
_GREETINGS = frozenset(
    {"hey", "hi", "hello", "yo", "ok", "okay", "oh", "ah", "aw", "dear", "hiya", "heya", "and"}
)
_LIST_WORDS = frozenset({"and", "plus", "n", "also", "as", "well"})
_LIST_PUNCT = frozenset({",", "&", "+", "/"})
_PUNCT_FILLER = frozenset({",", ":", "-", "—", "–", "(", ")", "*", "_", "~", '"', "'"})
# A mention list followed by one of these starts a new clause about that person
# ("thanks, <@A> will pick this up"), so it is not what was thanked.
_CLAUSE_VERBS = frozenset(
    {
        "will",
        "would",
        "can",
        "could",
        "should",
        "shall",
        "must",
        "might",
        "may",
        "please",
        "pls",
        "plz",
        "do",
        "does",
        "did",
        "let",
        "take",
        "review",
        "check",
        "look",
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "when",
        "what",
        "why",
        "how",
        "where",
        "need",
        "needs",
        "owns",
        "said",
        "says",
        "wants",
        "knows",
        "isn't",
        "wasn't",
        "reminder",
        "fyi",
    }
)
# The word before a mention that ends "thanks for …": the mention is the reason's object.
_OBJECT_TAKERS = frozenset(
    {
        "with",
        "to",
        "from",
        "by",
        "of",
        "for",
        "at",
        "on",
        "in",
        "about",
        "and",
        "or",
        "cc",
        "ping",
        "help",
        "helped",
        "like",
        "than",
        "me",
        "us",
        "via",
        "per",
    }
)
_DETERMINERS = frozenset({"the", "your", "all", "my", "our", "this", "that", "some"})
_ESPECIALLY = frozenset({"especially", "esp", "particularly", "notably", "including", "incl"})
_SECOND_PERSON = frozenset({"you", "u", "your", "you're", "y'all", "yall"})
_ADDRESSING = _SECOND_PERSON | _REQUEST_WORDS | _MODALS


# ── Cues ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Cue:
    start: int  # token index of the cue's first token
    end: int  # one past its last token
    family: str  # thanks, recognition, appreciate, praise, emoji
    weak: bool  # needs a mention right beside it
    phrase: str


def _word(tokens: Sequence[_Token], index: int) -> str | None:
    if 0 <= index < len(tokens) and tokens[index].kind == "word":
        return tokens[index].value
    return None


def _previous_word_index(tokens: Sequence[_Token], index: int) -> int | None:
    """The index of the word before `index`, skipping at most one comma."""
    index -= 1
    if index >= 0 and tokens[index].kind == "punct" and tokens[index].value == ",":
        index -= 1
    return index if _word(tokens, index) is not None else None


def _cue_at(tokens: Sequence[_Token], i: int) -> _Cue | None:
    """The thanks phrase starting at token `i`, if one does."""
    token = tokens[i]
    if token.kind == "emoji":
        if token.value in _THANKS_EMOJI:
            return _Cue(i, i + 1, "emoji", weak=True, phrase=f":{token.value}:")
        return None
    if token.kind != "word":
        return None
    if token.value == "thank":
        return _thank_cue(tokens, i)
    return _thanks_word_cue(tokens, i) or _appreciation_cue(tokens, i) or _praise_cue(tokens, i)


def _thank_cue(tokens: Sequence[_Token], i: int) -> _Cue | None:
    """ "thank you", "I want to thank", "we thank", "can't thank … enough"; not "can you thank"."""
    following, previous = _word(tokens, i + 1), _word(tokens, i - 1)
    if following in _THANK_YOU:
        return _Cue(i, i + 2, "thanks", weak=False, phrase=f"thank {following}")
    if previous == "to" and _word(tokens, i - 2) in _WANT_TO:
        return _Cue(i, i + 1, "thanks", weak=False, phrase="want to thank")
    if previous in {"i", "we"}:
        return _Cue(i, i + 1, "thanks", weak=False, phrase=f"{previous} thank")
    enough = any(_word(tokens, j) == "enough" for j in range(i + 1, min(i + 6, len(tokens))))
    if previous in {"can't", "cannot", "couldn't"} and enough:
        return _Cue(i, i + 1, "thanks", weak=False, phrase=f"{previous} thank … enough")
    return None


def _thanks_word_cue(tokens: Sequence[_Token], i: int) -> _Cue | None:
    """ "thanks", "thx", "merci", "vielen dank", "ty", or a recognition phrase."""
    word, following, previous = tokens[i].value, _word(tokens, i + 1), _word(tokens, i - 1)
    if word == "dank" and (previous in _DANK_BEFORE or following in {"je", "u", "jullie"}):
        return _Cue(i, i + 1, "thanks", weak=False, phrase="dank")
    if _THANKS_WORD.match(word) or word.startswith(_THANKS_PREFIXES):
        if previous == "the":  # "the thanks channel": a noun, not a thanks
            return None
        end = i + 2 if word == "thanks" and following == "to" else i + 1
        return _Cue(i, end, "thanks", weak=False, phrase=word)
    if word in _WEAK_THANKS:
        return _Cue(i, i + 1, "thanks", weak=True, phrase=word)
    return _recognition_cue(tokens, i)


def _recognition_cue(tokens: Sequence[_Token], i: int) -> _Cue | None:
    """ "kudos", "props", "shout-out", "hats off", "credit to", "much love"."""
    return _listed_cue(tokens, i, _RECOGNITION, _RECOGNITION_PAIRS, "recognition", weak=False)


def _listed_cue(
    tokens: Sequence[_Token],
    i: int,
    words: frozenset[str],
    pairs: frozenset[tuple[str, str]],
    family: str,
    *,
    weak: bool,
) -> _Cue | None:
    """A cue that is one of `words`, or one of the two-word `pairs`, at token `i`."""
    word, following = tokens[i].value, _word(tokens, i + 1)
    if word in words:
        return _Cue(i, i + 1, family, weak=weak, phrase=word)
    if (word, following) in pairs:
        return _Cue(i, i + 2, family, weak=weak, phrase=f"{word} {following}")
    return None


def _appreciation_cue(tokens: Sequence[_Token], i: int) -> _Cue | None:
    """ "appreciate", "much appreciated", "grateful to"; not "would appreciate it if"."""
    word, following, previous = tokens[i].value, _word(tokens, i + 1), _word(tokens, i - 1)
    if word in _APPRECIATE:
        conditional = {previous, _word(tokens, i - 2)} & {"would", "i'd", "we'd", "will", "d"}
        if conditional or following in {"if", "any"}:
            return None
        if following == "it" and _word(tokens, i + 2) == "if":
            return None
        return _Cue(i, i + 1, "appreciate", weak=False, phrase=word)
    if word == "grateful" and previous != "be" and following != "if":
        return _Cue(i, i + 1, "appreciate", weak=False, phrase=word)
    return None


def _praise_cue(tokens: Sequence[_Token], i: int) -> _Cue | None:
    """ "lifesaver", "you rock", "nice catch": thanks only right beside a mention."""
    return _listed_cue(tokens, i, _PRAISE_WORDS, _PRAISE_PAIRS, "praise", weak=True)


def _cues(sentence: _Sentence) -> list[_Cue]:
    cues: list[_Cue] = []
    i = 0
    tokens = sentence.tokens
    while i < len(tokens):
        cue = _cue_at(tokens, i)
        if cue is None:
            i += 1
            continue
        cues.append(cue)
        i = cue.end
    return cues


# ── Why a sentence's thanks does not count ─────────────────────────────────────────────────


def _has_sequence(words: Sequence[str], sequence: Sequence[str]) -> bool:
    n = len(sequence)
    return any(tuple(words[i : i + n]) == tuple(sequence) for i in range(len(words) - n + 1))


def _is_request(sentence: _Sentence) -> bool:
    """A request or question to someone: "please …", "can you …", "could someone …"."""
    words = sentence.words()
    if any(word in _REQUEST_WORDS for word in words):
        return True
    return any(
        word in _MODALS and following in _MODAL_SUBJECTS
        for word, following in itertools.pairwise(words)
    )


def _sentence_void_reason(sentence: _Sentence) -> str | None:
    """Why no thanks in this sentence counts (a question, a request, in advance), or None."""
    if sentence.question:
        return "the thanks is in a question"
    if _is_request(sentence):
        return "the thanks comes with a request"
    words = sentence.words()
    for sequence in _IN_ADVANCE:
        if _has_sequence(words, sequence):
            return f'"{" ".join(sequence)}": a thanks for something not yet done'
    return None


def _cue_void_reason(sentence: _Sentence, cue: _Cue) -> str | None:
    """Why this thanks does not count (negated, sarcastic, taken back), or None."""
    tokens = sentence.tokens
    before = _previous_word_index(tokens, cue.start)
    previous = tokens[before].value if before is not None else None
    after = [t.value for t in tokens[cue.end :] if t.kind == "word"]
    contrast = next((word for word in after if word in _CONTRAST), None)
    reason = after[after.index("for") + 1 :][:3] if "for" in after[:3] else []
    sour = next((word for word in reason if word in _SARCASTIC_REASONS), None)
    if previous in _NEGATIONS:
        return f'"{previous} {cue.phrase}" declines or denies'
    if previous in _SARCASTIC_OPENERS and before == 0:
        return f'"{previous}, {cue.phrase}" reads as sarcasm'
    if contrast is not None:
        return f'"{contrast}" after the thanks takes it back or asks for more'
    if sour is not None:
        return f'"{cue.phrase} for … {sour}" reads as sarcasm'
    return None


# ── Who a thanks is tied to ───────────────────────────────────────────────────────────────


def _mention_list(tokens: Sequence[_Token], start: int) -> tuple[list[str], int]:
    """The mentions listed from `start` ("<@A>, <@B> &amp; <@C>"), and the index after."""
    people: list[str] = []
    i = start
    while i < len(tokens) and tokens[i].kind == "mention":
        people.append(tokens[i].value)
        i += 1
        if _word(tokens, i) in {"'s", "s"}:  # "<@A>'s fix": still A's credit
            i += 1
        j = i
        while j < len(tokens) and (
            (tokens[j].kind == "punct" and tokens[j].value in _LIST_PUNCT)
            or (tokens[j].kind == "word" and tokens[j].value in _LIST_WORDS)
        ):
            j += 1
        if j > i and j < len(tokens) and tokens[j].kind == "mention":
            i = j
    return people, i


def _is_filler(token: _Token, words: frozenset[str]) -> bool:
    if token.kind == "emoji":
        return True
    if token.kind == "punct":
        return token.value in _PUNCT_FILLER
    return token.kind == "word" and token.value in words


def _starts_clause(tokens: Sequence[_Token], index: int) -> bool:
    """Whether the words from `index` say something new about the person just listed."""
    for token in tokens[index:]:
        if token.kind == "emoji" or (token.kind == "punct" and token.value in _PUNCT_FILLER):
            continue
        return token.kind == "word" and token.value in _CLAUSE_VERBS
    return False


def _only_filler_after(tokens: Sequence[_Token], index: int) -> bool:
    return all(
        t.kind == "emoji" or (t.kind == "punct" and t.value in _PUNCT_FILLER)
        for t in tokens[index:]
    )


def _after(tokens: Sequence[_Token], cue: _Cue) -> list[str]:
    """ "thanks so much <@A> and <@B>": the list after the phrase, past filler."""
    i = cue.end
    skipped = 0
    while i < len(tokens) and _is_filler(tokens[i], _AFTER_FILLER) and skipped < 6:
        if cue.weak and tokens[i].kind == "word":
            return []
        i += 1
        skipped += 1
    people, end = _mention_list(tokens, i)
    if not people or _starts_clause(tokens, end):
        return []
    return people


def _before(tokens: Sequence[_Token], cue: _Cue) -> list[str]:
    """ "<@A> you're a star, thanks": the list opening the sentence, then only filler."""
    i = 0
    while i < cue.start and (
        tokens[i].kind == "emoji"
        or (tokens[i].kind == "punct" and tokens[i].value in _PUNCT_FILLER)
        or (tokens[i].kind == "word" and tokens[i].value in _GREETINGS)
    ):
        i += 1
    people, end = _mention_list(tokens, i)
    if not people or end > cue.start:
        return []
    gap = tokens[end : cue.start]
    if cue.weak and any(t.kind == "word" for t in gap):
        return []
    if len(gap) > 8 or not all(_is_filler(t, _BEFORE_FILLER) for t in gap):
        return []
    return people


def _after_reason(tokens: Sequence[_Token], cue: _Cue) -> list[str]:
    """ "thanks for the quick review, <@A>!": a list that ends the sentence after "for …"."""
    if cue.family not in {"thanks", "appreciate"} or cue.weak:
        return []
    first = next((t.value for t in tokens[cue.end :] if t.kind == "word"), None)
    if first not in {"for", "you", "it", "the", "your", "this"}:
        return []
    # The last mention list of the sentence, with nothing but emoji and punctuation after it,
    # and no other mention between it and the thanks.
    last = max((i for i, t in enumerate(tokens) if t.kind == "mention"), default=-1)
    if last < cue.end:
        return []
    start = _list_start(tokens, last, cue.end)
    people, end = _mention_list(tokens, start)
    if any(t.kind == "mention" for t in tokens[cue.end : start]):
        return []
    if not _only_filler_after(tokens, end) or _is_reason_object(tokens, start):
        return []
    return people


def _is_reason_object(tokens: Sequence[_Token], start: int) -> bool:
    """Whether the list at `start` is what the reason is about ("for helping <@B>")."""
    before = start - 1
    if tokens[before].kind == "punct" and tokens[before].value in {",", "-", "—", "–", ":"}:
        return False
    word = _word(tokens, before)
    if word == "help":  # "for the help <@A>" is a noun; "for help <@B>" is ambiguous
        return _word(tokens, before - 1) not in _DETERMINERS
    return word is None or word in _OBJECT_TAKERS or word.endswith("ing")


def _list_start(tokens: Sequence[_Token], last: int, floor: int) -> int:
    """Walk back from the last mention to the first mention of its list."""
    start = last
    i = last - 1
    while i >= floor:
        token = tokens[i]
        if token.kind == "mention":
            start = i
        elif not (
            (token.kind == "punct" and token.value in _LIST_PUNCT)
            or (token.kind == "word" and token.value in _LIST_WORDS | {"'s", "s"})
        ):
            break
        i -= 1
    return start


def _especially(tokens: Sequence[_Token], cue: _Cue) -> list[str]:
    """ "thanks everyone, especially <@A> and <@B>"."""
    people: list[str] = []
    for i in range(cue.end, len(tokens)):
        if _word(tokens, i) in _ESPECIALLY:
            found, end = _mention_list(tokens, i + 1)
            if found and not _starts_clause(tokens, end):
                people.extend(found)
    return people


def _and_for(tokens: Sequence[_Token], cue: _Cue, named: Sequence[str]) -> list[str]:
    """ "thanks <@A> for X, and <@B> for Y": more lists that each come with their own "for"."""
    if not named or cue.family not in {"thanks", "recognition"}:
        return []
    people: list[str] = []
    for i in range(cue.end, len(tokens) - 1):
        if _word(tokens, i) != "and" or tokens[i + 1].kind != "mention":
            continue
        found, end = _mention_list(tokens, i + 1)
        if _word(tokens, end) == "for" and not any(p in named for p in found):
            people.extend(found)
    return people


def _is_mentions_only(sentence: _Sentence) -> bool:
    return bool(sentence.mentions) and all(
        t.kind in {"mention", "emoji"}
        or (t.kind == "punct" and t.value in _PUNCT_FILLER | _LIST_PUNCT)
        or (t.kind == "word" and t.value in _GREETINGS | _LIST_WORDS)
        for t in sentence.tokens
    )


def _is_thanks_only(sentence: _Sentence, cue: _Cue) -> bool:
    """A sentence that is just the thanks ("Thank you so much!!!"), naming nobody."""
    rest = sentence.tokens[: cue.start] + sentence.tokens[cue.end :]
    return not sentence.mentions and all(_is_filler(t, _AFTER_FILLER) for t in rest)


# ── The detector ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ThanksVerdict:
    """The people a message thanks (Slack ids, in order) and why; falsy when nobody."""

    people: tuple[str, ...]
    why: str

    def __bool__(self) -> bool:
        return bool(self.people)


def _nobody(why: str) -> ThanksVerdict:
    return ThanksVerdict((), why)


_HOW = {
    "after": "before",
    "before": "after",
    "reason": "at the end of the reason, after",
    "especially": "then, especially,",
    "and-for": "and, with their own reason,",
    "sentence": "in the next sentence,",
}


def detect_thanks(
    text: str,
    *,
    author: str,
    channel_type: str = PUBLIC_CHANNEL_TYPE,
    bots: Collection[str] = (),
    author_is_bot: bool = False,
) -> ThanksVerdict:
    """Who the message thanks, and why (see the module's docstring for the rules).

    `text` is the message as Slack stores it; `author` its author's Slack id; `bots` the
    Slack ids of bots (never suggested); `channel_type` Slack's (`channel` is public).
    """
    refusal = _not_read_because(text, channel_type=channel_type, is_bot=author_is_bot)
    if refusal is None and author in bots:
        refusal = "written by a bot"
    if refusal is not None:
        return _nobody(refusal)
    if not _might_thank(normalise(text)):
        return _nobody("no thanks phrase")
    said = _strip_unread(text)
    if _SARCASM_TAG.search(said):
        return _nobody('"/s" or "jk" marks the message as sarcasm')
    sarcastic = _sarcasm_mark(normalise(said))
    if sarcastic is not None:
        return _nobody(f":{sarcastic}: marks the message as sarcasm")
    sentences = _read_sentences(said)

    found: dict[str, str] = {}  # person → why
    voided: list[str] = []
    cues = 0
    for index, sentence in enumerate(sentences):
        sentence_cues = _cues(sentence)
        cues += len(sentence_cues)
        void = _sentence_void_reason(sentence) if sentence_cues else None
        for cue in sentence_cues:
            reason = void or _cue_void_reason(sentence, cue)
            if reason is not None:
                voided.append(reason)
                continue
            for how, people in _tied_people(sentences, index, cue):
                for person in people:
                    found.setdefault(person, f'"{cue.phrase}" {_HOW[how]} <@{person}>')

    asked = _asked_people(sentences, found)
    people = [p for p in found if p != author and p not in bots and p not in asked]
    if people:
        return ThanksVerdict(tuple(people), "; ".join(found[p] for p in people))
    return _nobody(_why_nobody(found, asked=asked, author=author, voided=voided, cues=cues))


# Where a sentence surely ends (the tokens see the same ends, and maybe more).
# ("&amp;" is an escaped "&", not a semicolon.)
_ROUGH_BREAK = re.compile(r"(?<=[.!?\u2026])\s+|(?<=;)(?<!&amp;)(?<!&lt;)(?<!&gt;)\s+|\n")
# A stand-in for sentences that cannot matter: no thanks, no one named, nothing asked.
_NEUTRAL = _Sentence([_Token("word", "…")], question=False)


def _read_sentences(said: str) -> list[_Sentence]:
    """The sentences of what the author wrote (quotes and code already dropped), tokenised
    only where they can matter.

    A long message is mostly sentences with no thanks, mention or request in them; each
    run of those becomes one neutral sentence, so a 40,000-character message costs little.
    """
    sentences: list[_Sentence] = []
    for chunk in _ROUGH_BREAK.split(said):
        if not chunk.strip():
            continue
        if _might_matter(chunk):
            sentences.extend(_sentences(_tokens(chunk)))
        elif not sentences or sentences[-1] is not _NEUTRAL:
            sentences.append(_NEUTRAL)
    return sentences


def _might_matter(chunk: str) -> bool:
    """Whether a rough sentence could thank, name or ask anyone."""
    if "<" in chunk or "?" in chunk:
        return True
    folded = normalise(chunk)
    return _might_thank(folded) or bool(set(_WORDS.findall(folded)) & _ADDRESSING)


_SARCASM_MARKS = (
    *((f":{name}:", name) for name in _SARCASM_EMOJI),
    *((char, name) for char, name in UNICODE_NAMES.items() if name in _SARCASM_EMOJI),
)


def _sarcasm_mark(folded: str) -> str | None:
    """The name of an eye-roll-like emoji anywhere in the text: it undoes any thanks."""
    return next((name for mark, name in _SARCASM_MARKS if mark in folded), None)


def _not_read_because(text: str, *, channel_type: str, is_bot: bool) -> str | None:
    """Why a message is not read at all, or None when it is."""
    if channel_type != PUBLIC_CHANNEL_TYPE:
        return f"only public channels are read (this is a {channel_type or 'unknown'})"
    if is_bot:
        return "written by a bot"
    if not text or not text.strip():
        return "empty message"
    return None


def _why_nobody(
    found: Mapping[str, str], *, asked: set[str], author: str, voided: list[str], cues: int
) -> str:
    """The most telling reason a message with no one to suggest names no one."""
    if asked:
        return "the people thanked are also asked for something in the message"
    if author in found:
        return "the author thanks only themselves"
    if found:
        return "only bots are thanked"
    if voided:
        return voided[0]
    return "nobody is named next to the thanks" if cues else "no thanks phrase"


def _tied_people(
    sentences: Sequence[_Sentence], index: int, cue: _Cue
) -> list[tuple[str, list[str]]]:
    tokens = sentences[index].tokens
    tied: list[tuple[str, list[str]]] = []
    for how, people in (
        ("after", _after(tokens, cue)),
        ("before", _before(tokens, cue)),
        ("reason", _after_reason(tokens, cue)),
        ("especially", _especially(tokens, cue)),
    ):
        if people:
            tied.append((how, people))
    named = [p for _, people in tied for p in people]
    if more := _and_for(tokens, cue, named):
        tied.append(("and-for", more))
    if not tied and not cue.weak and _is_thanks_only(sentences[index], cue):
        for neighbour in (index + 1, index - 1):
            if 0 <= neighbour < len(sentences) and _is_mentions_only(sentences[neighbour]):
                tied.append(("sentence", sentences[neighbour].mentions))
                break
    return tied


def _asked_people(sentences: Sequence[_Sentence], found: Mapping[str, str]) -> set[str]:
    """People thanked who are also asked something in another sentence of the message."""
    asked: set[str] = set()
    previous_named: list[str] = []
    for sentence in sentences:
        mentions = sentence.mentions
        if sentence.question or _is_request(sentence):
            if mentions:
                asked.update(m for m in mentions if m in found)
            elif set(sentence.words()) & _SECOND_PERSON:
                asked.update(m for m in previous_named if m in found)
        if mentions:
            previous_named = mentions
    return asked


def thanks_in_event(event: Mapping[str, Any], *, bots: Collection[str] = ()) -> ThanksVerdict:
    """`detect_thanks` for a Slack `message` event (its text, user, channel_type, subtype)."""
    subtype = event.get("subtype") or ""
    if subtype not in _PERSON_SUBTYPES:
        return _nobody(f"not a person's new message (subtype {subtype})")
    return detect_thanks(
        event.get("text") or "",
        author=event.get("user") or "",
        channel_type=event.get("channel_type") or "",
        bots=bots,
        author_is_bot=bool(event.get("bot_id")),
    )
