"""Triage's signpost to a directory service: the offer app's referral holds the handover and,
later, whether the family took it up (issue 14, "signposting with handover, wired in")."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core import clock
from core.models import AuditEvent
from core.tests.factories import NeedLevelFactory
from directory.tests.factories import ServiceFactory
from offer import selectors as offer_selectors
from offer import services as offer_services
from offer.models import Referral
from offer.tests.factories import OfferPolicyFactory, ProgrammeFactory
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory
from support_requests.models import SupportRequest, Triage
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
QUEUE = "/api/v1/support-requests/"


@pytest.fixture
def level(db):
    OfferPolicyFactory()
    return NeedLevelFactory(level=2, name="Early help", description="Additional needs.")


@pytest.fixture
def family(leader_x, area_x):
    family = FamilyFactory(area=area_x, team=leader_x.team)
    FamilyMemberFactory(family=family, person=AdultFactory(), role="parent_carer")
    return family


@pytest.fixture
def with_family(area_x, family):
    return SupportRequestFactory(area=area_x, status=Status.IN_TRIAGE, family=family)


@pytest.fixture
def without_family(area_x):
    return SupportRequestFactory(area=area_x, status=Status.IN_TRIAGE)


@pytest.fixture
def service(db):
    return ServiceFactory(name="Citizens Advice Kirklees")


def page_post(level, **overrides):
    today = clock.today()
    data = {
        "conversation_date_0": str(today.day),
        "conversation_date_1": str(today.month),
        "conversation_date_2": str(today.year),
        "conversation_with": "Sam Lee, head of year",
        "conversation_summary": "Debts are worrying Mum.",
        "cin_cp_concern": "no",
        "need_level": str(level.pk),
        "decision": "signpost",
        "signpost_service": "",
        "signpost_to": "",
        "handover_contact": "Pat Green, adviser",
        "handover_date_0": str(today.day),
        "handover_date_1": str(today.month),
        "handover_date_2": str(today.year),
        "agreed_with_family": "yes",
        "single_agency": "",
        "action": "decide",
    }
    data.update(overrides)
    return data


def api_post(level, **overrides):
    data = {
        "conversation_date": clock.today().isoformat(),
        "conversation_with": "Sam Lee",
        "conversation_summary": "Debts are worrying Mum.",
        "cin_cp_concern": False,
        "need_level": level.pk,
        "decision": "signpost",
        "handover_contact": "Pat Green, adviser",
        "handover_date": clock.today().isoformat(),
        "agreed_with_family": True,
        "mode": "decide",
    }
    data.update(overrides)
    return data


def url(support_request):
    return f"/requests/{support_request.pk}/triage/"


def test_service_picked_makes_a_referral_with_the_handover(
    leader_x, with_family, family, service, level
):
    response = client_for(leader_x).post(
        url(with_family), page_post(level, signpost_service=str(service.pk))
    )
    assert response.status_code == 302
    with_family.refresh_from_db()
    assert with_family.status == Status.SIGNPOSTED
    triage = with_family.triage
    assert triage.signpost_service == service
    assert triage.signpost_to == service.name
    assert triage.agreed_with_family is True
    referral = Referral.objects.get(source_type="support_request", source_id=str(with_family.pk))
    assert referral.source == Referral.Source.TRIAGE
    assert referral.family == family
    assert {p.pk for p in referral.people.all()} == set(
        family.members.values_list("person_id", flat=True)
    )
    assert referral.service == service
    assert referral.handover_to == "Pat Green, adviser"
    assert referral.handover_on == clock.today()
    assert referral.agreed_with_family is True
    assert referral.status == Referral.Status.HANDED_OVER
    triage_audit = AuditEvent.objects.filter(
        record_type="support_requests.triage", record_id=str(triage.pk)
    ).last()
    assert triage_audit.detail["offer_referral"] == referral.pk
    assert AuditEvent.objects.filter(
        record_type="offer.referral", record_id=str(referral.pk), action="create"
    ).exists()


def test_uptake_recorded_later_shows_on_the_request(leader_x, with_family, service, level):
    client = client_for(leader_x)
    client.post(url(with_family), page_post(level, signpost_service=str(service.pk)))
    referral = Referral.objects.get(source_type="support_request")
    page = client.get(f"/requests/{with_family.pk}/").content.decode()
    assert "Handed over" in page
    assert f"/offer/referrals/{referral.pk}/" in page
    offer_services.referral_uptake_record(actor=leader_x, referral=referral, taken_up=True)
    page = client.get(f"/requests/{with_family.pk}/").content.decode()
    assert "Taken up" in page


def test_typed_service_makes_no_referral(leader_x, with_family, level):
    client_for(leader_x).post(url(with_family), page_post(level, signpost_to="Vale food bank"))
    with_family.refresh_from_db()
    assert with_family.status == Status.SIGNPOSTED
    assert with_family.triage.signpost_to == "Vale food bank"
    assert with_family.triage.signpost_service is None
    assert not Referral.objects.exists()


def test_neither_picked_nor_typed_is_refused(leader_x, with_family, level):
    response = client_for(leader_x).post(url(with_family), page_post(level))
    assert response.status_code == 200
    assert "Enter the service you are signposting the family to" in response.content.decode()
    with_family.refresh_from_db()
    assert with_family.status == Status.IN_TRIAGE


def test_unknown_service_is_a_form_error_and_nothing_saved(leader_x, with_family, level):
    retired = ServiceFactory(status="inactive")
    for bad in ("not-a-uuid", str(retired.pk)):
        response = client_for(leader_x).post(
            url(with_family), page_post(level, signpost_service=bad)
        )
        assert response.status_code == 200
        assert "Choose a service from the directory" in response.content.decode(), (
            bad,
            response.context["form"].errors,
        )
    with_family.refresh_from_db()
    assert with_family.status == Status.IN_TRIAGE
    assert not Referral.objects.exists()


def test_request_without_a_family_gets_a_referral_naming_no_one(
    leader_x, without_family, service, level
):
    response = client_for(leader_x).post(
        url(without_family), page_post(level, signpost_service=str(service.pk))
    )
    assert response.status_code == 302
    without_family.refresh_from_db()
    assert without_family.status == Status.SIGNPOSTED
    assert without_family.triage.signpost_service == service
    referral = Referral.objects.get()
    assert referral.family_id is None
    assert list(referral.people.all()) == []
    assert (referral.source, referral.source_type, referral.source_id) == (
        Referral.Source.TRIAGE,
        "support_request",
        str(without_family.pk),
    )
    assert referral.status == Referral.Status.HANDED_OVER
    assert referral.handover_to == "Pat Green, adviser"
    # The request's page lists it, with the link to record the uptake.
    page = client_for(leader_x).get(f"/requests/{without_family.pk}/")
    assert f"/offer/referrals/{referral.pk}/" in page.content.decode()


def _family_less_referral(leader, support_request, service):
    return offer_services.referral_make(
        actor=leader,
        family=None,
        service=service,
        people=[],
        source=Referral.Source.TRIAGE,
        source_type="support_request",
        source_id=str(support_request.pk),
        reason="Signposted at triage",
    )


def test_referral_without_a_family_is_read_through_its_request(
    leader_x, leader_y, without_family, service, level, early_support_practitioner
):
    referral = _family_less_referral(leader_x, without_family, service)
    colleague = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER], team=leader_x.team)
    address = f"/offer/referrals/{referral.pk}/"
    assert client_for(leader_x).get(address).status_code == 200
    # A team leader of the same area reads the request, so the referral too.
    page = client_for(colleague).get(address)
    assert page.status_code == 200
    assert "A request for support with no family record" in page.content.decode()
    # Another area's team leader cannot read the request: the referral is not found.
    assert client_for(leader_y).get(address).status_code == 404
    assert client_for(early_support_practitioner).get(address).status_code == 404
    # Listed to its maker only.
    assert referral in offer_selectors.my_referrals(leader_x)
    assert referral not in offer_selectors.referrals_readable(colleague)
    api = client_for(leader_y).get(f"/api/v1/offer-referrals/{referral.pk}/")
    assert api.status_code == 404
    body = client_for(leader_x).get(f"/api/v1/offer-referrals/{referral.pk}/").json()
    assert body["family"] is None


def test_referral_without_a_family_records_the_uptake(leader_x, without_family, service, level):
    referral = _family_less_referral(leader_x, without_family, service)
    colleague = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER], team=leader_x.team)
    response = client_for(colleague).post(
        f"/offer/referrals/{referral.pk}/uptake/",
        {"taken_up": "yes", "note": "Went to the first appointment", "version": "1"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TAKEN_UP
    assert referral.uptake_note == "Went to the first appointment"


def test_referral_without_a_family_needs_a_request_the_referrer_reads(
    leader_x, leader_y, without_family, service, level
):
    for actor, source_type in ((leader_y, "support_request"), (leader_x, "panel_case")):
        with pytest.raises(ValidationError) as error:
            offer_services.referral_make(
                actor=actor,
                family=None,
                service=service,
                people=[],
                source=Referral.Source.TRIAGE,
                source_type=source_type,
                source_id=str(without_family.pk),
                reason="Signposted at triage",
            )
        assert error.value.message_dict == {"family": ["Choose the family"]}
    assert not Referral.objects.exists()


def test_programme_without_a_family_is_refused(leader_x, without_family, level):
    programme = ProgrammeFactory(capacity=4)
    response = client_for(leader_x).post(
        url(without_family), page_post(level, signpost_service=str(programme.service.pk))
    )
    assert response.status_code == 200
    assert "a programme place needs the family members" in response.content.decode()
    without_family.refresh_from_db()
    assert without_family.status == Status.IN_TRIAGE
    assert not Triage.objects.filter(decision="signpost").exists()


def test_api_service_picked_makes_the_referral(leader_x, with_family, service, level):
    response = client_for(leader_x).post(
        f"{QUEUE}{with_family.pk}/triage/",
        api_post(level, signpost_service=str(service.pk)),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["triage"]["signpost_service"] == str(service.pk)
    assert body["triage"]["agreed_with_family"] is True
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.TRIAGE
    assert referral.handover_to == "Pat Green, adviser"


@pytest.mark.parametrize("bad", ["unknown", "retired", "not-a-uuid"])
def test_api_bad_service_is_400_and_nothing_saved(leader_x, with_family, level, bad):
    value = {
        "unknown": "00000000-0000-4000-8000-000000000000",
        "retired": lambda: str(ServiceFactory(status="inactive").pk),
        "not-a-uuid": "nope",
    }[bad]
    value = value() if callable(value) else value
    response = client_for(leader_x).post(
        f"{QUEUE}{with_family.pk}/triage/",
        api_post(level, signpost_service=value),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "signpost_service" in response.json()
    with_family.refresh_from_db()
    assert with_family.status == Status.IN_TRIAGE
    assert not Referral.objects.exists()


HOSTILE = "<script>xss(1)</script> O'Brien"


def test_hostile_service_and_handover_are_escaped_on_the_request(leader_x, with_family, level):
    service = ServiceFactory(name=HOSTILE)
    client = client_for(leader_x)
    client.post(
        url(with_family),
        page_post(level, signpost_service=str(service.pk), handover_contact=HOSTILE),
    )
    assert Referral.objects.get().handover_to == HOSTILE
    page = client.get(f"/requests/{with_family.pk}/").content.decode()
    assert "<script>xss(1)" not in page
    assert "&lt;script&gt;xss(1)&lt;/script&gt; O&#x27;Brien" in page
