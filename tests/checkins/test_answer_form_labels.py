"""The check-in's answer form names each dimension as every other surface does, with its emoji
(it listed bare names while /brag's form, the Home and the summaries show the labels)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.checkins import present
from bot.coaching.library import default_library
from bot.ui import checkins as ui

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def _options(view: dict[str, Any], block_id: str) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [option["text"]["text"] for option in block["element"]["options"]]


def test_the_answer_form_offers_the_dimension_labels_the_brag_form_offers() -> None:
    library = default_library(PROMPTS)
    view = present.answer_view(
        library, callback_id=ui.ANSWER_VIEW, metadata="m", question=None, form=ui.AnswerForm()
    )
    labels = [d.label for d in library.dimensions]
    assert _options(view, "dimension") == labels
    assert all(label != d.name for label, d in zip(labels, library.dimensions, strict=True))
