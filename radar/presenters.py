"""The radar page's rows: each flag with its reasons in words, grouped by worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from radar.models import RadarFlag, RuleCode
from radar.reasons import reasons
from radar.services import WORKFLOW

PANEL_GROUP = "Panel cases waiting for a lead professional"
REQUEST_GROUP = "Requests waiting for a reply"


@dataclass
class Row:
    flag: RadarFlag
    rule: str
    reasons: str
    can_acknowledge: bool


@dataclass
class Group:
    worker: str
    rows: list[Row] = field(default_factory=list)


def _worker(flag: RadarFlag) -> str:
    if flag.episode_id:
        user = flag.episode.lead_professional
        return user.get_full_name() or user.username
    return PANEL_GROUP if flag.panel_case_id else REQUEST_GROUP


def row(flag: RadarFlag, today: date) -> Row:
    return Row(
        flag=flag,
        rule=RuleCode(flag.rule).label,
        reasons=reasons(flag, today),
        can_acknowledge=WORKFLOW.can_move(flag.status, RadarFlag.Status.ACKNOWLEDGED),
    )


def grouped(flags, today: date) -> list[Group]:
    groups: dict[str, Group] = {}
    for flag in flags:
        name = _worker(flag)
        groups.setdefault(name, Group(worker=name)).rows.append(row(flag, today))
    return list(groups.values())
