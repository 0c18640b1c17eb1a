"""The App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.db.models import EvidenceEntry
from bot.ui.blocks import VIEW_BLOCK_LIMIT, Block, context, divider, fit, header, section
from bot.ui.text import safe


def home_view(*, entries: Sequence[EvidenceEntry], brag_command: str) -> dict[str, Any]:
    """The Home tab: recent evidence at a glance."""
    blocks: list[Block] = [
        header("Your multiplier log"),
        section(
            "What you *enable* is what counts at staff level: people unblocked, decisions "
            f"improved, writing that travels. Log it as it happens with `{brag_command}`."
        ),
        divider(),
    ]
    if not entries:
        blocks.append(section("_No evidence yet._ Try `" + brag_command + " unblocked …`"))
    for entry in entries:
        dimension = entry.dimension.replace("_", " ") if entry.dimension else "unclassified"
        blocks.append(section(safe(entry.text, 600)))
        blocks.append(context(f"{dimension} · {entry.occurred_at:%a %d %b %Y} · {entry.source}"))
    return {
        "type": "home",
        "blocks": fit(blocks, VIEW_BLOCK_LIMIT, overflow_note="Older entries are in your export."),
    }
