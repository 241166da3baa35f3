"""What every indicator is made of (issue 13, Build 3): a period, a slice of the partnership, a
result that suppresses small numbers, and the registry that names each indicator with its
definition in words and its place in the report card.

An indicator is a function of a ``Period`` and a ``Slice`` that asks the database for a count (and,
for a rate, the count it is out of): one or two aggregate queries, never a loop over records, so
it costs the same for ten families or a million people. ``@indicator(...)`` registers it, in the
order the modules of this package are imported (``reporting.indicators.__init__``).

A **slice** is the partnership (nothing chosen) or one early help area, one agency, one team, or
a mix. What each means for a record is the indicator's to say, with ``Slice.q``: for an episode,
the family's area, the lead agency and the lead professional's team; for an assessment, the
family's area and the worker's agency and team; for a request, its area and the asker's agency and
team; for a neglect concern, the family's area and the recorder's agency and team.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.clock import add_months
from reporting.settings import reporting_settings

SMALL_NUMBER = 5  # the default; the council pack's ``reporting.small_number`` decides


class Quadrant(models.TextChoices):
    """Results Based Accountability's three questions (the seeds' "how much, how well, better
    off"), in the order a report card answers them."""

    HOW_MUCH = "how_much", "How much did we do?"
    HOW_WELL = "how_well", "How well did we do it?"
    BETTER_OFF = "better_off", "Is anyone better off?"


class Better(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither higher nor lower is better in itself"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included (London days)."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after the day it starts")

    def moments(self) -> tuple[datetime, datetime]:
        """The first moment of the first day and the first moment after the last."""
        first = timezone.make_aware(datetime.combine(self.start, time.min))
        after = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return first, after

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def year_before(self) -> Period:
        """The same days a year earlier (29 February counts as 28 February)."""
        after = add_months(self.end + timedelta(days=1), -12)
        return Period(add_months(self.start, -12), after - timedelta(days=1))

    def as_quarter(self) -> tuple[int, int] | None:
        """``(year, number)`` when the period is exactly a calendar quarter."""
        number = (self.start.month - 1) // 3 + 1
        if Period.quarter(self.start.year, number) == self:
            return self.start.year, number
        return None

    def before(self) -> Period:
        """The period a report compares this one with: for a calendar quarter, the quarter
        before (quarters differ in length, so ``previous()`` would drift off them); otherwise
        the same number of days before."""
        quarter = self.as_quarter()
        if quarter is None:
            return self.previous()
        year, number = quarter
        return Period.quarter(year, number - 1) if number > 1 else Period.quarter(year - 1, 4)

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        """A calendar quarter: 1 is January to March."""
        if number not in (1, 2, 3, 4):
            raise ValueError("A quarter is 1, 2, 3 or 4")
        start = date(year, 3 * number - 2, 1)
        return cls(start, add_months(start, 3) - timedelta(days=1))

    @property
    def label(self) -> str:
        if self.start.year == self.end.year:
            first = f"{self.start.day} {self.start:%B}"
        else:
            first = _long(self.start)
        return f"{first} to {_long(self.end)}"


@dataclass(frozen=True)
class Slice:
    """The part of the partnership a report is about; nothing chosen is the whole partnership.
    Holds the rows (``core.Area``, ``core.Agency``, ``core.Team``) so a page can name them."""

    area: models.Model | None = None
    agency: models.Model | None = None
    team: models.Model | None = None

    def q(self, *, area: str, agency: str, team: str) -> Q:
        """A filter on the paths (to the area, agency and team ids) the indicator's records use."""
        where = Q()
        for chosen, path in ((self.area, area), (self.agency, agency), (self.team, team)):
            if chosen is not None:
                where &= Q(**{path: chosen.pk})
        return where

    @property
    def is_partnership(self) -> bool:
        return self.area is None and self.agency is None and self.team is None

    @property
    def label(self) -> str:
        chosen = [row.name for row in (self.area, self.agency, self.team) if row is not None]
        return ", ".join(chosen) if chosen else "The whole partnership"


@dataclass(frozen=True)
class Result:
    code: str
    name: str
    definition: str
    numerator: int
    denominator: int | None = None
    small_number: int = SMALL_NUMBER
    # For a rate of records timed from one step to the next: the median number of days.
    median_days: float | None = None

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    @property
    def suppressed(self) -> bool:
        counts = [self.numerator] + ([self.denominator] if self.denominator is not None else [])
        return any(0 < count < self.small_number for count in counts)

    @property
    def rate(self) -> float | None:
        """The numerator as a percentage of the denominator; None when suppressed or undefined."""
        if self.denominator in (None, 0) or self.suppressed:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    @property
    def shown(self) -> str:
        """What a page, a booklet or a spreadsheet prints for it."""
        if self.suppressed:
            return f"Fewer than {self.small_number}" if not self.is_rate else "Suppressed"
        if not self.is_rate:
            return f"{self.numerator:,}"
        if not self.denominator:
            return "None to count"
        return f"{self.rate:g}% ({self.numerator:,} of {self.denominator:,})"


Counted = int | tuple[int, int] | tuple[int, int, float | None]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    quadrant: str
    better: str
    count: Callable[[Period, Slice], Counted] = field(repr=False)
    # In the quarterly neglect booklet (``003``: "identifying early enough and at a young enough
    # age", timeliness, drift and delay, repeats, was not brought).
    booklet: bool = False

    def measure(self, period: Period, where: Slice | None = None, *, small_number=None) -> Result:
        """Worked out now from the records (``reporting.figures`` keeps figures of ended
        periods for the reports)."""
        return self.result(self.count(period, where or Slice()), small_number=small_number)

    @staticmethod
    def parts(counted: Counted) -> tuple[int, int | None, float | None]:
        """(numerator, denominator or None for a count, median days or None)."""
        if isinstance(counted, int):
            return counted, None, None
        if len(counted) == 2:
            return counted[0], counted[1], None
        return counted[0], counted[1], counted[2]

    def result(self, counted: Counted, *, small_number=None) -> Result:
        numerator, denominator, median = self.parts(counted)
        if small_number is None:
            small_number = reporting_settings().small_number
        return Result(
            code=self.code,
            name=self.name,
            definition=self.definition,
            numerator=numerator,
            denominator=denominator,
            small_number=small_number,
            median_days=median,
        )


REGISTRY: dict[str, Indicator] = {}


def indicator(
    *, code: str, name: str, definition: str, quadrant: str, better: str, booklet: bool = False
):
    """Registers the decorated counting function as an indicator and returns the ``Indicator``
    (call ``.measure(period, slice)`` for its ``Result``)."""

    def register(count: Callable[[Period, Slice], Counted]) -> Indicator:
        if code in REGISTRY:
            raise ValueError(f"Indicator {code!r} is registered twice")
        if quadrant not in Quadrant.values or better not in Better.values:
            raise ValueError(f"Indicator {code!r}: unknown quadrant or direction")
        made = Indicator(code, name, " ".join(definition.split()), quadrant, better, count, booklet)
        REGISTRY[code] = made
        return made

    return register


def all_indicators(*, booklet: bool | None = None) -> list[Indicator]:
    found = list(REGISTRY.values())
    return [i for i in found if booklet is None or i.booklet == booklet]
