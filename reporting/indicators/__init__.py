"""The seeds' indicators, computed from the records by the database, each with its definition
next to it (issue 13, Build 3). ``base`` holds what they are made of; each module below registers
its indicators, in the order a report card lists them."""

from reporting.indicators import practice  # noqa: F401  (registers its indicators)
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
    measure_all,
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
    "measure_all",
]
