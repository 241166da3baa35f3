"""Reads for the offer: programmes with their places, waiting lists, referrals, groups.

Places
    A group's places taken are its enrolments that have not left (completers keep theirs: the
    run had room for them); its free places are ``capacity - taken`` while it is planned or
    running, none once finished or cancelled. A group programme's free places are the sum over
    its groups, less the places held for referrals already told a place is free (status
    "referred", one place per person referred). A one-to-one service's free places are
    ``capacity`` less its referrals holding a place (referred or has a place).

Waiting list
    A programme's referrals that are waiting, in the pack's priority order (first listed is
    first), then by the date they were added, then by id. Each row has its position, the whole
    weeks waited, and a flag when it has waited more than the pack's threshold in weeks.

Family data comes only through ``people.selectors``: a referral's family must be in the reader's
scope (else 404), and a waiting-list row for a family outside it shows no name or reference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role
from core import clock, records, scope
from core.models import Area, Site, Team
from directory.models import Service
from offer.models import (
    Attendance,
    Enrolment,
    GroupSession,
    ImpactMeasure,
    OfferPolicy,
    Programme,
    ProgrammeGroup,
    Referral,
    ReferralHistory,
)
from people import selectors as people_selectors
from people.models import Person

User = get_user_model()
Status = Referral.Status
DEFAULT_FLAG_WEEKS = 6
DEFAULT_PRIORITIES = [
    {"code": "urgent", "name": "Urgent"},
    {"code": "high", "name": "High"},
    {"code": "standard", "name": "Standard"},
]
# The report's impact measures (004 §3.32), until the council pack lists its own.
DEFAULT_IMPACT_MEASURES = [
    {"code": "plan-closed", "name": "The child protection, child in need or TAF plan was closed"},
    {"code": "employment", "name": "Found employment"},
    {"code": "left-abusive-relationship", "name": "Left an abusive or coercive relationship"},
    {"code": "behaviour-improved", "name": "The children's behaviour improved significantly"},
]
HOLDING_PLACE = (Status.REFERRED, Status.ENROLLED)


# ---------------------------------------------------------------- the pack's policy


def policy() -> OfferPolicy:
    found = OfferPolicy.objects.order_by("pk").first()
    if found is None:
        found = OfferPolicy(waiting_flag_weeks=DEFAULT_FLAG_WEEKS)
    if not found.priorities:
        found.priorities = DEFAULT_PRIORITIES
    if not found.impact_measures:
        found.impact_measures = DEFAULT_IMPACT_MEASURES
    return found


def priority_choices(current: OfferPolicy | None = None) -> list[tuple[str, str]]:
    return [(p["code"], p["name"]) for p in (current or policy()).priorities]


def impact_measure_choices(current: OfferPolicy | None = None) -> list[tuple[str, str]]:
    return [(m["code"], m["name"]) for m in (current or policy()).impact_measures]


def priority_rank(codes: list[str]) -> Case:
    """Ranks a referral's priority by the pack's order (a code no longer listed goes last)."""
    return Case(
        *(When(priority=code, then=Value(index)) for index, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )


# ---------------------------------------------------------------- directory services


def pickable_services() -> QuerySet[Service]:
    """The directory services one may refer or signpost to: active ones, by name."""
    return Service.objects.filter(status="active").order_by("name", "id")


def pickable_service(service_id) -> Service | None:
    try:
        return pickable_services().get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        return None


def programme_of_service(service: Service) -> Programme | None:
    """The programme a directory service is, taking referrals or not (None: a plain service)."""
    return Programme.objects.filter(service=service).select_related("team").first()


def waiting_or_offered(programme: Programme) -> int:
    """Referrals still waiting for a place or holding one offered (not yet enrolled)."""
    return Referral.objects.filter(
        programme=programme, status__in=(Status.WAITING, Status.REFERRED)
    ).count()


# ---------------------------------------------------------------- places


def _taken_by_group(group_ids) -> dict[int, int]:
    rows = (
        Enrolment.objects.filter(group_id__in=group_ids)
        .exclude(status=Enrolment.Status.LEFT)
        .values("group_id")
        .annotate(n=Count("id"))
    )
    return {row["group_id"]: row["n"] for row in rows}


def group_free(group: ProgrammeGroup, taken: int) -> int:
    if group.status not in ProgrammeGroup.OPEN_STATUSES:
        return 0
    return max(0, group.capacity - taken)


def group_places(group: ProgrammeGroup) -> tuple[int, int]:
    """(taken, free) for one group (one query)."""
    taken = _taken_by_group([group.pk]).get(group.pk, 0)
    return taken, group_free(group, taken)


def _held_by_programme(programme_ids) -> dict[int, dict[str, int]]:
    """For each programme: people on referrals that hold a place (referred, has a place), and
    referrals waiting (one query)."""
    rows = (
        Referral.objects.filter(programme_id__in=programme_ids, status__in=Referral.ACTIVE_STATUSES)
        .values("programme_id", "status")
        .annotate(referrals=Count("id", distinct=True), people=Count("people"))
    )
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        out[row["programme_id"]][f"{row['status']}_referrals"] += row["referrals"]
        out[row["programme_id"]][f"{row['status']}_people"] += row["people"]
    return out


@dataclass
class Places:
    free: int
    waiting: int
    capacity: int
    # The open groups (group programmes), each with ``taken`` and ``free`` set.
    groups: list


def places_for(programmes: list[Programme]) -> dict[int, Places]:
    """Free places and waiting counts for programmes, in three queries however many."""
    ids = [p.pk for p in programmes]
    groups = list(
        ProgrammeGroup.objects.filter(programme_id__in=ids, status__in=ProgrammeGroup.OPEN_STATUSES)
    )
    taken = _taken_by_group([g.pk for g in groups])
    held = _held_by_programme(ids)
    by_programme: dict[int, list] = defaultdict(list)
    for group in groups:
        group.taken = taken.get(group.pk, 0)
        group.free = group_free(group, group.taken)
        by_programme[group.programme_id].append(group)
    out = {}
    for programme in programmes:
        counts = held[programme.pk]
        waiting = counts[f"{Status.WAITING}_referrals"]
        if programme.runs_groups:
            own = by_programme[programme.pk]
            capacity = sum(g.capacity for g in own)
            free = sum(g.free for g in own) - counts[f"{Status.REFERRED}_people"]
        else:
            own = []
            capacity = programme.capacity
            free = (
                programme.capacity
                - counts[f"{Status.REFERRED}_referrals"]
                - counts[f"{Status.ENROLLED}_referrals"]
            )
        out[programme.pk] = Places(
            free=max(0, free), waiting=waiting, capacity=capacity, groups=own
        )
    return out


def programme_places(programme: Programme) -> Places:
    return places_for([programme])[programme.pk]


# ---------------------------------------------------------------- programmes and groups


def programmes(user) -> QuerySet[Programme]:
    if not rules.has_perm("offer.view_offer", user):
        return Programme.objects.none()
    return Programme.objects.select_related("service", "team", "area").order_by(
        "-active", "service__name", "id"
    )


def offer_rows(user) -> list[tuple[Programme, Places]]:
    found = list(programmes(user))
    places = places_for(found)
    return [(p, places[p.pk]) for p in found]


def get_programme(user, programme_id) -> Programme:
    return get_object_or_404(programmes(user), pk=programme_id)


def programme_for_service(user, service_id) -> Programme:
    return get_object_or_404(programmes(user), service_id=service_id)


def programme_groups(programme: Programme) -> list[ProgrammeGroup]:
    """Every group of a programme with its sessions, facilitators, places (four queries)."""
    groups = list(
        programme.groups.select_related("venue").prefetch_related("sessions", "facilitators")
    )
    taken = _taken_by_group([g.pk for g in groups])
    for group in groups:
        group.taken = taken.get(group.pk, 0)
        group.free = group_free(group, group.taken)
    return groups


def groups_for(user) -> QuerySet[ProgrammeGroup]:
    if not rules.has_perm("offer.view_offer", user):
        return ProgrammeGroup.objects.none()
    return ProgrammeGroup.objects.select_related(
        "programme", "programme__service", "programme__team", "venue"
    )


def get_group(user, group_id) -> ProgrammeGroup:
    group = get_object_or_404(groups_for(user), pk=group_id)
    return group


def get_session(group: ProgrammeGroup, session_id) -> GroupSession:
    return get_object_or_404(group.sessions.all(), pk=session_id)


def group_enrolments(group: ProgrammeGroup) -> list[Enrolment]:
    """The participants, with their attendance and impact measures (four queries)."""
    return list(
        group.enrolments.select_related("person", "referral__family")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("session")),
            Prefetch("impacts", queryset=ImpactMeasure.objects.order_by("recorded_on", "id")),
        )
        .order_by("person__last_name", "person__first_name", "id")
    )


def get_enrolment(group: ProgrammeGroup, enrolment_id) -> Enrolment:
    return get_object_or_404(group.enrolments.select_related("person", "referral"), pk=enrolment_id)


def visible_person_ids(user, person_ids) -> set:
    """Which of these people the reader may see (one query)."""
    return set(
        people_selectors.people_for(user)
        .filter(pk__in=list(person_ids))
        .values_list("pk", flat=True)
    )


def visible_family_ids(user, family_ids) -> set:
    return set(
        people_selectors.families_for(user)
        .filter(pk__in=list(family_ids))
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------- waiting list


@dataclass
class WaitingRow:
    referral: Referral
    position: int
    weeks_waiting: int
    flagged: bool
    visible: bool
    priority_name: str


def waiting_referrals(programme: Programme, codes: list[str] | None = None) -> QuerySet[Referral]:
    codes = codes if codes is not None else [p["code"] for p in policy().priorities]
    return (
        Referral.objects.filter(programme=programme, status=Status.WAITING)
        .annotate(rank=priority_rank(codes))
        .order_by("rank", "waiting_since", "id")
    )


def weeks_between(start: date, today: date) -> int:
    return max(0, (today - start).days // 7)


def is_flagged(start: date, today: date, weeks: int) -> bool:
    """Waiting more than ``weeks`` whole weeks (added more than 7 × weeks days ago)."""
    return (today - start).days > 7 * weeks


def waiting_list(user, programme: Programme, *, today: date | None = None) -> list[WaitingRow]:
    """The programme's waiting list as the reader may see it (three queries)."""
    today = today or clock.today()
    current = policy()
    names = dict(priority_choices(current))
    referrals = list(
        waiting_referrals(programme, [p["code"] for p in current.priorities])
        .select_related("family", "made_by")
        .prefetch_related("people")
    )
    visible = visible_family_ids(user, {r.family_id for r in referrals}) if referrals else set()
    return [
        WaitingRow(
            referral=r,
            position=index,
            weeks_waiting=weeks_between(r.waiting_since, today),
            flagged=is_flagged(r.waiting_since, today, current.waiting_flag_weeks),
            visible=r.family_id in visible,
            priority_name=names.get(r.priority, r.priority),
        )
        for index, r in enumerate(referrals, start=1)
    ]


@dataclass
class OfferedRow:
    referral: Referral
    visible: bool


def places_offered(user, programme: Programme) -> list[OfferedRow]:
    """The programme's referrals holding a place offered (or free when referred), oldest first,
    as the reader may see them (two queries)."""
    referrals = list(
        Referral.objects.filter(programme=programme, status=Status.REFERRED)
        .select_related("family")
        .order_by("made_on", "id")
    )
    visible = visible_family_ids(user, {r.family_id for r in referrals}) if referrals else set()
    return [OfferedRow(referral=r, visible=r.family_id in visible) for r in referrals]


def waiting_position(referral: Referral) -> int | None:
    """The referral's place on its programme's waiting list (one query), or None."""
    if referral.status != Status.WAITING or referral.programme_id is None:
        return None
    ids = list(waiting_referrals(referral.programme).values_list("id", flat=True))
    return ids.index(referral.pk) + 1 if referral.pk in ids else None


def managed_programme_ids(user) -> QuerySet:
    qs = Programme.objects.filter(active=True)
    if not rules.has_perm("offer.view_offer", user):
        return qs.none().values("id")
    if not rules.has_perm("offer.add_programme", user):
        qs = qs.filter(team_id__in=scope.team_ids_in_scope(user))
    return qs.values("id")


def tray_referrals(user, *, team_ids: set[int] | None) -> list[Referral]:
    """One query for the tray: the referrals waiting on programmes the reader manages (every
    programme when ``team_ids`` is None, a team leader; else those of these teams), and the
    signposts they made still waiting for the uptake."""
    condition = Q(status=Status.HANDED_OVER, made_by=user)
    active = Q(status=Status.WAITING, programme__active=True)
    if team_ids is None:
        condition |= active
    elif team_ids:
        condition |= active & Q(programme__team_id__in=team_ids)
    return list(
        Referral.objects.filter(condition)
        .select_related("service", "programme__service", "family")
        .order_by("made_on", "id")
    )


def sessions_awaiting_attendance(user, *, today: date | None = None) -> list[GroupSession]:
    """For the tray: sessions held (today or before) of the running groups the reader
    facilitates, with participants but no attendance recorded yet, oldest first (one query)."""
    return list(
        GroupSession.objects.filter(
            group__facilitators=user,
            group__status=ProgrammeGroup.Status.RUNNING,
            held_on__lte=today or clock.today(),
        )
        .annotate(
            marked=Count("attendance", distinct=True),
            participants=Count(
                "group__enrolments",
                filter=~Q(group__enrolments__status=Enrolment.Status.LEFT),
                distinct=True,
            ),
        )
        .filter(marked=0, participants__gt=0)
        .select_related("group__programme__service")
        .order_by("held_on", "id")
    )


def programmes_with_places(user, programme_ids) -> list[tuple[Programme, Places]]:
    found = list(programmes(user).filter(pk__in=list(programme_ids)))
    places = places_for(found)
    return [(p, places[p.pk]) for p in found]


def waiting_positions(referrals) -> dict[int, int]:
    """Each waiting referral's place on its programme's list (two queries for any number)."""
    programme_ids = {r.programme_id for r in referrals if r.status == Status.WAITING}
    if not programme_ids:
        return {}
    codes = [p["code"] for p in policy().priorities]
    rows = (
        Referral.objects.filter(programme_id__in=programme_ids, status=Status.WAITING)
        .annotate(rank=priority_rank(codes))
        .order_by("programme_id", "rank", "waiting_since", "id")
        .values_list("id", "programme_id")
    )
    positions: dict[int, int] = {}
    counter: dict[int, int] = defaultdict(int)
    for referral_id, programme_id in rows:
        counter[programme_id] += 1
        positions[referral_id] = counter[programme_id]
    return positions


def source_link(referral: Referral):
    """The link to the record the referral came from (triage, panel case, plan action)."""
    return records.link_for(referral.source_type, referral.source_id)


# ---------------------------------------------------------------- referrals


def _referrals_in_scope(user) -> QuerySet[Referral]:
    """Referrals of families in the reader's scope, and the signposts with no family record
    they made themselves (listed to their maker only; others reach one from its request)."""
    if not rules.has_perm("offer.view_offer", user):
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(family__in=people_selectors.families_for(user)) | Q(family__isnull=True, made_by=user)
    )


def _family_in_scope_or_none(user) -> Q:
    return Q(family__in=people_selectors.families_for(user)) | Q(family__isnull=True)


def _without_family_readable(user, referral: Referral) -> bool:
    """A signpost with no family record: read through its request's own scope."""
    return referral.family_id is None and records.may_read(
        user, referral.source_type, referral.source_id
    )


def _readers_only(user, qs: QuerySet[Referral]) -> QuerySet[Referral]:
    """Those the reader made, or on programmes they manage (signposts: team leaders)."""
    if rules.has_perm("offer.add_programme", user):
        return qs
    return qs.filter(Q(made_by=user) | Q(programme_id__in=managed_programme_ids(user)))


def referrals_readable(user) -> QuerySet[Referral]:
    """Referrals the reader made, or on programmes they manage (signposts: team leaders), of
    families in their scope."""
    return _readers_only(user, _referrals_in_scope(user))


def get_referral(user, referral_id) -> Referral:
    if not rules.has_perm("offer.view_offer", user):
        raise Http404
    referral = get_object_or_404(
        Referral.objects.filter(_family_in_scope_or_none(user)).select_related(
            "family", "service", "programme", "programme__service", "programme__team", "made_by"
        ),
        pk=referral_id,
    )
    if referral.family_id is None and referral.made_by_id != user.pk:
        if not _without_family_readable(user, referral):
            raise Http404
    if not rules.has_perm("offer.view_referral", user, referral):
        raise Http404
    return referral


def referral_history(referral: Referral) -> QuerySet[ReferralHistory]:
    return referral.history.select_related("actor").order_by("at", "id")


def referrals_for_source(user, source_type: str, source_id) -> QuerySet[Referral]:
    """The referrals made from one record (a triage, a panel case, a plan action) that the
    reader may see, newest first, ready to list (people prefetched). The caller has read the
    record in the reader's scope, so its signposts with no family record are listed too."""
    if not rules.has_perm("offer.view_offer", user):
        return Referral.objects.none()
    qs = Referral.objects.filter(_family_in_scope_or_none(user))
    return (
        _readers_only(user, qs)
        .filter(source_type=source_type, source_id=str(source_id))
        .select_related("service", "programme", "made_by")
        .prefetch_related("people")
        .order_by("-made_on", "-id")
    )


def referrals_for_family(user, family) -> QuerySet[Referral]:
    return (
        referrals_readable(user)
        .filter(family=family)
        .select_related("service", "programme")
        .order_by("-made_on", "-id")
    )


def my_referrals(user) -> QuerySet[Referral]:
    return (
        _referrals_in_scope(user)
        .filter(made_by=user)
        .select_related("service", "programme", "family")
        .order_by("-made_on", "-id")
    )


def family_for_referral(user, family_id):
    return people_selectors.get_family(user, family_id)


def family_members(family) -> list[Person]:
    return [m.person for m in family.members.select_related("person").order_by("role", "id")]


# ---------------------------------------------------------------- choices for the forms


def team_choices() -> QuerySet[Team]:
    return Team.objects.select_related("agency").order_by("name")


def area_choices() -> QuerySet[Area]:
    return Area.objects.order_by("sort_order", "name")


def site_choices() -> QuerySet[Site]:
    return Site.objects.order_by("name")


def services_not_in_offer() -> QuerySet[Service]:
    return pickable_services().filter(programme__isnull=True)


def facilitator_choices(programme: Programme) -> QuerySet:
    """Staff who may run a group: the programme's team, and early support team leaders."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(team_id=programme.team_id) | Q(role_grants__role=Role.EARLY_SUPPORT_TEAM_LEADER))
        .filter(role_grants__role__in=scope.CASE_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def family_by_reference(user, reference: str):
    """A family in the reader's scope by its reference, or None."""
    return people_selectors.families_for(user).filter(reference__iexact=reference.strip()).first()


# ---------------------------------------------------------------- for the API's schema


def no_programmes() -> QuerySet[Programme]:
    return Programme.objects.none()


def no_groups() -> QuerySet[ProgrammeGroup]:
    return ProgrammeGroup.objects.none()


def no_referrals() -> QuerySet[Referral]:
    return Referral.objects.none()


def no_enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.none()


def get_enrolment_for(user, enrolment_id) -> Enrolment:
    if not rules.has_perm("offer.view_offer", user):
        raise Http404
    return get_object_or_404(
        Enrolment.objects.select_related("group__programme", "person", "referral"),
        pk=enrolment_id,
    )
