"""A panel case's status moves only along its transition table, each move leaving a history row;
a referral can be withdrawn before the panel decides."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.models import Assessment
from core.errors import ConflictError
from core.models import AuditEvent
from core.tests.factories import AreaFactory
from core.workflow import TransitionNotAllowed
from panel import selectors, services
from panel.models import PanelCase, PanelCaseHistory, PanelMeeting
from panel.services.workflows import (
    CASE_WORKFLOW,
    CLOSURE_WORKFLOW,
    MEETING_WORKFLOW,
    case_move,
)
from panel.tests.factories import PanelFactory, panel_referral
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
S = PanelCase.Status
BEFORE_CUTOFF = datetime(2026, 12, 30, 11, 59, tzinfo=LONDON)

ALLOWED = [
    (S.LOGGED, S.DECIDED),
    (S.LOGGED, S.CLOSED),
    (S.LOGGED, S.WITHDRAWN),
    (S.DECIDED, S.ALLOCATED),
    (S.ALLOCATED, S.CLOSURE_REQUESTED),
    (S.ALLOCATED, S.STEPPED_UP),
    (S.STEPPED_UP, S.ALLOCATED),
    (S.CLOSURE_REQUESTED, S.CLOSED),
    (S.CLOSURE_REQUESTED, S.ALLOCATED),
]
ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def case(staff):
    panel = PanelFactory(area=AreaFactory())
    services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    return services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))


def _put(case, status):
    PanelCase.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def _status_rows(case):
    return list(
        PanelCaseHistory.objects.filter(
            case=case, change=PanelCaseHistory.Change.STATUS
        ).values_list("from_status", "to_status", "reason")
    )


def test_the_table_is_exactly_the_allowed_moves():
    table = {(a, b) for a, targets in CASE_WORKFLOW.table.items() for b in targets}
    assert table == set(ALLOWED)
    assert set(CASE_WORKFLOW.table) == set(S.values)


@pytest.mark.parametrize("workflow", [CASE_WORKFLOW, MEETING_WORKFLOW, CLOSURE_WORKFLOW])
def test_every_status_of_each_panel_workflow_is_reachable(workflow):
    assert workflow.unreachable() == set()


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_move_changes_the_status_and_writes_its_history_row(
    case, staff, from_status, to_status
):
    _put(case, from_status)

    case_move(actor=staff, case=case, to_status=to_status, reason="Because")

    assert PanelCase.objects.get(pk=case.pk).status == to_status
    assert _status_rows(case) == [(from_status, to_status, "Because")]
    event = AuditEvent.objects.filter(record_type="panel.panelcase", record_id=str(case.pk)).latest(
        "id"
    )
    assert (event.actor, event.action, event.detail) == (
        staff,
        "update",
        {"fields": ["status"], "from_status": from_status, "status": to_status},
    )


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [pair for pair in ALL_PAIRS if pair not in ALLOWED and pair[0] != pair[1]][::3]
    + [
        (S.WITHDRAWN, S.LOGGED),
        (S.CLOSED, S.ALLOCATED),
        (S.DECIDED, S.WITHDRAWN),
        (S.LOGGED, S.LOGGED),
    ],
)
def test_a_move_not_in_the_table_is_refused_and_writes_nothing(case, staff, from_status, to_status):
    _put(case, from_status)

    with pytest.raises(TransitionNotAllowed) as refused:
        case_move(actor=staff, case=case, to_status=to_status, reason="Because")

    assert refused.value.messages == [
        f"A case that is {S(from_status).label.lower()} cannot become {S(to_status).label.lower()}"
    ]
    assert PanelCase.objects.get(pk=case.pk).status == from_status
    assert _status_rows(case) == []


# ---------------------------------------------------------------- withdrawing a referral


def _on_agenda(meeting):
    return [
        row.case.pk for section in selectors.agenda_for(meeting) for row in (section.cases or [])
    ]


def test_the_referrer_withdraws_a_referral_before_the_decision(case):
    referrer = case.referral.submitted_by
    meeting = case.meeting
    assert case.pk in _on_agenda(meeting)

    withdrawn = services.panel_case_withdraw(
        actor=referrer, case=case, reason="  The family moved away  "
    )

    assert withdrawn.status == S.WITHDRAWN
    assert PanelCase.objects.get(pk=case.pk).status == S.WITHDRAWN
    assert _status_rows(case) == [(S.LOGGED, S.WITHDRAWN, "Withdrawn: The family moved away")]
    event = AuditEvent.objects.filter(record_type="panel.panelcase", record_id=str(case.pk)).latest(
        "id"
    )
    assert (event.actor, event.action, event.detail) == (
        referrer,
        "update",
        {"fields": ["status"], "from_status": "logged", "status": "withdrawn"},
    )
    # It leaves the agenda.
    assert case.pk not in _on_agenda(meeting)


def test_withdrawing_a_referral_ends_the_request_behind_it(case, staff):
    request = SupportRequestFactory(status=SupportRequest.Status.PANEL_REFERRAL)
    Assessment.objects.filter(pk=case.referral.assessment_id).update(support_request=request)
    case.refresh_from_db()

    services.panel_case_withdraw(actor=staff, case=case, reason="Duplicate")

    request.refresh_from_db()
    assert request.status == SupportRequest.Status.SUPPORT_ENDED
    assert request.history.latest("id").reason == (
        f"Referral to the panel withdrawn ({case.esmap_number})"
    )


def test_business_support_may_withdraw_it(case, staff):
    services.panel_case_withdraw(
        actor=UserFactory(roles=[Role.BUSINESS_SUPPORT]), case=case, reason="Duplicate"
    )
    assert PanelCase.objects.get(pk=case.pk).status == S.WITHDRAWN


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.EARLY_SUPPORT_TEAM_LEADER]
)
def test_anyone_else_is_refused_and_nothing_changes(case, role):
    with pytest.raises(PermissionDenied) as refused:
        services.panel_case_withdraw(actor=UserFactory(roles=[role]), case=case, reason="Duplicate")
    assert str(refused.value) == "Only the referrer or business support can withdraw a referral"
    assert PanelCase.objects.get(pk=case.pk).status == S.LOGGED
    assert _status_rows(case) == []


def test_a_reason_is_required(case, staff):
    with pytest.raises(ValidationError) as refused:
        services.panel_case_withdraw(actor=staff, case=case, reason="   ")
    assert refused.value.message_dict == {"reason": ["Enter why"]}
    assert PanelCase.objects.get(pk=case.pk).status == S.LOGGED


@pytest.mark.parametrize(
    "status", [S.DECIDED, S.ALLOCATED, S.CLOSURE_REQUESTED, S.STEPPED_UP, S.CLOSED, S.WITHDRAWN]
)
def test_once_decided_or_ended_it_cannot_be_withdrawn(case, staff, status):
    _put(case, status)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.panel_case_withdraw(actor=staff, case=case, reason="Too late")
    assert refused.value.messages == [
        "The panel has already decided on this referral, so it cannot be withdrawn"
    ]
    assert PanelCase.objects.get(pk=case.pk).status == status
    assert _status_rows(case) == []
    assert PanelMeeting.objects.exists()


# ---------------------------------------------------------------- step up and step down (ADR 0016)


def test_a_step_up_parks_the_allocated_case_with_its_history(case, staff):
    _put(case, S.ALLOCATED)

    services.panel_case_step_up(actor=staff, case=case, reason="Injury seen at school")

    assert PanelCase.objects.get(pk=case.pk).status == S.STEPPED_UP
    assert _status_rows(case) == [
        (S.ALLOCATED, S.STEPPED_UP, "Stepped up to children’s social care: Injury seen at school")
    ]


@pytest.mark.parametrize("status", [S.LOGGED, S.DECIDED, S.CLOSURE_REQUESTED, S.CLOSED])
def test_only_an_allocated_case_is_stepped_up(case, staff, status):
    _put(case, status)
    with pytest.raises(TransitionNotAllowed):
        services.panel_case_step_up(actor=staff, case=case, reason="Concern")
    assert PanelCase.objects.get(pk=case.pk).status == status


def test_a_step_down_allocates_the_case_again_to_the_new_lead_professional(case, staff):
    _put(case, S.STEPPED_UP)
    new_lead = UserFactory(roles=[Role.LEAD_PROFESSIONAL])

    allocation = services.panel_case_step_down(
        actor=staff,
        case=case,
        lead_professional=new_lead,
        lead_agency=new_lead.agency,
        reason="Social care closed",
    )

    assert PanelCase.objects.get(pk=case.pk).status == S.ALLOCATED
    assert (allocation.case, allocation.lead_professional) == (case, new_lead)
    assert services.current_lead_professional(case) == new_lead
    assert _status_rows(case) == [
        (S.STEPPED_UP, S.ALLOCATED, "Stepped down into early help: Social care closed")
    ]


@pytest.mark.parametrize("status", [S.ALLOCATED, S.CLOSED])
def test_a_case_that_was_not_stepped_up_is_not_stepped_down(case, staff, status):
    _put(case, status)
    with pytest.raises(ConflictError) as refused:
        services.panel_case_step_down(
            actor=staff,
            case=case,
            lead_professional=staff,
            lead_agency=staff.agency,
            reason="Social care closed",
        )
    assert refused.value.messages == ["This case was not stepped up, so it cannot be stepped down"]
    assert _status_rows(case) == []
