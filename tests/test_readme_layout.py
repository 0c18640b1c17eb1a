"""README.md's "Code layout" names every package of the tree, and only those."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layout() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Code layout", 1)[1]
    return section.split("```", 2)[1]


def test_the_code_layout_lists_every_package_of_bot_and_the_top_level_ones() -> None:
    layout = _layout()
    listed_in_bot = set(re.findall(r"^  ([a-z_]+)/", layout, flags=re.MULTILINE))
    listed_top = set(re.findall(r"^([a-z_]+)/", layout, flags=re.MULTILINE))
    in_bot = {p.parent.name for p in (ROOT / "bot").glob("*/__init__.py")}
    top = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert listed_in_bot == in_bot
    assert top <= listed_top
    assert all((ROOT / name).is_dir() for name in listed_top)
