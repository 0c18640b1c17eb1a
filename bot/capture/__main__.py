"""``python -m bot.capture evaluate [--corpus FILE] [--errors]``: the thanks detector's scores.

Prints precision and recall on the corpus's dev and held-out parts and the mean time per
message; exits 1 when precision on either part is under the bar (95 %).
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.capture.evaluation import (
    DEFAULT_CORPUS,
    SPLITS,
    CorpusError,
    load_corpus,
    report,
    score,
    time_per_message,
)
from bot.plural import plural

PRECISION_BAR = 0.95


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the thanks detector on a labelled corpus."""
    parser = argparse.ArgumentParser(prog="python -m bot.capture", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="precision, recall and speed on a corpus")
    evaluate.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="labelled YAML")
    evaluate.add_argument("--errors", action="store_true", help="list every wrong answer")
    evaluate.add_argument("--rounds", type=int, default=20, help="timing rounds over the corpus")
    args = parser.parse_args(argv)
    try:
        corpus = load_corpus(args.corpus)
    except CorpusError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    out = report(corpus, show_errors=args.errors)
    per_message = time_per_message(corpus, rounds=max(1, args.rounds))
    out.append(
        f"time: {per_message * 1e6:.0f} µs per message (mean of {args.rounds} rounds over"
        f" {plural(len(corpus.examples), 'message')}; Python {platform.python_version()},"
        f" {platform.machine()})"
    )
    sys.stdout.write("\n".join(out) + "\n")
    below = [
        split
        for split in SPLITS
        if score((e for e in corpus.examples if e.split == split), corpus).precision < PRECISION_BAR
    ]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
