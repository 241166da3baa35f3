"""Scoped reads for the patterns pages and the API. Every read starts from what the user may see:
an episode through ``casework.selectors`` (its family in scope), a person through
``people.selectors``; anything else is 404."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import PanelReferral
from casework import selectors as casework_selectors
from casework.models import Contact, Episode, PlanReview
from core import clock
from patterns.injuries import CATEGORY, InjuryPattern, injury_pattern
from patterns.models import DisguisedComplianceHistory, DisguisedComplianceRecord
from patterns.settings import pattern_settings
from people.models import ChronologyEntry, FamilyMember, Person
from people.selectors import family_children, get_person, people_for


def get_episode(user, episode_id) -> Episode:
    return casework_selectors.get_episode(user, episode_id)


def visible_episode_ids(user, episode_ids) -> set:
    return set(
        casework_selectors.episodes_for(user)
        .filter(pk__in=list(episode_ids))
        .values_list("pk", flat=True)
    )


def records_for(user) -> QuerySet[DisguisedComplianceRecord]:
    """Every record on an episode in the user's scope."""
    return DisguisedComplianceRecord.objects.filter(
        episode__in=casework_selectors.episodes_for(user)
    )


def children_for(user) -> QuerySet[Person]:
    """The children (and unborn babies) in the user's scope: whose patterns they may read."""
    return people_for(user).exclude(kind=Person.Kind.ADULT)


def no_records() -> QuerySet[DisguisedComplianceRecord]:
    """An empty queryset (the API schema's generator reads no one's)."""
    return DisguisedComplianceRecord.objects.none()


def records_for_episode(episode: Episode) -> QuerySet[DisguisedComplianceRecord]:
    """The episode's disguised compliance records, oldest first, with their history."""
    return (
        DisguisedComplianceRecord.objects.filter(episode=episode)
        .select_related("recorded_by", "withdrawn_by", "contact", "review")
        .prefetch_related(
            Prefetch("history", queryset=DisguisedComplianceHistory.objects.select_related("actor"))
        )
    )


def get_record(user, episode_id, record_id) -> DisguisedComplianceRecord:
    episode = get_episode(user, episode_id)
    return get_object_or_404(records_for_episode(episode), pk=record_id)


def get_record_by_id(user, record_id) -> DisguisedComplianceRecord:
    """A record by its id alone (the API), if its episode is in the user's scope."""
    return get_object_or_404(
        DisguisedComplianceRecord.objects.filter(
            episode__in=casework_selectors.episodes_for(user)
        ).select_related("episode", "episode__lead_professional", "recorded_by", "withdrawn_by"),
        pk=record_id,
    )


def episode_panel_referral(episode: Episode):
    """The panel referral the episode's case came from, if it has one."""
    if not episode.panel_case_id:
        return None
    return (
        PanelReferral.objects.filter(panel_case__pk=episode.panel_case_id)
        .only("pk", "submitted_at")
        .first()
    )


def panel_referrals_of(episodes) -> dict:
    """``{episode.pk: PanelReferral}`` for the episodes whose case came from a panel referral, in
    one query."""
    by_case = {e.panel_case_id: e.pk for e in episodes if e.panel_case_id}
    if not by_case:
        return {}
    rows = (
        PanelReferral.objects.filter(panel_case__pk__in=by_case)
        .annotate(case_id=F("panel_case__pk"))
        .only("pk", "submitted_at")
    )
    return {by_case[referral.case_id]: referral for referral in rows}


def contacts_of(episode: Episode) -> QuerySet[Contact]:
    return episode.contacts.order_by("-happened_on", "-id")


def held_reviews_of(episode: Episode) -> QuerySet[PlanReview]:
    return episode.reviews.filter(held_on__isnull=False).order_by("-held_on", "-id")


def episode_contact(episode: Episode, contact_id) -> Contact | None:
    try:
        return episode.contacts.filter(pk=int(contact_id)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def episode_review(episode: Episode, review_id) -> PlanReview | None:
    try:
        return episode.reviews.filter(pk=int(review_id)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def current_dates_by_episode(episode_ids) -> dict:
    """``{episode_id: [dates]}`` of current (not withdrawn) records, oldest first (one query)."""
    rows = (
        DisguisedComplianceRecord.objects.filter(
            episode_id__in=list(episode_ids), status=DisguisedComplianceRecord.Status.CURRENT
        )
        .order_by("occurred_on", "id")
        .values_list("episode_id", "occurred_on")
    )
    found: dict = defaultdict(list)
    for episode_id, day in rows:
        found[episode_id].append(day)
    return found


def episode_leads(episode_ids) -> dict:
    """``{episode_id: (lead professional id, their team id)}`` (one query)."""
    rows = Episode.objects.filter(pk__in=list(episode_ids)).values_list(
        "pk", "lead_professional_id", "lead_professional__team_id"
    )
    return {pk: (lead, team) for pk, lead, team in rows}


# ---------------------------------------------------------------- accidents and injuries


def injury_entries(person: Person) -> QuerySet[ChronologyEntry]:
    return (
        person.chronology.filter(category=CATEGORY)
        .select_related("recorded_by")
        .order_by("occurred_on", "recorded_at")
    )


def injuries_of(person: Person) -> tuple[list[ChronologyEntry], InjuryPattern]:
    settings = pattern_settings()
    entries = list(injury_entries(person))
    pattern = injury_pattern(
        [e.occurred_on for e in entries],
        today=clock.today(),
        threshold=settings.injuries_count,
        months=settings.injuries_months,
    )
    return entries, pattern


def get_child(user, person_id) -> Person:
    """A child (or unborn baby) in the user's scope; an adult is not a child's pattern (404)."""
    person = get_person(user, person_id)
    if person.kind == Person.Kind.ADULT:
        raise Http404("No such child")
    return person


def injury_patterns_for(user, people) -> dict:
    """``{person.pk: InjuryPattern}`` for the children among ``people`` the user may see and who
    have any accident or injury recorded (three queries, however many people)."""
    ids = [p.pk for p in people if p is not None and p.kind != Person.Kind.ADULT]
    if not ids:
        return {}
    visible = set(people_for(user).filter(pk__in=ids).values_list("pk", flat=True))
    if not visible:
        return {}
    dates: dict = defaultdict(list)
    for person_id, day in ChronologyEntry.objects.filter(
        person_id__in=visible, category=CATEGORY
    ).values_list("person_id", "occurred_on"):
        dates[person_id].append(day)
    if not dates:
        return {}
    settings = pattern_settings()
    today = clock.today()
    return {
        person_id: injury_pattern(
            days,
            today=today,
            threshold=settings.injuries_count,
            months=settings.injuries_months,
        )
        for person_id, days in dates.items()
    }


def episode_children(episode: Episode) -> list[Person]:
    return family_children(episode.family)


def children_of_families(family_ids) -> list[Person]:
    return [
        m.person
        for m in FamilyMember.objects.filter(
            family_id__in=list(family_ids), role=FamilyMember.Role.CHILD
        ).select_related("person")
    ]
