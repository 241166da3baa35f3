"""The seeds' indicators, computed from the records by the database, each with its definition
next to it (issue 13, Build 3). ``base`` holds what they are made of; each module below registers
its indicators, in the order a report card lists them."""

# Each module registers its indicators (a report card lists them by quadrant, then in this order).
from reporting.indicators import (  # noqa: F401
    cases,
    flow,
    neglect_outcomes,
    practice,
)
from reporting.indicators.base import (
    REGISTRY,
    SMALL_NUMBER,
    Better,
    Indicator,
    Period,
    Quadrant,
    Result,
    Slice,
    all_indicators,
    indicator,
)

__all__ = [
    "REGISTRY",
    "SMALL_NUMBER",
    "Better",
    "Indicator",
    "Period",
    "Quadrant",
    "Result",
    "Slice",
    "all_indicators",
    "indicator",
]
