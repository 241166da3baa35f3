"""Reads for the panel, and who may do what.

Panel calendars and seats hold no personal data about families (seats name members of
staff), so any signed-in member of staff with a role may see every panel. Cancelling
or moving a meeting is for business support, early support team leaders, and the
panel's own chair or designated deputy.
"""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accounts.models import Role
from panel.models import Panel, PanelMeeting, PanelSeat, PanelSeatMember

MEETING_MANAGER_ROLES = (Role.BUSINESS_SUPPORT, Role.EARLY_SUPPORT_TEAM_LEADER)


def can_see_panels(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.roles)


def can_manage_meetings(user, panel: Panel) -> bool:
    if not can_see_panels(user):
        return False
    if user.has_role(*MEETING_MANAGER_ROLES):
        return True
    return user.pk in (panel.chair_id, panel.deputy_id)


def panels_for(user) -> QuerySet[Panel]:
    if not can_see_panels(user):
        return Panel.objects.none()
    return Panel.objects.select_related("council", "area", "chair", "deputy")


def panels_with_seats(user) -> QuerySet[Panel]:
    members = PanelSeatMember.objects.select_related("user", "user__agency")
    seats = PanelSeat.objects.select_related("agency").prefetch_related(
        Prefetch("members", queryset=members)
    )
    return panels_for(user).prefetch_related(Prefetch("seats", queryset=seats))


def get_panel(user, panel_id: int) -> Panel:
    try:
        return panels_with_seats(user).get(pk=panel_id)
    except Panel.DoesNotExist as error:
        raise Http404("No such panel") from error


def meetings_for(
    user, panel: Panel | None = None, year: int | None = None
) -> QuerySet[PanelMeeting]:
    meetings = PanelMeeting.objects.filter(panel__in=panels_for(user)).select_related(
        "panel", "moved_to"
    )
    if panel is not None:
        meetings = meetings.filter(panel=panel)
    if year is not None:
        meetings = meetings.filter(date__year=year)
    return meetings.order_by("date", "panel_id")


def get_meeting(user, panel: Panel, meeting_id: int) -> PanelMeeting:
    try:
        return meetings_for(user, panel).get(pk=meeting_id)
    except PanelMeeting.DoesNotExist as error:
        raise Http404("No such meeting") from error


def year_meetings(user, panel: Panel, year: int) -> list[PanelMeeting]:
    """The year's meetings: those saved, plus (unsaved, status scheduled) the calendar's dates not yet scheduled."""
    saved = list(meetings_for(user, panel, year).annotate(history_count=Count("history")))
    if not can_see_panels(user):
        return saved
    taken = {m.date for m in saved}
    planned = [
        PanelMeeting(
            panel=panel,
            date=slot.date,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            location=panel.location,
            referral_cutoff=slot.cutoff,
            publish_by=slot.publish_by,
        )
        for slot in panel.calendar.slots(year)
        if slot.date not in taken
    ]
    return sorted(saved + planned, key=lambda m: m.date)
