"""Bar charts drawn on the server: the geometry here, the SVG in ``core/includes/bar_chart.html``.

No script and nothing from elsewhere: a chart is plain SVG with ``role="img"``, a ``<title>``
and a ``<desc>`` that say what it shows, and the page puts the same numbers in a table beside
it (a screen reader reads the table; the chart is for the eye).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

LABEL_WIDTH = 260  # room for the row labels on the left (about 38 characters)
BAR_AREA = 300  # the longest bar
VALUE_WIDTH = 60  # room for the number after a bar
ROW_HEIGHT = 22
BAR_HEIGHT = 14
PAD = 4

_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the number as written after the bar
    y: int
    width: str  # SVG numbers as text: a template would write "12,5" in Russian
    text_x: str
    text_y: int


@dataclass(frozen=True)
class BarChart:
    title: str
    desc: str
    bars: list[Bar]
    width: int
    height: int
    id: str = field(default_factory=lambda: f"chart-{next(_ids)}")
    label_width: int = LABEL_WIDTH
    label_x: int = LABEL_WIDTH - 6
    bar_height: int = BAR_HEIGHT


def bar_chart(
    rows: Sequence[tuple[str, float]], *, title: str, desc: str, shown: Sequence[str] = ()
) -> BarChart:
    """Horizontal bars, one per (label, value) row, scaled to the largest value.

    ``shown`` replaces the numbers written after the bars (e.g. formatted hours); a zero
    value draws no bar but keeps its row, so the rows line up with the table beside it.
    """
    top = max((value for _, value in rows), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(rows):
        width = round(BAR_AREA * max(value, 0) / top, 1)
        bars.append(
            Bar(
                label=str(label),
                value=value,
                shown=shown[i] if i < len(shown) else _number(value),
                y=PAD + i * ROW_HEIGHT,
                width=f"{width:.1f}" if width else "",
                text_x=f"{LABEL_WIDTH + width + 4:.1f}",
                text_y=PAD + i * ROW_HEIGHT + BAR_HEIGHT - 3,
            )
        )
    return BarChart(
        title=str(title),
        desc=str(desc),
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=2 * PAD + max(len(rows), 1) * ROW_HEIGHT,
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
