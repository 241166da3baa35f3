"""Scoped reads of casework. Who may change what is in ``casework.rules``.

An episode is part of the family's record: visible exactly when the family is
(people.selectors.families_for); anything else is 404.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import Role, User
from casework.models import (
    Contact,
    Episode,
    EpisodeHistory,
    FamilyPlan,
    PlanAction,
    PlanOutcome,
    PlanReview,
    TafMeeting,
)
from core import clock
from panel import selectors as panel_selectors
from panel.selectors import LEAD_PROFESSIONAL_ROLES
from people.selectors import families_for


def episodes_for(user):
    return Episode.objects.filter(family__in=families_for(user))


def no_episodes() -> QuerySet[Episode]:
    """An empty queryset of episodes (the API schema's generator reads no one's)."""
    return Episode.objects.none()


def get_episode(user, episode_id) -> Episode:
    return get_object_or_404(
        episodes_for(user).select_related(
            "family",
            "lead_professional",
            "lead_professional__team",
            "lead_agency",
            "need_level",
            "previous",
        ),
        pk=episode_id,
    )


def team_caseload_for(user):
    """The team caseload: every episode in scope for the early support team leader, and the
    episodes led by their teams' members for a team manager."""
    episodes = episodes_for(user)
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return episodes
    return episodes.filter(lead_professional__team__in=user.managed_teams.values("pk"))


def lead_professional_choices() -> QuerySet[User]:
    """Who may be named lead professional: active practitioners and lead professionals."""
    return (
        User.objects.filter(is_active=True, role_grants__role__in=LEAD_PROFESSIONAL_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# The episodes before and after one already read through this module. Links never leave the
# family (the services refuse another family's episode as the previous one), so these show
# nothing of a family the reader cannot see.


def next_episode_id(episode: Episode):
    """The id of the episode that followed this one (stepped down into), or None."""
    return Episode.objects.filter(previous=episode).values_list("pk", flat=True).first()


def open_episode_for_case(case) -> Episode | None:
    """The episode of a panel case's chain that is still open (at most one: a family has one open
    episode at a time), or None once the chain has ended or was stepped up (ADR 0016)."""
    return (
        Episode.objects.filter(
            panel_case=case, status__in=(Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED)
        )
        .order_by("-started_on", "-created_at")
        .first()
    )


def plan_left_to_do(episode: Episode) -> tuple[int, int] | None:
    """(outcomes not achieved, open actions) of the episode's plan, or None with no plan: what a
    step down may carry over (``casework.plan_carry``)."""
    plan = FamilyPlan.objects.filter(episode=episode).first()
    if plan is None:
        return None
    outcomes = plan.outcomes.exclude(progress=PlanOutcome.Progress.ACHIEVED)
    actions = PlanAction.objects.filter(outcome__in=outcomes, status=PlanAction.Status.OPEN)
    return outcomes.count(), actions.count()


@dataclass(frozen=True)
class Origin:
    """One record the episode's work came from, as the episode page links it."""

    label: str  # "Request for support"
    text: str  # "Received 2 November 2026"
    url: str


def episode_origins(episode: Episode) -> list[Origin]:
    """The request, the assessment and the panel case behind an episode, oldest first, so each
    record of the case links to the others (ADR 0016). Each linked page applies its own scope."""
    found = []
    assessment = episode.assessment
    request = getattr(assessment, "support_request", None) if assessment else None
    if request is not None:
        found.append(
            Origin(
                "Request for support",
                f"Received {clock.local(request.created_at):%-d %B %Y}: {request.get_status_display()}",
                reverse("support_requests:detail", kwargs={"request_id": request.pk}),
            )
        )
    if assessment is not None:
        found.append(
            Origin(
                "Assessment",
                f"Started {clock.local(assessment.created_at):%-d %B %Y}: {assessment.get_status_display()}",
                reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}),
            )
        )
    case = episode.panel_case
    if case is not None:
        found.append(
            Origin(
                "Panel case",
                f"{case.esmap_number}: {case.get_status_display()}",
                reverse("panel:case_overview", kwargs={"case_id": case.pk}),
            )
        )
    return found


def returned_closure(episode: Episode):
    """The panel's latest return of this episode's closure, while the episode is open again."""
    if episode.panel_case_id is None or episode.status != Episode.Status.OPEN:
        return None
    returned = panel_selectors.returned_closure(episode.panel_case)
    if returned is None or returned.requested_at.date() < episode.started_on:
        return None  # a return from before this episode of the chain
    return returned


def has_next_episode(episode: Episode) -> bool:
    return Episode.objects.filter(previous=episode).exists()


def episode_chain(episode: Episode) -> list[Episode]:
    """The episodes before and after this one, oldest first (short chains: a query per link)."""
    before = []
    current = episode.previous
    seen = {episode.pk}
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        before.append(current)
        current = Episode.objects.select_related("previous").get(pk=current.pk).previous
    after = []
    current = Episode.objects.filter(previous=episode).first()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        after.append(current)
        current = Episode.objects.filter(previous=current).first()
    return [*reversed(before), episode, *after]


def caseload_rows(episodes: QuerySet[Episode]) -> list[Episode]:
    """Open episodes from ``episodes`` (already scoped) with the next review due and overdue
    counts, in one query whatever the caseload's size."""
    today = clock.today()
    reviews = PlanReview.objects.filter(episode=OuterRef("pk"), held_on__isnull=True)
    next_review = reviews.order_by().values("episode").annotate(d=Min("due_on")).values("d")
    overdue_reviews = (
        reviews.filter(due_on__lt=today)
        .order_by()
        .values("episode")
        .annotate(c=Count("pk"))
        .values("c")
    )
    overdue_actions = (
        PlanAction.objects.filter(
            outcome__plan__episode=OuterRef("pk"), status=PlanAction.Status.OPEN, by_when__lt=today
        )
        .order_by()
        .values("outcome__plan__episode")
        .annotate(c=Count("pk"))
        .values("c")
    )
    zero = Value(0, output_field=IntegerField())
    rows = list(
        episodes.filter(status__in=(Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED))
        .select_related("family", "lead_professional")
        .annotate(
            next_review_on=Subquery(next_review),
            overdue_reviews=Coalesce(Subquery(overdue_reviews, output_field=IntegerField()), zero),
            overdue_actions=Coalesce(Subquery(overdue_actions, output_field=IntegerField()), zero),
        )
        .order_by("started_on", "pk")
    )
    for row in rows:
        row.days_open = (today - row.started_on).days
        row.overdue = row.overdue_reviews + row.overdue_actions
        row.review_overdue = bool(row.next_review_on and row.next_review_on < today)
    return rows


# A plan's parts, by id, within a plan already read through ``casework.plans.plan_for``: an id
# from another plan is a 404.


def plan_outcome(plan: FamilyPlan, outcome_id: int) -> PlanOutcome:
    return get_object_or_404(
        PlanOutcome.objects.select_related("plan__episode"), pk=outcome_id, plan=plan
    )


def plan_url_for_action(action_id) -> str:
    """The plan page an action is on (a referral made from it links back here); the page
    itself checks who may read it."""
    episode_id = (
        PlanAction.objects.filter(pk=int(action_id))
        .values_list("outcome__plan__episode_id", flat=True)
        .first()
    )
    if episode_id is None:
        return reverse("casework:caseload")
    return reverse("casework:plan", kwargs={"episode_id": episode_id})


def plan_action(plan: FamilyPlan, action_id: int) -> PlanAction:
    return get_object_or_404(
        PlanAction.objects.select_related("outcome__plan__episode"),
        pk=action_id,
        outcome__plan=plan,
    )


def next_taf_meeting(episode: Episode) -> TafMeeting | None:
    """The latest Team Around the Family meeting that set a date for the next one."""
    return (
        TafMeeting.objects.filter(episode=episode, next_meeting_on__isnull=False)
        .order_by("-held_on", "-id")
        .first()
    )


# ---------------------------------------------------------------- work waiting (the work tray)

# Open for the work that goes on in an episode: its closure may be with the panel, but until the
# panel confirms it the plan is still reviewed and its actions still fall due.
OPEN_STATUSES = (Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED)


def led_open_episodes(user) -> QuerySet[Episode]:
    """The open episodes ``user`` leads, of families they can see."""
    return episodes_for(user).filter(lead_professional=user, status__in=OPEN_STATUSES)


def team_open_episodes(user) -> QuerySet[Episode]:
    """The open episodes of ``user``'s team caseload."""
    return team_caseload_for(user).filter(status__in=OPEN_STATUSES)


def next_reviews_due(episodes: QuerySet[Episode], *, due_by: date) -> QuerySet[PlanReview]:
    """The next review not yet held of each of ``episodes`` (already scoped) when it is due on or
    before ``due_by``, earliest first (so overdue ones lead), with the family for its label.

    One review is outstanding at a time; should there be more, only the earliest counts, so an
    episode is listed once."""
    earlier = PlanReview.objects.filter(episode=OuterRef("episode"), held_on__isnull=True).filter(
        Q(due_on__lt=OuterRef("due_on")) | Q(due_on=OuterRef("due_on"), pk__lt=OuterRef("pk"))
    )
    return (
        PlanReview.objects.filter(episode__in=episodes, held_on__isnull=True, due_on__lte=due_by)
        .exclude(Exists(earlier))
        .select_related("episode__family")
        .order_by("due_on", "pk")
    )


def open_actions_due(episodes: QuerySet[Episode], *, due_by: date) -> QuerySet[PlanAction]:
    """Plan actions still to do on ``episodes`` (already scoped) due on or before ``due_by``,
    earliest first, with the family for their label. Done and dropped actions are no longer due."""
    return (
        PlanAction.objects.filter(
            outcome__plan__episode__in=episodes,
            status=PlanAction.Status.OPEN,
            by_when__lte=due_by,
        )
        .select_related("outcome__plan__episode__family")
        .order_by("by_when", "pk")
    )


def next_contact_planned(episode: Episode) -> date | None:
    """When the lead professional planned to be in touch next: the latest contact's plan."""
    latest = episode.contacts.order_by("-happened_on", "-id").first()
    return latest.next_planned_on if latest else None


def contacts_due(episodes: QuerySet[Episode], *, due_by: date) -> QuerySet[Episode]:
    """Episodes from ``episodes`` (already scoped) whose next planned contact falls on or before
    ``due_by``, earliest first, each with ``next_contact_on`` and its family.

    The latest contact's plan is the one that stands, so a contact made since meets it (or plans
    the next one) and an episode whose latest contact planned nothing is not listed."""
    latest_plan = Subquery(
        Contact.objects.filter(episode=OuterRef("pk"))
        .order_by("-happened_on", "-id")
        .values("next_planned_on")[:1]
    )
    return (
        episodes.annotate(next_contact_on=latest_plan)
        .filter(next_contact_on__lte=due_by)
        .select_related("family")
        .order_by("next_contact_on", "pk")
    )


def closures_with_the_panel(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Episodes from ``episodes`` (already scoped) whose closure is waiting for the panel to
    confirm or return it, longest waiting first."""
    # A closure the panel returned is sent again on the same form, so when it went (this time)
    # is the status change, not when the form was first made.
    sent = (
        EpisodeHistory.objects.filter(
            episode=OuterRef("pk"),
            change=EpisodeHistory.Change.STATUS,
            to_value=Episode.Status.CLOSURE_REQUESTED.label,
        )
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    return (
        episodes.filter(status=Episode.Status.CLOSURE_REQUESTED)
        .select_related("family")
        .annotate(sent_to_panel_at=Coalesce(Subquery(sent), "closure__sent_at"))
        .order_by("sent_to_panel_at", "pk")
    )


def episode_oversight(episode: Episode):
    """An episode's management oversight notes and agreements, newest first, with who wrote them."""
    return episode.oversight.select_related("by", "used_for").order_by("-at", "-id")
