"""The monthly expectations check's words, from the coaching library (pure: no database, no
Slack). Each is in prompts/expectations.yaml (`checks:`) with its seed and seed_quote; a
workspace's override may disable one: no question means no monthly check, no red flag means
a second "not yet" is answered like the first."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coaching.library import CoachingLibrary


@dataclass(frozen=True)
class CheckTexts:
    question: str | None
    mapped: str | None
    not_yet: str | None
    red_flag: str | None


def check_texts(library: CoachingLibrary) -> CheckTexts:
    def said(text_id: str) -> str | None:
        found = library.expectation_check(text_id)
        return found.text if found else None

    return CheckTexts(
        question=said("question"),
        mapped=said("mapped"),
        not_yet=said("not-yet"),
        red_flag=said("red-flag"),
    )
