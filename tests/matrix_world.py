"""One small world for the authorisation matrix (tests/test_authorization_matrix.py).

Built on the demo data (the Kirklees pack and a few dozen synthetic families, as `make run` has),
because it already gives every role a login, a panel with a chair, deputy and seated members,
an assessment in progress, a referral waiting in the inbox and an episode with a plan. On top of
that, factories add what the demo lacks: a second team's family with an assessment, episode and
plan (out of scope for the practitioner, lead professional and team manager), requests for
support in two areas, a logged, decided, allocated panel case with a pending closure on each of
two panels, and consent decisions and overrides on both families.

``World.kwargs(url_name, route_kwargs, variant)`` fills a URL pattern's kwargs with the in-scope
(``"in"``) or out-of-scope (``"out"``) record of the right kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User

ROLES = (
    "anonymous",
    "practitioner",
    "team_leader",
    "business_support",
    "panel_chair",
    "panel_member",
    "lead_professional",
    "team_manager",
    "strategic_lead",
    "admin",
)
DEMO_LOGIN = {
    "practitioner": "practitioner",
    "team_leader": "team.leader",
    "business_support": "business.support",
    "panel_chair": "panel.chair",
    "panel_member": "panel.member",
    "lead_professional": "lead.professional",
    "team_manager": "team.manager",
    "strategic_lead": "strategic.lead",
    "admin": "admin",
}


@dataclass
class World:
    users: dict[str, User]
    # kind -> {"in": value, "out": value}
    ids: dict[str, dict[str, object]] = field(default_factory=dict)

    def put(self, kind: str, inside, outside) -> None:
        self.ids[kind] = {"in": inside, "out": outside}

    def get(self, kind: str, variant: str):
        return self.ids[kind][variant]


# Which record a route kwarg names, where the kwarg name alone does not say (by URL name).
_KWARG_KIND_BY_URL = {
    ("people:family_team_end", "link_id"): "family_team_link",
    ("people:address_end", "link_id"): "address_link",
    ("casework:plan_child_copy", "person_id"): "plan_child",
    ("support_requests:my_request", "request_id"): "my_request",
    ("support_requests:my_request_stop", "request_id"): "my_request",
    ("core:waiting_section", "key"): "tray_key",
    ("core:council_values_change", "group"): "council_group",
    ("risk_factors:end", "factor_id"): "risk_factor",
    ("risk_factors:review", "review_id"): "factor_plan_review",
    ("outcomes:link_remove", "link_id"): "outcome_link",
    ("directory:oruk_service", "id"): "oruk_service",
    ("directory:oruk_service_at_location", "id"): "oruk_service_at_location",
    ("directory:oruk_taxonomy", "id"): "oruk_taxonomy",
    ("directory:oruk_taxonomy_term", "id"): "oruk_taxonomy_term",
    ("directory:find_support_service", "id"): "find_support_service",
    **{
        (f"consultancy:{name}", "request_id"): "consultancy_request"
        for name in ("detail", "pick_up", "assign", "accept", "decline", "complete", "withdraw")
    },
}
# The offer's pages: their ids are the offer's own (referral_id names another kind elsewhere).
_KWARG_KIND_BY_URL.update(
    {
        (f"offer:{name}", kwarg): f"offer_{kwarg.removesuffix('_id')}"
        for name in (
            "programme",
            "programme_capacity",
            "group_new",
            "refer_programme",
            "group",
            "group_change",
            "session_new",
            "attendance",
            "enrolment_finish",
            "impact_new",
            "referral",
            "referral_uptake",
            "referral_withdraw",
            "referral_enrol",
            "referral_finish",
            "referral_offer_place",
            "programme_running",
        )
        for kwarg in ("programme_id", "group_id", "session_id", "enrolment_id", "referral_id")
    }
)
# Changing the places at once is for a one-to-one service.
_KWARG_KIND_BY_URL[("offer:programme_capacity", "programme_id")] = "offer_service"
# The directory's staff pages (all their ids are the directory's, by URL name).
_KWARG_KIND_BY_URL.update(
    {
        (f"directory:staff_{name}", kwarg): f"directory_{kwarg}"
        for name in (
            "service",
            "service_change",
            "service_terms",
            "part_add",
            "part_change",
            "part_remove",
            "organization_change",
            "term_change",
        )
        for kwarg in ("service_id", "part", "part_id", "organization_id", "term_id")
    }
)
# One phone of the directory service's contact (its address and phone pages).
_KWARG_KIND_BY_URL.update(
    {
        (f"directory:staff_subpart_{name}", kwarg): kind
        for name in ("add", "change", "remove")
        for kwarg, kind in (
            ("service_id", "directory_service_id"),
            ("part", "directory_sub_part"),
            ("part_id", "directory_sub_part_id"),
            ("sub", "directory_sub"),
            ("sub_id", "directory_sub_id"),
        )
    }
)
_KWARG_KIND = {
    "family_id": "family",
    "person_id": "person",
    "household_id": "household",
    "pr_id": "parental_responsibility",
    "assessment_id": "assessment",
    "key": "section_key",
    "child_id": "assessment_child",
    "episode_id": "episode",
    "outcome_id": "outcome",
    "action_id": "action",
    "request_id": "request",
    "referral_id": "referral",
    "panel_id": "panel",
    "meeting_id": "meeting",
    "year": "year",
    "case_id": "case",
    "closure_id": "closure",
    "seat_id": "seat",
    "member_id": "seat_member",
    "number": "ask_child",
    "token_id": "api_token",
    "user_id": "staff_user",
    "team_id": "team",
    "message_id": "message",
    "flag_id": "radar_flag",
    "concern_id": "neglect_concern",
    "compliance_id": "disguised_compliance",
    "worker_id": "supervised_worker",
    "supervision_id": "supervision",
    "supervision_action_id": "supervision_action",
    "escalation_id": "escalation",
    "plan_outcome_id": "outcome",
    "check_id": "sustained_check",
    "booklet_id": "neglect_booklet",
    "run_id": "report_run",
    "site_id": "centre",
    "registration_id": "centre_registration",
    "consultant_id": "casework_consultant",
}
# The API router's ``pk`` by route name prefix.
_API_PK_KIND = {
    "api:person-": "person",
    "api:family-": "family",
    "api:assessment-": "assessment",
    "api:episode-": "episode",
    "api:consent-decision-": "consent_decision",
    "api:consent-override-": "consent_override",
    "api:panel-meeting-": "meeting",
    "api:panel-case-": "case",
    "api:panel-": "panel",
    "api:support-request-": "request",
    "api:my-support-request-": "my_request",
    "api:risk-factor-": "risk_factor",
    "api:radar-flag-": "radar_flag",
    "api:supervision-action-": "supervision_action",
    "api:supervision-": "supervision",
    "api:escalation-": "escalation",
    "api:neglect-concern-": "neglect_concern",
    "api:disguised-compliance-": "disguised_compliance",
    "api:child-injuries-": "person",
    "api:outcome-link-": "outcome_link",
    "api:outcome-sustained-check-": "sustained_check",
    "api:centre-registration-": "centre_registration",
    "api:consultancy-request-": "consultancy_request",
    "api:casework-consultant-": "casework_consultant",
    "api:offer-programme-": "offer_programme",
    "api:offer-group-": "offer_group",
    "api:offer-referral-": "offer_referral",
    "api:offer-enrolment-": "offer_enrolment",
}


def kind_for(url_name: str, kwarg: str) -> str:
    if (url_name, kwarg) in _KWARG_KIND_BY_URL:
        return _KWARG_KIND_BY_URL[(url_name, kwarg)]
    if kwarg == "pk" or (url_name.startswith("api:") and kwarg == "episode_id"):
        for prefix, kind in _API_PK_KIND.items():
            if url_name.startswith(prefix):
                return kind
        raise KeyError(f"no record kind for {url_name} pk")
    if url_name.startswith("api:") and kwarg == "key":
        return "section_key"
    return _KWARG_KIND[kwarg]


def fill(world: World, url_name: str, kwargs: list[str], variant: str) -> dict:
    values = {}
    for kwarg in kwargs:
        if kwarg == "key" and "child_id" not in kwargs and url_name.startswith("assessments:"):
            values[kwarg] = "family"  # a section of the whole family, not per child
            continue
        value = world.get(kind_for(url_name, kwarg), variant)
        values[kwarg] = value
    return values


def build_world() -> World:
    """The matrix's world (about a second: the demo generator writes in bulk)."""
    from accounts.tests.factories import UserFactory
    from assessments.models import Assessment, AssessmentChild, PanelReferral
    from assessments.tests.factories import (
        AssessmentFactory,
        CompletedAssessmentFactory,
        PanelReferralFactory,
    )
    from casework.models import Episode
    from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
    from consent.tests.factories import ConsentDecisionFactory, ConsentOverrideFactory
    from core.council_pack import load_council_pack
    from core.models import Area, Council
    from demo.generator import seed_demo
    from panel.models import (
        ClosureRequest,
        LeadProfessionalAllocation,
        Panel,
        PanelCase,
        PanelDecision,
        PanelMeeting,
        PanelSeatMember,
    )
    from panel.tests.factories import (
        PanelFactory,
        PanelMeetingFactory,
        PanelSeatFactory,
        PanelSeatMemberFactory,
    )
    from people.models import (
        FamilyMember,
        FamilyTeam,
        Household,
        ParentalResponsibility,
        PersonAddress,
    )
    from people.selectors import families_for
    from people.tests.factories import (
        HouseholdFactory,
        ParentalResponsibilityFactory,
        PersonAddressFactory,
        family_with_members,
    )
    from support_requests.models import SupportRequest
    from support_requests.tests.factories import SupportRequestFactory

    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    seed_demo(families=40, seed=2026)
    users = {
        role: User.objects.get(username=login, is_demo=True) for role, login in DEMO_LOGIN.items()
    }
    world = World(users=users)
    practitioner, lead = users["practitioner"], users["lead_professional"]
    practitioner2 = User.objects.get(username="practitioner2", is_demo=True)
    now = timezone.now()

    # A lead professional in the second practitioner's team: their episode is out of scope for ours.
    lead2 = UserFactory(
        username="matrix.lead2",
        team=practitioner2.team,
        roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL],
    )

    # The demo's episode with a plan (its others are at later stages, or closed, or the panel's).
    episode_in = (
        Episode.objects.select_related("family")
        .filter(lead_professional=lead, stage=1, status="open", panel_case__isnull=True)
        .order_by("created_at")
        .first()
    )
    family_in = episode_in.family
    narrow = [users[r] for r in ("practitioner", "lead_professional", "team_manager")]
    for user in narrow:
        assert families_for(user).filter(pk=family_in.pk).exists(), user
    family_out = family_with_members(team=practitioner2.team, children=2, adults=1)
    for user in narrow:
        assert not families_for(user).filter(pk=family_out.pk).exists(), user
    world.put("family", family_in.pk, family_out.pk)

    def child_of(family):
        return (
            FamilyMember.objects.filter(family=family, role=FamilyMember.Role.CHILD)
            .order_by("person__created_at", "person_id")
            .first()
            .person
        )

    child_in, child_out = child_of(family_in), child_of(family_out)
    world.put("person", child_in.pk, child_out.pk)
    world.put("plan_child", child_in.pk, child_out.pk)

    def household(family):
        return Household.objects.filter(family=family).first() or HouseholdFactory(family=family)

    world.put("household", household(family_in).pk, household(family_out).pk)

    def team_link(family):
        return (
            FamilyTeam.objects.filter(family=family, ended_on__isnull=True).order_by("pk").first()
        )

    world.put("family_team_link", team_link(family_in).pk, team_link(family_out).pk)

    def address_link(person):
        return PersonAddress.objects.filter(
            person=person, moved_out__isnull=True
        ).first() or PersonAddressFactory(person=person)

    world.put("address_link", address_link(child_in).pk, address_link(child_out).pk)

    def parental_responsibility(family, child):
        existing = ParentalResponsibility.objects.filter(child=child, to_date__isnull=True).first()
        if existing:
            return existing
        adults = FamilyMember.objects.filter(
            family=family, role__in=[FamilyMember.Role.PARENT_CARER, FamilyMember.Role.OTHER_ADULT]
        )
        adult = adults.first().person
        return ParentalResponsibilityFactory(child=child, adult=adult)

    world.put(
        "parental_responsibility",
        parental_responsibility(family_in, child_in).pk,
        parental_responsibility(family_out, child_out).pk,
    )

    # Assessments: the demo's one in progress (the practitioner's team) and a draft next door.
    assessment_in = (
        Assessment.objects.filter(worker=practitioner, status=Assessment.Status.DRAFT)
        .order_by("created_at")
        .first()
    )
    assessment_out = AssessmentFactory(
        family=family_out, worker=practitioner2, children=[child_out]
    )
    world.put("assessment", assessment_in.pk, assessment_out.pk)
    world.put("section_key", "development", "development")
    # A work tray section's whole list: referrals to log (one waits in the inbox); "out" is
    # a kind of work no one has.
    world.put("tray_key", "referrals_to_log", "no_such_work")
    world.put("council_group", "duty-team", "no-such-group")
    world.put(
        "assessment_child",
        AssessmentChild.objects.filter(assessment=assessment_in).first().pk,
        AssessmentChild.objects.filter(assessment=assessment_out).first().pk,
    )

    # Episodes and plans: the demo's (led by the lead professional) and one next door.
    plan_in = episode_in.plan
    outcome_in = plan_in.outcomes.order_by("pk").first()
    action_in = outcome_in.actions.order_by("pk").first()
    episode_out = make_episode(
        lead_professional=lead2,
        family=family_out,
        started_on=timezone.localdate() - timedelta(weeks=4),
    )
    plan_out = make_plan(episode=episode_out)
    outcome_out = make_outcome(plan=plan_out)
    action_out = make_action(outcome=outcome_out)
    world.put("episode", episode_in.pk, episode_out.pk)
    world.put("outcome", outcome_in.pk, outcome_out.pk)
    world.put("action", action_in.pk, action_out.pk)

    # Outcomes: a mapping of each plan outcome, and a sustained check on each episode.
    from outcomes.tests.factories import (
        FrameworkOutcomeFactory,
        OutcomeLinkFactory,
        OutcomeSustainedCheckFactory,
    )

    mapped_to = FrameworkOutcomeFactory()
    world.put(
        "outcome_link",
        OutcomeLinkFactory(plan_outcome=outcome_in, framework_outcome=mapped_to).pk,
        OutcomeLinkFactory(plan_outcome=outcome_out, framework_outcome=mapped_to).pk,
    )
    world.put(
        "sustained_check",
        OutcomeSustainedCheckFactory(episode=episode_in).pk,
        OutcomeSustainedCheckFactory(episode=episode_out).pk,
    )

    # Consent: a decision and an override on each family.
    world.put(
        "consent_decision",
        ConsentDecisionFactory(family=family_in, recorded_by=practitioner).pk,
        ConsentDecisionFactory(family=family_out, recorded_by=practitioner2).pk,
    )
    world.put(
        "consent_override",
        ConsentOverrideFactory(family=family_in, authorised_by=users["team_manager"]).pk,
        ConsentOverrideFactory(family=family_out, authorised_by=users["team_leader"]).pk,
    )

    # Requests for support: one in the team leader's area (made by our practitioner), one in
    # another area (made by someone else).
    home_area = users["team_leader"].team.area
    other_area = Area.objects.exclude(pk=home_area.pk).order_by("sort_order").first()
    request_in = SupportRequestFactory(
        area=home_area, source=SupportRequest.Source.PRACTITIONER, requester=practitioner
    )
    request_out = SupportRequestFactory(
        area=other_area, source=SupportRequest.Source.PRACTITIONER, requester=practitioner2
    )
    world.put("request", request_in.pk, request_out.pk)
    world.put("my_request", request_in.pk, request_out.pk)

    # The inbox: the demo's referral waiting to be logged, and another one.
    waiting = PanelReferral.objects.filter(panel_case__isnull=True).order_by("submitted_at")
    referral_in = waiting.first()
    referral_out = PanelReferralFactory(
        assessment=CompletedAssessmentFactory(
            family=family_out, worker=practitioner2, children=[child_out], number=2
        ),
    )
    world.put("referral", referral_in.pk, referral_out.pk)

    # Panels: the demo panel (our chair, deputy and member sit on it) and another area's panel
    # with nobody of ours on it.
    council = Council.objects.get()
    panel_in = Panel.objects.get(chair=users["panel_chair"])
    # The demo makes the team leader the panel's deputy chair; here each login is only its role.
    Panel.objects.filter(pk=panel_in.pk).update(deputy=None)
    panel_out = PanelFactory(
        council=council,
        area=other_area,
        first_meeting_date=panel_in.first_meeting_date,
        weekday=panel_in.weekday,
    )
    seat = PanelSeatFactory(panel=panel_out, agency=users["panel_member"].agency)
    other_member = UserFactory(
        username="matrix.member2", team=None, agency=seat.agency, roles=[Role.PANEL_MEMBER]
    )
    member_out = PanelSeatMemberFactory(seat=seat, user=other_member)
    # A seat of each panel with someone in it: our panel member's, and the other panel's.
    member_in = PanelSeatMember.objects.get(seat__panel=panel_in, user=users["panel_member"])
    world.put("seat", member_in.seat_id, seat.pk)
    world.put("seat_member", member_in.pk, member_out.pk)
    soon = timezone.localdate() + timedelta(days=10)
    meeting_in = (
        PanelMeeting.objects.filter(
            panel=panel_in, date__gte=soon, status=PanelMeeting.Status.SCHEDULED
        )
        .order_by("date")
        .first()
    )
    meeting_out = PanelMeetingFactory(panel=panel_out, date=meeting_in.date)
    PanelMeeting.objects.filter(pk__in=[meeting_in.pk, meeting_out.pk]).update(
        pack_published_at=now, pack_published_by=users["business_support"]
    )
    world.put("panel", panel_in.pk, panel_out.pk)
    world.put("meeting", meeting_in.pk, meeting_out.pk)
    world.put("year", meeting_in.date.year, meeting_out.date.year)

    def decided_case(panel, meeting, family, worker, child, sequence, lead_professional):
        referral = PanelReferralFactory(
            assessment=CompletedAssessmentFactory(
                family=family, worker=worker, children=[child], number=10 + sequence
            ),
        )
        case = PanelCase.objects.create(
            referral=referral,
            panel=panel,
            esmap_number=f"ESMAP-MX-{sequence}",
            year=meeting.date.year,
            sequence=9000 + sequence,
            logged_by=users["business_support"],
            logged_at=now,
            meeting=meeting,
            status=PanelCase.Status.CLOSURE_REQUESTED,
        )
        PanelDecision.objects.create(
            case=case,
            meeting=meeting,
            kind=PanelDecision.Kind.LEAD_AGENCY,
            lead_agency=lead_professional.agency,
            decided_by=users["panel_chair"],
            decided_at=now,
        )
        LeadProfessionalAllocation.objects.create(
            case=case,
            agency=lead_professional.agency,
            lead_professional=lead_professional,
            allocated_by=users["business_support"],
            allocated_at=now,
        )
        closure = ClosureRequest.objects.create(
            case=case,
            requested_by=lead_professional,
            requested_at=now,
            summary="Work is done.",
            meeting=meeting,
        )
        return case, closure

    case_in, closure_in = decided_case(
        panel_in, meeting_in, family_in, practitioner, child_in, 1, lead
    )
    case_out, closure_out = decided_case(
        panel_out, meeting_out, family_out, practitioner2, child_out, 2, lead2
    )
    # The in-scope case is the one the in-scope episode came from (its chain's panel case).
    Episode.objects.filter(pk=episode_in.pk).update(panel_case=case_in)
    world.put("case", case_in.pk, case_out.pk)
    world.put("closure", closure_in.pk, closure_out.pk)

    # API tokens: the practitioner's own, and someone else's.
    from accounts.services import api_token_create

    world.put(
        "api_token",
        api_token_create(actor=practitioner, user=practitioner, name="matrix", days=30).token.pk,
        api_token_create(actor=practitioner2, user=practitioner2, name="matrix", days=30).token.pk,
    )

    # A staff account for the administrator's pages (every account is in their scope).
    world.put("staff_user", practitioner.pk, practitioner2.pk)
    # A team for the administrator's team pages (every team is in their scope).
    world.put("team", practitioner.team_id, practitioner2.team_id)

    # Two messages every try failed to send (the background work page sends them again).
    from core.models import OutboundMessage

    failed = [
        OutboundMessage.objects.create(
            to=f"matrix{n}@example.org",
            template="closure_returned",
            reference=f"MATRIX-{n}",
            status=OutboundMessage.Status.FAILED,
        ).pk
        for n in (1, 2)
    ]
    world.put("message", *failed)

    # The public journey's children are numbered in the session; nobody has any yet.
    world.put("ask_child", 1, 2)

    # Disguised compliance: a record on each episode (on one of its contacts).
    from patterns.tests.factories import DisguisedComplianceRecordFactory

    world.put(
        "disguised_compliance",
        DisguisedComplianceRecordFactory(episode=episode_in).pk,
        DisguisedComplianceRecordFactory(episode=episode_out).pk,
    )
    # Radar flags: on the lead professional's episode (their manager's radar), and next door.
    from radar.models import RadarFlag

    def radar_flag(episode, key):
        return RadarFlag.objects.create(
            rule="episode_open_long",
            family=episode.family,
            episode=episode,
            subject_key=f"matrix|{key}",
            facts={"started_on": "2026-01-01", "threshold": 9},
            since=timezone.localdate(),
            raised_on=timezone.localdate(),
        ).pk

    world.put("radar_flag", radar_flag(episode_in, "in"), radar_flag(episode_out, "out"))
    # Risk and vulnerability factors: one present on each family, and each episode's plan review.
    from risk_factors.tests.factories import matrix_records

    factors, reviews = matrix_records(
        family_in=family_in,
        family_out=family_out,
        episode_in=episode_in,
        episode_out=episode_out,
        actor_in=lead,
        actor_out=lead2,
    )
    world.put("risk_factor", *factors)
    world.put("factor_plan_review", *reviews)
    # Neglect: a current concern on each family's child.
    from neglect.tests.factories import matrix_records as neglect_records

    world.put(
        "neglect_concern",
        *neglect_records(
            child_in=child_in, family_in=family_in, child_out=child_out, family_out=family_out
        ),
    )
    # Supervision: the practitioner (in the team manager's team) and the second practitioner.
    from oversight.tests.factories import matrix_records as oversight_records

    for kind, ids in oversight_records(
        worker_in=practitioner,
        manager_in=users["team_manager"],
        worker_out=practitioner2,
        episode_in=episode_in,
        episode_out=episode_out,
    ).items():
        world.put(kind, *ids)
    # An issued neglect booklet: the partnership's, not a family's, so the same for both.
    from reporting.models import NeglectBooklet

    booklet = NeglectBooklet.objects.create(
        year=2026,
        quarter=1,
        pdf=b"%PDF-1.4",
        xlsx=b"PK",
        pdf_sha256="0" * 64,
        xlsx_sha256="0" * 64,
        issued_by=users["strategic_lead"],
        issued_at=timezone.now(),
    )
    world.put("neglect_booklet", booklet.pk, booklet.pk)
    # A background run of the booklet belongs to whoever asked: the strategic lead's finished
    # draft ("in"), and another strategic lead's ("out").
    from reporting.models import ReportRun

    def draft_run(user):
        return ReportRun.objects.create(
            kind=ReportRun.Kind.BOOKLET_DRAFT,
            year=2026,
            quarter=1,
            fmt="pdf",
            requested_by=user,
            status=ReportRun.Status.DONE,
            content=b"%PDF-1.4",
            finished_at=timezone.now(),
        )

    other_lead = UserFactory(roles=[Role.STRATEGIC_LEAD])
    world.put("report_run", draft_run(users["strategic_lead"]).pk, draft_run(other_lead).pk)
    _directory(world)
    _consultancy(world)
    _offer(world)
    # Children's centres: a centre ("out": a hub) and an open registration of each child at it.
    from children_centres.tests.factories import matrix_records as centre_records

    for kind, ids in centre_records(
        child_in=child_in, child_out=child_out, recorder=users["team_leader"]
    ).items():
        world.put(kind, *ids)
    return world


def _directory(world: World) -> None:
    """A directory service with one of each record the ORUK API nests; "out" is an unknown id."""
    import uuid

    from directory.models import Attribute, Schedule, ServiceAtLocation
    from directory.tests.factories import full_service

    service = full_service()
    sal = ServiceAtLocation.objects.get(service=service)
    term = Attribute.objects.get(link_id=service.pk).taxonomy_term
    for kind, pk in (
        ("oruk_service", service.pk),
        ("oruk_service_at_location", sal.pk),
        ("oruk_taxonomy", term.taxonomy_detail_id),
        ("oruk_taxonomy_term", term.pk),
    ):
        world.put(kind, str(pk), str(uuid.uuid4()))
    # The public find support page of the same (active) service; "out" is an unknown id.
    world.put("find_support_service", service.pk, uuid.uuid4())
    # The staff pages: the same service, its opening times as the part, its organisation, the
    # term; "out" is an unknown id (the part's kind is the same: only the id is unknown).
    schedule = Schedule.objects.filter(service=service).first()
    for kind, pk in (
        ("directory_service_id", service.pk),
        ("directory_part_id", schedule.pk),
        ("directory_organization_id", service.organization_id),
        ("directory_term_id", term.pk),
    ):
        world.put(kind, pk, uuid.uuid4())
    world.put("directory_part", "schedule", "schedule")
    # A phone of the service's contact; "out" is an unknown id (of the contact, and the phone).
    from directory.models import Contact
    from directory.tests.factories import PhoneFactory

    contact = Contact.objects.filter(service=service).first()
    phone = PhoneFactory(contact=contact)
    world.put("directory_sub_part_id", contact.pk, uuid.uuid4())
    world.put("directory_sub_id", phone.pk, uuid.uuid4())
    world.put("directory_sub_part", "contact", "contact")
    world.put("directory_sub", "phone", "phone")


def _offer(world: World) -> None:
    """The offer: a programme run by the practitioner's team with a full group (one place, one
    participant) and a session held, and a referral the practitioner made for the family in
    scope, on the waiting list; "out" is an unknown id, and for a referral one on the family out
    of scope made by someone else."""
    from datetime import date

    from offer.tests.factories import (
        EnrolmentFactory,
        GroupSessionFactory,
        OneToOneServiceFactory,
        ProgrammeFactory,
        ProgrammeGroupFactory,
        ReferralFactory,
    )
    from people.models import Family

    practitioner = world.users["practitioner"]
    programme = ProgrammeFactory(team=practitioner.team)
    group = ProgrammeGroupFactory(programme=programme, capacity=1, starts_on=date(2020, 1, 6))
    session = GroupSessionFactory(group=group, number=1, held_on=date(2020, 1, 6))
    family_in = Family.objects.get(pk=world.get("family", "in"))
    family_out = Family.objects.get(pk=world.get("family", "out"))
    (first, *_rest) = [m.person for m in family_in.members.select_related("person")]
    sitting = ReferralFactory(
        programme=programme, family=family_in, made_by=practitioner, enrolled=True, people=[first]
    )
    enrolment = EnrolmentFactory(group=group, referral=sitting, person=first)
    waiting = ReferralFactory(
        programme=programme, family=family_in, made_by=practitioner, people=[first]
    )
    other = [m.person for m in family_out.members.select_related("person")][:1]
    stranger = ReferralFactory(
        programme=programme,
        family=family_out,
        made_by=User.objects.get(username="practitioner2", is_demo=True),
        people=other,
    )
    world.put("offer_service", OneToOneServiceFactory(team=practitioner.team).pk, 999999)
    world.put("offer_programme", programme.pk, 999999)
    world.put("offer_group", group.pk, 999999)
    world.put("offer_session", session.pk, 999999)
    world.put("offer_enrolment", enrolment.pk, 999999)
    world.put("offer_referral", waiting.pk, stranger.pk)


def _consultancy(world: World) -> None:
    """Casework consultancy: the demo makes the lead professional a consultant; a request the
    practitioner made, assigned to them, and one next door (practitioner2's, another consultant's)."""
    from consultancy.tests.factories import matrix_records

    practitioner2 = User.objects.get(username="practitioner2", is_demo=True)
    for kind, ids in matrix_records(
        requester_in=world.users["practitioner"],
        consultant_in=world.users["lead_professional"],
        requester_out=practitioner2,
    ).items():
        world.put(kind, *ids)
