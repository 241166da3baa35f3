"""The practitioner's request: a "yes" to the concerns question shows the duty team straight away,
before Send; the request may be sent through the MASH; and the practitioner sees where their
request is now, and the lead professional once one is allocated."""

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.tests.factories import AgencyFactory, TeamFactory
from support_requests import services
from support_requests.models import SafeguardingStop, SupportRequest
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
BLANK_CHILDREN = {f"child_{i}_{k}": "" for i in range(1, 7) for k in ("name", "age")}


def post(client, path, data):
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def answer_to_route(client, route="key_contact"):
    post(client, "/requests/new/family/", {"family": "none"})
    post(
        client, "/requests/new/children/", dict(BLANK_CHILDREN, child_1_name="Amy", child_1_age="7")
    )
    post(client, "/requests/new/area/", {"area": "north"})
    post(client, "/requests/new/how-to-send/", {"route": route})
    post(
        client,
        "/requests/new/what-is-happening/",
        {"what_is_happening": "Amy is missing school.", "single_agency_support_tried": "A mentor."},
    )


# ---------------------------------------------------------------- the duty team, straight away


def test_yes_to_concerns_shows_the_duty_team_on_the_next_page_before_send(
    school_practitioner, council
):
    client = client_for(school_practitioner)
    answer_to_route(client)

    response = post(client, "/requests/new/concerns/", {"concern": "yes"})

    assert response["Location"] == "/requests/new/contact-the-duty-team/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Contact Duty and Advice Team now" in html
    assert "01234 567890" in html and "01234 000999" in html
    assert "If a child is in immediate danger, call 999." in html
    # Nothing has been sent or stopped yet: this is before Send.
    assert not SupportRequest.objects.exists()
    assert not SafeguardingStop.objects.exists()
    # Continue goes on to the next question; Back to the concerns question.
    assert 'href="/requests/new/family-agreement/" role="button"' in html
    assert '<a href="/requests/new/concerns/" class="govuk-back-link">' in html
    consent = client.get("/requests/new/family-agreement/").content.decode()
    assert '<a href="/requests/new/contact-the-duty-team/" class="govuk-back-link">' in consent


def test_no_to_concerns_goes_straight_on(school_practitioner, council):
    client = client_for(school_practitioner)
    answer_to_route(client)

    response = post(client, "/requests/new/concerns/", {"concern": "no"})

    assert response["Location"] == "/requests/new/family-agreement/"
    # The duty team page is only for a "yes".
    assert (
        client.get("/requests/new/contact-the-duty-team/")["Location"] == "/requests/new/concerns/"
    )


def test_the_duty_team_page_is_only_for_requesters(leader_x):
    assert client_for(leader_x).get("/requests/new/contact-the-duty-team/").status_code == 404


# ---------------------------------------------------------------- through the MASH


def test_a_request_through_the_mash_is_recorded_and_shown(school_practitioner, leader_x, council):
    client = client_for(school_practitioner)
    answer_to_route(client, route="mash")
    post(client, "/requests/new/concerns/", {"concern": "no"})
    post(client, "/requests/new/family-agreement/", {"consent": "yes"})
    check = client.get("/requests/new/check-your-answers/").content.decode()
    assert "Through the MASH: Duty and Advice Team, 01234 567890" in check

    assert client.post("/requests/new/check-your-answers/")["Location"] == (
        "/requests/new/request-sent/"
    )

    support_request = SupportRequest.objects.get()
    assert support_request.route == SupportRequest.Route.MASH
    assert support_request.status == Status.RECEIVED
    assert support_request.key_contact_team == leader_x.team
    sent = client.get("/requests/new/request-sent/").content.decode()
    assert "through the MASH (Duty and Advice Team, 01234 567890)" in sent
    # The MASH passes it to the area's queue, where it is marked with the way it came.
    leader = client_for(leader_x)
    queue = leader.get("/requests/").content.decode()
    assert support_request.reference in queue and "through the MASH" in queue
    detail = leader.get(f"/requests/{support_request.pk}/").content.decode()
    assert "Through the MASH" in detail


def test_the_route_question_must_be_answered(school_practitioner, area_x):
    client = client_for(school_practitioner)
    response = client.post("/requests/new/how-to-send/", {})
    assert response.status_code == 200
    assert "Select how you want to send the request" in response.content.decode()


def test_the_service_refuses_an_unknown_route(school_practitioner, area_x):
    with pytest.raises(Exception) as refused:
        services.support_request_submit_practitioner(
            actor=school_practitioner,
            family=None,
            children=[services.ChildDetails(first_name="Amy", age_years=7)],
            area=area_x,
            what_is_happening="x",
            single_agency_support_tried="y",
            family_knows_and_consents=True,
            safeguarding_concern=False,
            route="carrier_pigeon",
        )
    assert refused.value.message_dict == {"route": ["Select how you want to send the request"]}
    assert not SupportRequest.objects.exists()


def test_a_request_by_the_api_goes_to_the_key_contact_unless_it_says_mash(
    school_practitioner, area_x, leader_x
):
    client = client_for(school_practitioner)
    body = {
        "family": None,
        "children": [{"first_name": "Amy", "age_years": 7}],
        "area": area_x.pk,
        "what_is_happening": "x",
        "single_agency_support_tried": "y",
        "family_knows_and_consents": True,
        "safeguarding_concern": False,
    }
    first = client.post("/api/v1/my-support-requests/", body, content_type="application/json")
    second = client.post(
        "/api/v1/my-support-requests/", {**body, "route": "mash"}, content_type="application/json"
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["route"], second.json()["route"]) == ("key_contact", "mash")


# ---------------------------------------------------------------- where the request is now


@pytest.fixture
def lead_professional(db):
    agency = AgencyFactory(name="West Yorkshire Police")
    return UserFactory(
        agency=agency,
        team=TeamFactory(agency=agency),
        roles=[Role.LEAD_PROFESSIONAL],
        first_name="Lara",
        last_name="Lead",
        email="lara.lead@police.example",
        phone="01484 111222",
    )


def own_request(practitioner, area, **kwargs):
    return SupportRequestFactory(
        source=SupportRequest.Source.PRACTITIONER,
        requester=practitioner,
        area=area,
        can_call=None,
        can_leave_message=None,
        safe_to_write=None,
        **kwargs,
    )


def test_the_referrer_sees_the_lead_professional_once_allocated(
    school_practitioner, area_x, lead_professional
):
    support_request = own_request(school_practitioner, area_x, status=Status.PANEL_REFERRAL)
    client = client_for(school_practitioner)
    before = client.get(f"/requests/mine/{support_request.pk}/").content.decode()
    assert "Lara Lead" not in before
    assert "The request has been referred to the panel." in before
    assert "Not yet allocated" in client.get("/requests/mine/").content.decode()

    services.support_request_follow_case(
        actor=lead_professional,
        support_request=support_request,
        to_status=Status.LEAD_PROFESSIONAL_ALLOCATED,
        reason="Lead professional allocated by West Yorkshire Police",
        lead_professional=lead_professional,
        lead_agency=lead_professional.agency,
    )

    page = client.get(f"/requests/mine/{support_request.pk}/").content.decode()
    assert "Lead professional allocated" in page
    assert "A lead professional is working with the family." in page
    for shown in ("Lara Lead", "West Yorkshire Police", "lara.lead@police.example", "01484 111222"):
        assert shown in page
    assert "Lara Lead, West Yorkshire Police" in client.get("/requests/mine/").content.decode()
    api = client.get(f"/api/v1/my-support-requests/{support_request.pk}/").json()
    assert api["lead_professional"] == {
        "name": "Lara Lead",
        "agency": "West Yorkshire Police",
        "email": "lara.lead@police.example",
        "phone": "01484 111222",
    }


@pytest.mark.parametrize(
    ("status", "label", "summary"),
    [
        (Status.ASSESSMENT, "Assessment agreed", "An early support assessment has been agreed."),
        (
            Status.ASSESSMENT_STARTED,
            "Assessment started",
            "An early support assessment has started.",
        ),
        (Status.SUPPORT_ENDED, "Support ended", "Early support for the family has ended."),
    ],
)
def test_the_referrer_sees_where_the_request_is_now(
    school_practitioner, area_x, status, label, summary
):
    support_request = own_request(school_practitioner, area_x, status=status)
    page = client_for(school_practitioner).get(f"/requests/mine/{support_request.pk}/")
    html = page.content.decode()
    assert label in html and summary in html
