"""Reads of the council's set-up: the council, its areas, agencies, teams and levels of need.

Set-up is not anyone's record, so nothing here is scoped or audited; the pages and API views that
show it decide who may see it (the configuration page is for system administrators).
"""

from django.db.models import QuerySet

from core.models import Agency, Area, Council, NeedLevel, Team


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
