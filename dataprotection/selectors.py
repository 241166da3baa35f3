"""Data protection's reads. Finding a person for a subject access request is not limited by the
case-record scopes (a request covers everything held, in every team): it is limited to the
holders of ``dataprotection.subject_access``, and every search and export is audited."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.audit import Action, audit_record
from dataprotection.models import RectificationNote, RetentionRule, RetentionRun
from people.models import Person

RUNS_SHOWN = 30
SEARCH_LIMIT = 25


def _require(user, perm: str) -> None:
    if not rules.has_perm(perm, user):
        raise PermissionDenied


def retention_schedule(user) -> QuerySet[RetentionRule]:
    _require(user, "dataprotection.manage_retention")
    return RetentionRule.objects.all()


def retention_runs(user) -> list[RetentionRun]:
    _require(user, "dataprotection.manage_retention")
    return list(RetentionRun.objects.all()[:RUNS_SHOWN])


def subject_search(user, *, last_name: str, date_of_birth) -> list[Person]:
    """People with this last name (or a previous one) born on this day: both are asked for, so
    a search is never a trawl. Audited like any search, with the count only."""
    _require(user, "dataprotection.subject_access")
    name = last_name.strip()
    found = list(
        (
            Person.objects.filter(last_name__iexact=name)
            | Person.objects.filter(other_names__last_name__iexact=name)
        )
        .filter(date_of_birth=date_of_birth)
        .distinct()
        .order_by("last_name", "first_name")[:SEARCH_LIMIT]
    )
    audit_record(
        actor=user,
        action=Action.SEARCH,
        target="people.person",
        detail={"results": len(found), "purpose": "subject_access"},
    )
    return found


def subject(user, person_id) -> Person:
    """The person a subject access request is about (404 when there is no such person)."""
    _require(user, "dataprotection.subject_access")
    return get_object_or_404(Person, pk=person_id)


def rectification_notes(person: Person) -> QuerySet[RectificationNote]:
    return RectificationNote.objects.filter(person=person).select_related("by")
