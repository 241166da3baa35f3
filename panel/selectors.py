"""Reads for the panel, each starting from what the user may see.

Who may do what is in ``panel.rules``; the scope questions it builds on (may this user see
panels at all, is this user intake staff, the chair, a seat's member, the lead professional)
are answered here, because the reads below start from them too.

Panel calendars and seats hold no personal data about families (seats name members of
staff), so any signed-in member of staff with a role may see every panel.

Cases, agendas and packs do hold personal data (children's names, the assessment):

* the inbox and the case list: business support and early support team leaders;
* a meeting's agenda and pack (``pack_for``): those staff, the panel's chair and deputy,
  and the members and substitutes of the panel's seats, members only once the pack is
  published. Anyone else gets 404, as if the meeting did not exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

import rules
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from consent import selectors as consent_selectors
from core import clock, records
from core.models import Agency, Area, Team
from panel.models import (
    AgencyResponse,
    ClosureRequest,
    LeadProfessionalAllocation,
    MeetingAttendance,
    Panel,
    PanelCase,
    PanelDecision,
    PanelMeeting,
    PanelSeat,
    PanelSeatMember,
)

# Business support and early support team leaders: the inbox, logging, every panel's cases,
# and managing any panel's calendar and meetings.
MEETING_MANAGER_ROLES = (Role.BUSINESS_SUPPORT, Role.EARLY_SUPPORT_TEAM_LEADER)
LEAD_PROFESSIONAL_ROLES = (Role.PRACTITIONER, Role.LEAD_PROFESSIONAL)

NO_PANEL = "The panel is not active"
NO_MEETING = "No meeting is scheduled with a referral cut-off still to come: schedule the panel's next meetings"
NO_PANEL_FOR_AREA = "No panel is set up for this area"


def can_see_panels(user) -> bool:
    """Any active member of staff with a role: calendars and seats hold no family's data."""
    return bool(user.is_authenticated and user.is_active and user.roles)


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


# ---------------------------------------------------------------- seats, members, chair and deputy
#
# For the pages that set a panel up (``panel.manage_membership``): the panel and its seats come
# from ``get_panel`` (every seat and its members in three queries, whatever their number).


def get_seat(user, panel: Panel, seat_id: int) -> PanelSeat:
    """One of the panel's seats (404 for another panel's)."""
    seat = next((s for s in panel.seats.all() if s.pk == seat_id), None)
    if seat is None or not can_see_panels(user):
        raise Http404("No such seat")
    return seat


def get_seat_member(user, seat: PanelSeat, member_id: int) -> PanelSeatMember:
    """One of the seat's members or substitutes (404 for anyone else's)."""
    member = next((m for m in seat.members.all() if m.pk == member_id), None)
    if member is None or not can_see_panels(user):
        raise Http404("No such member")
    return member


def seat_agency_choices(panel: Panel) -> QuerySet[Agency]:
    """Agencies that may take a seat: those marked as sitting on the panel, not seated yet."""
    return Agency.objects.filter(panel_seat=True).exclude(panel_seats__panel=panel)


def seat_member_choices(seat: PanelSeat) -> QuerySet[User]:
    """Who may sit in the seat: the active staff of its agency not already in it."""
    return (
        User.objects.filter(agency_id=seat.agency_id, is_active=True)
        .exclude(panel_seats__seat=seat)
        .select_related("team")
        .order_by("last_name", "first_name", "pk")
    )


def chair_choices() -> QuerySet[User]:
    """Who may chair a panel or deputise: active staff with the panel chair role."""
    return (
        User.objects.filter(is_active=True, role_grants__role=Role.PANEL_CHAIR)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def panels_listed(user, *, with_inactive: bool = False) -> QuerySet[Panel]:
    """The panel list: active panels, and (for those who set panels up) the retired ones too."""
    panels = panels_for(user)
    return panels if with_inactive else panels.filter(active=True)


def panel_defaults() -> dict:
    """What a new panel starts with unless changed (the usual terms of reference)."""
    names = ("start_time", "end_time", "cutoff_days", "publication_working_days", "quorum_members")
    return {name: Panel._meta.get_field(name).get_default() for name in names}


def panel_area_choices() -> QuerySet[Area]:
    """The early help areas a panel may cover (one installation is one council's)."""
    return Area.objects.all()


def panel_settings_version(panel: Panel) -> str:
    """A fingerprint of the panel's settings as read: ``panel_change`` refuses to save over
    settings that have changed since (by another editor, or a re-loaded council pack)."""
    values = (
        panel.name,
        panel.area_id,
        panel.weekday,
        panel.first_meeting_date.isoformat() if panel.first_meeting_date else "",
        panel.start_time.isoformat() if panel.start_time else "",
        panel.end_time.isoformat() if panel.end_time else "",
        panel.location,
        panel.cutoff_days,
        panel.publication_working_days,
        panel.quorum_members,
        panel.active,
    )
    return hashlib.sha256(repr(values).encode()).hexdigest()[:20]


def panel_last_meeting_date(panel: Panel) -> date | None:
    """The date of the panel's last meeting that is not cancelled or moved away, if any."""
    return (
        PanelMeeting.objects.filter(panel=panel)
        .exclude(status__in=[PanelMeeting.Status.CANCELLED, PanelMeeting.Status.MOVED])
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def seat_move_choices(member: PanelSeatMember) -> QuerySet[PanelSeat]:
    """Where a member or substitute may move: their agency's seat on each other active panel
    they do not already sit on."""
    return (
        PanelSeat.objects.filter(agency_id=member.seat.agency_id, panel__active=True)
        .exclude(panel_id=member.seat.panel_id)
        .exclude(members__user_id=member.user_id)
        .select_related("panel", "panel__area", "agency")
        .order_by("panel__name", "pk")
    )


def seats_for(user) -> QuerySet[PanelSeat]:
    """Every seat on the panels ``user`` may see (the seat a move names is looked up here)."""
    return PanelSeat.objects.filter(panel__in=panels_for(user)).select_related("panel", "agency")


# ---------------------------------------------------------------- intake, agenda and pack


def is_intake_staff(user) -> bool:
    """Business support and early support team leaders: the inbox, logging, every panel's cases."""
    return bool(user.is_authenticated and user.is_active and user.has_role(*MEETING_MANAGER_ROLES))


def is_chair(user, panel: Panel) -> bool:
    """The panel's chair or its designated deputy."""
    return bool(
        user.is_authenticated and user.is_active and user.pk in (panel.chair_id, panel.deputy_id)
    )


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
    referrals = list(
        inbox_referrals(user).select_related("family__area", "submitted_by", "submitted_by__agency")
    )
    for referral in referrals:
        referral.panel = panel_for_family(referral.family)
        referral.no_panel_reason = "" if referral.panel else NO_PANEL_FOR_AREA
    return referrals


def inbox_referrals(user) -> QuerySet:
    """The inbox as a query: referrals submitted but not yet logged, oldest first; intake staff
    only (nothing for anyone else)."""
    from assessments.models import PanelReferral

    if not is_intake_staff(user):
        return PanelReferral.objects.none()
    return (
        PanelReferral.objects.filter(panel_case__isnull=True)
        .select_related("family")
        .order_by("submitted_at", "pk")
    )


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
    return PanelDecision.objects.filter(
        reported_at_meeting=meeting, is_extraordinary=True
    ).select_related("case", "lead_agency")


def closures_for_meeting(meeting: PanelMeeting):
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
        start = clock.local(following.starts_at)
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
        can_publish=rules.has_perm("panel.publish_pack", user, panel),
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


@dataclass
class PackSharing:
    """What of one case's record the pack shows its reader, as the family's consent allows.

    Staff and the chair run the panel and see it all (``answers`` is empty). A member sees each
    part (consent.selectors.SHARED_PARTS) only if the family's consent allows it for their
    seat's agency; ``withheld`` says what was not shown and why, ``overridden`` what is shown
    only because sharing without consent was authorised (shown on the pack and recorded)."""

    answers: dict[str, consent_selectors.SharingAnswer] = field(default_factory=dict)

    def shows(self, part: str) -> bool:
        answer = self.answers.get(part)
        return answer is None or answer.allowed

    @property
    def withheld(self) -> list[consent_selectors.SharingAnswer]:
        return [a for a in self.answers.values() if not a.allowed]

    @property
    def overridden(self) -> list[consent_selectors.SharingAnswer]:
        return [a for a in self.answers.values() if a.basis == "override"]

    @property
    def override(self):
        return next((a.override for a in self.overridden), None)

    @property
    def consent_note(self) -> str:
        """What the family said may be shared, when they said (shown to members)."""
        return next((a.what_may_be_shared for a in self.answers.values() if a.decision), "")


def pack_sharing(pack: Pack, case: PanelCase) -> PackSharing:
    """Ask consent, part by part, what this pack's reader may see of the case's family."""
    if not pack.as_member:
        return PackSharing()
    family = case.referral.family
    current = consent_selectors.current_decisions(family)
    agencies = [seat.agency for seat in pack.seats]
    answers = {}
    for part in consent_selectors.SHARED_PARTS:
        asked = [
            consent_selectors.agency_may_see(family, agency, part, current=current)
            for agency in agencies
        ]
        # A member in more than one seat sees what any of their agencies may see.
        answers[part] = next((a for a in asked if a.basis == "consent"), None) or next(
            (a for a in asked if a.allowed), asked[0]
        )
    return PackSharing(answers=answers)


# ---------------------------------------------------------------- running the meeting, minutes, after


@dataclass
class Attendee:
    """Someone who may attend: the chair, the deputy, or a seat's member or substitute."""

    user: object
    role: str
    seat: PanelSeat | None
    present: bool
    label: str


def attendees(meeting: PanelMeeting) -> list[Attendee]:
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

    Who attended (name, role, agency), apologies (seats whose agency nobody attended from),
    each decision with its notes and actions, extraordinary decisions reported,
    closures confirmed or returned, allocations reported and the next meeting.
    """
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
    # The chair and deputy sit without a seat, yet they come from an agency: their agency was
    # there, so it owes no apology.
    agencies_present = {
        row.seat.agency_id if row.seat else row.user.agency_id for row in attended
    } - {None}
    apologies = [
        seat.agency.name
        for seat in PanelSeat.objects.filter(panel_id=meeting.panel_id).select_related("agency")
        if seat.agency_id not in agencies_present
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
    if not pack.visible:
        return False
    return not pack.as_member or clock.today() >= pack.meeting.date


def case_roles(user, case: PanelCase) -> dict:
    """What ``user`` has to do with a case after the decision (all False: 404)."""
    if not (user.is_authenticated and user.is_active):
        return {"known": False}
    panel = case.panel
    decision = getattr(case, "decision", None)
    roles = {
        "staff": is_intake_staff(user),
        "chair": is_chair(user, panel),
        "member": bool(member_seats(user, panel)),
        "allocate": rules.has_perm("panel.allocate", user, case),
        "lead_professional": is_lead_professional(user, case),
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


def get_case_after(user, case_id) -> tuple[PanelCase, dict]:
    pk = _id(case_id)
    case = (
        PanelCase.objects.select_related(
            "panel", "meeting", "referral", "referral__family", "decision", "decision__lead_agency"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if case is None:
        raise Http404("No such case")
    roles = case_roles(user, case)
    if not roles["known"]:
        raise Http404("No such case")
    return case, roles


def cases_visible_to(user) -> QuerySet[PanelCase]:
    """The cases whose page (``get_case_after``) ``user`` may open, as one queryset, for links
    to many cases at once: the same people as ``case_roles`` (intake staff; the panel's chair,
    deputy and seat members; the current lead professional; the lead and supporting agencies)."""
    if not (user.is_authenticated and user.is_active):
        return PanelCase.objects.none()
    if is_intake_staff(user):
        return PanelCase.objects.all()
    current_lead = (
        LeadProfessionalAllocation.objects.filter(case=OuterRef("pk"))
        .order_by("-allocated_at", "-pk")
        .values("lead_professional_id")[:1]
    )
    seats = PanelSeatMember.objects.filter(seat__panel=OuterRef("panel"), user=user)
    known = (
        Q(panel__chair=user) | Q(panel__deputy=user) | Q(Exists(seats)) | Q(current_lead_id=user.pk)
    )
    if user.agency_id:
        supporting = PanelDecision.supporting_agencies.through.objects.filter(
            paneldecision_id=OuterRef("decision"), agency_id=user.agency_id
        )
        known |= Q(decision__lead_agency_id=user.agency_id) | Q(Exists(supporting))
    return PanelCase.objects.annotate(current_lead_id=Subquery(current_lead)).filter(known)


def is_lead_professional(user, case: PanelCase) -> bool:
    """The case's current lead professional (the latest allocation or handover)."""
    lead = current_lead_professional(case)
    return bool(user.is_authenticated and user.is_active and lead and lead.pk == user.pk)


def is_seat_member(user, seat: PanelSeat) -> bool:
    """A member or substitute of ``seat``."""
    return bool(
        user.is_authenticated
        and user.is_active
        and PanelSeatMember.objects.filter(seat=seat, user=user).exists()
    )


# ---------------------------------------------------------------- where referrals and cases go


def panel_for_family(family) -> Panel | None:
    """The active panel for the family's area, else the council-wide panel (no area), else None."""
    panels = Panel.objects.filter(active=True)
    return (
        panels.filter(area_id=family.area_id).order_by("pk").first()
        or panels.filter(area__isnull=True).order_by("pk").first()
    )


def next_open_meeting(panel: Panel, after: datetime) -> PanelMeeting | None:
    """The first SCHEDULED meeting whose referral cut-off is at or after ``after``.

    Cancelled and moved meetings are never open. Referrals already placed on a meeting
    that is then cancelled or moved are re-placed with it (see ``carry_forward_target``),
    not by this look-up.
    """
    return (
        PanelMeeting.objects.filter(
            panel=panel, status=PanelMeeting.Status.SCHEDULED, referral_cutoff__gte=after
        )
        .order_by("referral_cutoff", "date")
        .first()
    )


@dataclass(frozen=True)
class MeetingChoice:
    meeting: PanelMeeting | None
    reason: str = ""


def meeting_for_referral(panel: Panel, received_at: datetime) -> MeetingChoice:
    """The first scheduled meeting whose cut-off a referral received at ``received_at`` meets.

    A referral meets a cut-off if it arrives at or before it (``received_at <= cutoff``).
    Returns ``MeetingChoice(None, reason)`` when there is no such meeting.
    """
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware")
    if not panel.active:
        return MeetingChoice(None, NO_PANEL)
    meeting = next_open_meeting(panel, received_at)
    if meeting is None:
        return MeetingChoice(None, NO_MEETING)
    return MeetingChoice(meeting)


def carry_forward_target(meeting: PanelMeeting) -> PanelMeeting | None:
    """Where a meeting's cases go now.

    Scheduled or held: the meeting itself. Moved: the meeting it moved to (followed on,
    if that one was itself moved or cancelled). Cancelled: the next scheduled meeting of
    the same panel after its date. None if nothing is scheduled yet.
    """
    seen = set()
    current = meeting
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.status in (PanelMeeting.Status.SCHEDULED, PanelMeeting.Status.HELD):
            return current
        if current.status == PanelMeeting.Status.MOVED:
            # Read it afresh: a cached ``moved_to`` may predate its own cancellation.
            current = PanelMeeting.objects.filter(pk=current.moved_to_id).first()
            continue
        return (
            PanelMeeting.objects.filter(
                panel_id=current.panel_id,
                status=PanelMeeting.Status.SCHEDULED,
                date__gt=current.date,
            )
            .order_by("date")
            .first()
        )
    return None


def next_meeting_after(panel_id: int, day: date) -> PanelMeeting | None:
    """The panel's first scheduled meeting after ``day``."""
    return (
        PanelMeeting.objects.filter(
            panel_id=panel_id, status=PanelMeeting.Status.SCHEDULED, date__gt=day
        )
        .order_by("date")
        .first()
    )


# ---------------------------------------------------------------- quorum
#
# Quorum (terms of reference): the chair or designated deputy present, with at least the
# panel's quorum of members (from the council pack; usually four). A member counts for
# their seat, a substitute for the seat they sit in; two people from one seat count once.
# Business support minuting the meeting (observers) never count. "Present" is now: arrived
# and not yet left.

COUNTED_ROLES = (MeetingAttendance.Role.MEMBER, MeetingAttendance.Role.SUBSTITUTE)
CHAIR_ROLES = (MeetingAttendance.Role.CHAIR, MeetingAttendance.Role.DEPUTY)


@dataclass(frozen=True)
class Quorum:
    is_quorate: bool
    chair_present: bool
    members_present: int
    needed: int
    explanation: str


def meeting_quorum(meeting: PanelMeeting) -> Quorum:
    present = MeetingAttendance.objects.filter(meeting=meeting, left_at__isnull=True)
    chair_present = present.filter(role__in=CHAIR_ROLES).exists()
    members = (
        present.filter(role__in=COUNTED_ROLES, seat__isnull=False)
        .values("seat_id")
        .distinct()
        .count()
    )
    needed = meeting.panel.quorum_members
    is_quorate = chair_present and members >= needed
    here = f"{members} member{'' if members == 1 else 's'} {'is' if members == 1 else 'are'} here"
    if is_quorate:
        explanation = f"Quorate: the chair or deputy and {members} members are here."
    else:
        missing = []
        if not chair_present:
            missing.append("the chair or deputy is not here")
        if members < needed:
            missing.append(here)
        explanation = (
            f"Not quorate: the chair or deputy and at least {needed} members must be "
            f"present. {'; '.join(missing)[0].upper()}{'; '.join(missing)[1:]}."
        )
    return Quorum(is_quorate, chair_present, members, needed, explanation)


def observers_present(meeting: PanelMeeting):
    """Business support minuting the meeting, here now."""
    return meeting.attendance.filter(
        left_at__isnull=True, role=MeetingAttendance.Role.OBSERVER
    ).select_related("user")


def decided_at_meeting(meeting: PanelMeeting) -> list[PanelDecision]:
    return list(meeting.decisions.select_related("case", "lead_agency").order_by("decided_at"))


# ---------------------------------------------------------------- after the decision


def lead_professional_choices(agency):
    """Who the lead agency may name: its active practitioners and lead professionals."""
    return (
        User.objects.filter(
            agency=agency, is_active=True, role_grants__role__in=LEAD_PROFESSIONAL_ROLES
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def current_lead_professional(case: PanelCase):
    allocation = case.allocations.order_by("-allocated_at", "-pk").first()
    return allocation.lead_professional if allocation else None


def current_allocation(case: PanelCase) -> LeadProfessionalAllocation | None:
    return case.allocations.order_by("-allocated_at", "-pk").first()


def open_episode_link(case: PanelCase):
    """The link to the case's episode that is still open (casework owns episodes and registers
    how to link to one, ``core.records``), or None. The episode page applies its own scope.

    The panel reads only the id, through the reverse relation casework's episode keeps to the
    case: a case keeps one chain of episodes through a step up and a step down (ADR 0016)."""
    episode_id = (
        case.episodes.filter(status__in=("open", "closure_requested"))
        .order_by("-started_on", "-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    return records.link_for("episode", str(episode_id)) if episode_id else None


def returned_closure(case: PanelCase) -> ClosureRequest | None:
    """The case's latest closure the panel returned, if any."""
    return (
        case.closures.filter(status=ClosureRequest.Status.RETURNED).order_by("-decided_at").first()
    )


def pending_closure(case: PanelCase) -> ClosureRequest | None:
    return case.closures.filter(status=ClosureRequest.Status.PENDING).first()


def agency_recipients(agency) -> list:
    """Who hears for an agency: its active team managers with an email address."""
    return list(
        User.objects.filter(agency=agency, is_active=True, role_grants__role=Role.TEAM_MANAGER)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def agency_teams_for_family(agency, family) -> list:
    """The agency's teams that could take the family: those in its area, else council-wide ones."""
    teams = list(Team.objects.filter(agency=agency, area_id=family.area_id).order_by("pk"))
    if not teams:
        teams = list(Team.objects.filter(agency=agency, area__isnull=True).order_by("pk"))
    return teams


def _id(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def staff_member(user_id) -> User | None:
    """The member of staff a meeting's runner names (arriving or leaving), or None."""
    pk = _id(user_id)
    return User.objects.filter(pk=pk).first() if pk else None


def panel_seat(panel: Panel, seat_id) -> PanelSeat | None:
    """One of the panel's seats, or None (a seat of another panel is not one of them)."""
    pk = _id(seat_id)
    return PanelSeat.objects.filter(pk=pk, panel=panel).first() if pk else None


def meeting_by_id(meeting_id) -> PanelMeeting:
    """A meeting by id, for the API's meeting actions (404 if there is none); whether the user has
    a part in it is asked next (``pack_for``)."""
    pk = _id(meeting_id)
    meeting = PanelMeeting.objects.select_related("panel").filter(pk=pk).first() if pk else None
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def case_with_meeting(case_id) -> PanelCase:
    """A case on a meeting, by id (404 otherwise); for a member's response through the API."""
    pk = _id(case_id)
    case = (
        PanelCase.objects.select_related("meeting", "meeting__panel").filter(pk=pk).first()
        if pk
        else None
    )
    if case is None or case.meeting is None:
        raise Http404("No such case")
    return case


def case_on_meeting(meeting: PanelMeeting, case_id) -> PanelCase | None:
    pk = _id(case_id)
    return PanelCase.objects.filter(pk=pk, meeting=meeting).first() if pk else None


def agencies_by_id(ids) -> list:
    return list(Agency.objects.filter(pk__in=ids))


def agency(agency_id) -> Agency | None:
    return Agency.objects.filter(pk=agency_id).first()


# ---------------------------------------------------------------- the work tray
#
# What is waiting for someone, as queries (a section counts them and shows the first few). Each
# starts from the same scope as the page where the work is done, so the tray never lists what
# that page would refuse.


@dataclass(frozen=True)
class AnsweringSeat:
    seat_id: int
    agency_name: str


def answering_seats(user) -> dict[int, AnsweringSeat]:
    """Per panel, the seat ``user`` answers for: the first of ``member_seats`` (a member's seat
    before a substitute's), the one the response page records for."""
    if not (user.is_authenticated and user.is_active):
        return {}
    rows = (
        PanelSeatMember.objects.filter(user=user)
        .order_by("seat__panel_id", "is_substitute", "seat_id")
        .values_list("seat__panel_id", "seat_id", "seat__agency__name")
    )
    seats: dict[int, AnsweringSeat] = {}
    for panel_id, seat_id, agency_name in rows:
        seats.setdefault(panel_id, AnsweringSeat(seat_id, agency_name))
    return seats


def _open_packs() -> QuerySet[PanelMeeting]:
    """Meetings still to be held (today or later) whose pack members may read and answer."""
    return PanelMeeting.objects.filter(
        status=PanelMeeting.Status.SCHEDULED,
        pack_published_at__isnull=False,
        date__gte=clock.today(),
    )


def _responses_missing(seat_ids) -> QuerySet[PanelCase]:
    """Cases awaiting the panel's decision that none of ``seat_ids`` has answered for."""
    answered = AgencyResponse.objects.filter(case=OuterRef("pk"), seat_id__in=seat_ids)
    return PanelCase.objects.filter(status=PanelCase.Status.LOGGED).exclude(Exists(answered))


def packs_to_read(user, seats: dict[int, AnsweringSeat]) -> QuerySet[PanelMeeting]:
    """Published packs of meetings to come on panels ``user`` chairs, deputises for or sits on
    (``seats``: ``answering_seats(user)``), soonest first.

    Each meeting carries ``responses_owed``: its cases still waiting for the user's seat's answer.
    """
    if not (user.is_authenticated and user.is_active):
        return PanelMeeting.objects.none()
    seat_ids = [seat.seat_id for seat in seats.values()]
    owed = (
        _responses_missing(seat_ids)
        .filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _open_packs()
        .filter(Q(panel__chair=user) | Q(panel__deputy=user) | Q(panel_id__in=list(seats)))
        .select_related("panel")
        .annotate(responses_owed=Coalesce(Subquery(owed, output_field=IntegerField()), 0))
        .order_by("date", "panel__name", "pk")
    )


def responses_owed(user, seats: dict[int, AnsweringSeat]) -> QuerySet[PanelCase]:
    """Cases on the published packs of meetings to come that the seat ``user`` answers for on
    that panel has not answered yet (``seats``: ``answering_seats(user)``), soonest first."""
    if not seats:
        return PanelCase.objects.none()
    return (
        _responses_missing([seat.seat_id for seat in seats.values()])
        .filter(meeting__in=_open_packs(), panel_id__in=list(seats))
        .select_related("meeting", "meeting__panel")
        .order_by("meeting__date", "year", "sequence")
    )


def cases_to_allocate(user) -> QuerySet[PanelCase]:
    """Cases the panel gave ``user``'s agency to lead that still have no lead professional, for
    the agency's team managers (those the decision is sent to), oldest decision first."""
    if not (
        user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.has_role(Role.TEAM_MANAGER)
    ):
        return PanelCase.objects.none()
    return (
        PanelCase.objects.filter(
            status=PanelCase.Status.DECIDED,
            decision__kind=PanelDecision.Kind.LEAD_AGENCY,
            decision__lead_agency_id=user.agency_id,
        )
        .select_related("decision")
        .order_by("decision__decided_at", "pk")
    )


def closures_to_decide(user) -> QuerySet[ClosureRequest]:
    """Closure forms waiting for the panel: every panel's for intake staff (who minute the
    meeting), the panels they chair or deputise for for a chair or deputy; oldest first."""
    if not (user.is_authenticated and user.is_active):
        return ClosureRequest.objects.none()
    pending = ClosureRequest.objects.filter(status=ClosureRequest.Status.PENDING)
    if not is_intake_staff(user):
        pending = pending.filter(Q(case__panel__chair=user) | Q(case__panel__deputy=user))
    return pending.select_related("case", "case__meeting").order_by("requested_at", "pk")


# ---------------------------------------------------------------- moving a meeting


def move_warnings(meeting: PanelMeeting, new_date: date) -> list[str]:
    """What it means to move ``meeting`` to ``new_date`` when that date's referral cut-off or
    publication deadline has already passed (nothing if neither has). The service moves it
    either way; the page asks the person to confirm once they have read these."""
    slot = meeting.panel.calendar.slot(new_date)
    now = clock.now()
    warnings = []
    if slot.cutoff <= now:
        warnings.append(
            f"The referral cut-off for a meeting on {new_date:%-d %B %Y} was "
            f"{_when(slot.cutoff)}, which has passed. The referrals already on this meeting's "
            "agenda go with it, but no new referral will be added: referrals logged from now "
            "go to the next meeting."
        )
    if slot.publish_by <= now:
        if meeting.pack_published_at is not None:
            warnings.append(
                f"The pack for a meeting on {new_date:%-d %B %Y} was due by "
                f"{_when(slot.publish_by)}, which has passed. This meeting's pack is published "
                "already and stays published: members keep it, and their agencies' responses "
                "go with the cases."
            )
        else:
            warnings.append(
                f"The pack for a meeting on {new_date:%-d %B %Y} should have been published by "
                f"{_when(slot.publish_by)}, which has passed. Publish it as soon as the meeting "
                f"has moved: members will have less than the {meeting.panel.publication_working_days} "
                "working days the panel's terms of reference give them to read it."
            )
    return warnings


def _when(moment: datetime) -> str:
    local = clock.local(moment)
    return f"{local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm") + f" on {local:%A %-d %B %Y}"


# ---------------------------------------------------------------- messages about the panel's records


def _ids(record_ids) -> list[int]:
    return [int(value) for value in record_ids if str(value).isdigit()]


def decisions_for_messages(record_ids) -> dict[int, tuple[int, object]]:
    """{decision id: (case id, assessment id)} for the decisions messages are about (one query)."""
    rows = PanelDecision.objects.filter(pk__in=_ids(record_ids)).values_list(
        "pk", "case_id", "case__referral__assessment_id"
    )
    return {pk: (case_id, assessment_id) for pk, case_id, assessment_id in rows}


def closures_for_messages(record_ids) -> dict[int, int]:
    """{closure id: case id} for the closures messages are about (one query)."""
    return dict(ClosureRequest.objects.filter(pk__in=_ids(record_ids)).values_list("pk", "case_id"))


# ------------------------------------------------------------- the scheduled jobs (services/scheduled)


def past_scheduled_meeting_ids(*, before: date) -> list[int]:
    """Meetings still marked scheduled whose day is before ``before``, oldest first."""
    return list(
        PanelMeeting.objects.filter(status=PanelMeeting.Status.SCHEDULED, date__lt=before)
        .order_by("date", "pk")
        .values_list("pk", flat=True)
    )


def meeting_has_record(meeting: PanelMeeting) -> bool:
    """Whether anything shows the meeting took place: someone arrived, or it decided something."""
    return (
        MeetingAttendance.objects.filter(meeting=meeting).exists()
        or PanelDecision.objects.filter(meeting=meeting).exists()
        or ClosureRequest.objects.filter(decided_at_meeting=meeting).exists()
    )


def meetings_with_pack_to_announce(*, today: date) -> list[int]:
    """Scheduled meetings, today or later, whose pack is published and not yet announced."""
    return list(
        PanelMeeting.objects.filter(
            status=PanelMeeting.Status.SCHEDULED,
            date__gte=today,
            pack_published_at__isnull=False,
            pack_notice_sent_at__isnull=True,
        )
        .order_by("date", "pk")
        .values_list("pk", flat=True)
    )


def meeting_pack_readers(meeting: PanelMeeting) -> list:
    """Who reads the pack: the panel's chair and deputy and its seats' members and substitutes,
    active and with an email address, each once."""
    panel = meeting.panel
    return list(
        User.objects.filter(
            Q(panel_seats__seat__panel=panel) | Q(pk__in=[panel.chair_id, panel.deputy_id]),
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def meetings_for_messages(record_ids) -> dict[int, int]:
    """``{meeting_id: panel_id}`` for the meetings named by messages, in one query."""
    ids = [int(pk) for pk in record_ids if str(pk).isdigit()]
    return dict(PanelMeeting.objects.filter(pk__in=ids).values_list("pk", "panel_id"))
