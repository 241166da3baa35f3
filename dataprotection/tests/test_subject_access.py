"""The subject access export: a person with a record in every app appears in every part of it; a
new link to a person or family that the export does not follow fails a test; downloads are
audited, and only system administrators may make them."""

import json
from datetime import date
from io import BytesIO

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import AdminFactory, PractitionerFactory, sign_in_verified
from casework.tests.factories import ContactFactory, TafMeetingFactory
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from children_centres.tests.factories import CentreRegistrationFactory, ReachContactFactory
from consent.tests.factories import ConsentDecisionFactory, ConsentOverrideFactory
from consultancy.tests.factories import (
    ConsultancyRequestFactory,
    ConsultancyRequestHistoryFactory,
)
from core.audit import Action, audit_record
from core.models import AuditEvent, OutboundMessage
from dataprotection import subject_access
from dataprotection.tests.factories import LegalHoldFactory, RectificationNoteFactory
from neglect.tests.factories import NeglectConcernFactory
from offer.tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    ImpactMeasureFactory,
    ReferralFactory,
    ReferralHistoryFactory,
)
from panel.models import PanelCase
from panel.tests.factories import demo_panel, panel_referral
from people.models import Family, Person
from people.tests.factories import (
    AdultFactory,
    ChronologyEntryFactory,
    FamilyFactory,
    FamilyMemberFactory,
    FamilyTeamFactory,
    HouseholdMemberFactory,
    ParentalResponsibilityFactory,
    PersonAddressFactory,
    PersonFactory,
    PersonNameFactory,
    ProfessionalInvolvementFactory,
    RelationshipFactory,
)
from risk_factors.tests.factories import RiskFactorFactory
from support_requests.tests.factories import SupportRequestChildFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


def _person_in_every_app():
    worker = PractitionerFactory()
    person = PersonFactory(first_name="Ffion", last_name="Pryce")
    adult = AdultFactory()
    panel = demo_panel()
    referral = panel_referral(panel, children=[person])
    family = referral.family
    FamilyMemberFactory(family=family, person=adult, role="parent_carer")
    sibling_family = FamilyFactory()
    FamilyMemberFactory(family=sibling_family, person=PersonFactory())  # not theirs: left out
    FamilyTeamFactory(family=family, team=worker.team)
    PersonNameFactory(person=person)
    PersonAddressFactory(person=person)
    HouseholdMemberFactory(household__family=family, person=person)
    RelationshipFactory(person=adult, relative=person)
    ParentalResponsibilityFactory(child=person, adult=adult)
    ProfessionalInvolvementFactory(person=person)
    ChronologyEntryFactory(person=person)
    request = SupportRequestFactory(family=family)
    SupportRequestChildFactory(support_request=request)
    ConsentDecisionFactory(family=family, person=adult)
    ConsentOverrideFactory(family=family)
    meeting = panel.meetings.first()
    PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number="ESMAP-2027-0001",
        year=2027,
        sequence=1,
        logged_by=worker,
        logged_at=referral.submitted_at,
        meeting=meeting,
    )
    episode = make_episode(lead_professional=worker, family=family)
    TafMeetingFactory(episode=episode).family_attendees.add(person)
    outcome = make_outcome(plan=make_plan(episode=episode))
    outcome.concerns.add(person)
    make_action(outcome=outcome, doer_person=person)
    ContactFactory(episode=episode).seen.add(person)
    OutboundMessage.objects.create(
        to="lead@example.org",
        template="episode",
        reference="R1",
        record_type="casework.episode",
        record_id=str(episode.pk),
    )
    RectificationNoteFactory(person=person)
    LegalHoldFactory(family=family)
    with transaction.atomic():
        audit_record(actor=worker, action=Action.VIEW, target=person)
    return person


def test_every_part_of_the_export_holds_the_person_records():
    person = _person_in_every_app()
    data = json.loads(json.dumps(subject_access.gather(person)))
    assert data["person"]["first_name"] == "Ffion"
    empty = [
        f"{app}.{name}"
        for app in (
            "people",
            "support_requests",
            "assessments",
            "consent",
            "panel",
            "casework",
            "dataprotection",
        )
        for name, rows in data[app].items()
        if not rows
    ]
    # Parts that need a later step of the case (a triage, a decision, a closure) may be empty.
    allowed_empty = {
        "support_requests.triage",
        "support_requests.history",
        "support_requests.safeguarding_stops",
        "assessments.history",
        "assessments.consultations",
        "panel.history",
        "panel.agency_responses",
        "panel.decisions",
        "panel.closure_requests",
        "casework.history",
        "casework.plan_reviews",
        "casework.closures",
    }
    assert set(empty) <= allowed_empty, set(empty) - allowed_empty
    assert data["messages"] and data["access_log"]
    assert data["access_log"][0]["action"] == "Viewed"
    # Nothing from a family they are not part of.
    assert len(data["people"]["families"]) == 1


def test_a_new_link_to_a_person_or_family_must_be_covered_by_the_export():
    links = {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in [*model._meta.fields, *model._meta.many_to_many]
        if field.is_relation and field.related_model in (Person, Family)
    }
    assert links - subject_access.COVERED == set(), (
        "Records about people the subject access export leaves out: add them to "
        "dataprotection/subject_access.py and COVERED"
    )
    assert subject_access.COVERED - links == set(), "COVERED names links that no longer exist"


def test_downloads_are_audited_and_named_by_the_record_id():
    person = PersonFactory(last_name="Pryce")
    admin = sign_in_verified(Client(), AdminFactory())
    response = admin.get(reverse("dataprotection:subject_json", kwargs={"person_id": person.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{person.pk}.json"'
    )
    assert json.loads(response.content)["person"]["last_name"] == "Pryce"
    response = admin.get(reverse("dataprotection:subject_pdf", kwargs={"person_id": person.pk}))
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Pryce" in text
    formats = list(
        AuditEvent.objects.filter(
            action=Action.EXPORT, record_type="people.person", record_id=str(person.pk)
        )
        .order_by("at", "id")
        .values_list("detail__format", flat=True)
    )
    assert formats == ["json", "pdf"]


def test_only_system_administrators_may_export():
    person = PersonFactory()
    practitioner = sign_in_verified(Client(), PractitionerFactory())
    url = reverse("dataprotection:subject_json", kwargs={"person_id": person.pk})
    assert practitioner.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_export_holds_the_childs_neglect_concern_and_the_familys_risk_factors():
    concern = NeglectConcernFactory()
    factor = RiskFactorFactory(family=concern.family)
    data = json.loads(json.dumps(subject_access.gather(concern.child)))
    assert [row["id"] for row in data["neglect"]["concerns"]] == [str(concern.pk)]
    assert [row["id"] for row in data["risk_factors"]["factors"]] == [factor.pk]


def test_the_export_holds_the_offer_consultancy_and_childrens_centre_records():
    referral = ReferralFactory(enrolled=True)
    adult = referral.people.get()
    sibling_referral = ReferralFactory(family=referral.family)  # names someone else: left out
    family_wide = ReferralFactory(family=referral.family, people=[])
    ReferralHistoryFactory(referral=referral, reason="Place offered")
    enrolment = EnrolmentFactory(
        referral=referral,
        person=adult,
        group__programme=referral.programme,
        status="completed",
        completed_on=date(2026, 10, 30),
    )
    AttendanceFactory(enrolment=enrolment)
    ImpactMeasureFactory(enrolment=enrolment)
    request = ConsultancyRequestFactory(family=referral.family)
    ConsultancyRequestHistoryFactory(request=request)
    ConsultancyRequestFactory()  # about no family: left out
    registration = CentreRegistrationFactory(child=adult)
    contact = ReachContactFactory(child=adult)
    data = json.loads(json.dumps(subject_access.gather(adult)))
    assert {r["id"] for r in data["offer"]["referrals"]} == {referral.pk, family_wide.pk}
    assert sibling_referral.pk not in {r["id"] for r in data["offer"]["referrals"]}
    for name in ("history", "enrolments", "attendance", "impact_measures"):
        assert len(data["offer"][name]) == 1, name
    assert [r["id"] for r in data["consultancy"]["requests"]] == [request.pk]
    assert len(data["consultancy"]["history"]) == 1
    assert [r["id"] for r in data["children_centres"]["registrations"]] == [registration.pk]
    assert [r["id"] for r in data["children_centres"]["contacts"]] == [contact.pk]
    headings = [heading for heading, _ in subject_access.sections(data)]
    assert {"The early help offer", "Casework consultancy", "Children’s centres"} <= set(headings)
