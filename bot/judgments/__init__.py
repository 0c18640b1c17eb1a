"""Judgment calls followed up months later (issue 17 item 4, seed 000's slow feedback loop)."""
