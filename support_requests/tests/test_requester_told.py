"""A member of the public who asked for help is told what happened: when triage records an
outcome, when a safeguarding stop refers the request to the duty team, and when it is closed. Only
by email, only when they said email is safe, and only the reference and the outcome in words."""

import pytest

from core import clock
from core.models import OutboundMessage
from core.notify import LoggingBackend
from core.tests.factories import AgencyFactory, NeedLevelFactory
from support_requests import services
from support_requests.models import SafeguardingStop, SupportRequest, Triage
from support_requests.services.requester_messages import OUTCOME_WORDS
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status


@pytest.fixture(autouse=True)
def outbox():
    LoggingBackend.outbox.clear()
    yield LoggingBackend.outbox
    LoggingBackend.outbox.clear()


@pytest.fixture
def level(db):
    return NeedLevelFactory(level=2, name="Early help")


def answers(level, decision, **extra):
    return services.TriageAnswers(
        conversation_date=clock.today(),
        conversation_with="Sam Lee",
        conversation_summary="Talked it through.",
        cin_cp_concern=False,
        need_level=level,
        decision=decision,
        **extra,
    )


def in_triage(area, **kwargs):
    defaults = {"requester_email": "parent@example.org", "safe_to_write": True}
    return SupportRequestFactory(area=area, status=Status.IN_TRIAGE, **(defaults | kwargs))


def decide(leader, support_request, level, decision, capture, **extra):
    with capture(execute=True):
        services.triage_record_decision(
            actor=leader, support_request=support_request, answers=answers(level, decision, **extra)
        )


def test_the_outcome_of_triage_is_emailed_with_only_the_reference_and_the_outcome(
    leader_x, area_x, level, outbox, django_capture_on_commit_callbacks
):
    support_request = in_triage(area_x, requester_name="Jo Bloggs")

    decide(
        leader_x,
        support_request,
        level,
        Triage.Decision.ASSESSMENT,
        django_capture_on_commit_callbacks,
    )

    (message,) = outbox
    assert (message.to, message.template, message.reference) == (
        "parent@example.org",
        "request_outcome",
        support_request.reference,
    )
    assert message.personalisation == {
        "reference": support_request.reference,
        "outcome": "An early help worker will contact you to talk about what help your family "
        "needs.",
    }
    assert (message.record_type, message.record_id) == (
        "support_requests.supportrequest",
        str(support_request.pk),
    )
    assert "Jo Bloggs" not in str(message.personalisation)


@pytest.mark.parametrize(
    ("decision", "status", "extra"),
    [
        (
            Triage.Decision.SIGNPOST,
            Status.SIGNPOSTED,
            {"signpost_to": "Food bank", "handover_contact": "Ann", "handover_date": None},
        ),
        (Triage.Decision.SINGLE_AGENCY, Status.SINGLE_AGENCY, {}),
        (Triage.Decision.PANEL, Status.PANEL_REFERRAL, {}),
    ],
)
def test_each_outcome_has_its_words(
    leader_x, area_x, level, outbox, django_capture_on_commit_callbacks, decision, status, extra
):
    if decision == Triage.Decision.SIGNPOST:
        extra["handover_date"] = clock.today()
    if decision == Triage.Decision.SINGLE_AGENCY:
        extra["single_agency"] = AgencyFactory()
    support_request = in_triage(area_x)

    decide(leader_x, support_request, level, decision, django_capture_on_commit_callbacks, **extra)

    assert [m.personalisation["outcome"] for m in outbox] == [OUTCOME_WORDS[status]]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"safe_to_write": False},  # they said writing to them is not safe
        {"requester_email": ""},  # no email address given
    ],
)
def test_nothing_is_sent_without_a_safe_email(
    leader_x, area_x, level, outbox, django_capture_on_commit_callbacks, kwargs
):
    support_request = in_triage(area_x, **kwargs)

    decide(
        leader_x,
        support_request,
        level,
        Triage.Decision.ASSESSMENT,
        django_capture_on_commit_callbacks,
    )

    support_request.refresh_from_db()
    assert support_request.status == Status.ASSESSMENT
    assert outbox == []
    assert not OutboundMessage.objects.exists()


def test_a_practitioners_request_is_not_emailed(
    leader_x, school_practitioner, area_x, level, outbox, django_capture_on_commit_callbacks
):
    support_request = in_triage(
        area_x,
        source=SupportRequest.Source.PRACTITIONER,
        requester=school_practitioner,
        requester_email="worker@school.example",
    )

    decide(
        leader_x,
        support_request,
        level,
        Triage.Decision.ASSESSMENT,
        django_capture_on_commit_callbacks,
    )

    assert outbox == []


def test_closing_a_request_tells_them(leader_x, area_x, outbox, django_capture_on_commit_callbacks):
    support_request = in_triage(area_x)

    with django_capture_on_commit_callbacks(execute=True):
        services.support_request_close(
            actor=leader_x, support_request=support_request, reason="A duplicate"
        )

    assert [(m.to, m.personalisation) for m in outbox] == [
        (
            "parent@example.org",
            {
                "reference": support_request.reference,
                "outcome": "We have closed your request. If you still need help, you can ask "
                "again.",
            },
        )
    ]


def test_a_referral_to_the_duty_team_tells_them(
    leader_x, area_x, level, outbox, django_capture_on_commit_callbacks
):
    support_request = in_triage(area_x)
    stop = services.triage_raise_safeguarding_stop(
        actor=leader_x,
        support_request=support_request,
        answers=services.TriageAnswers(cin_cp_concern=True),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.safeguarding_stop_record_next_step(
            actor=leader_x, stop=stop, next_step=SafeguardingStop.NextStep.PHONED
        )

    assert [m.personalisation["outcome"] for m in outbox] == [
        OUTCOME_WORDS[Status.REFERRED_TO_DUTY_TEAM]
    ]


def test_a_refused_decision_sends_nothing(leader_x, area_x, level, outbox):
    support_request = in_triage(area_x)

    with pytest.raises(services.SafeguardingStopRequired):
        services.triage_record_decision(
            actor=leader_x,
            support_request=support_request,
            answers=services.TriageAnswers(
                cin_cp_concern=True, decision=Triage.Decision.ASSESSMENT
            ),
        )

    assert not OutboundMessage.objects.exists()
