"""The classifier measured on the labelled corpus: the bars of the issue, on every run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.coaching import default_library
from bot.coaching.evaluate import Label, evaluate, read_labelled

LIB = default_library()
CORPUS = Path(__file__).parent / "corpus"
FILES = ("dev.txt", "holdout.txt")


def test_the_corpus_is_large_varied_and_well_formed() -> None:
    """At least 300 distinct labelled sentences, every dimension and scope, some ambiguous."""
    items = [item for name in FILES for item in read_labelled(CORPUS / name)]
    texts = [item.text for item in items]
    assert len(texts) >= 300 and len(set(texts)) == len(texts)
    labels = {item.dimension.right for item in items}
    assert labels >= {*LIB.dimension_ids, None}
    assert {item.scope.right for item in items} >= {*LIB.scope_ids, None}
    assert sum(bool(item.dimension.acceptable) for item in items) >= 30
    for item in items:
        for label, known in ((item.dimension, LIB.dimension_ids), (item.scope, LIB.scope_ids)):
            assert {label.right, *label.acceptable} - {None} <= set(known), item.where


@pytest.mark.parametrize("name", FILES)
def test_classifier_meets_the_bars(name: str) -> None:
    """≥ 80 % exactly right, ≥ 90 % right or acceptable, a dimension on ≥ 98 % of labelled texts."""
    report = evaluate(read_labelled(CORPUS / name), LIB)
    assert report.dimension.exact_share >= 0.80
    assert report.dimension.right_or_acceptable_share >= 0.90
    assert report.dimension.none_when_labelled_share <= 0.02
    # Scope is inferred for nearly every text that has one, and mostly right.
    assert report.scope.none_when_labelled_share <= 0.05
    assert report.scope.right_or_acceptable_share >= 0.80


def test_classifying_takes_well_under_a_millisecond_per_text() -> None:
    """The fastest of five passes over the corpus averages under 1 ms per text."""
    items = [item for name in FILES for item in read_labelled(CORPUS / name)]
    assert evaluate(items, LIB, repeat=5).per_text_ms < 1.0


def test_labels_grade_exact_acceptable_and_wrong() -> None:
    """A label's first id is right, the rest acceptable; "-" is none and never acceptable."""
    label = Label.parse("reviews/mentoring")
    assert [label.grade(x) for x in ("reviews", "mentoring", "writing", None)] == [
        "exact",
        "acceptable",
        "wrong",
        "wrong",
    ]
    nothing = Label.parse("-")
    assert (nothing.grade(None), nothing.grade("delivery")) == ("exact", "wrong")
    with pytest.raises(ValueError, match="empty"):
        Label.parse(" / ")
