"""The "reads as an answer" rule: what a DM to the bot is, as a table of texts."""

from __future__ import annotations

import pytest

from bot.checkins.replies import ReplyKind, classify_reply, is_answer_in_thread

CHATTER, HELP, NOTHING = ReplyKind.CHATTER, ReplyKind.HELP, ReplyKind.NOTHING
QUESTION, SHORT, ANSWER = ReplyKind.QUESTION, ReplyKind.SHORT, ReplyKind.ANSWER

TABLE = [
    # Acknowledgements and greetings: never an answer, anywhere.
    ("thanks!", CHATTER),
    ("Thank you so much!! 🙏", CHATTER),
    ("ok", CHATTER),
    ("OK 👍", CHATTER),
    ("ok let me think", CHATTER),
    ("sounds good, will do", CHATTER),
    ("hi <@UBOB|bob>", CHATTER),
    ("thanks <@UBOB>!", CHATTER),
    ("谢谢", CHATTER),
    ("ありがとう", CHATTER),
    # Emoji only, in every shape Slack sends them.
    ("👍", CHATTER),
    ("🎉🎉🎉", CHATTER),
    ("👩🏽‍💻", CHATTER),  # a ZWJ sequence with a skin tone
    ("❤️", CHATTER),  # with a variation selector
    (":tada:", CHATTER),
    (":+1::skin-tone-3:", CHATTER),
    ("", CHATTER),
    ("   \n ", CHATTER),
    ("...", CHATTER),
    ("<!channel>", CHATTER),
    ("&lt;&gt;", CHATTER),
    # Help.
    ("help", HELP),
    ("Help!", HELP),
    ("  HELP me  ", HELP),
    ("?", HELP),
    ("what can you do?", HELP),
    ("how does this work", HELP),
    # "Nothing this week" and friends.
    ("nothing", NOTHING),
    ("Nothing this week.", NOTHING),
    ("Nothing last week!", NOTHING),
    ("n/a", NOTHING),
    ("nothing this week 🙂", NOTHING),
    (":shrug: nothing", NOTHING),
    # Questions to the bot.
    ("what is this?", QUESTION),
    ("Does a code review count?", QUESTION),
    ("can I answer later？", QUESTION),  # a full-width question mark
    ("who sees my answers? 🤔", QUESTION),
    # A few words: an answer in the check-in's thread, not at top level.
    ("Fixed it", SHORT),
    ("Mentored Carol", SHORT),
    ("#review", SHORT),
    ("https://github.com/acme/api/pull/12", SHORT),
    ("*bold* _words_", SHORT),
    # Reads as an answer.
    ("Reviewed the RFC and caught a race", ANSWER),
    ("Walked bob through the migration plan", ANSWER),
    ("Mentored <@UCAROL|carol>", ANSWER),  # a person anchors a short answer
    ("Reviewed <https://github.com/acme/api/pull/12|the PR>", ANSWER),
    ("Reviewed the RFC. Does that count?", ANSWER),  # an answer, then a question
    ("Q&amp;A session for new hires", ANSWER),
    ("*Wrote* the _caching_ RFC :tada:", ANSWER),  # markup and emoji around real words
    ("Paired on the flaky deploy #unblock", ANSWER),
    ("我帮助了团队解决问题", ANSWER),  # unspaced script: characters count as words
    ("Größere Änderung am Deployment gemacht", ANSWER),
    ("Пояснил команде новый процесс релиза", ANSWER),
]


@pytest.mark.parametrize(("text", "kind"), TABLE)
def test_what_a_dm_is(text: str, kind: ReplyKind) -> None:
    """Each DM text is classified as chatter, help, nothing, a question, short or an answer."""
    assert classify_reply(text) is kind


def test_in_the_thread_a_few_words_are_enough() -> None:
    """In the check-in's thread, short replies answer it; chatter and questions still don't."""
    assert is_answer_in_thread(SHORT) and is_answer_in_thread(ANSWER)
    assert not any(is_answer_in_thread(k) for k in (CHATTER, HELP, QUESTION, NOTHING))


def test_huge_text_is_classified_quickly_and_as_an_answer() -> None:
    """A 10,000-character reply is an answer (and classifying it does not blow up)."""
    assert classify_reply("Shipped the shared rate limiter. " * 300) is ANSWER
