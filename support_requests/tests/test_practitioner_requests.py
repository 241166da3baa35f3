"""A practitioner's request for support, the practitioner's own requests, and step-downs from
MASH (the second and third ways in)."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core import clock
from core.models import AuditEvent
from core.tests.factories import NeedLevelFactory, TeamFactory
from people.models import FamilyMember
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from support_requests import practitioner_journey as pj
from support_requests import services
from support_requests.models import SafeguardingStop, SupportRequest, SupportRequestHistory
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
BLANK_CHILDREN = {f"child_{i}_{k}": "" for i in range(1, 7) for k in ("name", "age")}


def post(client, path, data):
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "?" not in response["Location"]
    return response


def answer_to_concerns(
    client, *, family="none", area="north", concern="no", children=None, route="key_contact"
):
    """Answer the pages up to and including the safeguarding question."""
    post(client, "/requests/new/family/", {"family": family})
    if family == "none":
        rows = dict(BLANK_CHILDREN)
        for i, (name, age) in enumerate(children or [("Amy", "7"), ("Ben", "4")], start=1):
            rows[f"child_{i}_name"], rows[f"child_{i}_age"] = name, age
        post(client, "/requests/new/children/", rows)
    post(client, "/requests/new/area/", {"area": area})
    post(client, "/requests/new/how-to-send/", {"route": route})
    post(
        client,
        "/requests/new/what-is-happening/",
        {
            "what_is_happening": "Amy is missing school most Mondays.",
            "single_agency_support_tried": "Attendance meetings and a mentor since September.",
        },
    )
    post(client, "/requests/new/concerns/", {"concern": concern})


def walk(client, *, consent="yes", **answers):
    """Answer every page of the practitioner's request; returns the response to 'Send'."""
    answer_to_concerns(client, **answers)
    post(client, "/requests/new/family-agreement/", {"consent": consent})
    assert client.get("/requests/new/check-your-answers/").status_code == 200
    return client.post("/requests/new/check-your-answers/")


def creates(user, record_type):
    return AuditEvent.objects.filter(actor=user, action="create", record_type=record_type)


@pytest.fixture
def family_x(school_practitioner, area_x):
    family = FamilyFactory(name="Khan family", area=area_x, team=school_practitioner.team)
    child = PersonFactory(first_name="Zara", date_of_birth=date(2017, 5, 1))
    FamilyMemberFactory(family=family, person=child, role=FamilyMember.Role.CHILD)
    return family


# ---- The practitioner's request lands in the right area's queue.


def test_request_naming_children_reaches_the_areas_queue(
    school_practitioner, leader_x, leader_y, area_y
):
    client = client_for(school_practitioner)
    response = walk(client)
    assert response.status_code == 302 and response["Location"] == "/requests/new/request-sent/"
    support_request = SupportRequest.objects.get()
    assert support_request.source == SupportRequest.Source.PRACTITIONER
    assert support_request.status == Status.RECEIVED
    assert support_request.requester == school_practitioner
    assert support_request.requester_team == school_practitioner.team
    assert support_request.requester_agency == school_practitioner.agency
    assert support_request.key_contact_team == leader_x.team
    assert support_request.family_knows_and_consents is True
    assert support_request.safeguarding_concern is False
    assert [c.first_name for c in support_request.children.all()] == ["Amy", "Ben"]
    # The reference is shown; the answers are gone from the session.
    sent = client.get("/requests/new/request-sent/")
    assert support_request.reference in sent.content.decode()
    assert leader_x.team.name in sent.content.decode()
    assert pj.SESSION_KEY not in client.session
    # In area x's queue, not area y's.
    assert support_request.reference in client_for(leader_x).get("/requests/").content.decode()
    assert support_request.reference not in client_for(leader_y).get("/requests/").content.decode()
    # Audited once; its history row names the practitioner.
    assert creates(school_practitioner, "support_requests.supportrequest").count() == 1
    assert AuditEvent.objects.filter(action__in=["create", "update"]).count() == 1
    (entry,) = SupportRequestHistory.objects.filter(support_request=support_request)
    assert entry.actor == school_practitioner and entry.to_status == Status.RECEIVED


def test_request_for_a_family_in_scope_defaults_to_its_area(
    school_practitioner, family_x, leader_x, area_x
):
    client = client_for(school_practitioner)
    page = client.get("/requests/new/family/").content.decode()
    assert "Khan family" in page
    post(client, "/requests/new/family/", {"family": str(family_x.pk)})
    # The family's area is chosen already; the key contact is named.
    area_page = client.get("/requests/new/area/").content.decode()
    assert re.search(r'value="north"\s+checked', area_page)
    assert f"Key contact: {leader_x.team.name}" in area_page
    response = walk(client, family=str(family_x.pk))
    assert response.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.family == family_x
    assert support_request.area == area_x
    assert [c.first_name for c in support_request.children.all()] == ["Zara"]


def test_family_outside_scope_is_not_offered_or_accepted(school_practitioner, area_x):
    other = FamilyFactory(name="Elsewhere", area=area_x, team=TeamFactory(area=area_x))
    client = client_for(school_practitioner)
    assert "Elsewhere" not in client.get("/requests/new/family/").content.decode()
    response = client.post("/requests/new/family/", {"family": str(other.pk)})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    with pytest.raises(ValidationError):
        services.support_request_submit_practitioner(
            actor=school_practitioner,
            family=other,
            area=area_x,
            what_is_happening="x",
            single_agency_support_tried="y",
            family_knows_and_consents=True,
            safeguarding_concern=False,
        )
    assert not SupportRequest.objects.exists()


def test_only_practitioners_and_lead_professionals_make_requests(leader_x, area_x, system_admin):
    for user in (leader_x, system_admin):
        assert client_for(user).get("/requests/new/").status_code == 404
    lead = UserFactory(team=TeamFactory(area=area_x), roles=[Role.LEAD_PROFESSIONAL])
    assert client_for(lead).get("/requests/new/").status_code == 200


# ---- The safeguarding question.


def test_concern_yes_stops_and_nothing_is_queued(school_practitioner, leader_x, council):
    client = client_for(school_practitioner)
    response = walk(client, concern="yes")
    support_request = SupportRequest.objects.get()
    assert response["Location"] == f"/requests/mine/{support_request.pk}/safeguarding-stop/"
    assert support_request.status == Status.REFERRED_TO_DUTY_TEAM
    stop = SafeguardingStop.objects.get(support_request=support_request)
    assert stop.trigger == SafeguardingStop.Trigger.REQUEST_CONCERN
    assert stop.actor == school_practitioner and stop.is_pending
    # Never in the early help queue.
    assert support_request.reference not in client_for(leader_x).get("/requests/").content.decode()
    # The stop page shows the council's duty team, and cannot be skipped silently.
    page = client.get(response["Location"]).content.decode()
    assert "Stop: contact Duty and Advice Team now" in page
    assert "01234 567890" in page
    response = client.post(response["Location"], {"next_step": "", "reason": ""})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = post(
        client,
        f"/requests/mine/{support_request.pk}/safeguarding-stop/",
        {"next_step": SafeguardingStop.NextStep.PHONED, "reason": ""},
    )
    assert response["Location"] == "/requests/mine/"
    stop.refresh_from_db()
    assert stop.next_step == SafeguardingStop.NextStep.PHONED
    support_request.refresh_from_db()
    assert support_request.status == Status.REFERRED_TO_DUTY_TEAM
    # Each write audited once.
    assert creates(school_practitioner, "support_requests.supportrequest").count() == 1
    assert creates(school_practitioner, "support_requests.safeguardingstop").count() == 1
    assert (
        AuditEvent.objects.filter(
            actor=school_practitioner, action="update", record_id=str(stop.pk)
        ).count()
        == 1
    )


def test_was_wrong_keeps_the_stop_and_lets_them_answer_again(school_practitioner, leader_x):
    client = client_for(school_practitioner)
    walk(client, concern="yes")
    first = SupportRequest.objects.get()
    response = post(
        client,
        f"/requests/mine/{first.pk}/safeguarding-stop/",
        {"next_step": SafeguardingStop.NextStep.WAS_WRONG, "reason": "I misread the note"},
    )
    assert response["Location"] == "/requests/new/concerns/"
    post(client, "/requests/new/concerns/", {"concern": "no"})
    response = client.post("/requests/new/check-your-answers/")
    assert response["Location"] == "/requests/new/request-sent/"
    first.refresh_from_db()
    assert first.status == Status.REFERRED_TO_DUTY_TEAM
    second = SupportRequest.objects.exclude(pk=first.pk).get()
    assert second.status == Status.RECEIVED
    assert first.safeguarding_stops.get().reason == "I misread the note"


def test_family_not_knowing_explains_and_cannot_send(school_practitioner):
    client = client_for(school_practitioner)
    answer_to_concerns(client, concern="no")
    response = client.post("/requests/new/family-agreement/", {"consent": "no"})
    assert response["Location"] == "/requests/new/family-agreement-needed/"
    page = client.get(response["Location"]).content.decode()
    assert "needs the family’s knowledge and agreement" in page
    assert "unless" in page or "only exception" in page
    assert client.post("/requests/new/check-your-answers/")["Location"] == (
        "/requests/new/family-agreement-needed/"
    )
    assert not SupportRequest.objects.exists()


def test_validation_keeps_typed_values_with_the_error_summary(school_practitioner):
    client = client_for(school_practitioner)
    post(client, "/requests/new/family/", {"family": "none"})
    data = dict(BLANK_CHILDREN, child_1_name="Amy", child_1_age="seven", child_2_name="Ben")
    response = client.post("/requests/new/children/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Age must be a number, like 7" in page
    assert "Enter the age of child 2" in page
    assert 'value="Amy"' in page and 'value="seven"' in page and 'value="Ben"' in page
    assert "<title>Error:" in page
    response = client.post(
        "/requests/new/what-is-happening/",
        {"what_is_happening": "Typed this", "single_agency_support_tried": ""},
    )
    page = response.content.decode()
    assert "Enter the support that has already been tried" in page and "Typed this" in page


# ---- The practitioner's own requests.


def test_practitioners_see_only_their_own_requests(school_practitioner, area_x, leader_x):
    client = client_for(school_practitioner)
    walk(client)
    mine = SupportRequest.objects.get()
    colleague = UserFactory(team=school_practitioner.team, roles=[Role.PRACTITIONER])
    theirs = services.support_request_submit_practitioner(
        actor=colleague,
        family=None,
        children=[services.ChildDetails(first_name="Cal", age_years=3)],
        area=area_x,
        what_is_happening="x",
        single_agency_support_tried="y",
        family_knows_and_consents=True,
        safeguarding_concern=False,
    )[0]
    public = SupportRequestFactory(area=area_x)
    page = client.get("/requests/mine/").content.decode()
    assert mine.reference in page
    assert theirs.reference not in page and public.reference not in page
    for other in (theirs, public, mine):
        # The queue's request pages are not for practitioners, even for their own.
        assert client.get(f"/requests/{other.pk}/").status_code == 404
    for other in (theirs, public):
        assert client.get(f"/requests/mine/{other.pk}/safeguarding-stop/").status_code == 404


def _mine_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/requests/mine/").status_code == 200
    return len(ctx.captured_queries)


def _make(user, area, n):
    for _ in range(n):
        services.support_request_submit_practitioner(
            actor=user,
            family=None,
            children=[services.ChildDetails(first_name="Amy", age_years=7)],
            area=area,
            what_is_happening="x",
            single_agency_support_tried="y",
            family_knows_and_consents=True,
            safeguarding_concern=False,
        )


def test_my_requests_query_count_is_constant(school_practitioner, area_x, leader_x):
    client = client_for(school_practitioner)
    _make(school_practitioner, area_x, 3)
    few = _mine_queries(client)
    _make(school_practitioner, area_x, 27)
    assert SupportRequest.objects.count() == 30
    assert _mine_queries(client) == few


# ---- Step-down from MASH.


@pytest.fixture
def levels(db):
    return [
        NeedLevelFactory(level=2, name="Early help", description="Additional needs."),
        NeedLevelFactory(level=3, name="Complex", description="Child in need.", is_statutory=True),
    ]


def step_down_post(levels, **overrides):
    held = clock.today() - timedelta(days=2)
    data = dict(
        BLANK_CHILDREN,
        family_reference="",
        child_1_name="Dan",
        child_1_age="9",
        area="south",
        social_care_reference="CSC-1234",
        step_down_reason="Child in need plan ended; needs continue at early help level.",
        allocation_meeting_date_0=str(held.day),
        allocation_meeting_date_1=str(held.month),
        allocation_meeting_date_2=str(held.year),
        social_care_history="Six months on a child in need plan after a school referral.",
        need_level_at_step_down=str(levels[0].pk),
        social_worker_name="Pat Green",
        social_worker_contact="01632 960111",
    )
    data.update(overrides)
    return data


def test_step_down_lands_in_its_areas_queue_with_its_history(
    business_support_x, leader_x, leader_y, area_y, levels
):
    client = client_for(business_support_x)
    assert client.get("/requests/step-down/new/").status_code == 200
    response = client.post("/requests/step-down/new/", step_down_post(levels))
    assert response.status_code == 302, response.content.decode()[:3000]
    support_request = SupportRequest.objects.get()
    assert support_request.source == SupportRequest.Source.MASH_STEP_DOWN
    assert support_request.area == area_y and support_request.status == Status.RECEIVED
    assert support_request.requester == business_support_x
    assert support_request.need_level_at_step_down == levels[0]
    # In area y's queue, not x's, and the history arrives with it.
    assert support_request.reference in client_for(leader_y).get("/requests/").content.decode()
    assert support_request.reference not in client_for(leader_x).get("/requests/").content.decode()
    page = client_for(leader_y).get(f"/requests/{support_request.pk}/").content.decode()
    assert "History from children’s social care" in page
    assert "Six months on a child in need plan" in page and "CSC-1234" in page
    assert "Pat Green" in page and "Level 2: Early help" in page
    assert creates(business_support_x, "support_requests.supportrequest").count() == 1
    assert AuditEvent.objects.filter(action__in=["create", "update"]).count() == 1


def test_step_down_for_a_known_family(leader_x, area_x, levels):
    family = FamilyFactory(name="Okafor", reference="FAM-00042", area=area_x)
    response = client_for(leader_x).post(
        "/requests/step-down/new/",
        step_down_post(
            levels, family_reference="fam-00042", area="north", child_1_name="", child_1_age=""
        ),
    )
    assert response.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.family == family and support_request.area == area_x
    assert response["Location"] == f"/requests/{support_request.pk}/"


def test_step_down_validation_keeps_typed_values(leader_x, levels):
    future = clock.today() + timedelta(days=3)
    response = client_for(leader_x).post(
        "/requests/step-down/new/",
        step_down_post(
            levels,
            allocation_meeting_date_0=str(future.day),
            allocation_meeting_date_1=str(future.month),
            allocation_meeting_date_2=str(future.year),
            social_worker_name="",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Date of the allocation meeting must be today or in the past" in page
    assert "Enter the social worker’s name" in page
    assert "Six months on a child in need plan" in page and 'value="CSC-1234"' in page
    assert not SupportRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_only_early_support_staff_record_step_downs(school_practitioner, school_business_support):
    for user in (school_practitioner, school_business_support):
        assert client_for(user).get("/requests/step-down/new/").status_code == 404
