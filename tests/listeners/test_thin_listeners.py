"""Listeners ack, parse, call a flow and answer: the unit of work is the flow's.

import-linter (pyproject.toml) keeps sqlalchemy and the models out of listeners; this keeps
commits and rollbacks out, which an import check cannot see (the session arrives in the
context). The modules not moved to flows yet are listed: the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bot.listeners

LISTENERS = Path(bot.listeners.__file__).parent

# Debt (issue 14, item 3): listeners that still end their own unit of work. Paid off: a
# listener added here needs a reason, and the issue it is tracked in.
NOT_YET_FLOWS: set[str] = set()


def _unit_of_work_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(LISTENERS)}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback", "begin_nested")
    ]


def test_listeners_leave_commit_and_rollback_to_flows() -> None:
    """No listener module (but the listed debt) commits or rolls back itself."""
    modules = {str(p.relative_to(LISTENERS)) for p in LISTENERS.rglob("*.py")}
    found = [
        call
        for module in sorted(modules - NOT_YET_FLOWS)
        for call in _unit_of_work_calls(LISTENERS / module)
    ]
    assert found == []


def test_the_debt_list_names_only_modules_that_still_owe() -> None:
    """A module taken off the debt list's work is taken off the list too."""
    paid = [m for m in sorted(NOT_YET_FLOWS) if not _unit_of_work_calls(LISTENERS / m)]
    assert paid == []
