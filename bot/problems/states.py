"""How a staff problem closed (pure: the models, the UI and the packet read it).

- `cleared`: the person's own reset (`problem clear`, the Home's **Clear it**): it is gone
  from their Home and check-ins, kept in their export.
- `let_go`: "Let it go" answered to the stall question: an honest call on a problem that
  went weeks without a step, told as such in the packet, the story and on the Home.
- `replaced`: a new problem was named while this one was open.
"""

from __future__ import annotations

from enum import StrEnum


class ClosedHow(StrEnum):
    CLEARED = "cleared"
    LET_GO = "let_go"
    REPLACED = "replaced"


def allowed_closed_how() -> str:
    """The CHECK constraint's condition on `staff_problems.closed_how`."""
    return "closed_how IN (" + ", ".join(f"'{how.value}'" for how in ClosedHow) + ")"
