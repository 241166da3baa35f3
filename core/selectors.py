"""Reads of the council's set-up: the council, its areas, agencies, teams and levels of need.

Set-up is not anyone's record, so nothing here is scoped or audited; the pages and API views that
show it decide who may see it (the configuration page is for system administrators).
"""

from django.db.models import QuerySet

from core.models import Agency, Area, Council, NeedLevel, OutboundMessage, Team


def the_council() -> Council | None:
    """The installation's council (one per installation), or None before its pack is loaded."""
    return Council.objects.first()


def areas_with_sites() -> QuerySet[Area]:
    return Area.objects.prefetch_related("sites")


def agencies() -> QuerySet[Agency]:
    return Agency.objects.all()


def agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def teams() -> QuerySet[Team]:
    return Team.objects.select_related("agency", "area")


def need_levels() -> QuerySet[NeedLevel]:
    return NeedLevel.objects.all()


def need_level_by_level(level: int) -> NeedLevel | None:
    """A level of need by its number (the Continuum of Need level), or None."""
    return NeedLevel.objects.filter(level=level).first()


def messages_to(user) -> QuerySet[OutboundMessage]:
    """The messages the product sent to ``user``'s email address, newest first (none without one).

    A message holds a template, a reference and the record it is about, never a family's details.
    """
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        return OutboundMessage.objects.none()
    return OutboundMessage.objects.filter(to__iexact=email).order_by("-created_at", "-id")
