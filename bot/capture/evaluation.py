"""Measure the thanks detector against a labelled corpus: precision, recall and speed.

A corpus is YAML (see `tests/capture/thanks_corpus.yaml`): `people` maps names to Slack ids,
`bots` names the bots, and each of `messages` has `split` (dev or heldout), `author`,
`thanked` (names), `text` (with `<@name>` or `<@name|label>` standing for the person's id)
and optionally `channel_type`.

Scores count (message, person) pairs: a suggestion is one person for one message, so
precision is the share of suggestions that are right, recall the share of the people
thanked that get one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.capture.thanks import PUBLIC_CHANNEL_TYPE, ThanksVerdict, detect_thanks

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "capture" / "thanks_corpus.yaml"
SPLITS = ("dev", "heldout")
_NAMED_MENTION = re.compile(r"<@([a-z][a-z0-9_]*)(\|[^<>]*)?>")


class CorpusError(ValueError):
    """The corpus file is malformed (the message says where)."""


@dataclass(frozen=True)
class Example:
    """One labelled message, with names already turned into Slack ids."""

    number: int
    split: str
    text: str
    author: str
    channel_type: str
    thanked: frozenset[str]


@dataclass(frozen=True)
class Corpus:
    examples: tuple[Example, ...]
    bots: frozenset[str]
    names: dict[str, str]  # Slack id → name, for readable reports


def load_corpus(path: Path = DEFAULT_CORPUS) -> Corpus:
    """Read and check a corpus file."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CorpusError(f"{path}: {error}") from error
    people = data.get("people") if isinstance(data, dict) else None
    if not isinstance(people, dict) or not isinstance(data.get("messages"), list):
        raise CorpusError(f"{path}: needs a `people` mapping and a `messages` list")

    def person(name: Any, where: str) -> str:
        if name not in people:
            raise CorpusError(f"{path}: {where}: unknown person {name!r}")
        return str(people[name])

    bots = frozenset(person(name, "bots") for name in data.get("bots") or [])
    examples = []
    for number, item in enumerate(data["messages"], start=1):
        where = f"message {number}"
        if not isinstance(item, dict) or item.get("split") not in SPLITS:
            raise CorpusError(f"{path}: {where}: needs split: {' or '.join(SPLITS)}")
        text = item.get("text")
        if not isinstance(text, str):
            raise CorpusError(f"{path}: {where}: needs a text")

        def substitute(match: re.Match[str], where: str = where) -> str:
            return f"<@{person(match.group(1), where)}{match.group(2) or ''}>"

        examples.append(
            Example(
                number=number,
                split=item["split"],
                text=_NAMED_MENTION.sub(substitute, text),
                author=person(item.get("author"), where),
                channel_type=str(item.get("channel_type") or PUBLIC_CHANNEL_TYPE),
                thanked=frozenset(person(name, where) for name in item.get("thanked") or []),
            )
        )
    names = {str(slack_id): str(name) for name, slack_id in people.items()}
    return Corpus(tuple(examples), bots, names)


def verdict_for(example: Example, corpus: Corpus) -> ThanksVerdict:
    return detect_thanks(
        example.text, author=example.author, channel_type=example.channel_type, bots=corpus.bots
    )


@dataclass(frozen=True)
class Score:
    """Pair-level counts for one split, and the examples it got wrong."""

    messages: int
    thanking: int  # messages that thank someone
    true_positives: int
    false_positives: int
    false_negatives: int
    wrong: tuple[tuple[Example, ThanksVerdict], ...]

    @property
    def precision(self) -> float:
        suggested = self.true_positives + self.false_positives
        return self.true_positives / suggested if suggested else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def score(examples: Iterable[Example], corpus: Corpus) -> Score:
    """Run the detector over the examples and count right and wrong suggestions."""
    messages = thanking = tp = fp = fn = 0
    wrong = []
    for example in examples:
        verdict = verdict_for(example, corpus)
        predicted = set(verdict.people)
        messages += 1
        thanking += bool(example.thanked)
        tp += len(predicted & example.thanked)
        fp += len(predicted - example.thanked)
        fn += len(example.thanked - predicted)
        if predicted != example.thanked:
            wrong.append((example, verdict))
    return Score(messages, thanking, tp, fp, fn, tuple(wrong))


def time_per_message(corpus: Corpus, *, rounds: int = 20) -> float:
    """Mean CPU seconds per `detect_thanks` call over the whole corpus, `rounds` times.

    CPU time of this process, not wall time: on a shared machine the wall clock also counts
    the time other processes held the core.
    """
    examples = corpus.examples
    started = time.process_time()
    for _ in range(rounds):
        for example in examples:
            verdict_for(example, corpus)
    return (time.process_time() - started) / (rounds * len(examples))


def report(corpus: Corpus, *, show_errors: bool, splits: Sequence[str] = SPLITS) -> list[str]:
    """The lines `python -m bot.capture evaluate` prints."""
    lines = [
        f"{'split':<8} {'messages':>8} {'thanking':>8} {'pairs ok':>8} {'wrong':>6}"
        f" {'missed':>6} {'precision':>9} {'recall':>7}"
    ]
    scores = {}
    for split in splits:
        result = score((e for e in corpus.examples if e.split == split), corpus)
        scores[split] = result
        lines.append(
            f"{split:<8} {result.messages:>8} {result.thanking:>8} {result.true_positives:>8}"
            f" {result.false_positives:>6} {result.false_negatives:>6}"
            f" {result.precision:>9.1%} {result.recall:>7.1%}"
        )
    if show_errors:
        for split, result in scores.items():
            for example, verdict in result.wrong:
                expected = ", ".join(sorted(corpus.names[p] for p in example.thanked)) or "nobody"
                got = ", ".join(corpus.names.get(p, p) for p in verdict.people) or "nobody"
                lines.append(
                    f"[{split} #{example.number}] expected {expected}, got {got}:"
                    f" {example.text!r} — {verdict.why}"
                )
    return lines
