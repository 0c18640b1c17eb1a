"""Validate the coaching content: ``python -m bot.coaching [--override DIR] [--seeds DIR]``.

Exits 0 and prints a one-line summary when the content is valid; exits 1 and lists every
problem (file, entry, what is wrong) otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.coaching.library import DEFAULT_PROMPTS_DIR, LibraryError, check_seed_quotes, load_library


def main(argv: Sequence[str] | None = None) -> int:
    """Load and validate the library; report problems or a summary."""
    parser = argparse.ArgumentParser(prog="python -m bot.coaching", description=__doc__)
    parser.add_argument("--prompts", type=Path, default=DEFAULT_PROMPTS_DIR, help="base directory")
    parser.add_argument("--override", type=Path, help="a team's override directory")
    parser.add_argument("--seeds", type=Path, help="seed articles, to check every seed_quote")
    args = parser.parse_args(argv)
    try:
        library = load_library(args.prompts, args.override)
    except LibraryError as exc:
        sys.stderr.write(f"{exc}\n")
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
        " elements\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
