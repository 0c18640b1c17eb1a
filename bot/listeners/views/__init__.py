"""Views: modal submissions."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.views import evidence_entry
    from bot.ui.evidence import ENTRY_VIEW

    registrar.view(ENTRY_VIEW, evidence_entry.handle_entry_submission)
