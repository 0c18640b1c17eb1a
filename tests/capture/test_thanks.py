"""The thanks detector: who a channel message thanks, who it does not, and why."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.capture.thanks import detect_thanks, thanks_in_event
from tests.capture._support import BACKTRACKING, best_cpu_seconds

ALICE, BOB, CAROL, DANA = "U04ALICE9", "U04B0B777", "U05CAROL1", "W012DANA3"
AUTHOR = "U09AUTHOR"
BOT = "U09DEPLOY"


def thanked(text: str, **kwargs: object) -> tuple[str, ...]:
    verdict = detect_thanks(text, author=kwargs.pop("author", AUTHOR), **kwargs)  # type: ignore[arg-type]
    return verdict.people


# ── Phrasings that thank ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"thanks <@{ALICE}>", (ALICE,)),
        (f"thank you <@{ALICE}>!", (ALICE,)),
        (f"kudos to <@{ALICE}> for the runbook", (ALICE,)),
        (f"shout-out to <@{ALICE}>", (ALICE,)),
        (f"Shout out to <@{ALICE}> who found the leak", (ALICE,)),
        (f"🙏 <@{ALICE}>", (ALICE,)),
        (f"🙏🏽 <@{ALICE}>", (ALICE,)),
        (f":pray: <@{ALICE}>", (ALICE,)),
        (f":pray::skin-tone-3: <@{ALICE}>", (ALICE,)),
        (f"<@{ALICE}> :raised_hands:", (ALICE,)),
        (f"huge thanks to <@{BOB}> and <@{CAROL}> for the debugging", (BOB, CAROL)),
        (f"<@{ALICE}> you're a star, thanks", (ALICE,)),
        (f"<@{ALICE}> you’re a star, thanks", (ALICE,)),
        (f"Thanks <@{ALICE}>, <@{BOB}> &amp; <@{CAROL}> for the load test", (ALICE, BOB, CAROL)),
        (f"Thanks <@{ALICE}> / <@{BOB}>", (ALICE, BOB)),
        (f"Thanks for the quick review, <@{ALICE}>!", (ALICE,)),
        (f"Thanks for the review <@{ALICE}>", (ALICE,)),
        (f"Thank you all, especially <@{ALICE}> and <@{BOB}>", (ALICE, BOB)),
        (f"Thanks <@{ALICE}> for the fix, and <@{BOB}> for the tests", (ALICE, BOB)),
        (f"Thank you so much!!!\n<@{ALICE}>", (ALICE,)),
        (f"I want to thank <@{ALICE}> for mentoring", (ALICE,)),
        (f"I can't thank <@{ALICE}> enough", (ALICE,)),
        (f"Thanks to <@{ALICE}>'s fix we are green", (ALICE,)),
        (f"much appreciated <@{ALICE}>", (ALICE,)),
        (f"Really grateful to <@{ALICE}>", (ALICE,)),
        (f"nice catch <@{ALICE}>", (ALICE,)),
        (f"ty <@{ALICE}>", (ALICE,)),
        (f"merci <@{ALICE}> !", (ALICE,)),
        (f"vielen Dank <@{ALICE}>!", (ALICE,)),
        (f"ありがとう <@{ALICE}>!", (ALICE,)),
        (f"ＴＨＡＮＫＳ <@{ALICE}>", (ALICE,)),  # full-width letters fold to ASCII
        (f"*Huge* thanks to <@{ALICE}>", (ALICE,)),
        (f"_thanks <@{ALICE}>_", (ALICE,)),
        (f"<@{ALICE}> &lt;3 thank you", (ALICE,)),
        (f"Thanks <@{DANA}> for the grid notes", (DANA,)),  # Enterprise Grid id
        (f"Thanks <@{DANA}|dana> for the grid notes", (DANA,)),
        (f"Wrapping up:\n• 42 services moved\nHuge thanks to <@{ALICE}>", (ALICE,)),
        (f"Thanks <@{ALICE}>!\nThanks <@{BOB}>!", (ALICE, BOB)),
        (f"thanks <@{ALICE}> <@{ALICE}> <@{ALICE}>", (ALICE,)),
    ],
)
def test_a_thanks_names_the_people_it_thanks(text: str, expected: tuple[str, ...]) -> None:
    """Each phrasing yields exactly the people the thanks is addressed to, in order."""
    assert thanked(text) == expected


# ── Messages that thank nobody ───────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "text",
    [
        "no thanks",
        f"no thanks <@{ALICE}>, I already ate",
        f"No, thank you! <@{ALICE}> we're not doing that",
        f"thanks in advance <@{ALICE}>!",
        f"TIA <@{ALICE}> :pray:",
        f"Thanks in advance for any help, <@{ALICE}>",
        f"thanks, but could you also add tests <@{ALICE}>?",
        f"thanks <@{ALICE}> but I think that's wrong",
        f"thanks <@{ALICE}> if you can take it",
        f"<@{ALICE}> can you thank <@{BOB}>?",
        f"<@{ALICE}> can you thank bob?",
        f"&gt; thanks <@{ALICE}> for the fix\nthis is how to do it",
        f"&gt;&gt;&gt; Thanks <@{ALICE}>!\nstill relevant",
        f"```thanks <@{ALICE}>```",
        f"```\nthanks <@{ALICE}>\n",  # an unterminated block hides the rest
        f"`thanks <@{ALICE}>` is the autoreply",
        f"thanks! <@{BOB}> please review",
        f"Thanks. <@{BOB}> owns this now.",
        f"thanks, <@{BOB}> will pick this up",
        f"Could you review this, <@{ALICE}>? Thanks!",
        f"thank you <@{ALICE}>?",
        f"Thanks for breaking the build <@{ALICE}>",
        f"Thanks for nothing <@{ALICE}>",
        f"thanks <@{ALICE}> 🙄",
        f"thanks <@{ALICE}> :upside_down_face:",
        f"thanks a lot, <@{ALICE}>. now prod is down :roll_eyes:",
        f"thanks <@{ALICE}> /s",
        f"gee, thanks <@{ALICE}>",
        f"Remember to thank <@{ALICE}>",
        f"Thanks to the outage, <@{ALICE}> lost her weekend",
        f"Thanks for pinging <@{ALICE}>",
        f"Thanks for the tip! cc <@{ALICE}>",
        f"cc <@{ALICE}> — thanks",
        "Thanks <!channel> for a great quarter!",
        "<!subteam^S0123|@platform> thanks!",
        "Thanks <#C0THANKS1|thanks>",
        f"thanks &lt;@{ALICE}&gt; is how you write it",
        f"Thankfully <@{ALICE}> was off",
        f"the thanks channel is quiet, <@{ALICE}>",
        f"Shout out if you need anything <@{ALICE}>",
        f"Would appreciate it if <@{ALICE}> could sign off",
        f"<@{ALICE}> I'd be grateful if you could cover",
        f"<@{ALICE}> the deploy failed",
        "",
        "   \n  ",
    ],
)
def test_a_message_that_thanks_nobody_yields_nobody(text: str) -> None:
    """Declined, advance, conditional, quoted, coded, sarcastic or unrelated thanks suggest no one."""
    verdict = detect_thanks(text, author=AUTHOR)
    assert verdict.people == ()
    assert not verdict
    assert verdict.why


def test_sarcasm_marks_in_quotes_or_code_do_not_void_the_thanks() -> None:
    """An eye-roll or "/s" someone else wrote (quoted) or in code is not the author's."""
    assert thanked(f"&gt; this is fine :roll_eyes:\nThanks <@{ALICE}> for fixing it") == (ALICE,)
    assert thanked(f"Thanks <@{ALICE}>, `grep -r /s` works now") == (ALICE,)


def test_a_person_also_asked_something_is_not_suggested() -> None:
    """ "Thanks <@A>! Could you also …?" asks A for more, so A gets no suggestion; B still does."""
    text = f"Thanks <@{ALICE}> and <@{BOB}>! <@{ALICE}> can you also update the docs?"
    assert thanked(text) == (BOB,)
    alone = detect_thanks(f"Thanks <@{ALICE}>! Could you also update the docs?", author=AUTHOR)
    assert alone.people == ()
    assert "asked" in alone.why


def test_the_author_is_never_suggested() -> None:
    """Thanking yourself, alone or in a list, never suggests you."""
    assert thanked(f"thanks <@{ALICE}> and <@{AUTHOR}>") == (ALICE,)
    verdict = detect_thanks(f"thanks <@{AUTHOR}>", author=AUTHOR)
    assert verdict.people == ()
    assert verdict.why == "the author thanks only themselves"


def test_bots_are_never_suggested_nor_read() -> None:
    """A bot thanked is not suggested; a bot's own message (by id or bot flag) is not read."""
    assert thanked(f"thanks <@{BOT}> and <@{ALICE}>", bots={BOT}) == (ALICE,)
    assert thanked(f"thanks <@{BOT}>", bots={BOT}) == ()
    assert detect_thanks(f"thanks <@{ALICE}>", author=BOT, bots={BOT}).why == "written by a bot"
    assert thanked(f"thanks <@{ALICE}>", author_is_bot=True) == ()


@pytest.mark.parametrize("channel_type", ["group", "im", "mpim", "", "app_home"])
def test_only_public_channels_are_read(channel_type: str) -> None:
    """Private channels, DMs and group DMs are never read, whatever they say."""
    verdict = detect_thanks(f"thanks <@{ALICE}>", author=AUTHOR, channel_type=channel_type)
    assert verdict.people == ()
    assert verdict.why.startswith("only public channels are read")


# ── Why ──────────────────────────────────────────────────────────────────────────────────


def test_why_names_the_phrase_and_the_person() -> None:
    """A suggestion explains itself: which phrase, tied how, to whom."""
    verdict = detect_thanks(f"<@{ALICE}> you rock, thank you; kudos to <@{BOB}>", author=AUTHOR)
    assert verdict.people == (ALICE, BOB)
    assert verdict.why == f'"you rock" after <@{ALICE}>; "kudos" before <@{BOB}>'


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("lunch at noon", "no thanks phrase"),
        ("thanks everyone!", "nobody is named next to the thanks"),
        (f"thanks in advance <@{ALICE}>", '"in advance": a thanks for something not yet done'),
        (f"no thanks <@{ALICE}>", '"no thanks" declines or denies'),
        (f"thank you <@{ALICE}>?", "the thanks is in a question"),
        (f"<@{ALICE}> please review, thanks", "the thanks comes with a request"),
        (f"thanks <@{ALICE}>, but why?", "the thanks is in a question"),
        (
            f"thanks <@{ALICE}>, although no",
            '"although" after the thanks takes it back or asks for more',
        ),
        (f"thanks for breaking prod <@{ALICE}>", '"thanks for … breaking" reads as sarcasm'),
        (f"thanks <@{ALICE}> 🙄", ":roll_eyes: marks the message as sarcasm"),
    ],
)
def test_why_says_what_voided_the_thanks(text: str, why: str) -> None:
    """A message that suggests no one says the most telling reason."""
    assert detect_thanks(text, author=AUTHOR).why == why


# ── Slack events ─────────────────────────────────────────────────────────────────────────


def test_a_message_event_is_read_with_its_own_fields() -> None:
    """`thanks_in_event` takes text, user and channel type from a `message` event."""
    event = {
        "type": "message",
        "channel": "C0PAYMENTS",
        "channel_type": "channel",
        "user": AUTHOR,
        "text": f"thanks <@{ALICE}>",
        "ts": "1764000000.000100",
    }
    assert thanks_in_event(event).people == (ALICE,)
    assert thanks_in_event({**event, "user": ALICE}).people == ()
    assert thanks_in_event({**event, "channel_type": "group"}).people == ()
    assert thanks_in_event({**event, "bot_id": "B0123"}).people == ()
    assert thanks_in_event({**event, "subtype": "thread_broadcast"}).people == (ALICE,)
    assert thanks_in_event({**event, "subtype": "message_changed"}).people == ()
    assert thanks_in_event({**event, "subtype": "bot_message"}).people == ()
    assert thanks_in_event({"type": "message"}).people == ()


# ── Size and speed ───────────────────────────────────────────────────────────────────────


def test_a_huge_message_is_read_whole_and_quickly() -> None:
    """A 40,000-character message (Slack's limit) with the thanks at its end is read in linear time."""
    text = "Release notes. " * 2_600 + f"\nThanks <@{ALICE}> for all of it"
    assert len(text) > 39_000
    assert detect_thanks(text, author=AUTHOR).people == (ALICE,)
    assert best_cpu_seconds(lambda: detect_thanks(text, author=AUTHOR)) < BACKTRACKING


def test_a_long_message_still_sees_a_far_request_to_the_person_thanked() -> None:
    """Sentences far apart in a long message still count: a later request voids an earlier thanks."""
    filler = " The rollout went fine." * 1_000
    assert thanked(f"Thanks <@{ALICE}>!{filler} <@{ALICE}> could you update the docs?") == ()
    assert thanked(f"Thanks <@{ALICE}>!{filler} Could you update the docs?") == ()
    assert thanked(f"Thanks <@{ALICE}>!{filler} The docs are updated.") == (ALICE,)


def test_a_message_of_many_mentions_stays_linear() -> None:
    """Thanks to 2,000 people is read in linear time and names each once."""
    people = [f"U{n:08d}" for n in range(2_000)]
    text = "thanks " + " ".join(f"<@{p}>" for p in people)
    assert detect_thanks(text, author=AUTHOR).people == tuple(people)
    assert best_cpu_seconds(lambda: detect_thanks(text, author=AUTHOR)) < BACKTRACKING


@pytest.mark.parametrize(
    "text",
    [
        "<<<<>>>>",
        "<@>",
        "<@U",
        "&amp;&lt;&gt;" * 100,
        "\u200d\ufe0f🏽" * 50,
        "?" * 1000,
        ":" * 1000,
        "`" * 999,
        "thanks " * 5000,
        "\x00thanks\x00",
    ],
)
def test_malformed_input_is_harmless(text: str) -> None:
    """Broken markup, control characters and repetition give a verdict, never an error."""
    verdict = detect_thanks(text, author=AUTHOR)
    assert verdict.people == ()
    assert verdict.why


# ── Properties ───────────────────────────────────────────────────────────────────────────

_FRAGMENTS = [
    "thanks",
    "thank you",
    "kudos to",
    ":pray:",
    "🙏🏽",
    "no",
    "but",
    "in advance",
    "please",
    "can you",
    "for the fix",
    "you're a star",
    "&amp;",
    "&gt;",
    "`",
    "```",
    "?",
    "!",
    ".",
    ",",
    "\n",
    "<!channel>",
    "<#C0TEAM123|team>",
    "🙄",
    "and",
    f"<@{ALICE}>",
    f"<@{BOB}|bob>",
    f"<@{DANA}>",
    f"<@{AUTHOR}>",
    f"<@{BOT}>",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25))
def test_only_people_mentioned_in_the_text_are_suggested(parts: list[str]) -> None:
    """Whatever the text, suggestions are people mentioned in it, never the author or a bot."""
    text = " ".join(parts)
    verdict = detect_thanks(text, author=AUTHOR, bots={BOT})
    assert verdict.why
    assert len(set(verdict.people)) == len(verdict.people)
    for person in verdict.people:
        assert f"<@{person}" in text
        assert person not in {AUTHOR, BOT}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_verdict(text: str) -> None:
    """Arbitrary unicode never raises and never suggests anyone without a mention."""
    verdict = detect_thanks(text, author=AUTHOR)
    assert verdict.why
    assert all(f"<@{person}" in text for person in verdict.people)
