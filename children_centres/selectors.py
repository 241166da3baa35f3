"""Reads for children's centre registration and reach, always through the reader's scope.

A child comes from ``people.selectors`` (out of scope: 404). A centre is any of the council's
designated children's centres (set-up, not anyone's record). A centre's list of registered
children names only the children the reader has in scope; the others are a count.
"""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField as BooleanFieldType
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.shortcuts import get_object_or_404

from children_centres import reach
from children_centres.models import (
    DEFAULT_SMALL_NUMBER,
    CentreRegistration,
    CentreSettings,
    ReachContact,
    UnderFivesPopulation,
)
from core import clock, scope
from core.models import Area, Site, Team
from people.models import Person
from people.selectors import people_for

# Used until the council pack says otherwise.
DEFAULT_CONTACT_KINDS = [
    {"key": "stay_and_play", "name": "Stay and play", "counts_as_reach": True},
    {"key": "health_visitor_clinic", "name": "Health visitor clinic", "counts_as_reach": True},
    {"key": "parenting_group", "name": "Parenting group", "counts_as_reach": True},
    {"key": "outreach_visit", "name": "Outreach visit at home", "counts_as_reach": True},
    {"key": "information_call", "name": "Information or advice by phone", "counts_as_reach": False},
]


def centre_settings() -> CentreSettings:
    """The pack's settings, or the defaults before a pack with the section is loaded (one
    query)."""
    found = CentreSettings.objects.order_by("pk").first()
    if found is None:
        return CentreSettings(
            small_number=DEFAULT_SMALL_NUMBER, contact_kinds=DEFAULT_CONTACT_KINDS
        )
    if not found.contact_kinds:
        found.contact_kinds = DEFAULT_CONTACT_KINDS
    return found


def contact_kinds(settings: CentreSettings) -> list[dict]:
    return list(settings.contact_kinds)


def counting_kinds(settings: CentreSettings) -> list[str]:
    return [k["key"] for k in settings.contact_kinds if k.get("counts_as_reach")]


def kind_names(settings: CentreSettings) -> dict[str, str]:
    return {k["key"]: k["name"] for k in settings.contact_kinds}


# ---------------------------------------------------------------- centres and children


def centres() -> QuerySet[Site]:
    return (
        Site.objects.filter(kind=Site.Kind.CHILDRENS_CENTRE)
        .select_related("area")
        .order_by("area__sort_order", "area__name", "name", "pk")
    )


def get_centre(site_id) -> Site:
    """A designated children's centre (any other site, or none: 404)."""
    return get_object_or_404(centres(), pk=site_id)


def centre_by_code(code: str) -> Site | None:
    return centres().filter(code=code).first()


def area_by_code(code: str) -> Area | None:
    return Area.objects.filter(code=code).first()


def registrations_for(user) -> QuerySet[CentreRegistration]:
    """Registrations of children in ``user``'s scope."""
    return CentreRegistration.objects.filter(child__in=people_for(user))


def contacts_for(user) -> QuerySet[ReachContact]:
    return ReachContact.objects.filter(child__in=people_for(user))


def get_registration(user, registration_id) -> CentreRegistration:
    return get_object_or_404(
        registrations_for(user).select_related("child", "centre__area"), pk=registration_id
    )


def get_contact(user, contact_id) -> ReachContact:
    return get_object_or_404(
        contacts_for(user).select_related("child", "centre", "recorded_by"), pk=contact_id
    )


def child_registrations(child: Person) -> list[CentreRegistration]:
    return list(
        CentreRegistration.objects.filter(child=child)
        .select_related("centre", "registered_by", "ended_by")
        .order_by("ended_on", "-registered_on", "-pk")
    )


def child_contacts(child: Person) -> list[ReachContact]:
    return list(
        ReachContact.objects.filter(child=child)
        .select_related("centre", "recorded_by")
        .order_by("-seen_on", "-pk")
    )


def open_registrations_by_child(child_ids) -> dict:
    """Each child's open registrations with their centres (one query), for the person page."""
    found: dict = {}
    for registration in (
        CentreRegistration.objects.filter(child_id__in=list(child_ids), ended_on__isnull=True)
        .select_related("centre")
        .order_by("registered_on", "pk")
    ):
        found.setdefault(registration.child_id, []).append(registration)
    return found


def _in_scope(user):
    if not scope.can_see_case_records(user):
        return Value(False, output_field=BooleanFieldType())
    return Exists(people_for(user).filter(pk=OuterRef("child_id")))


def centre_children(user, centre: Site, *, today: date) -> tuple[list[CentreRegistration], int]:
    """The children registered at ``centre`` now (registration open, under five today) whom
    ``user`` has in scope, by name, with the day each was last seen there; and how many others
    are registered there (two queries)."""
    current = CentreRegistration.objects.filter(
        centre=centre,
        ended_on__isnull=True,
        child__kind=Person.Kind.CHILD,
        child__date_of_birth__lte=today,
        child__date_of_birth__gt=reach.fifth_birthday_cutoff(today),
    ).annotate(in_scope=_in_scope(user))
    totals = current.aggregate(
        every=Count("child_id", distinct=True),
        seen=Count("child_id", distinct=True, filter=Q(in_scope=True)),
    )
    last_seen = (
        ReachContact.objects.filter(child=OuterRef("child_id"), centre=OuterRef("centre_id"))
        .order_by("-seen_on")
        .values("seen_on")[:1]
    )
    named = list(
        current.filter(in_scope=True)
        .select_related("child")
        .annotate(last_seen=Subquery(last_seen))
        .order_by("child__last_name", "child__first_name", "pk")
    )
    return named, (totals["every"] or 0) - (totals["seen"] or 0)


# ---------------------------------------------------------------- figures


def reach_table(*, period: reach.Period, today: date, only_centre: Site | None = None):
    settings = centre_settings()
    return reach.reach_table(
        period=period,
        today=today,
        counting_kinds=counting_kinds(settings),
        small_number=settings.small_number,
        only_centre=only_centre,
    )


def population_years() -> list[int]:
    return list(
        UnderFivesPopulation.objects.order_by("-year").values_list("year", flat=True).distinct()
    )


# ---------------------------------------------------------------- the work tray


def not_seen_since(today: date, settings: CentreSettings) -> date:
    """The first day of the pack's "not seen" window: a child seen on it or later is not in the
    tray."""
    return clock.add_months(today, -settings.not_seen_months)


def tray_not_seen(user, *, today: date, settings: CentreSettings) -> QuerySet[CentreRegistration]:
    """The open registrations, at a centre in the area of ``user``'s team (every centre if their
    team has no area), of children in ``user``'s scope who are under five today, that began
    before the window and have had no contact counted as reach at that centre within it: each
    with the day the child was last seen there in such a contact (or none). One query to count,
    one to list."""
    since = not_seen_since(today, settings)
    kinds = counting_kinds(settings)
    counted = ReachContact.objects.filter(
        child=OuterRef("child_id"), centre=OuterRef("centre_id"), kind__in=kinds
    )
    found = CentreRegistration.objects.filter(
        ended_on__isnull=True,
        registered_on__lt=since,
        centre__kind=Site.Kind.CHILDRENS_CENTRE,
        child__kind=Person.Kind.CHILD,
        child__date_of_birth__lte=today,
        child__date_of_birth__gt=reach.fifth_birthday_cutoff(today),
        child__in=people_for(user),
    )
    if kinds:
        found = found.exclude(Exists(counted.filter(seen_on__gte=since)))
    if user.team_id:
        team_area = Team.objects.filter(pk=user.team_id, area__isnull=False).values("area_id")
        found = found.filter(Q(centre__area_id__in=team_area) | ~Exists(team_area))
    last_seen = (
        Subquery(counted.order_by("-seen_on").values("seen_on")[:1])
        if kinds
        else Value(None, output_field=DateField())
    )
    return (
        found.annotate(last_seen=last_seen)
        .select_related("child", "centre")
        .order_by(F("last_seen").asc(nulls_first=True), "registered_on", "pk")
    )


def no_registrations() -> QuerySet[CentreRegistration]:
    """An empty queryset, for the API schema generator (which has no user)."""
    return CentreRegistration.objects.none()


def no_contacts() -> QuerySet[ReachContact]:
    return ReachContact.objects.none()
