"""Accessible bar charts, drawn on the server (issue 13, Build 6).

A chart here is only numbers: the geometry of each bar, worked out in Python so it can be tested,
for ``reporting/includes/bar_chart.html`` to draw as inline SVG, followed by a table of the same
data. Every label and value is text the template escapes; nothing here writes markup. Each bar has
its value written beside it, and a bar that cannot be drawn (a suppressed small number, or a value
not available) says so in words, so no meaning rests on colour or on a bar's length alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.text import slugify

# The drawing's own units (the SVG scales to the column's width through its viewBox).
WIDTH = 640
# Room to the right of the longest bar for its value ("12.5% (5 of 40)").
VALUE_ROOM = 170
ROW_HEIGHT = 48
LABEL_BASELINE = 16  # the label sits above its bar, so a long name is never cut short
BAR_TOP = 22
BAR_HEIGHT = 18
FONT_SIZE = 16

SUPPRESSED = "Suppressed"
NOT_AVAILABLE = "Not available"

# A page may draw the same chart twice (a trend for two slices): a counter keeps ids apart.
_serial = itertools.count(1)


def _tidy(number: float) -> float | int:
    """To a tenth, and whole numbers as whole ("470", not "470.0", in the drawing)."""
    number = round(number, 1)
    return int(number) if number == int(number) else number


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    shown: str
    # Why no bar is drawn ("Suppressed" or "Not available"); empty when there is one.
    missing: str
    top: int
    width: float

    @property
    def drawn(self) -> bool:
        return not self.missing and self.width > 0

    @property
    def text(self) -> str:
        """The label as the chart writes it: a bar not drawn says why."""
        return f"{self.label} ({self.missing})" if self.missing else self.label

    @property
    def label_y(self) -> int:
        return self.top + LABEL_BASELINE

    @property
    def bar_y(self) -> int:
        return self.top + BAR_TOP

    @property
    def value_x(self) -> float:
        # The value starts just after the bar's end (at the start when there is no bar).
        return _tidy(self.width + 8) if self.drawn else 0

    @property
    def value_y(self) -> int:
        return self.top + BAR_TOP + BAR_HEIGHT - 4


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    unit: str
    bars: tuple[Bar, ...]
    # The heading of the table's first column (what each bar is: an area, a quarter).
    category: str = "Item"
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT_SIZE

    @property
    def title_id(self) -> str:
        return f"{self.key}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.key}-desc"

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT

    @property
    def is_empty(self) -> bool:
        return not self.bars


Row = tuple[str, float | None, str] | tuple[str, float | None, str, bool]


def _row(row: Sequence) -> tuple[str, float | None, str, bool]:
    label, value, shown, *rest = row
    # Formatting gives plain text even from a string marked safe, so the template escapes it.
    return f"{label}", value, f"{shown}", bool(rest[0]) if rest else False


def bar_chart(
    title: str,
    rows: Iterable[Row],
    *,
    unit: str,
    description: str,
    category: str = "Item",
    scale_to: float | None = None,
    key: str | None = None,
) -> Chart:
    """A horizontal bar chart of ``rows``: ``(label, value or None, shown text)``, with an
    optional fourth item, True when the value is a suppressed small number.

    Bars scale to the largest value (or to ``scale_to``, 100 for percentages, when given). A row
    with no value, or a suppressed one, draws no bar: its label says "Suppressed" or "Not
    available", and its shown text is written where the bar would start."""
    cleaned = [_row(row) for row in rows]
    values = [v for _, v, _, suppressed in cleaned if v is not None and not suppressed]
    largest = max([scale_to or 0, *values], default=0)
    room = WIDTH - VALUE_ROOM
    bars = []
    for index, (label, value, shown, suppressed) in enumerate(cleaned):
        if suppressed:
            missing, value = SUPPRESSED, None
        elif value is None:
            missing = NOT_AVAILABLE
        else:
            missing = ""
        width = _tidy(room * max(value, 0) / largest) if value and largest > 0 else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                shown=shown or missing,
                missing=missing,
                top=index * ROW_HEIGHT,
                width=width,
            )
        )
    if key is None:
        key = f"chart-{slugify(title)[:40] or 'untitled'}-{next(_serial)}"
    return Chart(
        key=key,
        title=f"{title}",
        description=f"{description}",
        unit=f"{unit}",
        bars=tuple(bars),
        category=f"{category}",
    )
