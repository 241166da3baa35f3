"""Demo data for the panel and for case work, written through the services so it is all audited.

Run by ``seed_demo`` after the families are in (and again on every later run, so an installation
seeded before panels existed gets them): every step first looks for what it would create and
does nothing if it is already there, so a second run writes nothing, not even an audit event.

* **The panel.** The council pack configures the panels and their seats; people are not
  configuration, so here the ``panel.chair`` demo login becomes the chair of the demo panel,
  ``team.leader`` its deputy, ``panel.member`` sits in their agency's seat, and a few more
  demo panel members (police, housing, education, youth justice, as the pack's seats allow)
  sit in theirs, so that a meeting can be quorate (the chair or deputy and at least four
  members). The panel's meetings are scheduled for this year and next.
* **Case work**, on families the ``practitioner`` demo login can see (linked to their team):
  one assessment in progress with a few sections done; one completed assessment of two
  children (one seen alone, one not, with the reason) with consent to the assessment and to a
  panel referral recorded and the family referred to the panel; and one family who refused
  consent to a panel referral.

Names of the extra panel members come from Faker ``en_GB`` seeded from the demo seed.
Nothing here prints or audits personal data.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import rules
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from faker import Faker

from accounts.models import Role, RoleGrant, User
from assessments import selectors as assessment_selectors
from assessments import services as assessment_services
from assessments.models import Assessment, AssessmentChild
from assessments.sections import NO, SECTIONS, YES
from casework import services as casework_services
from consent.models import ConsentDecision, LawfulBasis, Purpose
from consent.services import consent_record_decision
from core.models import Agency, Council, Team
from panel import services as panel_services
from panel.models import Panel, PanelMeeting, PanelSeat, PanelSeatMember
from people import selectors
from people.models import Family, FamilyMember, Person

# Extra demo panel members: (username, label, sectors of the seat they take, in preference).
# Each takes the first seat (in the pack's agency order) of those sectors nobody else took;
# a pack without such a seat simply has one fewer.
PANEL_MEMBER_LOGINS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("panel.police", "Panel member (police)", (Agency.Sector.POLICE,)),
    ("panel.housing", "Panel member (housing)", (Agency.Sector.HOUSING,)),
    ("panel.education", "Panel member (education)", (Agency.Sector.EDUCATION,)),
    ("panel.justice", "Panel member (youth justice)", (Agency.Sector.JUSTICE,)),
)
JOB_BY_SECTOR = {
    Agency.Sector.POLICE: "Police early intervention officer",
    Agency.Sector.HOUSING: "Tenancy support officer",
    Agency.Sector.EDUCATION: "Education welfare officer",
    Agency.Sector.JUSTICE: "Youth justice officer",
}


def extra_logins() -> list[tuple[str, str]]:
    """[(label, username)] of the extra panel member logins this installation has."""
    present = set(
        User.objects.filter(
            username__in=[u for u, _, _ in PANEL_MEMBER_LOGINS], is_demo=True
        ).values_list("username", flat=True)
    )
    return [(label, u) for u, label, _ in PANEL_MEMBER_LOGINS if u in present]


def _demo(username: str) -> User | None:
    return User.objects.filter(username=username, is_demo=True).first()


# ---------------------------------------------------------------------------------------
# The panel
# ---------------------------------------------------------------------------------------


def demo_panel() -> Panel | None:
    """The panel the demo logins sit on: the council-wide one if there is one, else the first."""
    council = Council.objects.first()
    if council is None:
        return None
    panels = Panel.objects.filter(council=council, active=True)
    return (
        panels.filter(area__isnull=True).order_by("name").first() or panels.order_by("name").first()
    )


def _seat_for(panel: Panel, agency_id: int | None) -> PanelSeat | None:
    return PanelSeat.objects.filter(panel=panel, agency_id=agency_id).first() if agency_id else None


def _member(*, actor, seat: PanelSeat | None, user: User | None, counts: Counter) -> None:
    if seat is None or user is None:
        return
    if PanelSeatMember.objects.filter(seat=seat, user=user).exists():
        return
    panel_services.panel_seat_member_add(actor=actor, seat=seat, user=user)
    counts["panel seat members"] += 1


def _extra_member_user(username: str, seat: PanelSeat, seed: int, password: str) -> User:
    """Create (or find) one extra demo panel member, placed in the seat's agency."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    rng = random.Random(f"demo-panel-member-{username}-{seed}")
    fake = Faker("en_GB")
    fake.seed_instance(rng.getrandbits(64))
    female = rng.random() < 0.6
    agency = seat.agency
    team = Team.objects.filter(agency=agency).order_by("area__sort_order", "code").first()
    user = User(
        username=username,
        first_name=fake.first_name_female() if female else fake.first_name_male(),
        last_name=fake.last_name(),
        email=f"{username}@example.org",
        job_title=JOB_BY_SECTOR.get(agency.sector, "Panel representative"),
        phone=f"01632 960{rng.randint(0, 999):03d}",
        agency=agency,
        team=team,
        is_demo=True,
        is_staff=False,
        is_superuser=False,
    )
    validate_password(password, user=user)
    user.password = make_password(password)
    user.save()
    RoleGrant.objects.create(user=user, role=Role.PANEL_MEMBER)
    return user


def seed_panel(*, seed: int, today: date, password: str, counts: Counter) -> None:
    panel = demo_panel()
    if panel is None:
        return
    taken = set(
        User.objects.filter(username__in=[u for u, _, _ in PANEL_MEMBER_LOGINS])
        .filter(is_demo=False)
        .values_list("username", flat=True)
    )
    chair, deputy, member = _demo("panel.chair"), _demo("team.leader"), _demo("panel.member")
    actor = chair
    # Seats, members, the chair and deputy are the council's administrator's to set up
    # (``panel.manage_membership``); business support if the demo has no administrator.
    admin = _demo("admin") or _demo("business.support") or chair

    # Chair and deputy, through the service; never replaces someone already set in the product.
    new_chair = (
        chair
        if panel.chair_id is None and chair is not None and panel.deputy_id != chair.pk
        else None
    )
    new_deputy = (
        deputy
        if panel.deputy_id is None
        and deputy is not None
        and deputy.pk != (panel.chair_id or getattr(new_chair, "pk", None))
        else None
    )
    if new_chair or new_deputy:
        panel_services.panel_set_chair_and_deputy(
            actor=admin, panel=panel, chair=new_chair, deputy=new_deputy
        )
        counts["panel chair and deputy"] += int(bool(new_chair)) + int(bool(new_deputy))

    _member(
        actor=admin,
        seat=_seat_for(panel, member.agency_id if member else None),
        user=member,
        counts=counts,
    )
    used = {member.agency_id} if member else set()
    seats = list(
        PanelSeat.objects.filter(panel=panel)
        .select_related("agency")
        .order_by("agency__sort_order", "agency__code")
    )
    for username, _, sectors in PANEL_MEMBER_LOGINS:
        if username in taken:
            continue  # a real account has that username: leave it alone
        existing = _demo(username)
        if existing is not None:
            seat = _seat_for(panel, existing.agency_id)
        else:
            seat = next(
                (s for s in seats if s.agency.sector in sectors and s.agency_id not in used), None
            )
            if seat is None:
                continue
            existing = _extra_member_user(username, seat, seed, password)
            counts["demo logins"] += 1
        if seat is not None:
            used.add(seat.agency_id)
            _member(actor=admin, seat=seat, user=existing, counts=counts)

    for year in (today.year, today.year + 1):
        wanted = set(panel.calendar.meeting_dates(year))
        have = set(
            PanelMeeting.objects.filter(panel=panel, date__year=year).values_list("date", flat=True)
        )
        if wanted - have:
            # panel_schedule_year audits even when it creates nothing: only call it if needed.
            counts["panel meetings"] += len(
                panel_services.panel_schedule_year(actor=actor, panel=panel, year=year)
            )


# ---------------------------------------------------------------------------------------
# Case work
# ---------------------------------------------------------------------------------------


@dataclass
class _CaseFamily:
    family: Family
    parent: Person
    children: list[Person]


def _candidates(practitioner: User) -> Iterator[_CaseFamily]:
    """The practitioner's families with a parent and children, in reference order.

    Chosen from what the families *are* (never from what this module did to them), so the
    same families are chosen on every run.
    """
    families = selectors.families_for(practitioner).filter(reference__startswith="DEMO-")
    for family in families.order_by("reference"):
        members = list(
            FamilyMember.objects.filter(family=family)
            .select_related("person")
            .order_by("person__date_of_birth", "person__id")
        )
        parents = [m.person for m in members if m.role == FamilyMember.Role.PARENT_CARER]
        children = [
            m.person
            for m in members
            if m.role == FamilyMember.Role.CHILD
            and m.person.kind == Person.Kind.CHILD
            and m.person.date_of_birth is not None
        ]
        if parents and children:
            yield _CaseFamily(family, parents[0], children)


def _answers(
    key: str,
    *,
    today: date,
    parent: Person,
    child: Person | None = None,
    seen_alone: bool = True,
    referring: bool = True,
) -> dict:
    """Answers that complete a section, dated from ``today`` (JSON form, as stored)."""
    started = today - timedelta(days=28)
    seen = today - timedelta(days=21)
    signed = today - timedelta(days=7)
    parent_name = f"{parent.first_name} {parent.last_name}"
    age = child.age_on(today) if child else 0
    answers = {
        "family": {
            "record_correct": YES,
            "communication_needs": "None",
            "worker_role": "Family support worker",
        },
        "panel_referral": (
            {
                "referring": YES,
                "referral_date": signed.isoformat(),
                "presenting_reason": (
                    "Several needs at once (school attendance, rent arrears, a parent's low mood) "
                    "that one agency alone has not been able to meet."
                ),
                "referrer_continues": YES,
            }
            if referring
            else {"referring": NO}
        ),
        "professionals": {"others": "School, health visitor and the housing officer."},
        "details": {
            "date_commenced": started.isoformat(),
            "reason": "Attendance has fallen and the family are behind with the rent.",
        },
        "development": {
            "health": "Generally well; missed a dental check-up.",
            "education": "Attendance below 90% this term.",
            "emotional": "Anxious in the mornings before school.",
            "identity": "Close to their grandmother.",
            "self_care": "Sometimes arrives at school without breakfast.",
        },
        "parenting": {
            "basic_care": "Meets most needs but is struggling with routines.",
            "warmth": "Warm and loving.",
            "guidance": "Bedtimes and mornings are inconsistent.",
        },
        "environment": {
            "family_history": "Parent has had periods of low mood.",
            "wider_family": "A grandparent lives nearby and helps.",
            "housing_income": "Rent arrears; a tenancy warning letter last month.",
            "community": "Uses the family hub's stay and play sessions.",
        },
        "risks": {
            "risks": "Routines slipping further; the tenancy at risk.",
            "strengths": "Warm relationships and a parent who wants help.",
            "cin_cp_concern": NO,
        },
        "history": {"history": "An earlier offer of family support, not taken up."},
        "child_views": (
            {
                "child_views": "Likes their teacher; worries about their parent.",
                "first_seen_on": seen.isoformat(),
                "seen_alone": YES,
                "seen_alone_on": seen.isoformat(),
            }
            if seen_alone
            else {
                "child_views": "Observed playing happily; too young to give a view in words.",
                "first_seen_on": seen.isoformat(),
                "seen_alone": NO,
                "not_seen_alone_reason": (
                    f"Too young to be seen apart from their parent ({age} years old)."
                    if age < 5
                    else "Did not want to be seen without their parent; to try again at school."
                ),
            }
        ),
        "parent_views": {
            "parent_views": "Wants help with routines and with the rent arrears.",
            "family_seen": f"{parent_name}, {seen.day} {seen:%B %Y}",
        },
        "analysis": {
            "impact": "Without help, attendance and the tenancy are both at risk.",
            "recommendations": "A Team Around the Family with school, housing and health.",
        },
        "decision": {"decision": Assessment.Decision.TAF, "decision_date": signed.isoformat()},
        "consent": {
            "privacy_notice_given": YES,
            "parent_name": parent_name,
            "parent_agreed_on": signed.isoformat(),
            "assessor_signed_on": signed.isoformat(),
        },
    }
    return answers[key]


def _fill(
    *, actor, assessment: Assessment, case: _CaseFamily, today: date, keys=None, counts: Counter
) -> None:
    children = list(assessment.children.select_related("person").order_by("position"))
    for section in SECTIONS:
        if keys is not None and section.key not in keys:
            continue
        targets: list[AssessmentChild | None] = children if section.per_child else [None]
        for index, child in enumerate(targets):
            answers = _answers(
                section.key,
                today=today,
                parent=case.parent,
                child=child.person if child else None,
                seen_alone=index == 0,
            )
            if section.key == "professionals":
                # Section 3 asks whether each professional working with the family contributed.
                context = assessment_selectors.section_context(assessment, None, section.key)
                answers.update({f"contributed_{p.pk}": YES for p in context.professionals})
            assessment_services.section_save(
                actor=actor,
                assessment=assessment,
                key=section.key,
                child=child,
                answers=answers,
                completed=True,
                expected_version=None,
            )
            counts["assessment sections"] += 1


def _consent(
    *,
    actor,
    case: _CaseFamily,
    purpose: str,
    status: str,
    on: date,
    counts: Counter,
    reason: str = "",
) -> None:
    given = status == ConsentDecision.Status.GIVEN
    consent_record_decision(
        actor=actor,
        family=case.family,
        purpose=purpose,
        status=status,
        decision_date=on,
        lawful_basis=LawfulBasis.CONSENT if given else "",
        reason=reason,
        given_by_name=f"{case.parent.first_name} {case.parent.last_name}",
        given_by_relationship=ConsentDecision.Relationship.PARENT_CARER,
        person=case.parent,
        what_may_be_shared=(
            "The assessment and the family's needs, with the agencies at the panel."
            if given
            else ""
        ),
    )
    counts["consent decisions"] += 1


def seed_casework(*, today: date, counts: Counter) -> None:
    practitioner = _demo("practitioner")
    manager = _demo("team.manager")
    if practitioner is None:
        return
    # The first family with two children, and the first two others (stopping there: with
    # benchmark-sized data the practitioner has thousands of families).
    two_children: _CaseFamily | None = None
    others: list[_CaseFamily] = []
    for case in _candidates(practitioner):
        if two_children is None and len(case.children) >= 2:
            two_children = case
        elif len(others) < 3:
            others.append(case)
        if two_children is not None and len(others) == 3:
            break
    in_progress = others[0] if others else None
    refused = others[1] if len(others) > 1 else None

    # 1. An assessment in progress: started, a few sections completed.
    if in_progress and not Assessment.objects.filter(family=in_progress.family).exists():
        assessment = assessment_services.assessment_start(
            actor=practitioner, family=in_progress.family, children=in_progress.children[:1]
        )
        counts["assessments"] += 1
        _fill(
            actor=practitioner,
            assessment=assessment,
            case=in_progress,
            today=today,
            keys={"family", "professionals", "details", "development"},
            counts=counts,
        )

    # 2. A completed assessment of two children, consent given, referred to the panel.
    if two_children and not Assessment.objects.filter(family=two_children.family).exists():
        case = two_children
        consent_on = today - timedelta(days=30)
        _consent(
            actor=practitioner,
            case=case,
            purpose=Purpose.ASSESSMENT,
            status=ConsentDecision.Status.GIVEN,
            on=consent_on,
            counts=counts,
        )
        assessment = assessment_services.assessment_start(
            actor=practitioner, family=case.family, children=case.children[:2]
        )
        counts["assessments"] += 1
        _fill(actor=practitioner, assessment=assessment, case=case, today=today, counts=counts)
        assessment = assessment_services.assessment_submit(
            actor=practitioner, assessment=assessment
        )
        if assessment.status == Assessment.Status.AWAITING_SIGN_OFF:
            if manager is None or not rules.has_perm(
                "assessments.sign_off_assessment", manager, assessment
            ):
                raise RuntimeError("No demo manager can sign off the demo assessment")
            assessment = assessment_services.assessment_sign_off(
                actor=manager, assessment=assessment
            )
        _consent(
            actor=practitioner,
            case=case,
            purpose=Purpose.PANEL_REFERRAL,
            status=ConsentDecision.Status.GIVEN,
            on=today - timedelta(days=7),
            counts=counts,
        )
        assessment_services.panel_referral_submit(actor=practitioner, assessment=assessment)
        counts["panel referrals"] += 1

    # 3. A family who said no to a panel referral.
    if (
        refused
        and not ConsentDecision.objects.filter(
            family=refused.family, purpose=Purpose.PANEL_REFERRAL
        ).exists()
    ):
        _consent(
            actor=practitioner,
            case=refused,
            purpose=Purpose.PANEL_REFERRAL,
            status=ConsentDecision.Status.REFUSED,
            on=today - timedelta(days=3),
            reason=(
                "Parent would rather keep working with the family support worker alone and does "
                "not want their details discussed at a multi-agency meeting."
            ),
            counts=counts,
        )

    seed_episode(case=others[2] if len(others) > 2 else None, today=today, counts=counts)


def seed_episode(*, case: _CaseFamily | None, today: date, counts: Counter) -> None:
    """4. An episode of targeted work led by the lead professional demo login, 14 weeks in: a
    plan with two outcomes, the first review held, the second now overdue, actions overdue."""
    from casework import plans
    from casework.models import Episode
    from core.models import NeedLevel

    lead, opener = _demo("lead.professional"), _demo("team.leader")
    if (
        case is None
        or lead is None
        or opener is None
        or Episode.objects.filter(family=case.family).exists()
    ):
        return
    level = NeedLevel.objects.filter(is_statutory=False).order_by("-level").first()
    started = today - timedelta(weeks=14)
    episode = casework_services.episode_open(
        actor=opener,
        family=case.family,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=level,
        offer=Episode.Offer.TARGETED,
        started_on=started,
        reason="Demo: allocated at the early support panel",
    )
    counts["episodes"] += 1
    plan = plans.plan_start(
        actor=lead,
        episode=episode,
        contingency="If school attendance does not improve by the next review, we will ask the panel for more help.",
    )
    first = plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=plan.version,
        need="Mornings are chaotic and the children are late.",
        outcome_family_words="We get to school on time, calmly.",
        outcome_practitioner_words="Attendance above 95% and punctual most days.",
        # What the children's copies show instead of the family's words.
        outcome_child_words="We get to school on time and have breakfast first.",
        # Whom each outcome concerns: a child's copy of the plan shows only that child's.
        concerns=list(case.family.members.filter(role="child").values_list("person_id", flat=True)),
    )
    plan.refresh_from_db()
    second = plans.plan_outcome_add(
        actor=lead,
        plan=plan,
        expected_version=plan.version,
        need="Rent arrears are causing stress.",
        outcome_family_words="We are not worried about losing our home.",
        concerns=[case.parent.pk],
    )
    plan.refresh_from_db()
    plans.plan_action_add(
        actor=lead,
        outcome=first,
        expected_version=plan.version,
        what="Make a morning routine chart together",
        what_child_words="Make a picture chart of the morning with Mum.",
        doer=f"{plans.PERSON_PREFIX}{case.parent.pk}",
        by_when=started + timedelta(weeks=2),
    )
    plan.refresh_from_db()
    plans.plan_action_add(
        actor=lead,
        outcome=second,
        expected_version=plan.version,
        what="Referral to the money advice service",
        doer=plans.LEAD,
        by_when=started + timedelta(weeks=8),
    )
    first_review = plans.reviews_schedule(episode)
    plans.review_record(
        actor=lead,
        review=first_review,
        held_on=first_review.due_on,
        family_views=f"{case.parent.first_name} says mornings are a bit better.",
        progress_notes="The routine chart is up on the fridge.",
    )
    counts["plan reviews"] += 1


def seed_panel_and_casework(*, seed: int, today: date, password: str) -> dict[str, int]:
    """Add whatever of the panel set-up and case work is missing; returns what was added."""
    from demo.journeys import seed_journeys  # it builds on this module

    counts: Counter = Counter()
    with transaction.atomic():
        seed_panel(seed=seed, today=today, password=password, counts=counts)
        seed_casework(today=today, counts=counts)
        seed_journeys(today=today, counts=counts)
    return dict(counts)
