"""Shortcuts: "Log as evidence" on any message."""

from __future__ import annotations

from bot.listeners import Registrar

LOG_AS_EVIDENCE = "log_as_evidence"


def register(registrar: Registrar) -> None:
    from bot.listeners.shortcuts import log_as_evidence

    registrar.shortcut(
        LOG_AS_EVIDENCE, log_as_evidence.handle_log_as_evidence, name="Log as evidence"
    )
