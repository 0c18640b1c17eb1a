"""The summary chart: this week against the four-week average, per dimension, as a PNG.

Matplotlib's Agg backend through the object API (no pyplot, no global figure state), so
charts can be drawn from several threads. Always exactly WIDTH × HEIGHT pixels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH_PX = 800
HEIGHT_PX = 400
DPI = 100
FILENAME = "multiplier-week.png"

_THIS_WEEK = "#2c2d6e"
_AVERAGE = "#b5b8e8"


@dataclass(frozen=True)
class ChartRow:
    """One dimension: its short name, this week's count and the trailing average."""

    label: str
    this_week: int
    average: float


def render_png(rows: Sequence[ChartRow], *, title: str) -> bytes:
    """A horizontal grouped bar chart as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    labels = [row.label for row in rows][::-1]
    positions = list(range(len(rows)))
    height = 0.38
    this_week = [row.this_week for row in rows][::-1]
    averages = [row.average for row in rows][::-1]
    axes.barh(
        [p + height / 2 for p in positions], this_week, height, color=_THIS_WEEK, label="This week"
    )
    axes.barh(
        [p - height / 2 for p in positions],
        averages,
        height,
        color=_AVERAGE,
        label="4-week average",
    )
    axes.set_yticks(positions)
    axes.set_yticklabels(labels, fontsize=9)
    top = max([*this_week, *averages, 1])
    axes.set_xlim(0, top * 1.15)
    locator = axes.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default, AutoLocator, is one
        locator.set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, fontsize=11, loc="left")
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    figure.subplots_adjust(left=0.28, right=0.97, top=0.9, bottom=0.08)
    buffer = io.BytesIO()
    # No bbox_inches="tight": the image keeps its exact pixel size.
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def text_chart(rows: Sequence[ChartRow], *, width: int = 12) -> str:
    """The same comparison as monospaced text: the fallback when the upload fails."""
    top = max([*(r.this_week for r in rows), *(r.average for r in rows), 1])
    label_width = max((len(r.label) for r in rows), default=0)
    lines = []
    for row in rows:
        bar = "█" * round(row.this_week / top * width)
        avg = "░" * round(row.average / top * width)
        lines.append(
            f"{row.label.ljust(label_width)}  {bar.ljust(width)} {row.this_week:>2}  "
            f"{avg.ljust(width)} {row.average:.1f}"
        )
    return "\n".join(lines)
