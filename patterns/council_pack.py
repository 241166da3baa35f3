"""The council pack's ``patterns`` section: the windows the pattern rules count in.

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``PatternsConfig.ready``)::

    patterns:
      repeat_referral_months: 12   # a new request or panel referral within this of the last
      repeat_plan_months: 24       # a new plan within this of the last one's end
      injuries: {count: 3, months: 6}  # this many accidents or injuries within this many months

Every key may be left out (the defaults above); a pack without the section keeps the defaults.
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from patterns.models import (
    DEFAULT_INJURIES_COUNT,
    DEFAULT_INJURIES_MONTHS,
    DEFAULT_REPEAT_PLAN_MONTHS,
    DEFAULT_REPEAT_REFERRAL_MONTHS,
    PatternSettings,
)

SECTION = "patterns"
KINDS = ("pattern settings",)
# A window beyond ten years says nothing about a pattern; a threshold of one is not a pattern.
MAX_MONTHS = 120


def register() -> None:
    council_pack.register_section(SECTION, read=read_patterns, load=load_patterns, kinds=KINDS)


def _months(node: Node, key: str, default: int) -> int:
    value = node.number(key, default=default)
    if not 1 <= value <= MAX_MONTHS:
        raise PackError(f"{node.at(key)}: expected between 1 and {MAX_MONTHS} months, got {value}")
    return value


def read_patterns(root: Node, plan: Plan) -> Values:
    values: Values = {
        "repeat_referral_months": DEFAULT_REPEAT_REFERRAL_MONTHS,
        "repeat_plan_months": DEFAULT_REPEAT_PLAN_MONTHS,
        "injuries_count": DEFAULT_INJURIES_COUNT,
        "injuries_months": DEFAULT_INJURIES_MONTHS,
    }
    if root.value(SECTION) is None:
        return values
    node = root.child(SECTION)
    values["repeat_referral_months"] = _months(
        node, "repeat_referral_months", DEFAULT_REPEAT_REFERRAL_MONTHS
    )
    values["repeat_plan_months"] = _months(node, "repeat_plan_months", DEFAULT_REPEAT_PLAN_MONTHS)
    if node.value("injuries") is not None:
        injuries = node.child("injuries")
        count = injuries.number("count", default=DEFAULT_INJURIES_COUNT)
        if not 2 <= count <= 50:
            raise PackError(f"{injuries.at('count')}: expected between 2 and 50, got {count}")
        values["injuries_count"] = count
        values["injuries_months"] = _months(injuries, "months", DEFAULT_INJURIES_MONTHS)
        injuries.done()
    node.done()
    return values


def load_patterns(values: Values, loaded: Loaded) -> None:
    upsert(
        PatternSettings,
        lookup={"council_id": loaded.council_id},
        values=values,
        result=loaded.result,
        kind="pattern settings",
    )
