"""A family-level Supporting Families style outcomes extract: one row for each episode of early
help open at any time in a period, with the family's needs and scores against each of the
national Supporting Families headline outcomes (the council pack's framework ``supporting-
families``, in the pack's order), and whether the family made significant and sustained progress.

Who is on it: an episode started on or before the last day and not ended before the first (an
episode ended on the first day is on it). The family is named only by its reference, which never
holds a name (``people.Family.reference``).

For each headline outcome:

- *need identified*: "Yes" if a plan outcome of the episode's plan is mapped to it now (a link
  since removed does not count);
- *baseline*: the baseline score of the plan outcome mapped to it (the first in the plan when
  more than one is), as it stands after any correction (a corrected score is replaced by its
  correction, as the outcomes app and the "outcomes improved" indicator read it);
- *latest score*: that plan outcome's closure score, or without one its latest review score.

*Significant and sustained progress*: "Yes" when at least one plan outcome mapped to a headline
outcome has a baseline, every such plan outcome's closure score is higher than its baseline, and
the episode's sustained check has been answered with every one of them found sustained. "No" once
that can no longer happen: the sustained check has been answered and it is not "Yes", or the
episode was stepped up to children's social care (no sustained check follows a step up). "Not
yet" otherwise: the episode is open, or the check is still to come or to be answered.

*Sustained check due*: the day the sustained check falls due while it is not yet answered: the
check's own date once it has been opened, or for a closed episode mapped to a headline outcome
whose check is not open yet, the framework's months (Supporting Families: 6) after it ended.

Built in four queries however many families there are: the headline outcomes, the episodes, the
current links, and the scores of the mapped plan outcomes (each worked out by the database).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from casework.models import Episode, PlanOutcome
from core import clock
from core.spreadsheets import Column
from outcomes.models import FrameworkOutcome, OutcomeLink, OutcomeSustainedCheck
from outcomes.models import ScoreKind as Kind
from outcomes.selectors import current_score
from people.models import FamilyMember

TITLE = "Supporting Families outcomes"
FRAMEWORK = "supporting-families"
DEFAULT_SUSTAINED_MONTHS = 6

YES, NO, NOT_YET = "Yes", "No", "Not yet"

LEADING_COLUMNS = [
    Column("family_reference", "Family reference", 16),
    Column("area", "Early help area", 24),
    Column("lead_agency", "Lead agency", 32),
    Column("started_on", "Episode start date", 14, True),
    Column("ended_on", "Episode closed date", 14, True),
    Column("children", "Children in the family", 12),
]
CLOSING_COLUMNS = [
    Column("progress", "Significant and sustained progress", 18),
    Column("check_due", "Sustained check due", 14, True),
]


def headline_outcomes() -> list[dict]:
    """The framework's outcomes in the pack, in the pack's order (none if the council's pack has
    no Supporting Families framework)."""
    return list(
        FrameworkOutcome.objects.filter(framework__code=FRAMEWORK, in_pack=True)
        .order_by("sort_order", "pk")
        .values("pk", "code", "title", "framework__sustained_after_months")
    )


def columns(outcomes: list[dict] | None = None) -> list[Column]:
    """The extract's columns, in order: three for each headline outcome between the episode's
    and the progress columns."""
    if outcomes is None:
        outcomes = headline_outcomes()
    middle = []
    for outcome in outcomes:
        key, title = outcome["code"], outcome["title"]
        middle += [
            Column(f"{key}:need", f"{title}: need identified", 12),
            Column(f"{key}:baseline", f"{title}: baseline", 10),
            Column(f"{key}:latest", f"{title}: latest score", 10),
        ]
    return [*LEADING_COLUMNS, *middle, *CLOSING_COLUMNS]


def episodes_in(*, start: date, end: date) -> QuerySet[Episode]:
    """Episodes open at any time from ``start`` to ``end``, both days included."""
    return Episode.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start)).filter(
        started_on__lte=end
    )


def _progress(status: str, check_status: str | None, measured: list[dict]) -> str:
    if status == Episode.Status.STEPPED_UP:
        return NO
    if check_status != OutcomeSustainedCheck.Status.ANSWERED:
        return NOT_YET
    improved = all(
        one["closure"] is not None and one["closure"] > one["baseline"] for one in measured
    )
    sustained = all(one["sustained"] is True for one in measured)
    return YES if measured and improved and sustained else NO


def rows(*, start: date, end: date, outcomes: list[dict] | None = None) -> list[dict]:
    """One row for each episode open at any time from ``start`` to ``end``, oldest first."""
    if outcomes is None:
        outcomes = headline_outcomes()
    by_pk = {outcome["pk"]: outcome for outcome in outcomes}
    episodes = episodes_in(start=start, end=end)
    found = list(
        episodes.annotate(
            children=Count(
                "family__members", filter=Q(family__members__role=FamilyMember.Role.CHILD)
            )
        )
        .values(
            "pk",
            "family__reference",
            "family__area__name",
            "lead_agency__name",
            "started_on",
            "ended_on",
            "status",
            "children",
            "sustained_check__status",
            "sustained_check__due_on",
        )
        .order_by("started_on", "family__reference", "pk")
    )
    links = OutcomeLink.objects.filter(
        removed_at__isnull=True,
        framework_outcome__in=list(by_pk),
        episode__in=episodes.values("pk"),
    )
    mapped: dict = {}  # episode -> framework outcome -> its plan outcomes, first in the plan first
    for episode_id, framework_outcome_id, plan_outcome_id in links.values_list(
        "episode_id", "framework_outcome_id", "plan_outcome_id"
    ).order_by("plan_outcome__position", "plan_outcome_id"):
        mapped.setdefault(episode_id, {}).setdefault(framework_outcome_id, []).append(
            plan_outcome_id
        )
    scores = {
        row["pk"]: row
        for row in PlanOutcome.objects.filter(pk__in=links.values("plan_outcome_id"))
        .annotate(
            baseline=current_score(Kind.BASELINE),
            closure=current_score(Kind.CLOSURE),
            review=current_score(Kind.REVIEW),
            sustained=current_score(Kind.SUSTAINED, value="sustained"),
        )
        .values("pk", "baseline", "closure", "review", "sustained")
    }
    months = outcomes[0]["framework__sustained_after_months"] if outcomes else None
    return [
        _row(episode, outcomes, mapped.get(episode["pk"], {}), scores, months) for episode in found
    ]


def _row(episode: dict, outcomes: list[dict], mapped: dict, scores: dict, months) -> dict:
    row = {
        "family_reference": episode["family__reference"],
        "area": episode["family__area__name"] or "",
        "lead_agency": episode["lead_agency__name"] or "",
        "started_on": episode["started_on"],
        "ended_on": episode["ended_on"],
        "children": episode["children"],
    }
    for outcome in outcomes:
        key = outcome["code"]
        plan_outcomes = mapped.get(outcome["pk"], [])
        first = scores.get(plan_outcomes[0]) if plan_outcomes else None
        row[f"{key}:need"] = YES if plan_outcomes else NO
        row[f"{key}:baseline"] = first["baseline"] if first else None
        latest = None
        if first:
            latest = first["closure"] if first["closure"] is not None else first["review"]
        row[f"{key}:latest"] = latest
    measured = [
        scores[pk]
        for pk in {pk for plan_outcomes in mapped.values() for pk in plan_outcomes}
        if pk in scores and scores[pk]["baseline"] is not None
    ]
    check_status = episode["sustained_check__status"]
    row["progress"] = _progress(episode["status"], check_status, measured)
    row["check_due"] = _check_due(episode, bool(mapped), months)
    return row


def _check_due(episode: dict, mapped: bool, months) -> date | None:
    status = episode["sustained_check__status"]
    if status == OutcomeSustainedCheck.Status.DUE:
        return episode["sustained_check__due_on"]
    if status is None and mapped and episode["status"] == Episode.Status.CLOSED:
        return clock.add_months(episode["ended_on"], months or DEFAULT_SUSTAINED_MONTHS)
    return None


def filename(start: date, end: date, fmt: str) -> str:
    return f"supporting-families-outcomes-{start.isoformat()}-to-{end.isoformat()}.{fmt}"
