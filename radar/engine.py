"""The radar's rules, evaluated over every open subject at once.

Each rule is a function of the run's ``Context`` and its ``RadarRule`` row, returning a
``Finding`` per subject that breaks it: which rule, which subject (an episode, a child in an
episode, a panel case or a request), the facts (dates, counts, the threshold: never words about a
person) and since when. A rule reads what it needs for every subject in a fixed number of queries
(bulk aggregates, grouped in Python), so a run costs the same queries whatever the number of
episodes. A threshold is broken when the measure goes *past* it: 28 days without a visit is
within a 28-day rule, the 29th day is not.

(The permissions are in ``radar.rules``, where django-rules looks for them.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Count, Max, Min, OuterRef, Subquery

from casework.models import Contact, Episode, EpisodeHistory, PlanAction, PlanOutcome, PlanReview
from core import clock
from core.models import Council
from panel.calendar import is_working_day
from panel.models import LeadProfessionalAllocation, PanelCase, PanelDecision
from people.models import FamilyMember, Person
from radar.models import RadarRule, RuleCode
from support_requests.models import SupportRequest

OPEN_EPISODE = (Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED)

# The order of progress, worst first, to tell whether an outcome improved between two reviews.
PROGRESS_RANK = {
    PlanOutcome.Progress.WORSE: 0,
    PlanOutcome.Progress.NOT_STARTED: 1,
    PlanOutcome.Progress.SOME: 2,
    PlanOutcome.Progress.GOOD: 3,
    PlanOutcome.Progress.ACHIEVED: 4,
}


@dataclass(frozen=True)
class Finding:
    rule: str
    facts: dict
    since: date
    family_id: object = None
    episode_id: object = None
    child_id: object = None
    panel_case_id: object = None
    support_request_id: object = None

    @property
    def key(self) -> str:
        """The subject: one open flag per rule and subject."""
        return subject_key(
            self.rule, self.episode_id, self.child_id, self.panel_case_id, self.support_request_id
        )


def subject_key(rule, episode_id, child_id, panel_case_id, support_request_id) -> str:
    parts = [str(rule)]
    for letter, value in (
        ("e", episode_id),
        ("c", child_id),
        ("p", panel_case_id),
        ("r", support_request_id),
    ):
        if value is not None:
            parts.append(f"{letter}:{value}")
    return "|".join(parts)


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def add_working_days(day: date, working_days: int) -> date:
    """The ``working_days``-th working day after ``day`` (weekends and bank holidays skipped)."""
    current, counted = day, 0
    while counted < working_days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


@dataclass
class Context:
    """What several rules share in one run, each read once."""

    today: date

    @cached_property
    def episodes(self) -> dict:
        """Open episodes by id: family, stage, start date, when the current stage began."""
        stage_changed = (
            EpisodeHistory.objects.filter(
                episode=OuterRef("pk"), change=EpisodeHistory.Change.STAGE
            )
            .order_by("-at", "-id")
            .values("at")[:1]
        )
        rows = (
            Episode.objects.filter(status__in=OPEN_EPISODE)
            .annotate(stage_changed_at=Subquery(stage_changed))
            .values("pk", "family_id", "stage", "started_on", "stage_changed_at")
        )
        return {row["pk"]: row for row in rows}

    @cached_property
    def children(self) -> dict:
        """The children of the open episodes' families: family id -> [person id]."""
        families = {row["family_id"] for row in self.episodes.values()}
        found = defaultdict(list)
        rows = (
            FamilyMember.objects.filter(
                family__episodes__status__in=OPEN_EPISODE,
                role=FamilyMember.Role.CHILD,
                person__kind=Person.Kind.CHILD,
            )
            .values_list("family_id", "person_id")
            .distinct()
            .order_by("family_id", "person_id")
        )
        for family_id, person_id in rows:
            if family_id in families:
                found[family_id].append(person_id)
        return found


def _over(days: int, threshold: int) -> bool:
    return days > threshold


def _first_day_over(start: date, threshold_days: int) -> date:
    return start + timedelta(days=threshold_days + 1)


# ---------------------------------------------------------------- the rules


def time_in_stage(ctx: Context, rule: RadarRule) -> list[Finding]:
    found = []
    for pk, row in ctx.episodes.items():
        changed = row["stage_changed_at"]
        in_stage_since = clock.local(changed).date() if changed else row["started_on"]
        if _over((ctx.today - in_stage_since).days, rule.threshold):
            found.append(
                Finding(
                    rule=rule.code,
                    family_id=row["family_id"],
                    episode_id=pk,
                    since=_first_day_over(in_stage_since, rule.threshold),
                    facts={
                        "stage": row["stage"],
                        "in_stage_since": iso(in_stage_since),
                        "threshold": rule.threshold,
                    },
                )
            )
    return found


def _last_seen(ctx: Context, through) -> dict:
    """(episode id, person id) -> the last date a contact of the episode saw them."""
    rows = (
        through.objects.filter(
            contact__episode__status__in=OPEN_EPISODE, contact__happened_on__lte=ctx.today
        )
        .values("contact__episode_id", "person_id")
        .annotate(last=Max("contact__happened_on"))
        .order_by()
    )
    return {(row["contact__episode_id"], row["person_id"]): row["last"] for row in rows}


def _children_not_seen(ctx: Context, rule: RadarRule, through, fact: str) -> list[Finding]:
    latest = _last_seen(ctx, through)
    found = []
    for pk, row in ctx.episodes.items():
        for child_id in ctx.children.get(row["family_id"], []):
            seen_on = latest.get((pk, child_id))
            start = seen_on or row["started_on"]
            if _over((ctx.today - start).days, rule.threshold):
                found.append(
                    Finding(
                        rule=rule.code,
                        family_id=row["family_id"],
                        episode_id=pk,
                        child_id=child_id,
                        since=_first_day_over(start, rule.threshold),
                        facts={
                            fact: iso(seen_on),
                            "episode_started": iso(row["started_on"]),
                            "threshold": rule.threshold,
                        },
                    )
                )
    return found


def no_contact_with_child(ctx: Context, rule: RadarRule) -> list[Finding]:
    return _children_not_seen(ctx, rule, Contact.seen.through, "last_seen")


def not_seen_alone(ctx: Context, rule: RadarRule) -> list[Finding]:
    return _children_not_seen(ctx, rule, Contact.seen_alone.through, "last_seen_alone")


def review_overdue(ctx: Context, rule: RadarRule) -> list[Finding]:
    due: dict = {}
    rows = PlanReview.objects.filter(
        episode__status__in=OPEN_EPISODE, held_on__isnull=True
    ).values_list("episode_id", "due_on")
    for episode_id, due_on in rows:
        if episode_id not in due or due_on < due[episode_id]:
            due[episode_id] = due_on
    found = []
    for episode_id, due_on in due.items():
        row = ctx.episodes.get(episode_id)
        if row and _over((ctx.today - due_on).days, rule.threshold):
            found.append(
                Finding(
                    rule=rule.code,
                    family_id=row["family_id"],
                    episode_id=episode_id,
                    since=_first_day_over(due_on, rule.threshold),
                    facts={"due_on": iso(due_on), "threshold": rule.threshold},
                )
            )
    return found


def action_overdue(ctx: Context, rule: RadarRule) -> list[Finding]:
    latest_due = ctx.today - timedelta(days=rule.threshold + 1)
    rows = (
        PlanAction.objects.filter(
            outcome__plan__episode__status__in=OPEN_EPISODE,
            status=PlanAction.Status.OPEN,
            by_when__lte=latest_due,
        )
        .values("outcome__plan__episode_id")
        .annotate(count=Count("pk"), oldest=Min("by_when"))
        .order_by()
    )
    found = []
    for row in rows:
        episode_id = row["outcome__plan__episode_id"]
        episode = ctx.episodes.get(episode_id)
        if episode is None:
            continue
        found.append(
            Finding(
                rule=rule.code,
                family_id=episode["family_id"],
                episode_id=episode_id,
                since=_first_day_over(row["oldest"], rule.threshold),
                facts={
                    "count": row["count"],
                    "oldest_due": iso(row["oldest"]),
                    "threshold": rule.threshold,
                },
            )
        )
    return found


def no_progress(ctx: Context, rule: RadarRule) -> list[Finding]:
    """No outcome's progress improved across the last ``threshold`` held reviews, by the progress
    each review recorded (a review from before that was kept says nothing, so the rule cannot
    tell, and says nothing)."""
    held = defaultdict(list)
    copies = {}
    rows = (
        PlanReview.objects.filter(episode__status__in=OPEN_EPISODE, held_on__isnull=False)
        .values_list("episode_id", "pk", "held_on", "progress")
        .order_by("episode_id", "held_on", "pk")
    )
    for episode_id, pk, held_on, progress in rows:
        held[episode_id].append((pk, held_on))
        if progress:
            copies[pk] = progress
    found = []
    for episode_id, reviews in held.items():
        last = reviews[-rule.threshold :]
        episode = ctx.episodes.get(episode_id)
        if episode is None or len(last) < rule.threshold or any(pk not in copies for pk, _ in last):
            continue
        latest = copies[last[-1][0]]
        if not latest or all(v == PlanOutcome.Progress.ACHIEVED for v in latest.values()):
            continue
        improved = False
        for (before_pk, _), (after_pk, _) in zip(last, last[1:], strict=False):
            before, after = copies[before_pk], copies[after_pk]
            for outcome_id, progress in after.items():
                was = before.get(outcome_id, PlanOutcome.Progress.NOT_STARTED)
                if PROGRESS_RANK.get(progress, 0) > PROGRESS_RANK.get(was, 0):
                    improved = True
        if not improved:
            found.append(
                Finding(
                    rule=rule.code,
                    family_id=episode["family_id"],
                    episode_id=episode_id,
                    since=last[-1][1],
                    facts={
                        "reviews": [iso(held_on) for _, held_on in last],
                        "outcomes": len(latest),
                        "threshold": rule.threshold,
                    },
                )
            )
    return found


def episode_open_long(ctx: Context, rule: RadarRule) -> list[Finding]:
    found = []
    for pk, row in ctx.episodes.items():
        limit = clock.add_months(row["started_on"], rule.threshold)
        if ctx.today > limit:
            found.append(
                Finding(
                    rule=rule.code,
                    family_id=row["family_id"],
                    episode_id=pk,
                    since=limit + timedelta(days=1),
                    facts={"started_on": iso(row["started_on"]), "threshold": rule.threshold},
                )
            )
    return found


def no_lead_professional(ctx: Context, rule: RadarRule) -> list[Finding]:
    rows = (
        PanelCase.objects.filter(
            status=PanelCase.Status.DECIDED,
            decision__kind=PanelDecision.Kind.LEAD_AGENCY,
            decision__lead_agency__isnull=False,
        )
        .exclude(pk__in=LeadProfessionalAllocation.objects.values("case_id"))
        .values("pk", "referral__family_id", "decision__decided_at", "decision__lead_agency__name")
    )
    found = []
    for row in rows:
        decided_on = clock.local(row["decision__decided_at"]).date()
        if _over((ctx.today - decided_on).days, rule.threshold):
            found.append(
                Finding(
                    rule=rule.code,
                    family_id=row["referral__family_id"],
                    panel_case_id=row["pk"],
                    since=_first_day_over(decided_on, rule.threshold),
                    facts={
                        "decided_on": iso(decided_on),
                        "agency": row["decision__lead_agency__name"],
                        "threshold": rule.threshold,
                    },
                )
            )
    return found


def request_reply_overdue(ctx: Context, rule: RadarRule) -> list[Finding]:
    """A family's own request (the public form promises a reply within the council's working
    days) still waiting for triage ``threshold`` days after that promise."""
    council = Council.objects.only("public_response_working_days").first()
    working_days = (
        council.public_response_working_days
        if council
        else Council._meta.get_field("public_response_working_days").default
    )
    rows = SupportRequest.objects.filter(
        source=SupportRequest.Source.PUBLIC, status__in=SupportRequest.OPEN_STATUSES
    ).values_list("pk", "family_id", "created_at")
    found = []
    for pk, family_id, created_at in rows:
        received_on = clock.local(created_at).date()
        reply_by = add_working_days(received_on, working_days)
        if _over((ctx.today - reply_by).days, rule.threshold):
            found.append(
                Finding(
                    rule=rule.code,
                    family_id=family_id,
                    support_request_id=pk,
                    since=_first_day_over(reply_by, rule.threshold),
                    facts={
                        "received_on": iso(received_on),
                        "reply_by": iso(reply_by),
                        "working_days": working_days,
                        "threshold": rule.threshold,
                    },
                )
            )
    return found


def was_not_brought(ctx: Context, rule: RadarRule) -> list[Finding]:
    """``threshold`` or more missed appointments for a child within the last ``window`` weeks."""
    weeks = rule.window or 12
    start = ctx.today - timedelta(weeks=weeks)
    missed = defaultdict(list)
    rows = (
        Contact.not_brought.through.objects.filter(
            contact__episode__status__in=OPEN_EPISODE,
            contact__kind=Contact.Kind.WAS_NOT_BROUGHT,
            contact__happened_on__gt=start,
            contact__happened_on__lte=ctx.today,
        )
        .values_list("contact__episode_id", "person_id", "contact__happened_on")
        .order_by("contact__happened_on", "contact_id")
    )
    for episode_id, person_id, happened_on in rows:
        missed[(episode_id, person_id)].append(happened_on)
    found = []
    for (episode_id, person_id), dates in missed.items():
        episode = ctx.episodes.get(episode_id)
        if episode is None or len(dates) < rule.threshold:
            continue
        found.append(
            Finding(
                rule=rule.code,
                family_id=episode["family_id"],
                episode_id=episode_id,
                child_id=person_id,
                since=dates[rule.threshold - 1],
                facts={
                    "missed": [iso(d) for d in dates],
                    "threshold": rule.threshold,
                    "weeks": weeks,
                },
            )
        )
    return found


RULES: dict[str, Callable[[Context, RadarRule], list[Finding]]] = {
    RuleCode.TIME_IN_STAGE: time_in_stage,
    RuleCode.NO_CONTACT_WITH_CHILD: no_contact_with_child,
    RuleCode.NOT_SEEN_ALONE: not_seen_alone,
    RuleCode.REVIEW_OVERDUE: review_overdue,
    RuleCode.ACTION_OVERDUE: action_overdue,
    RuleCode.NO_PROGRESS: no_progress,
    RuleCode.EPISODE_OPEN_LONG: episode_open_long,
    RuleCode.NO_LEAD_PROFESSIONAL: no_lead_professional,
    RuleCode.REQUEST_REPLY_OVERDUE: request_reply_overdue,
    RuleCode.WAS_NOT_BROUGHT: was_not_brought,
}


def evaluate(*, today: date, rules: list[RadarRule]) -> list[Finding]:
    """Every finding of the enabled ``rules`` on ``today``."""
    ctx = Context(today=today)
    found: list[Finding] = []
    for rule in rules:
        if rule.enabled:
            found.extend(RULES[rule.code](ctx, rule))
    return found
