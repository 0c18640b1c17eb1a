"""Judgment calls are private to their owner: team digests never read them (no digest
module imports the judgments package or its tables), and the packet one shares with
someone else is built without outcomes (only the owner's own export passes them)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_digest_module_reads_judgment_calls() -> None:
    for path in sorted((ROOT / "bot" / "digests").glob("*.py")):
        imported = _imported_names(path)
        assert not {n for n in imported if n.startswith("bot.judgments")}, path
        assert "bot.db.models.JudgmentCall" not in imported, path
        assert "bot.db.models.JudgmentFollowupPost" not in imported, path


def test_a_shared_packet_is_built_without_outcomes() -> None:
    tree = ast.parse((ROOT / "bot" / "evidence" / "share_flows.py").read_text("utf-8"))
    keywords = {
        kw.arg for node in ast.walk(tree) if isinstance(node, ast.Call) for kw in node.keywords
    }
    assert "outcomes" not in keywords
