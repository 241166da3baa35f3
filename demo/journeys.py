"""Demo data for every journey: requests in every area's queue, a meeting with a pack, held
meetings, an episode at each stage. Written through the services (so it is all audited) by
``seed_demo`` after ``demo.panel_and_casework``; each step first looks for what it would create
and does nothing if it is there, so a second run writes nothing.

* **Requests for support.** In every area of the council pack, a member of the public's request
  and a practitioner's request wait in the area's triage queue (team leaders and business
  support see them).
* **The next meeting.** Five more referrals are logged by business support and go on the first
  meeting whose referral cut-off is still to come (the practitioner's first referral stays in
  the inbox, to be logged); its pack is published and two seats have responded.
  The chair decides two between meetings (an extraordinary decision): their lead professionals
  are allocated and their episodes open, one of them with its closure sent back to the panel.
* **Past meetings.** Attendance (chair and members) is recorded at this year's past meetings,
  except those in August (a summer break); then the panel's daily job
  (``meetings_settle_past``) marks them held, or not held. Decisions at past meetings cannot be
  made through the services (a referral is only ever placed on a meeting whose cut-off is still
  to come), so the decisions are the chair's between meetings.
* **Episodes.** Besides the one ``panel_and_casework`` writes (a plan with a review overdue):
  one at stage 3 with a Team Around the Family meeting held and a review done, one closed, and
  one stepped up to children's social care and then stepped down again (a new episode at
  stage 2). The panel's two make stage 1 (just allocated) and stage 4 (closure sent).

Families are chosen from what they are (reference order, parents and children, no case work
yet) and only from the families the worker's team already works with, so the demo practitioners
see the same families as before. Nothing here prints or audits personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import rules

from accounts.models import User
from assessments import services as assessment_services
from assessments.models import Assessment, PanelReferral
from casework import oversight as casework_oversight
from casework import plans
from casework import services as casework_services
from casework.models import Episode, EpisodeOversight
from consent.models import ConsentDecision, Purpose
from core import clock
from core.models import Area, NeedLevel
from demo import (
    children_centres_demo,
    consultancy_demo,
    directory_demo,
    neglect_demo,
    offer_demo,
    outcomes_demo,
    oversight_demo,
    patterns_demo,
    radar_demo,
    risk_factors_demo,
)
from demo.panel_and_casework import _candidates, _CaseFamily, _consent, _demo, _fill, demo_panel
from panel import selectors as panel_selectors
from panel import services as panel_services
from panel.models import (
    MeetingAttendance,
    PanelCase,
    PanelDecision,
    PanelMeeting,
    PanelSeatMember,
)
from panel.services.scheduled import meetings_settle_past
from support_requests import services as request_services
from support_requests.models import SupportRequest
from support_requests.services import ChildDetails

# Past meetings in this month were not held (nothing recorded): the daily job says so.
SUMMER_BREAK_MONTH = 8
NEW_REFERRALS = 5  # three wait for the next meeting, two are decided between meetings


def _fresh(users: list[User | None], used: set) -> Iterator[tuple[User, _CaseFamily]]:
    """(worker, family) for families with no case work yet, the first user's families first."""
    for user in users:
        if user is None:
            continue
        for case in _candidates(user):
            family = case.family
            if family.pk in used:
                continue
            if (
                Assessment.objects.filter(family=family).exists()
                or Episode.objects.filter(family=family).exists()
                or ConsentDecision.objects.filter(family=family).exists()
            ):
                continue
            used.add(family.pk)
            yield user, case


# ---------------------------------------------------------------------------------------
# 1. Requests for support in every area's queue
# ---------------------------------------------------------------------------------------


def seed_requests(*, today: date, counts: Counter) -> None:
    practitioner = _demo("practitioner") or _demo("lead.professional")
    for index, area in enumerate(Area.objects.order_by("sort_order", "code")):
        if SupportRequest.objects.filter(area=area).exists():
            continue
        request_services.support_request_submit_public(
            area=area,
            requester_name="Demo Parent",
            requester_relationship=SupportRequest.Relationship.PARENT_CARER,
            requester_phone="07700 900123",
            can_call=True,
            can_leave_message=False,
            safe_to_write=False,
            contact_best_times="Weekday mornings after the school run",
            children=[
                ChildDetails(first_name="Child", date_of_birth=today - timedelta(days=9 * 365)),
                ChildDetails(first_name="Sibling", age_years=4),
            ],
            what_is_happening=(
                "My eldest has stopped wanting to go to school and I am struggling with the "
                "bills since my hours were cut."
            ),
            help_wanted="Someone to talk to about school and money.",
            consent_to_contact_agencies=SupportRequest.Consent.YES,
            # Documentation addresses (RFC 5737), one per area: the hourly limit is per address.
            client_address=f"192.0.2.{index % 250 + 1}",
        )
        counts["support requests"] += 1
        if practitioner is None:
            continue
        request_services.support_request_submit_practitioner(
            actor=practitioner,
            family=None,
            children=[ChildDetails(first_name="Pupil", date_of_birth=today - timedelta(days=2900))],
            area=area,
            what_is_happening=(
                "Attendance has fallen to 82% this term and the child often arrives hungry; "
                "the parent has asked for help with routines."
            ),
            single_agency_support_tried="Attendance meetings in school and a breakfast club place.",
            family_knows_and_consents=True,
            safeguarding_concern=False,
        )
        counts["support requests"] += 1


# ---------------------------------------------------------------------------------------
# 2. Referrals on the next meeting, its pack, responses, decisions between meetings
# ---------------------------------------------------------------------------------------


def _refer(*, worker: User, case: _CaseFamily, today: date, counts: Counter) -> PanelReferral:
    """A completed assessment, consent given, referred to the panel (as ``panel_and_casework``)."""
    _consent(
        actor=worker,
        case=case,
        purpose=Purpose.ASSESSMENT,
        status=ConsentDecision.Status.GIVEN,
        on=today - timedelta(days=30),
        counts=counts,
    )
    assessment = assessment_services.assessment_start(
        actor=worker, family=case.family, children=case.children[:1]
    )
    counts["assessments"] += 1
    _fill(actor=worker, assessment=assessment, case=case, today=today, counts=counts)
    assessment = assessment_services.assessment_submit(actor=worker, assessment=assessment)
    if assessment.status == Assessment.Status.AWAITING_SIGN_OFF:
        manager = next(
            user
            for user in (_demo("team.manager"), _demo("team.leader"))
            if user is not None
            and rules.has_perm("assessments.sign_off_assessment", user, assessment)
        )
        assessment = assessment_services.assessment_sign_off(actor=manager, assessment=assessment)
    _consent(
        actor=worker,
        case=case,
        purpose=Purpose.PANEL_REFERRAL,
        status=ConsentDecision.Status.GIVEN,
        on=today - timedelta(days=7),
        counts=counts,
    )
    counts["panel referrals"] += 1
    return assessment_services.panel_referral_submit(actor=worker, assessment=assessment)


def _lead_for(worker: User) -> User:
    """Who leads the work a worker referred: the lead professional login for the practitioner's
    families (their team works with them), the worker themself otherwise."""
    lead = _demo("lead.professional")
    if worker.username == "practitioner" and lead is not None:
        return lead
    return worker


def seed_next_meeting(*, today: date, counts: Counter) -> None:
    panel = demo_panel()
    intake = _demo("business.support") or _demo("team.leader")
    chair = _demo("panel.chair")
    if panel is None or intake is None or chair is None:
        return
    if PanelCase.objects.filter(panel=panel).exists():
        return  # done before
    used: set = set()
    fresh = _fresh([_demo("practitioner"), _demo("practitioner2")], used)
    new = []
    for worker, case in fresh:
        new.append((worker, _refer(worker=worker, case=case, today=today, counts=counts)))
        if len(new) == NEW_REFERRALS:
            break
    # The practitioner's first referral stays in business support's inbox, waiting to be logged.
    logged = {}
    for _, referral in new:
        if panel_selectors.panel_for_family(referral.family) != panel:
            continue
        logged[referral.pk] = panel_services.panel_case_log(actor=intake, referral=referral)
        counts["panel cases"] += 1
    if not logged:
        return
    # The chair decides the last two between meetings: a lead agency, then its lead professional.
    decided = [(w, r) for w, r in new if r.pk in logged][3:]
    episodes = []
    for worker, referral in decided:
        lead = _lead_for(worker)
        case = logged[referral.pk]
        panel_services.panel_extraordinary_decision_record(
            actor=chair,
            case=case,
            kind=PanelDecision.Kind.LEAD_AGENCY,
            lead_agency=lead.agency,
            discussion="Needs across school, housing and health: a Team Around the Family.",
            actions="Lead agency to allocate a lead professional this week.",
        )
        allocator = next(
            (
                user
                for user in (_demo("business.support"), lead)
                if user is not None and rules.has_perm("panel.allocate", user, case)
            ),
            None,
        )
        if allocator is None:
            continue
        panel_services.lead_professional_allocate(
            actor=allocator, case=case, lead_professional=lead
        )
        counts["panel allocations"] += 1
        episode = Episode.objects.filter(panel_case=case).first()
        if episode is not None:
            counts["episodes"] += 1
            episodes.append((lead, episode))
    if len(episodes) == 2:
        _to_exit_with_closure_sent(lead=episodes[1][0], episode=episodes[1][1], today=today)
        counts["closures sent"] += 1

    # The pack of the meeting the waiting cases are on, and two seats' responses.
    waiting = [
        case
        for case in PanelCase.objects.filter(
            pk__in=[c.pk for c in logged.values()], status=PanelCase.Status.LOGGED
        ).order_by("pk")
        if case.meeting_id
    ]
    if not waiting:
        return
    meeting = PanelMeeting.objects.get(pk=waiting[0].meeting_id)
    if meeting.status == PanelMeeting.Status.SCHEDULED and meeting.pack_published_at is None:
        panel_services.meeting_publish_pack(actor=intake, meeting=meeting)
        counts["packs published"] += 1
    responders = [
        (m.user, m.seat)
        for m in PanelSeatMember.objects.filter(seat__panel=panel, user__is_demo=True)
        .select_related("user", "seat")
        .order_by("user__username")
        if m.user.username in ("panel.member", "panel.police")
    ]
    for n, (user, seat) in enumerate(responders):
        for i, case in enumerate(waiting):
            if case.meeting_id != meeting.pk:
                continue
            known = (n + i) % 2 == 0
            panel_services.agency_response_record(
                actor=user,
                case=case,
                seat=seat,
                known=known,
                information=(
                    "Known to us: two contacts this year about the family's tenancy; no current "
                    "involvement."
                    if known
                    else ""
                ),
            )
            counts["agency responses"] += 1


def _to_exit_with_closure_sent(*, lead: User, episode: Episode, today: date) -> None:
    """An allocated episode worked through to stage 4 and its closure sent to the panel."""
    casework_services.taf_meeting_record(
        actor=lead,
        episode=episode,
        held_on=today,
        lead_professional_attended=True,
        agency_attendees="School and the housing officer",
        decisions="The family's plan is complete; the family are ready to carry on without us.",
    )
    for stage in (Episode.Stage.ADDRESSING, Episode.Stage.MAINTAINING, Episode.Stage.EXIT):
        episode = casework_services.episode_change_stage(
            actor=lead, episode=episode, to_stage=stage
        )
    casework_services.episode_send_closure(
        actor=lead,
        episode=episode,
        reason=Episode.EndReason.NEEDS_MET,
        outcomes_achieved="Attendance is back above 95% and the rent arrears are cleared.",
        exit_plan="School keeps an eye on attendance; the family know how to ask again.",
        support_after="The school's family liaison worker.",
        family_view="Glad of the help and confident about the next few months.",
    )


# ---------------------------------------------------------------------------------------
# 3. Past meetings: attendance, then the daily job marks them held or not held
# ---------------------------------------------------------------------------------------


def seed_past_meetings(*, today: date, counts: Counter) -> None:
    panel = demo_panel()
    runner = _demo("business.support") or _demo("panel.chair")
    if panel is None or runner is None:
        return
    members = list(
        PanelSeatMember.objects.filter(seat__panel=panel)
        .select_related("user", "seat")
        .order_by("seat__agency__sort_order", "seat__agency__code", "user__username")
    )
    seats: dict[int, PanelSeatMember] = {}
    for member in members:
        seats.setdefault(member.seat_id, member)  # one member per seat
    past = PanelMeeting.objects.filter(
        panel=panel,
        status=PanelMeeting.Status.SCHEDULED,
        date__year=today.year,
        date__lt=today,
    ).order_by("date")
    for meeting in past:
        if meeting.date.month == SUMMER_BREAK_MONTH:
            continue
        if MeetingAttendance.objects.filter(meeting=meeting).exists():
            continue
        if panel.chair_id:
            panel_services.attendance_record_arrival(
                actor=runner,
                meeting=meeting,
                user=panel.chair,
                role=MeetingAttendance.Role.CHAIR,
            )
        for member in seats.values():
            panel_services.attendance_record_arrival(
                actor=runner,
                meeting=meeting,
                user=member.user,
                role=MeetingAttendance.Role.MEMBER,
                seat=member.seat,
            )
        counts["meetings with attendance"] += 1
    settled = meetings_settle_past(today=clock.today())
    counts["meetings held"] += settled["meetings_held"]
    counts["meetings not held"] += settled["meetings_not_held"]


# ---------------------------------------------------------------------------------------
# 4. Episodes at the other stages
# ---------------------------------------------------------------------------------------


def _open(*, opener, lead, case: _CaseFamily, started: date, reason: str) -> Episode:
    level = NeedLevel.objects.filter(is_statutory=False).order_by("-level").first()
    return casework_services.episode_open(
        actor=opener,
        family=case.family,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=level,
        offer=Episode.Offer.TARGETED,
        started_on=started,
        reason=reason,
    )


def _taf(*, lead, episode: Episode, case: _CaseFamily, held_on: date) -> None:
    casework_services.taf_meeting_record(
        actor=lead,
        episode=episode,
        held_on=held_on,
        family_attendees=[case.parent],
        lead_professional_attended=True,
        agency_attendees="School attendance officer",
        child_views="Would like mornings to be calmer.",
        parent_views="Wants help with routines and the rent.",
        decisions="A family plan: a morning routine, and a referral for money advice.",
        next_meeting_on=held_on + timedelta(weeks=6),
    )


def seed_episodes(*, today: date, counts: Counter) -> None:
    opener, lead = _demo("team.leader"), _demo("lead.professional")
    practitioner2 = _demo("practitioner2")
    if opener is None or lead is None:
        return
    used: set = set()
    # The lead professional's families first (their team already works with them), then the
    # other practitioner's, led by them: no demo login's families change.
    fresh = _fresh([lead, practitioner2], used)
    wanted = []
    if not Episode.objects.filter(
        status=Episode.Status.OPEN, stage=Episode.Stage.MAINTAINING
    ).exists():
        wanted.append("maintaining")
    if not Episode.objects.filter(status=Episode.Status.CLOSED).exists():
        wanted.append("closed")
    if not Episode.objects.filter(status=Episode.Status.STEPPED_UP).exists():
        wanted.append("stepped")
    for kind, (worker, case) in zip(wanted, fresh, strict=False):
        who = lead if worker == lead else worker
        if kind == "maintaining":
            # Ten weeks in: TAF held, a plan, the first review done, now maintaining progress.
            started = today - timedelta(weeks=10)
            episode = _open(
                opener=opener, lead=who, case=case, started=started, reason="Demo: from triage"
            )
            _taf(lead=who, episode=episode, case=case, held_on=started + timedelta(weeks=1))
            plan = plans.plan_start(
                actor=who, episode=episode, contingency="If things slip, back to the TAF early."
            )
            plans.plan_outcome_add(
                actor=who,
                plan=plan,
                expected_version=plan.version,
                need="Mornings are chaotic and the children are late.",
                outcome_family_words="We get to school on time, calmly.",
                concerns=[c.pk for c in case.children],
            )
            review = plans.reviews_schedule(episode)
            if review is not None and review.due_on <= today:
                plans.review_record(
                    actor=who,
                    review=review,
                    held_on=review.due_on,
                    family_views="Mornings are much better.",
                    progress_notes="On time every day for three weeks.",
                )
                counts["plan reviews"] += 1
            for stage in (Episode.Stage.ADDRESSING, Episode.Stage.MAINTAINING):
                episode = casework_services.episode_change_stage(
                    actor=who, episode=episode, to_stage=stage
                )
        elif kind == "closed":
            started = today - timedelta(weeks=20)
            episode = _open(
                opener=opener, lead=who, case=case, started=started, reason="Demo: from triage"
            )
            _taf(lead=who, episode=episode, case=case, held_on=started + timedelta(weeks=1))
            casework_services.episode_send_closure(
                actor=who,
                episode=episode,
                reason=Episode.EndReason.NEEDS_MET,
                outcomes_achieved="Routines in place; the family's debts are on a payment plan.",
                exit_plan="The family hub's drop-in if things get harder again.",
            )
        else:
            # Stepped up to children's social care, then stepped down again to early help.
            started = today - timedelta(weeks=16)
            episode = _open(
                opener=opener, lead=who, case=case, started=started, reason="Demo: from triage"
            )
            _taf(lead=who, episode=episode, case=case, held_on=started + timedelta(weeks=1))
            # A step up needs a manager's recorded agreement (seed 001 §9).
            casework_oversight.episode_oversight_record(
                actor=opener,
                episode=episode,
                kind=EpisodeOversight.Kind.AGREE_STEP_UP,
                text="Agreed: the new concerns meet the threshold for children's social care.",
            )
            episode = casework_services.episode_step_up(
                actor=who,
                episode=episode,
                reason="New concerns about a child's safety at home.",
                social_care_reference="CSC-DEMO-001",
            )
            level = NeedLevel.objects.filter(is_statutory=False).order_by("-level").first()
            casework_services.episode_step_down(
                actor=opener,
                from_episode=episode,
                lead_professional=who,
                lead_agency=who.agency,
                need_level=level,
                offer=Episode.Offer.TARGETED,
                started_on=today,
                reason="Social care's assessment is done: early help can meet the needs.",
                stage=Episode.Stage.ADDRESSING,
            )
            counts["episodes"] += 1
        counts["episodes"] += 1


def seed_journeys(*, today: date, counts: Counter) -> None:
    directory_demo.seed(today=today, counts=counts)
    seed_requests(today=today, counts=counts)
    seed_next_meeting(today=today, counts=counts)
    seed_past_meetings(today=today, counts=counts)
    seed_episodes(today=today, counts=counts)
    risk_factors_demo.seed(today=today, counts=counts)
    oversight_demo.seed(today=today, counts=counts)
    patterns_demo.seed(today=today, counts=counts)
    neglect_demo.seed(today=today, counts=counts)
    outcomes_demo.seed(today=today, counts=counts)
    consultancy_demo.seed(today=today, counts=counts)
    offer_demo.seed(today=today, counts=counts)
    children_centres_demo.seed(today=today, counts=counts)
    # Last, so the radar's run sees every other journey's records.
    radar_demo.seed(today=today, counts=counts)
