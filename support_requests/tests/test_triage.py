"""Triage of a request and the safeguarding stop."""

import pytest
from django.core.exceptions import ValidationError

from core import clock
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, CouncilFactory, NeedLevelFactory
from support_requests import services
from support_requests.models import SafeguardingStop, SupportRequest, Triage
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
NextStep = SafeguardingStop.NextStep


@pytest.fixture
def levels(db):
    return {
        1: NeedLevelFactory(
            level=1, name="Universal", description="Needs met by universal services."
        ),
        2: NeedLevelFactory(level=2, name="Early help", description="Additional needs."),
        3: NeedLevelFactory(
            level=3, name="Complex", description="Child in need.", is_statutory=True
        ),
        4: NeedLevelFactory(
            level=4, name="Acute", description="Child protection.", is_statutory=True
        ),
    }


@pytest.fixture
def in_triage(area_x):
    return SupportRequestFactory(area=area_x, status=Status.IN_TRIAGE)


def url(support_request, page="triage"):
    return f"/requests/{support_request.pk}/{page}/"


def triage_post(levels, **overrides):
    today = clock.today()
    data = {
        "conversation_date_0": str(today.day),
        "conversation_date_1": str(today.month),
        "conversation_date_2": str(today.year),
        "conversation_with": "Sam Lee, head of year",
        "conversation_summary": "Mum is struggling with mornings.",
        "cin_cp_concern": "no",
        "need_level": str(levels[2].pk),
        "targeted_indicators": ["multiple_issues", "resistance"],
        "decision": "assessment",
        "signpost_to": "",
        "handover_contact": "",
        "handover_date_0": "",
        "handover_date_1": "",
        "handover_date_2": "",
        "single_agency": "",
        "action": "decide",
    }
    data.update(overrides)
    return data


def answers(levels, **overrides):
    values = {
        "conversation_date": clock.today(),
        "conversation_with": "Sam Lee",
        "conversation_summary": "Talked it through.",
        "cin_cp_concern": False,
        "need_level": levels[2],
        "decision": Triage.Decision.ASSESSMENT,
    }
    values.update(overrides)
    return services.TriageAnswers(**values)


# ---- Permissions


def test_business_support_cannot_triage_in_scope_request(business_support_x, in_triage, levels):
    client = client_for(business_support_x)
    assert client.get(f"/requests/{in_triage.pk}/").status_code == 200
    assert client.get(url(in_triage)).status_code == 403
    assert client.post(url(in_triage), triage_post(levels)).status_code == 403
    assert client.get(url(in_triage, "safeguarding-stop")).status_code == 403
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE
    assert not Triage.objects.exists()


def test_out_of_scope_request_is_404_for_triage(leader_y, business_support_x, area_y, levels):
    other = SupportRequestFactory(area=area_y, status=Status.IN_TRIAGE)
    assert client_for(business_support_x).get(url(other)).status_code == 404
    # leader_y's area is y, so they can triage it; a leader of x cannot.
    x_request = SupportRequestFactory(area=None, status=Status.IN_TRIAGE)
    assert client_for(leader_y).get(url(x_request)).status_code == 200


def test_leader_of_another_area_gets_404(leader_y, in_triage, levels):
    client = client_for(leader_y)
    assert client.get(url(in_triage)).status_code == 404
    assert client.post(url(in_triage), triage_post(levels)).status_code == 404
    assert client.get(url(in_triage, "safeguarding-stop")).status_code == 404


def test_service_refuses_business_support(business_support_x, in_triage, levels):
    with pytest.raises(services.NotAllowedToTriage):
        services.triage_record_decision(
            actor=business_support_x, support_request=in_triage, answers=answers(levels)
        )


def test_triage_only_on_a_request_in_triage(leader_x, area_x, levels):
    received = SupportRequestFactory(area=area_x)
    response = client_for(leader_x).post(url(received), triage_post(levels))
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == Status.RECEIVED
    assert not Triage.objects.exists()


# ---- The page and decisions


def test_triage_page_shows_levels_with_descriptions_and_indicators_as_guidance(
    leader_x, in_triage, levels
):
    response = client_for(leader_x).get(url(in_triage))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Needs met by universal services." in page and "Child protection." in page
    assert "Concerns regarding disguised compliance" in page
    assert "never an" in page and "automatic verdict" in page
    assert "section 17" in page
    assert AuditEvent.objects.filter(
        actor=leader_x, action="view", record_id=str(in_triage.pk), detail={"page": "triage"}
    ).exists()


@pytest.mark.parametrize(
    "decision,status",
    [
        ("assessment", Status.ASSESSMENT),
        ("panel", Status.PANEL_REFERRAL),
    ],
)
def test_decision_moves_status_with_history_and_audit(
    leader_x, in_triage, levels, decision, status
):
    response = client_for(leader_x).post(url(in_triage), triage_post(levels, decision=decision))
    assert response.status_code == 302 and response["Location"] == f"/requests/{in_triage.pk}/"
    in_triage.refresh_from_db()
    assert in_triage.status == status
    last = in_triage.history.last()
    assert (last.from_status, last.to_status, last.actor) == (Status.IN_TRIAGE, status, leader_x)
    triage = in_triage.triage
    assert triage.decision == decision and triage.decided_by == leader_x
    assert triage.need_level == levels[2]
    assert triage.targeted_indicators == ["multiple_issues", "resistance"]
    assert AuditEvent.objects.filter(
        actor=leader_x, action="update", record_type="support_requests.triage"
    ).exists()
    assert AuditEvent.objects.filter(
        actor=leader_x, action="update", record_id=str(in_triage.pk), detail__status=status
    ).exists()
    assert not SafeguardingStop.objects.exists()
    # Out of the queue, shown on the request page.
    detail = client_for(leader_x).get(f"/requests/{in_triage.pk}/").content.decode()
    assert SupportRequest.Status(status).label in detail


def test_signpost_records_service_and_handover(leader_x, in_triage, levels):
    today = clock.today()
    data = triage_post(
        levels,
        decision="signpost",
        signpost_to="Vale Parenting Group",
        handover_contact="Pat Green, group lead",
        handover_date_0=str(today.day),
        handover_date_1=str(today.month),
        handover_date_2=str(today.year),
    )
    client_for(leader_x).post(url(in_triage), data)
    in_triage.refresh_from_db()
    assert in_triage.status == Status.SIGNPOSTED
    assert in_triage.triage.signpost_to == "Vale Parenting Group"
    assert in_triage.triage.handover_contact == "Pat Green, group lead"
    assert in_triage.triage.handover_date == today


def test_single_agency_needs_an_agency(leader_x, in_triage, levels):
    agency = AgencyFactory(name="Vale Health")
    client = client_for(leader_x)
    response = client.post(url(in_triage), triage_post(levels, decision="single_agency"))
    assert response.status_code == 200
    assert "Select the agency that will give support" in response.content.decode()
    client.post(
        url(in_triage), triage_post(levels, decision="single_agency", single_agency=agency.pk)
    )
    in_triage.refresh_from_db()
    assert in_triage.status == Status.SINGLE_AGENCY
    assert in_triage.triage.single_agency == agency


def test_error_summary_keeps_typed_values(leader_x, in_triage, levels):
    data = triage_post(
        levels,
        decision="",
        conversation_with="Typed name",
        conversation_date_0="31",
        conversation_date_1="2",
    )
    response = client_for(leader_x).post(url(in_triage), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Date of the conversation must be a real date" in page
    assert 'value="Typed name"' in page
    assert "Mum is struggling with mornings." in page
    assert page.count("checked") >= 3  # the concern answer, the level and the indicators
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE


def test_missing_decision_answers_show_errors(leader_x, in_triage, levels):
    data = triage_post(levels, decision="", cin_cp_concern="", need_level="")
    page = client_for(leader_x).post(url(in_triage), data).content.decode()
    assert "Select what happens next" in page
    assert "Select the level of need" in page
    assert "Select yes if you have concerns" in page


def test_draft_saves_without_a_decision_and_keeps_values(leader_x, in_triage, levels):
    client = client_for(leader_x)
    data = triage_post(levels, action="draft", decision="", conversation_summary="Half done")
    response = client.post(url(in_triage), data)
    assert response.status_code == 302
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE
    triage = in_triage.triage
    assert triage.decision == "" and triage.decided_at is None
    assert triage.conversation_summary == "Half done"
    assert AuditEvent.objects.filter(
        actor=leader_x, action="update", record_id=str(triage.pk), detail__draft=True
    ).exists()
    page = client.get(url(in_triage)).content.decode()
    assert "Half done" in page and 'value="Sam Lee, head of year"' in page


def test_a_draft_keeps_the_decision_out(leader_x, in_triage, levels):
    client_for(leader_x).post(url(in_triage), triage_post(levels, action="draft"))
    in_triage.refresh_from_db()
    assert in_triage.triage.decision == "" and in_triage.status == Status.IN_TRIAGE


def test_targeted_indicators_decide_nothing(leader_x, in_triage, levels):
    every = [
        "taf_not_effective",
        "multiple_issues",
        "risk_of_escalation",
        "resistance",
        "disguised_compliance",
        "offer_not_meeting_needs",
        "more_intensive",
        "assertive_engagement",
        "robust_risk_management",
        "more_than_consultation",
    ]
    data = triage_post(
        levels, action="draft", decision="", targeted_indicators=every, need_level=str(levels[1].pk)
    )
    client_for(leader_x).post(url(in_triage), data)
    in_triage.refresh_from_db()
    assert in_triage.triage.targeted_indicators == every
    assert in_triage.triage.need_level == levels[1]
    assert in_triage.triage.decision == ""


def test_decided_request_cannot_be_triaged_again(leader_x, in_triage, levels):
    services.triage_record_decision(
        actor=leader_x, support_request=in_triage, answers=answers(levels)
    )
    with pytest.raises(services.TransitionNotAllowed):
        services.triage_record_decision(
            actor=leader_x, support_request=in_triage, answers=answers(levels)
        )


# ---- The safeguarding stop


@pytest.mark.parametrize("action", ["decide", "draft"])
def test_concern_yes_stops_and_never_saves_a_decision(leader_x, in_triage, levels, action):
    client = client_for(leader_x)
    response = client.post(
        url(in_triage),
        triage_post(levels, cin_cp_concern="yes", decision="assessment", action=action),
    )
    assert response.status_code == 302
    assert response["Location"] == url(in_triage, "safeguarding-stop")
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE
    assert in_triage.triage.decision == "" and in_triage.triage.decided_at is None
    stop = SafeguardingStop.objects.get()
    assert (stop.support_request, stop.actor, stop.trigger) == (
        in_triage,
        leader_x,
        SafeguardingStop.Trigger.TRIAGE_CONCERN,
    )
    assert stop.is_pending
    assert AuditEvent.objects.filter(
        actor=leader_x,
        action="create",
        record_type="support_requests.safeguardingstop",
        record_id=str(stop.pk),
    ).exists()


def test_concern_yes_stops_even_when_other_answers_are_wrong(leader_x, in_triage, levels):
    data = triage_post(levels, cin_cp_concern="yes", conversation_date_0="99")
    response = client_for(leader_x).post(url(in_triage), data)
    assert response["Location"] == url(in_triage, "safeguarding-stop")
    assert SafeguardingStop.objects.filter(support_request=in_triage).count() == 1


def test_statutory_level_stops(leader_x, in_triage, levels):
    response = client_for(leader_x).post(
        url(in_triage), triage_post(levels, need_level=str(levels[4].pk), decision="panel")
    )
    assert response["Location"] == url(in_triage, "safeguarding-stop")
    stop = SafeguardingStop.objects.get()
    assert stop.trigger == SafeguardingStop.Trigger.STATUTORY_LEVEL
    assert stop.need_level == levels[4]
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE and in_triage.triage.decision == ""


def test_stop_page_shows_the_councils_duty_team_from_data(leader_x, in_triage, levels):
    CouncilFactory(
        duty_team_name="Madeupshire Front Door",
        duty_team_phone="01632 960777",
        duty_team_out_of_hours_phone="01632 960888",
        duty_team_email="frontdoor@madeupshire.example",
        duty_team_instructions="Ring before 4pm on Fridays.",
    )
    client = client_for(leader_x)
    client.post(url(in_triage), triage_post(levels, cin_cp_concern="yes"))
    response = client.get(url(in_triage, "safeguarding-stop"))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Madeupshire Front Door",
        "01632 960777",
        "01632 960888",
        "frontdoor@madeupshire.example",
        "Ring before 4pm on Fridays.",
        "I have phoned the duty team now",
    ):
        assert text in page
    assert AuditEvent.objects.filter(
        actor=leader_x, action="view", record_type="support_requests.safeguardingstop"
    ).exists()


def test_pending_stop_cannot_be_bypassed(leader_x, in_triage, levels):
    client = client_for(leader_x)
    client.post(url(in_triage), triage_post(levels, cin_cp_concern="yes"))
    # Posting straight to the decision endpoint with the concern now 'no' still goes to the stop.
    response = client.post(url(in_triage), triage_post(levels, cin_cp_concern="no"))
    assert response["Location"] == url(in_triage, "safeguarding-stop")
    assert client.get(url(in_triage))["Location"] == url(in_triage, "safeguarding-stop")
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE and in_triage.triage.decision == ""
    # And the service refuses too.
    with pytest.raises(services.SafeguardingStopRequired):
        services.triage_record_decision(
            actor=leader_x, support_request=in_triage, answers=answers(levels)
        )
    with pytest.raises(services.SafeguardingStopRequired):
        services.triage_save_draft(
            actor=leader_x, support_request=in_triage, answers=answers(levels)
        )


def test_service_refuses_a_decision_with_concerns(leader_x, in_triage, levels):
    for bad in (answers(levels, cin_cp_concern=True), answers(levels, need_level=levels[3])):
        with pytest.raises(services.SafeguardingStopRequired):
            services.triage_record_decision(actor=leader_x, support_request=in_triage, answers=bad)
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE
    assert not Triage.objects.filter(decision__gt="").exists()


@pytest.mark.parametrize("next_step", [NextStep.PHONED, NextStep.MASH_REFERRAL])
def test_next_step_refers_to_duty_team(leader_x, in_triage, levels, next_step):
    client = client_for(leader_x)
    client.post(url(in_triage), triage_post(levels, cin_cp_concern="yes"))
    response = client.post(
        url(in_triage, "safeguarding-stop"), {"next_step": next_step, "reason": ""}
    )
    assert response["Location"] == f"/requests/{in_triage.pk}/"
    in_triage.refresh_from_db()
    assert in_triage.status == Status.REFERRED_TO_DUTY_TEAM
    last = in_triage.history.last()
    assert (last.from_status, last.to_status, last.actor) == (
        Status.IN_TRIAGE,
        Status.REFERRED_TO_DUTY_TEAM,
        leader_x,
    )
    stop = SafeguardingStop.objects.get()
    assert stop.next_step == next_step and stop.next_step_at is not None
    assert AuditEvent.objects.filter(
        actor=leader_x, action="update", record_id=str(stop.pk), detail__next_step=next_step
    ).exists()
    assert in_triage.triage.decision == ""
    detail = client.get(f"/requests/{in_triage.pk}/").content.decode()
    assert "Referred to the duty team" in detail and "Safeguarding stops" in detail


def test_next_step_is_required(leader_x, in_triage, levels):
    client = client_for(leader_x)
    client.post(url(in_triage), triage_post(levels, cin_cp_concern="yes"))
    response = client.post(url(in_triage, "safeguarding-stop"), {"next_step": "", "reason": ""})
    assert response.status_code == 200
    assert "Select what you have done" in response.content.decode()
    assert SafeguardingStop.objects.get().is_pending


def test_was_wrong_needs_a_reason_then_returns_to_triage_with_concern_reset(
    leader_x, in_triage, levels
):
    client = client_for(leader_x)
    client.post(url(in_triage), triage_post(levels, cin_cp_concern="yes"))
    stop_url = url(in_triage, "safeguarding-stop")
    response = client.post(stop_url, {"next_step": NextStep.WAS_WRONG, "reason": ""})
    assert response.status_code == 200
    assert "Enter why there are no child in need or child protection concerns" in (
        response.content.decode()
    )
    response = client.post(
        stop_url, {"next_step": NextStep.WAS_WRONG, "reason": "I misread the school's note"}
    )
    assert response["Location"] == url(in_triage)
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE
    assert in_triage.triage.cin_cp_concern is None
    assert in_triage.triage.conversation_with == "Sam Lee, head of year"  # the rest is kept
    stop = SafeguardingStop.objects.get()
    assert stop.next_step == NextStep.WAS_WRONG and stop.reason == "I misread the school's note"
    # Now a decision can be made, and the stop is still on record.
    client.post(url(in_triage), triage_post(levels))
    in_triage.refresh_from_db()
    assert in_triage.status == Status.ASSESSMENT
    assert SafeguardingStop.objects.count() == 1


def test_was_wrong_about_a_statutory_level_clears_the_level(leader_x, in_triage, levels):
    client = client_for(leader_x)
    client.post(url(in_triage), triage_post(levels, need_level=str(levels[3].pk)))
    client.post(
        url(in_triage, "safeguarding-stop"),
        {"next_step": NextStep.WAS_WRONG, "reason": "Wrong radio"},
    )
    in_triage.refresh_from_db()
    assert in_triage.triage.need_level is None


def test_stop_rows_cannot_be_deleted(leader_x, in_triage, levels):
    stop = services.triage_raise_safeguarding_stop(
        actor=leader_x, support_request=in_triage, answers=answers(levels, cin_cp_concern=True)
    )
    with pytest.raises(PermissionError):
        stop.delete()


def test_next_step_service_validates(leader_x, in_triage, levels):
    stop = services.triage_raise_safeguarding_stop(
        actor=leader_x, support_request=in_triage, answers=answers(levels, cin_cp_concern=True)
    )
    with pytest.raises(ValidationError):
        services.safeguarding_stop_record_next_step(actor=leader_x, stop=stop, next_step="nope")
    services.safeguarding_stop_record_next_step(
        actor=leader_x, stop=stop, next_step=NextStep.PHONED
    )
    with pytest.raises(services.TransitionNotAllowed):
        services.safeguarding_stop_record_next_step(
            actor=leader_x, stop=stop, next_step=NextStep.PHONED
        )


def test_stop_page_without_a_pending_stop_goes_back_to_the_request(leader_x, in_triage):
    response = client_for(leader_x).get(url(in_triage, "safeguarding-stop"))
    assert response["Location"] == f"/requests/{in_triage.pk}/"


def test_only_team_leaders_see_the_triage_button(leader_x, business_support_x, in_triage):
    triage_link = f'href="/requests/{in_triage.pk}/triage/"'
    assert triage_link in client_for(leader_x).get(f"/requests/{in_triage.pk}/").content.decode()
    page = client_for(business_support_x).get(f"/requests/{in_triage.pk}/").content.decode()
    assert triage_link not in page


def test_a_second_stop_is_not_made_while_one_is_pending(leader_x, in_triage, levels):
    first = services.triage_raise_safeguarding_stop(
        actor=leader_x, support_request=in_triage, answers=answers(levels, cin_cp_concern=True)
    )
    again = services.triage_raise_safeguarding_stop(
        actor=leader_x, support_request=in_triage, answers=answers(levels, cin_cp_concern=True)
    )
    assert again == first and SafeguardingStop.objects.count() == 1
