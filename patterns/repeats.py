"""Repeat referrals and repeat plans, worked out from the records whenever a page asks.

**Repeat referral**: a new request for support, or a new referral to the panel, for a child who had
one (either kind) within the pack's ``repeat_referral_months`` (12) before it. A request names its
children as the person asking described them (``SupportRequestChild``: a first name and a date of
birth or an age), not as people on the record, so the same child is the same first name (letter case
and spaces aside) and date of birth; a child given only an age cannot be matched. A panel referral's
children are people (its assessment's children), matched to earlier referrals by the person and to
requests by first name and date of birth. The request a referral's assessment came from is the same
case, not a repeat.

**Repeat plan**: a new plan (a chain of episodes: a step up and a later step down link episodes
through ``Episode.previous`` and are one plan, ADR 0016) that starts within ``repeat_plan_months``
(24) of the end of an earlier plan for one of the same children (a child may have moved family).

Each answer holds the facts, and says them in words. Every read starts from what the reader may
see (requests in their area, referrals they may see, episodes of families in their scope), so a
fact out of scope is never shown; and each function costs a fixed number of queries, however many
records it is asked about.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower, Trim

from assessments.models import AssessmentChild, PanelReferral
from casework import selectors as casework_selectors
from casework.models import Episode
from core import clock
from core.clock import add_months
from panel import selectors as panel_selectors
from patterns.settings import pattern_settings
from patterns.wording import long_date, names, span
from people.models import FamilyMember
from people.selectors import families_for
from support_requests.models import SupportRequest, SupportRequestChild
from support_requests.selectors import requests_for

REQUEST = "request"
PANEL_REFERRAL = "panel referral"

Key = tuple[str, date]


def _key(first_name: str, date_of_birth: date) -> Key:
    return ((first_name or "").strip().lower(), date_of_birth)


def _day(moment: datetime) -> date:
    return clock.local(moment).date()


@dataclass(frozen=True)
class EarlierReferral:
    """An earlier request or panel referral for one of the children of a later one."""

    child: str
    kind: str  # REQUEST or PANEL_REFERRAL
    record_id: str
    reference: str
    on: date
    later_on: date

    @property
    def sentence(self) -> str:
        what = "a request" if self.kind == REQUEST else "a panel referral"
        return (
            f"{self.child} had {what} on {long_date(self.on)} ({self.reference}), "
            f"{span(self.on, self.later_on)} before this one."
        )


@dataclass(frozen=True)
class _Found:
    key: Key
    person_id: object
    child: str
    kind: str
    record_id: str
    reference: str
    at: datetime


def visible_panel_referrals(user) -> QuerySet[PanelReferral]:
    """Panel referrals the reader may see: every one for intake staff (the inbox and logging),
    otherwise those of families in their scope."""
    if panel_selectors.is_intake_staff(user):
        return PanelReferral.objects.all()
    return PanelReferral.objects.filter(family__in=families_for(user))


def _earlier_requests(user, keys: set[Key], since: datetime, before: datetime) -> list[_Found]:
    if not keys:
        return []
    rows = (
        SupportRequestChild.objects.annotate(name_key=Lower(Trim("first_name")))
        .filter(
            name_key__in={k[0] for k in keys},
            date_of_birth__in={k[1] for k in keys},
            support_request__in=requests_for(user),
            support_request__created_at__gte=since,
            support_request__created_at__lt=before,
        )
        .values_list(
            "name_key",
            "date_of_birth",
            "first_name",
            "support_request_id",
            "support_request__reference",
            "support_request__created_at",
        )
    )
    return [
        _Found((name, dob), None, first.strip(), REQUEST, str(rid), ref, at)
        for name, dob, first, rid, ref, at in rows
        if (name, dob) in keys
    ]


def _earlier_panel_referrals(
    user, keys: set[Key], person_ids: set, since: datetime, before: datetime
) -> list[_Found]:
    match = Q(person_id__in=person_ids) if person_ids else Q(pk__in=[])
    if keys:
        match |= Q(
            name_key__in={k[0] for k in keys}, person__date_of_birth__in={k[1] for k in keys}
        )
    rows = (
        AssessmentChild.objects.annotate(name_key=Lower(Trim("person__first_name")))
        .filter(
            match,
            assessment__panel_referral__in=visible_panel_referrals(user),
            assessment__panel_referral__submitted_at__gte=since,
            assessment__panel_referral__submitted_at__lt=before,
        )
        .values_list(
            "name_key",
            "person__date_of_birth",
            "person__first_name",
            "person_id",
            "assessment__panel_referral__id",
            "assessment__panel_referral__panel_case__esmap_number",
            "assessment__family__reference",
            "assessment__panel_referral__submitted_at",
        )
    )
    return [
        _Found(
            (name, dob),
            person_id,
            first.strip(),
            PANEL_REFERRAL,
            str(rid),
            esmap or f"family {family_ref}",
            at,
        )
        for name, dob, first, person_id, rid, esmap, family_ref, at in rows
    ]


def _bounds(moments: Iterable[datetime], months: int) -> tuple[datetime, datetime]:
    moments = list(moments)
    # Generous by a few days (months differ in length); each match is checked exactly below.
    return min(moments) - timedelta(days=31 * months + 2), max(moments)


def _collect(found: list[_Found], *, at: datetime, months: int, wanted, skip) -> list:
    day = _day(at)
    start = add_months(day, -months)
    seen = set()
    earlier = []
    for row in found:
        if row.at >= at or (row.kind, row.record_id) in skip:
            continue
        on = _day(row.at)
        if on < start or not wanted(row):
            continue
        if (row.kind, row.record_id, row.child) in seen:
            continue
        seen.add((row.kind, row.record_id, row.child))
        earlier.append(
            EarlierReferral(
                child=row.child,
                kind=row.kind,
                record_id=row.record_id,
                reference=row.reference,
                on=on,
                later_on=day,
            )
        )
    earlier.sort(key=lambda e: (e.on, e.kind, e.reference), reverse=True)
    return earlier


def repeat_referrals_for_requests(user, support_requests: Iterable[SupportRequest]) -> dict:
    """``{request.pk: [EarlierReferral]}`` for requests whose children had one within the window."""
    support_requests = [r for r in support_requests if r is not None and r.pk]
    if not support_requests:
        return {}
    children = SupportRequestChild.objects.filter(
        support_request_id__in=[r.pk for r in support_requests], date_of_birth__isnull=False
    ).values_list("support_request_id", "first_name", "date_of_birth")
    by_request: dict = defaultdict(set)
    for request_id, first_name, dob in children:
        by_request[request_id].add(_key(first_name, dob))
    keys = set().union(*by_request.values()) if by_request else set()
    if not keys:
        return {}
    months = pattern_settings().repeat_referral_months
    since, before = _bounds((r.created_at for r in support_requests), months)
    found = _earlier_requests(user, keys, since, before) + _earlier_panel_referrals(
        user, keys, set(), since, before
    )
    answer = {}
    for support_request in support_requests:
        mine = by_request.get(support_request.pk, set())
        earlier = _collect(
            found,
            at=support_request.created_at,
            months=months,
            wanted=lambda row, mine=mine: row.key in mine,
            skip={(REQUEST, str(support_request.pk))},
        )
        if earlier:
            answer[support_request.pk] = earlier
    return answer


def repeat_referrals_for_panel_referrals(user, referrals: Iterable[PanelReferral]) -> dict:
    """``{referral.pk: [EarlierReferral]}`` for panel referrals whose children had a request or a
    referral within the window (not counting the request the referral's case began with)."""
    referrals = [r for r in referrals if r is not None and r.pk]
    if not referrals:
        return {}
    children = AssessmentChild.objects.filter(
        assessment__panel_referral__in=[r.pk for r in referrals]
    ).values_list(
        "assessment__panel_referral__id",
        "person_id",
        "person__first_name",
        "person__date_of_birth",
        "assessment__support_request_id",
    )
    people: dict = defaultdict(set)
    keys_of: dict = defaultdict(set)
    own_request: dict = {}
    for referral_id, person_id, first_name, dob, request_id in children:
        people[referral_id].add(person_id)
        if dob is not None:
            keys_of[referral_id].add(_key(first_name, dob))
        own_request[referral_id] = request_id
    if not people:
        return {}
    keys = set().union(*keys_of.values()) if keys_of else set()
    person_ids = set().union(*people.values())
    months = pattern_settings().repeat_referral_months
    since, before = _bounds((r.submitted_at for r in referrals), months)
    found = _earlier_requests(user, keys, since, before) + _earlier_panel_referrals(
        user, keys, person_ids, since, before
    )
    answer = {}
    for referral in referrals:
        mine_people, mine_keys = people.get(referral.pk, set()), keys_of.get(referral.pk, set())
        skip = {(PANEL_REFERRAL, str(referral.pk))}
        if own_request.get(referral.pk):
            skip.add((REQUEST, str(own_request[referral.pk])))
        earlier = _collect(
            found,
            at=referral.submitted_at,
            months=months,
            wanted=lambda row, p=mine_people, k=mine_keys: row.person_id in p or row.key in k,
            skip=skip,
        )
        if earlier:
            answer[referral.pk] = earlier
    return answer


# ---------------------------------------------------------------- repeat plans


@dataclass(frozen=True)
class EarlierPlan:
    """An earlier plan (chain of episodes) for some of the same children, ended within the window
    before this plan started."""

    children: tuple[str, ...]
    episode_id: uuid.UUID  # the earlier chain's last episode
    started_on: date
    ended_on: date
    this_started_on: date

    @property
    def sentence(self) -> str:
        return (
            f"The last plan for {names(self.children)} ran from {long_date(self.started_on)} "
            f"to {long_date(self.ended_on)}, and ended {span(self.ended_on, self.this_started_on)} "
            f"before this one started on {long_date(self.this_started_on)}."
        )


@dataclass
class _Chain:
    start: date
    end: date | None  # None while any episode of it is open
    families: set
    last: uuid.UUID
    last_started: date


def _chains(rows) -> tuple[dict, dict]:
    """Episodes grouped into chains: ``({episode_id: root_id}, {root_id: _Chain})``."""
    previous = {row[0]: row[1] for row in rows}
    root_of = {}
    for episode_id in previous:
        current, seen = episode_id, set()
        while previous.get(current) in previous and current not in seen:
            seen.add(current)
            current = previous[current]
        root_of[episode_id] = current
    chains: dict = {}
    for episode_id, _, family_id, started_on, ended_on in rows:
        root = root_of[episode_id]
        chain = chains.get(root)
        if chain is None:
            chain = chains[root] = _Chain(started_on, ended_on, set(), episode_id, started_on)
        else:
            chain.start = min(chain.start, started_on)
            if chain.end is not None:
                chain.end = None if ended_on is None else max(chain.end, ended_on)
            if started_on >= chain.last_started:
                chain.last, chain.last_started = episode_id, started_on
        chain.families.add(family_id)
        if ended_on is None:
            chain.end = None
    return root_of, chains


def repeat_plans_for_episodes(user, episodes: Iterable[Episode]) -> dict:
    """``{episode.pk: [EarlierPlan]}`` for episodes whose plan is a repeat plan."""
    episodes = [e for e in episodes if e is not None and e.pk]
    if not episodes:
        return {}
    family_ids = {e.family_id for e in episodes}
    kids = list(
        FamilyMember.objects.filter(
            family_id__in=family_ids, role=FamilyMember.Role.CHILD
        ).values_list("family_id", "person_id", "person__first_name")
    )
    if not kids:
        return {}
    children_of: dict = defaultdict(dict)
    for family_id, person_id, first_name in kids:
        children_of[family_id][person_id] = first_name
    links = FamilyMember.objects.filter(
        person_id__in={k[1] for k in kids}, role=FamilyMember.Role.CHILD
    ).values_list("family_id", "person_id")
    families_of: dict = defaultdict(set)
    for family_id, person_id in links:
        families_of[person_id].add(family_id)
    all_families = set().union(family_ids, *families_of.values())
    rows = list(
        casework_selectors.episodes_for(user)
        .filter(family_id__in=all_families)
        .values_list("id", "previous_id", "family_id", "started_on", "ended_on")
    )
    root_of, chains = _chains(rows)
    months = pattern_settings().repeat_plan_months
    answer = {}
    for episode in episodes:
        root = root_of.get(episode.pk)
        if root is None:  # not in the reader's scope
            continue
        start = chains[root].start
        window_start = add_months(start, -months)
        children = children_of.get(episode.family_id, {})
        earlier = []
        for other_root, chain in chains.items():
            if other_root == root or chain.end is None:
                continue
            if not (window_start <= chain.end <= start):
                continue
            shared = [
                name
                for person_id, name in children.items()
                if families_of.get(person_id, set()) & chain.families
            ]
            if shared:
                earlier.append(
                    EarlierPlan(
                        children=tuple(sorted(shared)),
                        episode_id=chain.last,
                        started_on=chain.start,
                        ended_on=chain.end,
                        this_started_on=start,
                    )
                )
        if earlier:
            earlier.sort(key=lambda p: p.ended_on, reverse=True)
            answer[episode.pk] = earlier
    return answer


# ---------------------------------------------------------------- counted, for reporting


@dataclass(frozen=True)
class RepeatCounts:
    """How many requests, panel referrals and plans began in a period, and how many of them were
    repeats, among the records the user may see."""

    requests: int
    repeat_requests: int
    panel_referrals: int
    repeat_panel_referrals: int
    plans: int
    repeat_plans: int


def repeat_counts(
    *, user, period_start: date, period_end: date, area=None, team=None
) -> RepeatCounts:
    """Counts for reporting, by area (the request's area, the family's area) and team (a team
    working with the family; for plans, the lead professional's team) if given. A plan begins with
    the first episode of its chain."""
    requests = requests_for(user).filter(created_at__date__range=(period_start, period_end))
    referrals = visible_panel_referrals(user).filter(
        submitted_at__date__range=(period_start, period_end)
    )
    plans = casework_selectors.episodes_for(user).filter(
        previous__isnull=True, started_on__range=(period_start, period_end)
    )
    if area is not None:
        requests = requests.filter(area=area)
        referrals = referrals.filter(family__area=area)
        plans = plans.filter(family__area=area)
    if team is not None:
        requests = requests.filter(
            Q(family__team_links__team=team) | Q(requester_team=team) | Q(key_contact_team=team)
        ).distinct()
        referrals = referrals.filter(family__team_links__team=team).distinct()
        plans = plans.filter(lead_professional__team=team)
    requests, referrals, plans = list(requests), list(referrals), list(plans)
    return RepeatCounts(
        requests=len(requests),
        repeat_requests=len(repeat_referrals_for_requests(user, requests)),
        panel_referrals=len(referrals),
        repeat_panel_referrals=len(repeat_referrals_for_panel_referrals(user, referrals)),
        plans=len(plans),
        repeat_plans=len(repeat_plans_for_episodes(user, plans)),
    )
