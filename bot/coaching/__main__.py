"""The coaching content from the command line.

``python -m bot.coaching [--override DIR] [--seeds DIR]`` validates the content: exits 0
with a one-line summary when it is valid, 1 with every problem (file, entry, what is wrong)
otherwise.

``python -m bot.coaching classify`` reads one evidence text per line on stdin and prints one
JSON object per line: ``{"text", "dimension", "scope", "reframe", "why"}``.

``python -m bot.coaching evaluate FILE…`` measures the classifier on labelled sentences
(``tests/coaching/corpus/``): exact and acceptable shares, texts left with none, time per text.

A team's override directory comes from ``--override``, else the ``PROMPTS_DIR`` setting.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.coaching.classify import NO_EXAMPLES, ExampleIndex, LabelledExample, classify
from bot.coaching.evaluate import describe, evaluate, read_labelled
from bot.coaching.library import (
    DEFAULT_PROMPTS_DIR,
    CoachingLibrary,
    LibraryError,
    check_seed_quotes,
    load_library,
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prompts", type=Path, default=DEFAULT_PROMPTS_DIR, help="base directory")
    parser.add_argument(
        "--override",
        type=Path,
        default=Path(os.environ["PROMPTS_DIR"]) if os.environ.get("PROMPTS_DIR") else None,
        help="a team's override directory (default: the PROMPTS_DIR setting)",
    )


def _load(args: argparse.Namespace) -> CoachingLibrary | None:
    try:
        return load_library(args.prompts, args.override)
    except LibraryError as exc:
        sys.stderr.write(f"{exc}\n")
        return None


def _examples(path: Path | None) -> ExampleIndex:
    if path is None:
        return NO_EXAMPLES
    return ExampleIndex(
        tuple(
            LabelledExample(item.text, item.dimension.right, item.scope.right)
            for item in read_labelled(path)
        )
    )


def validate(argv: Sequence[str]) -> int:
    """Load and validate the library; report problems or a summary."""
    parser = argparse.ArgumentParser(prog="python -m bot.coaching", description=__doc__)
    _common(parser)
    parser.add_argument("--seeds", type=Path, help="seed articles, to check every seed_quote")
    args = parser.parse_args(argv)
    library = _load(args)
    if library is None:
        return 1
    if args.seeds is not None:
        problems = check_seed_quotes(library, args.seeds)
        if problems:
            sys.stderr.write("".join(f"- {problem}\n" for problem in problems))
            return 1
    per_dimension = ", ".join(
        f"{d.id} {len(library.prompts_for(d.id))}" for d in library.dimensions
    )
    sys.stdout.write(
        f"OK: {len(library.dimensions)} dimensions, {len(library.scopes)} scopes,"
        f" {len(library.prompts)} prompts ({per_dimension}), {len(library.nudges)} nudges,"
        f" {len(library.reframes)} reframes, {len(library.promotion_elements)} promotion-case"
        f" elements, {len(library.problem_steps)} staff-problem steps\n"
    )
    return 0


def classify_lines(argv: Sequence[str]) -> int:
    """One evidence text per line on stdin → one JSON object per line on stdout."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.coaching classify",
        description="Classify evidence texts, one per line on stdin, into JSON lines.",
    )
    _common(parser)
    parser.add_argument(
        "--examples", type=Path, help="labelled examples (corpus format) to learn from"
    )
    args = parser.parse_args(argv)
    library = _load(args)
    if library is None:
        return 1
    examples = _examples(args.examples)
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        sys.stdout.write(json.dumps(classify(text, library, examples).as_json()) + "\n")
    return 0


def evaluate_files(argv: Sequence[str]) -> int:
    """Accuracy of the classifier on labelled files; exit 0 (it measures, it does not judge)."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.coaching evaluate",
        description="Measure the classifier on labelled sentences (dimension | scope | text).",
    )
    _common(parser)
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    parser.add_argument("--repeat", type=int, default=20, help="timing passes (default 20)")
    args = parser.parse_args(argv)
    library = _load(args)
    if library is None:
        return 1
    for path in args.files:
        report = evaluate(read_labelled(path), library, repeat=args.repeat)
        for line in describe(report, label=str(path), misses=args.misses):
            sys.stdout.write(line + "\n")
    return 0


COMMANDS = {"classify": classify_lines, "evaluate": evaluate_files}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        return COMMANDS[args[0]](args[1:])
    return validate(args)


if __name__ == "__main__":
    sys.exit(main())
