"""The panel's signpost and single-agency decisions can hand the family over to a directory
service: the offer app's referral holds the handover and, later, the uptake (issue 14)."""

# ruff: noqa: F811 (the meeting's fixtures are shared from test_meeting)

import pytest
import rules as django_rules
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core import clock as core_clock
from core.models import AuditEvent
from directory.tests.factories import ServiceFactory
from offer import services as offer_services
from offer.models import Referral
from offer.tests.factories import OfferPolicyFactory
from panel import services
from panel.models import PanelCase, PanelDecision, PanelMeeting
from panel.services.running import CANNOT_REFER
from panel.tests.test_meeting import (  # noqa: F401 (fixtures)
    _client,
    _kw,
    agencies,
    case,
    chair,
    clock,
    deputy,
    m1,
    make_quorate,
    outbox,
    panel,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    """Business support who also refer families (an early support team leader)."""
    OfferPolicyFactory()
    return UserFactory(roles=[Role.BUSINESS_SUPPORT, Role.EARLY_SUPPORT_TEAM_LEADER])


@pytest.fixture
def service(db):
    return ServiceFactory(name="Citizens Advice Kirklees")


@pytest.fixture
def quorate(panel, m1, staff):
    PanelMeeting.objects.filter(pk=m1.pk).update(pack_published_at=core_clock.now())
    make_quorate(panel, m1, staff)
    return m1


def _decide_url(m1, case):
    return reverse("panel:case_decision", kwargs={**_kw(m1), "case_id": case.pk})


def _children(case):
    return {c.person_id for c in case.referral.assessment.children.all()}


@pytest.mark.parametrize("kind", ["signpost", "single_agency"])
def test_a_service_picked_makes_a_referral(quorate, staff, case, agencies, service, kind):
    today = core_clock.today()
    body = {
        "kind": kind,
        "signpost_service": str(service.pk),
        "handover_to": "Pat Green, adviser",
        "handover_on_0": str(today.day),
        "handover_on_1": str(today.month),
        "handover_on_2": str(today.year),
        "agreed_with_family": "yes",
    }
    if kind == "single_agency":
        body["lead_agency"] = agencies[1].pk
    response = _client(staff).post(_decide_url(quorate, case), body)
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.status == PanelCase.Status.CLOSED
    decision = PanelDecision.objects.get(case=case)
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.PANEL
    assert (referral.source_type, referral.source_id) == ("panel_case", str(case.pk))
    assert referral.family == case.referral.family
    assert {p.pk for p in referral.people.all()} == _children(case)
    assert referral.handover_to == "Pat Green, adviser"
    assert referral.handover_on == today
    assert referral.agreed_with_family is True
    assert referral.status == Referral.Status.HANDED_OVER
    # The decision still says where the family went, for the minutes and the sheet.
    if kind == "signpost":
        assert decision.signpost_to == service.name
    else:
        assert decision.handover.startswith(service.name)
    event = AuditEvent.objects.get(
        action="create", record_type="panel.paneldecision", record_id=str(decision.pk)
    )
    assert event.detail["offer_referral"] == referral.pk


def test_typed_signpost_makes_no_referral(quorate, staff, case):
    response = _client(staff).post(
        _decide_url(quorate, case), {"kind": "signpost", "signpost_to": "Vale food bank"}
    )
    assert response.status_code == 302
    assert PanelDecision.objects.get(case=case).signpost_to == "Vale food bank"
    assert not Referral.objects.exists()


def test_bad_service_is_a_form_error_and_nothing_saved(quorate, staff, case):
    retired = ServiceFactory(status="inactive")
    for bad in ("nope", str(retired.pk)):
        response = _client(staff).post(
            _decide_url(quorate, case), {"kind": "signpost", "signpost_service": bad}
        )
        assert response.status_code == 200
        assert "Choose a service from the directory" in response.content.decode()
    case.refresh_from_db()
    assert case.status == PanelCase.Status.LOGGED
    assert not PanelDecision.objects.exists() and not Referral.objects.exists()


def test_business_support_recording_the_decision_hands_the_family_over(panel, m1, case, service):
    """Business support record the panel's decisions without a caseload role: the panel's
    signpost is still theirs to hand over."""
    OfferPolicyFactory()
    recorder = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    PanelMeeting.objects.filter(pk=m1.pk).update(pack_published_at=core_clock.now())
    make_quorate(panel, m1, recorder)
    page = _client(recorder).get(_decide_url(m1, case)).content.decode()
    assert 'name="signpost_service"' in page
    services.panel_decision_record(
        actor=recorder, meeting=m1, case=case, kind="signpost", signpost_service=service
    )
    referral = Referral.objects.get()
    assert (referral.source, referral.source_type, referral.service, referral.made_by) == (
        Referral.Source.PANEL,
        "panel_case",
        service,
        recorder,
    )


def test_a_recorder_who_may_not_refer_gets_a_clear_refusal(panel, m1, case, service, monkeypatch):
    """Should the offer's rule refuse the recorder, the decision says so on the service field
    and nothing is saved."""
    recorder = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    PanelMeeting.objects.filter(pk=m1.pk).update(pack_published_at=core_clock.now())
    make_quorate(panel, m1, recorder)
    real = django_rules.has_perm
    monkeypatch.setattr(
        django_rules,
        "has_perm",
        lambda name, *args: False if name == "offer.refer_for_panel" else real(name, *args),
    )
    with pytest.raises(ValidationError) as refused:
        services.panel_decision_record(
            actor=recorder, meeting=m1, case=case, kind="signpost", signpost_service=service
        )
    assert refused.value.message_dict == {"signpost_service": [CANNOT_REFER]}
    assert not Referral.objects.exists() and not PanelDecision.objects.exists()


def test_case_page_shows_the_referral_and_its_uptake(quorate, staff, case, service):
    services.panel_decision_record(
        actor=staff,
        meeting=quorate,
        case=case,
        kind="signpost",
        signpost_service=service,
        handover_to="Pat Green",
    )
    referral = Referral.objects.get()
    client = _client(staff)
    url = reverse("panel:case_overview", kwargs={"case_id": case.pk})
    page = client.get(url).content.decode()
    assert "Handed over to a service in the directory" in page
    assert reverse("offer:referral", kwargs={"referral_id": referral.pk}) in page
    assert "Record whether the family took it up" in page
    offer_services.referral_uptake_record(actor=staff, referral=referral, taken_up=True)
    page = client.get(url).content.decode()
    assert "Taken up" in page


def test_api_decision_with_a_service_and_a_bad_one(quorate, staff, case, service):
    url = f"/api/v1/panel-meetings/{quorate.pk}/decisions/"
    client = _client(staff)
    for bad in ("nope", "00000000-0000-4000-8000-000000000000"):
        response = client.post(
            url,
            {"case": case.pk, "kind": "signpost", "signpost_service": bad},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "signpost_service" in response.json()
    assert not PanelDecision.objects.exists()
    response = client.post(
        url,
        {
            "case": case.pk,
            "kind": "signpost",
            "signpost_service": str(service.pk),
            "handover_to": "Pat Green",
            "agreed_with_family": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.PANEL and referral.agreed_with_family


HOSTILE = "<script>xss(1)</script> O'Brien"


def test_hostile_service_and_handover_are_escaped_on_the_case_page(quorate, staff, case):
    service = ServiceFactory(name=HOSTILE)
    services.panel_decision_record(
        actor=staff,
        meeting=quorate,
        case=case,
        kind="signpost",
        signpost_service=service,
        handover_to=HOSTILE,
    )
    url = reverse("panel:case_overview", kwargs={"case_id": case.pk})
    page = _client(staff).get(url).content.decode()
    assert "<script>xss(1)" not in page
    assert "&lt;script&gt;xss(1)&lt;/script&gt; O&#x27;Brien" in page
