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
    return bool(user.is_authenticated and user.is_active and user.has_role(*MEETING_MANAGER_ROLES))


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
    note: str = ""


@dataclass
class AgendaSection:
    number: int
    title: str
    cases: list[AgendaCase] | None = None  # None: a section without cases
    text: str = ""


def _agenda_cases(cases, notes=None) -> list[AgendaCase]:
    from assessments.presenters import child_name

    rows = []
    for case in cases.prefetch_related("referral__assessment__children__person"):
        children = [child_name(c.person) for c in case.referral.assessment.children.all()]
        note = notes(case) if notes else ""
        rows.append(
            AgendaCase(case=case, esmap_number=case.esmap_number, children=children, note=note)
        )
    return rows


def allocated_cases(meeting: PanelMeeting):
    """Agenda section 3: cases given a lead agency before this meeting.

    Those still waiting for the lead agency to allocate a lead professional (DECIDED),
    and those allocated since the previous meeting (reported once, then they drop off).
    """
    from django.db.models import Q

    from panel.models import LeadProfessionalAllocation, PanelDecision

    previous = previous_meeting(meeting)
    decided_before = PanelDecision.objects.filter(
        case__panel_id=meeting.panel_id,
        kind=PanelDecision.Kind.LEAD_AGENCY,
        decided_at__lt=meeting.starts_at,
    ).exclude(meeting=meeting)
    allocations = LeadProfessionalAllocation.objects.filter(allocated_at__lt=meeting.starts_at)
    if previous is not None:
        allocations = allocations.filter(allocated_at__gte=previous.starts_at)
    return (
        PanelCase.objects.filter(
            Q(status=PanelCase.Status.DECIDED) | Q(pk__in=allocations.values("case_id")),
            pk__in=decided_before.values("case_id"),
        )
        .select_related("decision", "decision__lead_agency")
        .order_by("year", "sequence")
    )


def _allocated_note(case: PanelCase) -> str:
    agency = case.decision.lead_agency.name
    if case.status == PanelCase.Status.DECIDED:
        return f"Lead agency {agency}: waiting for a lead professional"
    return f"Lead agency {agency}: lead professional allocated"


def extraordinary_decisions(meeting: PanelMeeting):
    from panel.models import PanelDecision

    return PanelDecision.objects.filter(
        reported_at_meeting=meeting, is_extraordinary=True
    ).select_related("case", "lead_agency")


def closures_for_meeting(meeting: PanelMeeting):
    from panel.models import ClosureRequest

    return ClosureRequest.objects.filter(
        case__meeting=meeting, status=ClosureRequest.Status.PENDING
    ).select_related("case", "requested_by")


def agenda_for(meeting: PanelMeeting) -> list[AgendaSection]:
    """The agenda in the terms of reference's order.

    1 welcome and introductions; 2 new cases (ESMAP number and children's names); 3 cases
    allocated from the previous meeting (``allocated_cases``: given a lead agency earlier
    and still waiting for a lead professional, or allocated since the previous meeting);
    4 cases closed (this meeting's cases with closure requested); 5 any other business,
    with the chair's extraordinary decisions since the last meeting; 6 the date, time and
    place of the panel's next scheduled meeting.
    """
    from django.utils import timezone

    from panel.calendar import LONDON

    allocated = _agenda_cases(allocated_cases(meeting), _allocated_note)
    extraordinary = {d.case_id: d for d in extraordinary_decisions(meeting)}
    reported = (
        _agenda_cases(
            PanelCase.objects.filter(pk__in=extraordinary).order_by("year", "sequence"),
            lambda case: f"Extraordinary decision by the chair: {extraordinary[case.pk].outcome}",
        )
        if extraordinary
        else None
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
        AgendaSection(
            5,
            "Any other business",
            reported,
            text="Extraordinary decisions since the last meeting" if reported else "",
        ),
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
        TrackerRow(
            case=case, responses=[(seat, responses.get((case.pk, seat.pk))) for seat in seats]
        )
        for case in cases
    ]


def responses_for_case(case: PanelCase) -> list[AgencyResponse]:
    return list(AgencyResponse.objects.filter(case=case).select_related("seat", "seat__agency"))


# ---------------------------------------------------------------- running the meeting, minutes, after


def can_run_meeting(user, panel: Panel) -> bool:
    from panel.services import can_run_meeting as _can

    return _can(user, panel)


@dataclass
class Attendee:
    """Someone who may attend: the chair, the deputy, or a seat's member or substitute."""

    user: object
    role: str
    seat: PanelSeat | None
    present: bool
    label: str


def attendees(meeting: PanelMeeting) -> list[Attendee]:
    from panel.models import MeetingAttendance

    panel = meeting.panel
    here = set(
        MeetingAttendance.objects.filter(meeting=meeting, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    if panel.chair_id:
        rows.append(Attendee(panel.chair, "chair", None, panel.chair_id in here, "Chair"))
    if panel.deputy_id:
        rows.append(Attendee(panel.deputy, "deputy", None, panel.deputy_id in here, "Deputy chair"))
    members = (
        PanelSeatMember.objects.filter(seat__panel=panel)
        .select_related("user", "seat", "seat__agency")
        .order_by(
            "seat__agency__sort_order", "seat__agency__name", "is_substitute", "user__last_name"
        )
    )
    for member in members:
        role = "substitute" if member.is_substitute else "member"
        rows.append(
            Attendee(
                member.user,
                role,
                member.seat,
                member.user_id in here,
                f"{member.seat.agency.name} ({role})",
            )
        )
    return rows


@dataclass
class MinutesCase:
    case: PanelCase
    decision: object


@dataclass
class Minutes:
    meeting: PanelMeeting
    present: list
    apologies: list
    decisions: list
    extraordinary: list
    closures: list
    allocated: list
    next_text: str


def minutes_for(meeting: PanelMeeting) -> Minutes:
    """The minutes, generated from the meeting's record (restricted like the pack).

    Who attended (name, role, agency), apologies (seats nobody from which attended),
    each decision with its notes and actions, extraordinary decisions reported,
    closures confirmed or returned, allocations reported and the next meeting.
    """
    from panel.models import ClosureRequest, MeetingAttendance, PanelDecision

    attended = list(
        MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("user", "user__agency", "seat", "seat__agency")
        .order_by("arrived_at", "pk")
    )
    seen, present = set(), []
    for row in attended:
        if row.user_id in seen:
            continue
        seen.add(row.user_id)
        agency = (
            row.seat.agency.name if row.seat else (row.user.agency.name if row.user.agency else "")
        )
        present.append(
            {
                "name": row.user.get_full_name() or row.user.get_username(),
                "role": row.get_role_display(),
                "agency": agency,
            }
        )
    seats_present = {row.seat_id for row in attended if row.seat_id}
    apologies = [
        seat.agency.name
        for seat in PanelSeat.objects.filter(panel_id=meeting.panel_id).select_related("agency")
        if seat.pk not in seats_present
    ]
    decisions = list(
        PanelDecision.objects.filter(meeting=meeting)
        .select_related("case", "lead_agency")
        .prefetch_related("supporting_agencies")
        .order_by("case__year", "case__sequence")
    )
    closures = list(
        ClosureRequest.objects.filter(decided_at_meeting=meeting)
        .select_related("case")
        .order_by("case__year", "case__sequence")
    )
    agenda = agenda_for(meeting)
    return Minutes(
        meeting=meeting,
        present=present,
        apologies=apologies,
        decisions=decisions,
        extraordinary=list(
            extraordinary_decisions(meeting).prefetch_related("supporting_agencies")
        ),
        closures=closures,
        allocated=agenda[2].cases or [],
        next_text=agenda[5].text,
    )


def minutes_visible(pack: Pack) -> bool:
    """Staff and the chair at any time; members once the meeting's day has come."""
    from panel.services import today

    if not pack.visible:
        return False
    return not pack.as_member or today() >= pack.meeting.date


def case_roles(user, case: PanelCase) -> dict:
    """What ``user`` has to do with a case after the decision (all False: 404)."""
    from panel.services import can_allocate, current_lead_professional

    if not (user.is_authenticated and user.is_active):
        return {"known": False}
    panel = case.panel
    decision = getattr(case, "decision", None)
    lead = current_lead_professional(case)
    roles = {
        "staff": is_intake_staff(user),
        "chair": is_chair(user, panel),
        "member": bool(member_seats(user, panel)),
        "allocate": can_allocate(user, case),
        "lead_professional": bool(lead and lead.pk == user.pk),
        "agency": bool(
            decision
            and user.agency_id
            and (
                user.agency_id == decision.lead_agency_id
                or decision.supporting_agencies.filter(pk=user.agency_id).exists()
            )
        ),
    }
    roles["known"] = any(roles.values())
    return roles


def get_case_after(user, case_id: int) -> tuple[PanelCase, dict]:
    try:
        case = PanelCase.objects.select_related(
            "panel", "meeting", "referral", "referral__family", "decision", "decision__lead_agency"
        ).get(pk=case_id)
    except PanelCase.DoesNotExist as error:
        raise Http404("No such case") from error
    roles = case_roles(user, case)
    if not roles["known"]:
        raise Http404("No such case")
    return case, roles
