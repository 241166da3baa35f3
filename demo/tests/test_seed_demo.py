"""seed_demo: synthetic, deterministic, idempotent demo data for any council pack."""

import re
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from assessments.models import Assessment, AssessmentSection, PanelReferral
from consent.models import ConsentDecision, Purpose
from core.council_pack import load_council_pack
from core.models import AuditEvent
from demo.generator import (
    DEMO_PASSWORD,
    DEMO_USERS,
    REFERENCE_PREFIX,
    demo_logins,
    load_setting,
    plan_families,
    plan_fingerprint,
    plan_users,
)
from demo.panel_and_casework import PANEL_MEMBER_LOGINS, demo_panel, extra_logins
from panel.models import Panel, PanelCase, PanelMeeting, PanelSeat, PanelSeatMember
from people import selectors
from people.models import (
    Address,
    ChronologyEntry,
    Family,
    FamilyMember,
    FamilyTeam,
    Household,
    HouseholdMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from people.search import normalise_postcode
from people.services import _refresh_search_keys

PACKS = {
    "tiny": Path(django_settings.BASE_DIR) / "core" / "tests" / "packs" / "tiny.yaml",
    "kirklees": Path(django_settings.BASE_DIR) / "config_packs" / "kirklees.yaml",
}
FAMILIES = 30
SEED = 2026
MODELS = (
    User,
    Family,
    FamilyTeam,
    FamilyMember,
    Person,
    PersonName,
    Address,
    PersonAddress,
    Household,
    HouseholdMember,
    Relationship,
    ParentalResponsibility,
    ProfessionalInvolvement,
    ChronologyEntry,
    RoleGrant,
    Panel,
    PanelSeat,
    PanelSeatMember,
    PanelMeeting,
    Assessment,
    AssessmentSection,
    ConsentDecision,
    PanelReferral,
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def seed(**options) -> str:
    out = StringIO()
    call_command(
        "seed_demo",
        families=options.pop("families", FAMILIES),
        seed=options.pop("seed", SEED),
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # The real hashers are deliberately slow; these tests check the password, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(params=sorted(PACKS))
def pack(request, db):
    load_council_pack(PACKS[request.param])
    return request.param


@pytest.fixture
def seeded(pack):
    return seed()


def demo_user(username: str) -> User:
    return User.objects.get(username=username, is_demo=True)


# --- set-up and refusal -------------------------------------------------------------------


@pytest.mark.django_db
def test_refuses_clearly_without_a_council_pack():
    with pytest.raises(CommandError, match="No council pack is loaded.*load_council_pack"):
        seed()
    assert Family.objects.count() == 0 and User.objects.count() == 0


def test_refuses_when_demo_mode_is_off(pack, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE is off"):
        seed()
    assert Family.objects.count() == 0 and not User.objects.filter(is_demo=True).exists()


def test_never_takes_over_a_real_account(pack):
    User.objects.create_user(username="admin", password="a-real-administrators-password-1")
    with pytest.raises(CommandError, match="admin"):
        seed()
    # All or nothing: not even the other demo logins were created.
    assert Family.objects.count() == 0 and not User.objects.filter(is_demo=True).exists()
    assert not User.objects.get(username="admin").is_demo


# --- logins -------------------------------------------------------------------------------


def test_a_demo_login_for_every_role_that_signs_in_with_the_demo_password(seeded):
    validate_password(DEMO_PASSWORD)
    for role in Role.values:
        assert User.objects.filter(is_demo=True, role_grants__role=role).exists(), role
    request = RequestFactory().post("/accounts/login/")
    for _, username in demo_logins():
        user = demo_user(username)
        validate_password(DEMO_PASSWORD, user=user)
        assert authenticate(request, username=username, password=DEMO_PASSWORD) == user
        assert authenticate(request, username=username, password="wrong-password-123!") is None
    assert [u for _, u in demo_logins()] == [u for u, _, _ in DEMO_USERS]


def test_demo_logins_sit_where_their_role_works(seeded):
    admin = demo_user("admin")
    assert admin.team is None and admin.agency is None
    assert not admin.is_staff and not admin.is_superuser
    practitioner, practitioner2 = demo_user("practitioner"), demo_user("practitioner2")
    assert practitioner.team and practitioner2.team and practitioner.team != practitioner2.team
    assert not practitioner.agency.is_early_support_service
    assert not practitioner2.agency.is_early_support_service
    manager = demo_user("team.manager")
    managed = set(manager.managed_teams.all())
    assert practitioner.team in managed and len(managed) == 2
    for username in ("team.leader", "business.support", "panel.chair"):
        assert demo_user(username).agency.is_early_support_service, username
    assert demo_user("panel.member").agency.panel_seat
    assert not demo_user("lead.professional").agency.is_early_support_service


# --- determinism and idempotence ----------------------------------------------------------


def test_the_same_seed_plans_the_same_data_and_writes_exactly_that(seeded):
    setting = load_setting()
    first = list(plan_families(setting, families=FAMILIES, seed=SEED, today=date(2026, 1, 1)))
    again = list(plan_families(setting, families=FAMILIES, seed=SEED, today=date(2028, 2, 29)))
    other = list(plan_families(setting, families=FAMILIES, seed=SEED + 1))
    assert plan_fingerprint(first) == plan_fingerprint(again)
    assert plan_fingerprint(first) != plan_fingerprint(other)
    assert [(u.username, u.first_name, u.last_name) for u in plan_users(setting, SEED)] == [
        (u.username, u.first_name, u.last_name) for u in plan_users(setting, SEED)
    ]

    # What was written is that plan: same references, same UUIDs, same names.
    planned_families = {(f.id, f.reference, f.name) for p in first for f in p.families}
    planned_people = {(p.id, p.first_name, p.last_name) for plan in first for p in plan.people}
    assert set(Family.objects.values_list("id", "reference", "name")) == planned_families
    assert set(Person.objects.values_list("id", "first_name", "last_name")) == planned_people
    assert Family.objects.count() == FAMILIES
    assert all(
        ref.startswith(REFERENCE_PREFIX)
        for ref in Family.objects.values_list("reference", flat=True)
    )


def test_a_second_run_changes_nothing_and_says_so(seeded):
    before = counts()
    panel = Panel.objects.values_list().get()
    events = AuditEvent.objects.count()
    output = seed(families=50, seed=SEED + 7)
    assert "already present" in output and "nothing changed" in output
    assert counts() == before
    assert Panel.objects.values_list().get() == panel
    assert AuditEvent.objects.count() == events
    # And again with the default seed, as ``make run`` does.
    assert "nothing changed" in seed()
    assert counts() == before and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_an_installation_seeded_before_its_panel_was_configured_gets_it_on_the_next_run():
    data = yaml.safe_load(PACKS["kirklees"].read_text(encoding="utf-8"))
    panels = data.pop("panels")
    load_council_pack(data)
    seed()
    assert not Panel.objects.exists() and PanelReferral.objects.count() == 1

    load_council_pack({**data, "panels": panels})
    output = seed()

    assert "added the missing panel set-up and case work" in output
    panel = Panel.objects.get()
    assert panel.chair == demo_user("panel.chair")
    assert PanelSeatMember.objects.filter(seat__panel=panel).count() >= 4
    assert PanelMeeting.objects.filter(panel=panel).exists()
    # The referral made before still waits in the inbox, to be logged; any more are logged.
    assert Assessment.objects.count() >= 2 and PanelReferral.objects.count() >= 1
    assert PanelReferral.objects.filter(panel_case__isnull=True).count() == 1
    assert "nothing changed" in seed()


# --- the panel and case work --------------------------------------------------------------


def test_the_demo_panel_has_a_chair_a_deputy_members_and_meetings(seeded, pack):
    panel = demo_panel()
    assert panel.chair == demo_user("panel.chair")
    assert panel.deputy == demo_user("team.leader")
    members = PanelSeatMember.objects.filter(seat__panel=panel).select_related("user", "seat")
    assert demo_user("panel.member") in {m.user for m in members}
    for m in members:
        assert m.user.is_demo and m.user.agency_id == m.seat.agency_id
        assert m.user.has_role(Role.PANEL_MEMBER)
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        assert set(
            PanelMeeting.objects.filter(panel=panel, date__year=year).values_list("date", flat=True)
        ) == set(panel.calendar.meeting_dates(year))
    assert PanelMeeting.objects.filter(panel=panel, date__year=today.year + 1).exists()
    if pack == "kirklees":
        # Quorate: the chair (or deputy) and at least four members, from different agencies.
        assert members.count() >= 4
        assert len({m.seat.agency.sector for m in members}) >= 4
        assert {label for label, _ in extra_logins()} == {
            login for _, login, _ in PANEL_MEMBER_LOGINS
        }


def test_case_work_examples_the_practitioner_can_see(seeded):
    practitioner = demo_user("practitioner")
    mine = selectors.families_for(practitioner)

    draft = Assessment.objects.get(status=Assessment.Status.DRAFT)
    assert draft.family in mine and draft.worker == practitioner
    done = draft.sections.filter(status=AssessmentSection.Status.COMPLETED).count()
    assert 0 < done < AssessmentSection.objects.filter(assessment=draft).count() + 10

    # The two-child assessment (the journeys' referrals each assess one child).
    completed = (
        Assessment.objects.annotate(n=Count("children"))
        .filter(worker=practitioner)
        .get(status=Assessment.Status.COMPLETED, n=2)
    )
    assert completed.family in mine and completed.children.count() == 2
    views = {
        row.answers["seen_alone"]: row.answers
        for row in completed.sections.filter(key="child_views")
    }
    assert set(views) == {"yes", "no"} and views["no"]["not_seen_alone_reason"]
    for purpose in (Purpose.ASSESSMENT, Purpose.PANEL_REFERRAL):
        assert ConsentDecision.objects.filter(
            family=completed.family, purpose=purpose, status=ConsentDecision.Status.GIVEN
        ).exists()
    referral = PanelReferral.objects.get(assessment=completed)
    assert not hasattr(referral, "panel_case")  # waiting in business support's inbox
    assert referral.assessment == completed and referral.submitted_by == practitioner

    refused = ConsentDecision.objects.get(status=ConsentDecision.Status.REFUSED)
    assert refused.purpose == Purpose.PANEL_REFERRAL and refused.reason
    assert refused.family in mine
    assert len({draft.family_id, completed.family_id, refused.family_id}) == 3
    # All through the services: every write is on the audit trail.
    for record in (draft, completed, referral, refused):
        assert AuditEvent.objects.filter(
            record_type=record._meta.label_lower, record_id=str(record.pk)
        ).exists()


# --- every journey has something to show ----------------------------------------------------

# Enough families for the demo practitioners' teams to hold every journey's family (the default
# of 200 has plenty; 30 has too few, and the journeys then show fewer examples).
JOURNEY_FAMILIES = 80


@pytest.fixture
def journeys(pack):
    return seed(families=JOURNEY_FAMILIES)


@pytest.fixture
def kirklees_journeys(db):
    # The tiny pack's one panel covers one of its two areas: too few of its families reach it.
    load_council_pack(PACKS["kirklees"])
    return seed(families=JOURNEY_FAMILIES)


def test_every_areas_triage_queue_has_a_public_and_a_practitioners_request(journeys):
    from core.models import Area
    from support_requests import selectors as request_selectors
    from support_requests.models import SupportRequest

    for area in Area.objects.all():
        waiting = SupportRequest.objects.filter(area=area, status__in=SupportRequest.OPEN_STATUSES)
        assert sorted(waiting.values_list("source", flat=True)) == sorted(
            [SupportRequest.Source.PUBLIC, SupportRequest.Source.PRACTITIONER]
        ), area
    for username in ("team.leader", "business.support"):
        assert request_selectors.queue_for(demo_user(username)).count() >= 2


def test_the_next_meeting_has_cases_a_published_pack_and_responses(kirklees_journeys):
    from panel import selectors as panel_selectors
    from panel.models import AgencyResponse, PanelDecision

    today = timezone.localdate()
    published = PanelMeeting.objects.get(pack_published_at__isnull=False)
    assert published.date >= today and published.status == PanelMeeting.Status.SCHEDULED
    # The first meeting whose referral cut-off was still to come when the cases were logged.
    assert published == panel_selectors.next_open_meeting(demo_panel(), timezone.now())
    assert published.cases.filter(status=PanelCase.Status.LOGGED).count() == 3
    assert AgencyResponse.objects.filter(case__meeting=published).count() >= 3
    assert AgencyResponse.objects.filter(known=True).exclude(information="").exists()
    member = demo_user("panel.member")
    assert panel_selectors.pack_access(member, published) is not None
    # Two decided between meetings by the chair, their lead professionals allocated.
    decisions = PanelDecision.objects.filter(is_extraordinary=True)
    assert decisions.count() == 2
    assert {d.decided_by for d in decisions} == {demo_user("panel.chair")}
    assert (
        PanelCase.objects.filter(
            status__in=[PanelCase.Status.ALLOCATED, PanelCase.Status.CLOSURE_REQUESTED]
        ).count()
        == 2
    )


def test_past_meetings_of_the_year_were_held_or_not_held(journeys, pack):
    from panel import selectors as panel_selectors

    today = timezone.localdate()
    past = PanelMeeting.objects.filter(date__year=today.year, date__lt=today)
    assert not past.filter(
        status=PanelMeeting.Status.SCHEDULED, date__lte=today - timedelta(days=7)
    ).exists()
    summer = past.filter(date__month=8)
    assert set(summer.values_list("status", flat=True)) <= {PanelMeeting.Status.NOT_HELD}
    held = past.exclude(date__month=8)
    assert set(held.values_list("status", flat=True)) <= {PanelMeeting.Status.HELD}
    for meeting in held:
        assert meeting.attendance.exists()
        if pack == "kirklees":
            assert panel_selectors.meeting_quorum(meeting).is_quorate


def test_an_episode_at_every_stage_and_every_ending(kirklees_journeys):
    from casework.models import Episode

    demo_leads = set(User.objects.filter(is_demo=True))
    episodes = Episode.objects.select_related("lead_professional")
    working = episodes.filter(status__in=[Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED])
    assert set(working.values_list("stage", flat=True)) == set(Episode.Stage.values)
    for status in Episode.Status.values:
        assert episodes.filter(status=status).exists(), status
    # Just allocated by the panel, no TAF meeting yet; and its closure sent back to the panel.
    assert working.filter(
        panel_case__isnull=False, stage=Episode.Stage.ENGAGEMENT, taf_meetings__isnull=True
    ).exists()
    assert episodes.get(status=Episode.Status.CLOSURE_REQUESTED).panel_case is not None
    # Stepped down: a new episode following the stepped-up one.
    assert episodes.filter(previous__status=Episode.Status.STEPPED_UP, status="open").exists()
    assert episodes.filter(taf_meetings__isnull=False, plan__isnull=False).exists()
    assert {e.lead_professional for e in episodes} <= demo_leads
    assert demo_user("lead.professional") in {e.lead_professional for e in episodes}


# --- the shapes of family -----------------------------------------------------------------


def test_every_family_shape_appears(seeded):
    today = timezone.localdate()
    unborn = Person.objects.filter(kind=Person.Kind.UNBORN)
    assert unborn.exists()
    for baby in unborn:
        assert baby.date_of_birth is None
        assert (
            today + timedelta(days=28)
            <= baby.expected_date_of_delivery
            <= today + timedelta(days=245)
        )
    assert PersonAddress.objects.filter(is_confidential=True).exists()
    assert Household.objects.filter(is_confidential=True).exists()
    assert Person.objects.filter(is_young_carer=True).exists()
    assert Person.objects.filter(kind=Person.Kind.ADULT, disability="yes").exists()
    assert Person.objects.filter(has_ehcp=True, disability="yes").exists()
    assert ParentalResponsibility.objects.filter(
        basis=ParentalResponsibility.Basis.SPECIAL_GUARDIANSHIP
    ).exists()
    assert Relationship.objects.filter(kind=Relationship.Kind.STEP_PARENT).exists()
    assert Relationship.objects.filter(kind=Relationship.Kind.HALF_SIBLING).exists()

    # A child living in two households, part time in one.
    two_homes = [
        p
        for p in Person.objects.filter(kind=Person.Kind.CHILD)
        if HouseholdMember.objects.filter(person=p).count() >= 2
    ]
    assert two_homes
    assert HouseholdMember.objects.filter(person__in=two_homes, stays_part_time=True).exists()

    # A child in two families: the earlier one closed, and its history still shows today.
    in_two = [
        p
        for p in Person.objects.filter(kind=Person.Kind.CHILD)
        if p.family_memberships.count() == 2
    ]
    assert in_two
    child = in_two[0]
    families = list(Family.objects.filter(members__person=child))
    earlier = next(f for f in families if not f.team_links.filter(ended_on__isnull=True).exists())
    current = next(f for f in families if f != earlier)
    link = earlier.team_links.get()
    history = selectors.family_chronology(current).filter(person=child)
    assert history.filter(occurred_on__range=(link.started_on, link.ended_on)).exists()


def test_people_are_plausible(seeded):
    today = timezone.localdate()
    for person in Person.objects.exclude(kind=Person.Kind.UNBORN):
        assert person.date_of_birth and person.date_of_birth <= today
        age = person.age_on(today)
        if person.kind == Person.Kind.CHILD:
            assert 0 <= age <= 17
        else:
            assert age >= 17
        assert person.gender in {"0", "1", "2", "9"} and person.ethnicity
    for pr in ParentalResponsibility.objects.select_related("child", "adult"):
        assert pr.adult.kind == Person.Kind.ADULT and pr.child.kind == Person.Kind.CHILD
        if pr.basis == ParentalResponsibility.Basis.BIRTH_MOTHER:
            assert pr.adult.gender == "2"
    for mother in Relationship.objects.filter(kind=Relationship.Kind.MOTHER).select_related(
        "person", "relative"
    ):
        if mother.relative.date_of_birth:
            assert mother.person.age_on(mother.relative.date_of_birth) >= 16
    drama = re.compile(r"^(01632 960\d{3}|07700 900\d{3})$")
    for pro in ProfessionalInvolvement.objects.all():
        assert drama.match(pro.phone) and pro.email.endswith("@example.org")
        assert pro.agency_id or pro.organisation
    assert ProfessionalInvolvement.objects.filter(agency__isnull=False).exists()
    for family in Family.objects.all():
        people = FamilyMember.objects.filter(family=family).values("person")
        if FamilyTeam.objects.filter(family=family, ended_on__isnull=True).exists():
            assert 1 <= FamilyTeam.objects.filter(family=family).count() <= 2
            assert 1 <= ProfessionalInvolvement.objects.filter(person__in=people).count() <= 4
        for link in family.team_links.select_related("team"):
            assert (
                link.team.area_id in (None, family.area_id)
                or link.team.agency.is_early_support_service
                or pack_has_no_team_in(family.area_id)
            )
    three_years = today - timedelta(days=3 * 365 + 1)
    assert not ChronologyEntry.objects.filter(occurred_on__lt=three_years).exists()
    assert not ChronologyEntry.objects.filter(occurred_on__gt=today).exists()


def pack_has_no_team_in(area_id) -> bool:
    from core.models import Team

    return not Team.objects.filter(area_id=area_id, agency__is_early_support_service=False).exists()


# --- search keys written in bulk are the services' keys -----------------------------------


def test_bulk_written_search_keys_equal_what_the_service_computes(seeded):
    people = list(Person.objects.all())
    assert people
    for person in people:
        written = (person.search_names, person.search_phonetic, person.search_postcodes)
        _refresh_search_keys(person)
        person.refresh_from_db()
        assert (person.search_names, person.search_phonetic, person.search_postcodes) == written, (
            person.pk
        )
    # A refuge postcode is never searchable; the previous home's postcode is.
    refuges = PersonAddress.objects.filter(is_confidential=True).select_related("person", "address")
    assert refuges
    for refuge in refuges:
        assert (
            f" {normalise_postcode(refuge.address.postcode)} " not in refuge.person.search_postcodes
        )
    # A baby born at the refuge has no earlier home; everyone else keeps theirs, searchable.
    previous = PersonAddress.objects.filter(person__addresses__in=refuges, is_confidential=False)
    assert previous
    for home in previous.select_related("person", "address"):
        assert f" {normalise_postcode(home.address.postcode)} " in home.person.search_postcodes
    assert Person.objects.filter(search_names__contains=" ").exclude(
        search_phonetic=""
    ).count() == len(people)


# --- scope: the demo logins show the 404 rule -------------------------------------------


def test_each_practitioner_sees_some_families_and_not_the_others(seeded):
    total = Family.objects.count()
    mine = set(selectors.families_for(demo_user("practitioner")).values_list("pk", flat=True))
    theirs = set(selectors.families_for(demo_user("practitioner2")).values_list("pk", flat=True))
    assert 0 < len(mine) < total and 0 < len(theirs) < total
    assert mine.isdisjoint(theirs)
    managed = set(selectors.families_for(demo_user("team.manager")).values_list("pk", flat=True))
    assert mine <= managed
    assert selectors.families_for(demo_user("team.leader")).count() == total
    assert selectors.families_for(demo_user("admin")).count() == 0
    assert selectors.people_for(demo_user("admin")).count() == 0


def test_the_practitioners_team_has_about_an_eighth_of_the_families(pack):
    seed(families=200)
    mine = selectors.families_for(demo_user("practitioner")).count()
    theirs = selectors.families_for(demo_user("practitioner2")).count()
    assert 20 <= mine <= 30 and 20 <= theirs <= 30


# --- output -------------------------------------------------------------------------------


def test_output_is_counts_only_never_names(seeded):
    assert f"{FAMILIES} families" in seeded
    surnames = set(Person.objects.values_list("last_name", flat=True))
    surnames |= set(User.objects.values_list("last_name", flat=True))
    leaked = [name for name in surnames if name and re.search(rf"\b{re.escape(name)}\b", seeded)]
    assert not leaked


def test_print_logins_lists_every_login_with_the_password_and_the_mfa_rule(seeded, settings):
    out = seed(print_logins=True)
    for label, username in demo_logins():
        assert re.search(
            rf"{re.escape(label)}\s+{re.escape(username)}\s+{re.escape(DEMO_PASSWORD)}", out
        )
    assert "MFA: skipped" in out and "DEMO_MODE is on" in out
    assert "not created yet" not in out
    settings.DEMO_MODE = False
    assert "MFA: required" in seed(print_logins=True)


@pytest.mark.django_db
def test_print_logins_works_before_seeding_and_writes_nothing():
    out = seed(print_logins=True)
    assert "not created yet" in out
    assert User.objects.count() == 0
