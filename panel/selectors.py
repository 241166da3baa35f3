"""Reads for the panel, and who may do what.

Panel calendars and seats hold no personal data about families (seats name members of
staff), so any signed-in member of staff with a role may see every panel. Cancelling
or moving a meeting is for business support, early support team leaders, and the
panel's own chair or designated deputy.

Cases, agendas and packs do hold personal data (children's names, the assessment):

* the inbox and the case list: business support and early support team leaders;
* a meeting's agenda and pack (``pack_for``): those staff, the panel's chair and deputy,
  and the members and substitutes of the panel's seats, members only once the pack is
  published. Anyone else gets 404, as if the meeting did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accounts.models import Role
from panel.models import (
    AgencyResponse,
    Panel,
    PanelCase,
    PanelMeeting,
    PanelSeat,
    PanelSeatMember,
)

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


# ---------------------------------------------------------------- intake, agenda and pack


def is_intake_staff(user) -> bool:
    """Business support and early support team leaders: the inbox, logging, every panel's cases."""
    return bool(
        user.is_authenticated and user.is_active and user.has_role(*MEETING_MANAGER_ROLES)
    )


def is_chair(user, panel: Panel) -> bool:
    return bool(user.is_authenticated and user.pk in (panel.chair_id, panel.deputy_id))


def member_seats(user, panel: Panel) -> list[PanelSeat]:
    """The panel's seats ``user`` sits in (as a member or a substitute), members first."""
    if not (user.is_authenticated and user.is_active):
        return []
    return list(
        PanelSeat.objects.filter(panel=panel, members__user=user)
        .select_related("agency")
        .order_by("members__is_substitute", "pk")
    )


def inbox(user) -> list:
    """Referrals submitted but not yet logged, oldest first, each with the panel it will go to.

    Each referral gets ``panel`` (a Panel or None) and ``no_panel_reason``.
    """
    if not is_intake_staff(user):
        return []
    from assessments.models import PanelReferral
    from panel.services import NO_PANEL_FOR_AREA, panel_for_family

    referrals = list(
        PanelReferral.objects.filter(panel_case__isnull=True)
        .select_related("family", "family__area", "submitted_by", "submitted_by__agency")
        .order_by("submitted_at")
    )
    for referral in referrals:
        referral.panel = panel_for_family(referral.family)
        referral.no_panel_reason = "" if referral.panel else NO_PANEL_FOR_AREA
    return referrals


def get_inbox_referral(user, referral_id):
    from assessments.models import PanelReferral

    if not is_intake_staff(user):
        raise Http404("No such referral")
    try:
        return PanelReferral.objects.get(pk=referral_id)
    except (PanelReferral.DoesNotExist, ValueError) as error:
        raise Http404("No such referral") from error


def cases_for(user) -> QuerySet[PanelCase]:
    """Every logged case, for business support and team leaders; nothing for anyone else."""
    if not is_intake_staff(user):
        return PanelCase.objects.none()
    return PanelCase.objects.select_related(
        "panel", "meeting", "referral", "referral__family"
    ).order_by("-year", "-sequence")


def cases_for_meeting(meeting: PanelMeeting, statuses=None) -> QuerySet[PanelCase]:
    cases = PanelCase.objects.filter(meeting=meeting).select_related(
        "referral", "referral__family", "referral__assessment", "referral__submitted_by"
    )
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    return cases.order_by("year", "sequence")


def previous_meeting(meeting: PanelMeeting) -> PanelMeeting | None:
    """The panel's last meeting before this one that was (or is to be) held."""
    return (
        PanelMeeting.objects.filter(
            panel_id=meeting.panel_id,
            date__lt=meeting.date,
            status__in=(PanelMeeting.Status.SCHEDULED, PanelMeeting.Status.HELD),
        )
        .order_by("-date")
        .first()
    )


def next_meeting(meeting: PanelMeeting) -> PanelMeeting | None:
    return (
        PanelMeeting.objects.filter(
            panel_id=meeting.panel_id, date__gt=meeting.date, status=PanelMeeting.Status.SCHEDULED
        )
        .order_by("date")
        .first()
    )


@dataclass
class AgendaCase:
    case: PanelCase
    esmap_number: str
    children: list[str]


@dataclass
class AgendaSection:
    number: int
    title: str
    cases: list[AgendaCase] | None = None  # None: a section without cases
    text: str = ""


def _agenda_cases(cases) -> list[AgendaCase]:
    from assessments.presenters import child_name

    rows = []
    for case in cases.prefetch_related("referral__assessment__children__person"):
        children = [child_name(c.person) for c in case.referral.assessment.children.all()]
        rows.append(AgendaCase(case=case, esmap_number=case.esmap_number, children=children))
    return rows


def agenda_for(meeting: PanelMeeting) -> list[AgendaSection]:
    """The agenda in the terms of reference's order.

    1 welcome and introductions; 2 new cases (ESMAP number and children's names); 3 cases
    allocated from the previous meeting (its cases whose lead agency is decided or whose
    lead professional is allocated; empty until the panel records decisions); 4 cases
    closed (this meeting's cases with closure requested); 5 any other business; 6 the
    date, time and place of the panel's next scheduled meeting.
    """
    from django.utils import timezone

    from panel.calendar import LONDON

    previous = previous_meeting(meeting)
    allocated = (
        _agenda_cases(
            cases_for_meeting(
                previous, (PanelCase.Status.DECIDED, PanelCase.Status.ALLOCATED)
            )
        )
        if previous
        else []
    )
    following = next_meeting(meeting)
    if following:
        start = timezone.localtime(following.starts_at, LONDON)
        next_text = f"{following.date:%A %-d %B %Y}, {start:%-I:%M%p}".replace("AM", "am").replace(
            "PM", "pm"
        )
        if following.location:
            next_text += f", {following.location}"
    else:
        next_text = "Not scheduled yet"
    return [
        AgendaSection(1, "Welcome and introductions"),
        AgendaSection(
            2,
            "New cases",
            _agenda_cases(cases_for_meeting(meeting, (PanelCase.Status.LOGGED,))),
        ),
        AgendaSection(3, "Cases allocated from the previous meeting", allocated),
        AgendaSection(
            4,
            "Cases closed",
            _agenda_cases(cases_for_meeting(meeting, (PanelCase.Status.CLOSURE_REQUESTED,))),
        ),
        AgendaSection(5, "Any other business"),
        AgendaSection(6, "Date, time and place of the next meeting", text=next_text),
    ]


@dataclass
class Pack:
    """What ``user`` may see of a meeting's pack.

    ``as_member``: they see it as a panel member (read-only, watermarked, no printing).
    ``visible``: the agenda and referrals may be shown (False for members before publication).
    """

    meeting: PanelMeeting
    as_member: bool
    visible: bool
    seats: list[PanelSeat] = field(default_factory=list)
    can_publish: bool = False
    is_chair: bool = False

    @property
    def cases(self) -> QuerySet[PanelCase]:
        if not self.visible:
            return PanelCase.objects.none()
        return cases_for_meeting(self.meeting)

    def agenda(self) -> list[AgendaSection]:
        return agenda_for(self.meeting) if self.visible else []


def pack_access(user, meeting: PanelMeeting) -> Pack | None:
    """None if ``user`` may not know of this meeting's pack at all."""
    if not (user.is_authenticated and user.is_active):
        return None
    panel = meeting.panel
    staff = is_intake_staff(user)
    chair = is_chair(user, panel)
    seats = member_seats(user, panel)
    if not (staff or chair or seats):
        return None
    as_member = not (staff or chair)
    return Pack(
        meeting=meeting,
        as_member=as_member,
        visible=not as_member or meeting.pack_published_at is not None,
        seats=seats,
        can_publish=staff or chair,
        is_chair=chair,
    )


def pack_for(user, meeting: PanelMeeting) -> Pack:
    """The pack as ``user`` may see it; 404 for anyone with no part in this panel."""
    pack = pack_access(user, meeting)
    if pack is None:
        raise Http404("No such meeting")
    return pack


def get_pack_meeting(user, panel_id: int, meeting_id: int) -> tuple[PanelMeeting, Pack]:
    try:
        meeting = PanelMeeting.objects.select_related("panel", "pack_published_by").get(
            pk=meeting_id, panel_id=panel_id
        )
    except PanelMeeting.DoesNotExist as error:
        raise Http404("No such meeting") from error
    return meeting, pack_for(user, meeting)


def get_case_for_member(user, meeting: PanelMeeting, case_id: int) -> tuple[PanelCase, Pack]:
    """A case on a published meeting, for a member of one of the panel's seats; else 404."""
    pack = pack_for(user, meeting)
    if not pack.seats or not pack.visible:
        raise Http404("No such case")
    try:
        case = cases_for_meeting(meeting).get(pk=case_id)
    except PanelCase.DoesNotExist as error:
        raise Http404("No such case") from error
    return case, pack


@dataclass
class TrackerRow:
    case: PanelCase
    responses: list[tuple[PanelSeat, AgencyResponse | None]]

    @property
    def waiting(self) -> list[PanelSeat]:
        return [seat for seat, response in self.responses if response is None]


def response_tracker(meeting: PanelMeeting) -> list[TrackerRow]:
    """Per case on the meeting, every seat of the panel with its response (None: not yet)."""
    seats = list(PanelSeat.objects.filter(panel_id=meeting.panel_id).select_related("agency"))
    cases = list(cases_for_meeting(meeting))
    responses = {
        (r.case_id, r.seat_id): r
        for r in AgencyResponse.objects.filter(case__in=[c.pk for c in cases])
    }
    return [
        TrackerRow(case=case, responses=[(seat, responses.get((case.pk, seat.pk))) for seat in seats])
        for case in cases
    ]


def responses_for_case(case: PanelCase) -> list[AgencyResponse]:
    return list(
        AgencyResponse.objects.filter(case=case).select_related("seat", "seat__agency")
    )
