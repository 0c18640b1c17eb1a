"""Splitting typed or pasted expectations into items (pure)."""

from __future__ import annotations

import pytest

from bot.coaching.expectations import (
    ExpectationsError,
    ParsedExpectations,
    parse_expectations,
    split_items,
)


@pytest.mark.parametrize(
    ("typed", "items"),
    [
        ("one\ntwo", ["one", "two"]),
        ("• one • two ◦ three", ["one", "two", "three"]),
        ("1. one\r\n2) two\r\na) three\n  - four  ", ["one", "two", "three", "four"]),
        ("* one\n\n\n+ two", ["one", "two"]),
        ("-5% latency for checkout", ["-5% latency for checkout"]),
        ("3.\n- \n•", []),
        ("Q&A with <@U1> 🚀", ["Q&A with <@U1> 🚀"]),
        ("2026 roadmap input", ["2026 roadmap input"]),
        ("A team lead role", ["A team lead role"]),
    ],
)
def test_split_items(typed: str, items: list[str]) -> None:
    assert split_items(typed) == items


def test_repeats_are_kept_once_in_first_place() -> None:
    assert parse_expectations("Mentors\nLeads\n  mentors ") == ParsedExpectations(
        items=("Mentors", "Leads"), duplicates=("mentors",)
    )


def test_emoji_count_as_slack_counts_them() -> None:
    assert parse_expectations("🚀" * 150).items == ("🚀" * 150,)
    with pytest.raises(ExpectationsError, match="Item 1 is 302 characters"):
        parse_expectations("🚀" * 151)
    with pytest.raises(ExpectationsError, match="That is 3,002 characters"):
        parse_expectations("🚀" * 1501)
