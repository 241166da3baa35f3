"""The assessments app's part of the work tray: assessments waiting for this manager to sign
off, and the worker's own assessments a manager sent back, each until the work is done."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments import services, tray
from assessments.models import Assessment, AssessmentHistory
from assessments.tests.conftest import client_for
from assessments.tests.factories import AssessmentFactory, ReadyAssessmentFactory
from core import worktray
from people.tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

Status = Assessment.Status
# 3 March 2027 and 14 May 2027, mid-morning in London.
SENT = datetime(2027, 3, 3, 10, 30, tzinfo=UTC)
RETURNED = datetime(2027, 5, 14, 9, 0, tzinfo=UTC)


def _section(user, key):
    """One section of the user's tray as the home page gets it, or None when it is empty."""
    sections = [s for s in worktray.tray_for(user) if s.key == key]
    return sections[0] if sections else None


def _sign_off_url(assessment) -> str:
    return reverse("assessments:sign_off", kwargs={"assessment_id": assessment.pk})


def _detail_url(assessment) -> str:
    return reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})


@pytest.fixture
def sent(practitioner, family, sign_off_council):
    """An assessment the practitioner sent to their manager on 3 March 2027."""
    assessment = ReadyAssessmentFactory(worker=practitioner, family=family)
    with time_machine.travel(SENT, tick=False):
        services.assessment_submit(actor=practitioner, assessment=assessment)
    assert assessment.status == Status.AWAITING_SIGN_OFF
    return assessment


# ---------------------------------------------------------------- to sign off


def test_a_sent_assessment_waits_for_the_workers_manager_until_signed_off(
    practitioner, manager, sent
):
    section = _section(manager, "assessments_to_sign_off")
    assert section.title == "Assessments to sign off"
    assert section.count == 1
    [item] = section.items
    assert item.url == _sign_off_url(sent)
    assert item.text == f"{sent.family.name} ({sent.family.reference}), assessment 1"
    assert item.hint == f"Sent 3 March 2027 by {practitioner.get_full_name()}"

    services.assessment_sign_off(actor=manager, assessment=sent)

    assert Assessment.objects.get(pk=sent.pk).status == Status.COMPLETED
    assert _section(manager, "assessments_to_sign_off") is None


def test_a_returned_assessment_leaves_the_managers_tray(manager, sent):
    services.assessment_return(actor=manager, assessment=sent, reason="Say more about school")

    assert _section(manager, "assessments_to_sign_off") is None


def test_an_early_support_team_leader_may_sign_off_any_workers_assessment(other_team, sent):
    leader = UserFactory(team=other_team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])

    section = _section(leader, "assessments_to_sign_off")

    assert section.count == 1
    assert [i.url for i in section.items] == [_sign_off_url(sent)]


def test_who_may_not_sign_off_gets_no_section(practitioner, panel_member, other_team, sent):
    other_manager = UserFactory(team=other_team, roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_team)

    # The worker never signs off their own; a panel member signs off nothing.
    assert _section(practitioner, "assessments_to_sign_off") is None
    assert [s.key for s in tray.tray(practitioner)] == ["assessments_returned"]
    assert tray.tray(panel_member) == []
    # A manager of another team has the section, with nothing in it, so the page leaves it out.
    assert [(s.key, s.count) for s in tray.tray(other_manager)] == [
        ("assessments_to_sign_off", 0),
        ("assessments_returned", 0),
    ]
    assert _section(other_manager, "assessments_to_sign_off") is None


def test_a_manager_is_not_asked_to_sign_off_their_own_assessment(manager, family, sign_off_council):
    own = ReadyAssessmentFactory(worker=manager, family=family)
    services.assessment_submit(actor=manager, assessment=own)
    assert Assessment.objects.get(pk=own.pk).status == Status.AWAITING_SIGN_OFF

    assert _section(manager, "assessments_to_sign_off") is None


# ---------------------------------------------------------------- returned to the worker


def test_a_returned_assessment_waits_for_its_worker_until_sent_again(practitioner, manager, sent):
    assert _section(practitioner, "assessments_returned") is None
    with time_machine.travel(RETURNED, tick=False):
        services.assessment_return(actor=manager, assessment=sent, reason="Say more about school")

    section = _section(practitioner, "assessments_returned")
    assert section.title == "Assessments returned to you"
    assert section.count == 1
    [item] = section.items
    assert item.url == _detail_url(sent)
    assert item.hint == "Returned 14 May 2027"
    # Only the worker: the manager who returned it has nothing of it in their tray.
    assert _section(manager, "assessments_returned") is None

    services.assessment_submit(actor=practitioner, assessment=sent)

    assert Assessment.objects.get(pk=sent.pk).status == Status.AWAITING_SIGN_OFF
    assert _section(practitioner, "assessments_returned") is None
    assert [i.url for i in _section(manager, "assessments_to_sign_off").items] == [
        _sign_off_url(sent)
    ]


def test_a_draft_never_sent_is_not_returned_work(practitioner, family):
    AssessmentFactory(worker=practitioner, family=family)

    assert _section(practitioner, "assessments_returned") is None


# ---------------------------------------------------------------- the home page


def test_the_home_page_links_the_manager_to_the_sign_off_page(manager, sent):
    response = client_for(manager).get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tray-assessments_to_sign_off"' in html
    assert f'href="{_sign_off_url(sent)}"' in html


def test_the_home_page_links_the_worker_to_the_returned_assessment(practitioner, manager, sent):
    services.assessment_return(actor=manager, assessment=sent, reason="Say more about school")

    response = client_for(practitioner).get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tray-assessments_returned"' in html
    assert f'href="{_detail_url(sent)}"' in html


def _awaiting(worker, team, how_many):
    for _ in range(how_many):
        AssessmentFactory(
            worker=worker,
            family=FamilyFactory(team=team),
            status=Status.AWAITING_SIGN_OFF,
            submitted_at=SENT,
        )


def _returned(worker, manager, team, how_many):
    for _ in range(how_many):
        assessment = AssessmentFactory(worker=worker, family=FamilyFactory(team=team))
        AssessmentHistory.objects.create(
            assessment=assessment,
            actor=manager,
            from_status=Status.AWAITING_SIGN_OFF,
            to_status=Status.DRAFT,
            reason="Say more about school",
        )


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:home")).status_code == 200
    return len(queries.captured_queries)


def test_the_managers_home_page_costs_the_same_for_2_or_12_to_sign_off(practitioner, manager, team):
    client = client_for(manager)
    _awaiting(practitioner, team, 2)
    client.get(reverse("core:home"))  # a first visit may fill caches; measure the second
    two = _home_queries(client)
    _awaiting(practitioner, team, 10)

    assert _home_queries(client) == two
    assert _section(manager, "assessments_to_sign_off").count == 12


def test_the_workers_home_page_costs_the_same_for_2_or_12_returned(practitioner, manager, team):
    client = client_for(practitioner)
    _returned(practitioner, manager, team, 2)
    client.get(reverse("core:home"))
    two = _home_queries(client)
    _returned(practitioner, manager, team, 10)

    assert _home_queries(client) == two
    assert _section(practitioner, "assessments_returned").count == 12
