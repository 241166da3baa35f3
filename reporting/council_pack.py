"""The council pack's ``reporting`` section: how small a number is kept off a report, and the
measures the indicators compare against.

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``ReportingConfig.ready``)::

    reporting:
      small_number: 5                 # counts of 1 to 4 are shown as "fewer than 5"
      episode_months: {from: 6, to: 9}
      visits_per_week: {from: 2, to: 3}
      manageable_caseload: 20         # more open episodes than this is too many for one worker
      timeliness_days:                # the most days each step should take
        request_to_triage: 5
        triage_to_decision: 28
        decision_to_allocation: 5
        allocation_to_first_meeting: 20
        allocation_to_first_contact: 10

Every key may be left out (the defaults above); a pack without the section keeps the defaults.
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from reporting.models import (
    DEFAULT_EPISODE_MONTHS,
    DEFAULT_MANAGEABLE_CASELOAD,
    DEFAULT_SMALL_NUMBER,
    DEFAULT_TIMELINESS_DAYS,
    DEFAULT_VISITS_PER_WEEK,
    ReportingSettings,
)

SECTION = "reporting"
KINDS = ("reporting settings",)


def register() -> None:
    council_pack.register_section(SECTION, read=read_reporting, load=load_reporting, kinds=KINDS)


def _between(node: Node, key: str, default: int, least: int, most: int) -> int:
    value = node.number(key, default=default)
    if not least <= value <= most:
        raise PackError(f"{node.at(key)}: expected between {least} and {most}, got {value}")
    return value


def _range(node: Node, key: str, default: tuple[int, int], most: int) -> tuple[int, int]:
    if node.value(key) is None:
        return default
    child = node.child(key)
    low = _between(child, "from", default[0], 1, most)
    high = _between(child, "to", default[1], 1, most)
    if high < low:
        raise PackError(f"{child.at('to')}: must not be less than 'from' ({low})")
    child.done()
    return low, high


def read_reporting(root: Node, plan: Plan) -> Values:
    values: Values = {
        "small_number": DEFAULT_SMALL_NUMBER,
        "episode_months_from": DEFAULT_EPISODE_MONTHS[0],
        "episode_months_to": DEFAULT_EPISODE_MONTHS[1],
        "visits_per_week_from": DEFAULT_VISITS_PER_WEEK[0],
        "visits_per_week_to": DEFAULT_VISITS_PER_WEEK[1],
        "timeliness_days": dict(DEFAULT_TIMELINESS_DAYS),
        "manageable_caseload": DEFAULT_MANAGEABLE_CASELOAD,
    }
    if root.value(SECTION) is None:
        return values
    node = root.child(SECTION)
    # One is "show everything"; beyond 20 a small partnership's report would be blank.
    values["small_number"] = _between(node, "small_number", DEFAULT_SMALL_NUMBER, 1, 20)
    low, high = _range(node, "episode_months", DEFAULT_EPISODE_MONTHS, 60)
    values["episode_months_from"], values["episode_months_to"] = low, high
    low, high = _range(node, "visits_per_week", DEFAULT_VISITS_PER_WEEK, 14)
    values["visits_per_week_from"], values["visits_per_week_to"] = low, high
    values["manageable_caseload"] = _between(
        node, "manageable_caseload", DEFAULT_MANAGEABLE_CASELOAD, 1, 200
    )
    if node.value("timeliness_days") is not None:
        steps = node.child("timeliness_days")
        for step, default in DEFAULT_TIMELINESS_DAYS.items():
            values["timeliness_days"][step] = _between(steps, step, default, 0, 365)
        steps.done()
    node.done()
    return values


def load_reporting(values: Values, loaded: Loaded) -> None:
    upsert(
        ReportingSettings,
        lookup={"council_id": loaded.council_id},
        values=values,
        result=loaded.result,
        kind="reporting settings",
    )
