"""Who sees what: each persona against every assessment page, with the assessment in the state
the page is for (a draft's sections, a completed assessment's consultation and PDF, one waiting
for sign-off).

Out of scope (another team's practitioner, panel members, the strategic lead, administrators) is
404, saying nothing; in scope but a role that may not act (business support writing, a
practitioner signing off) is 403.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.models import Assessment, AssessmentHistory
from assessments.tests.conftest import client_for
from assessments.tests.factories import (
    AssessmentFactory,
    CompletedAssessmentFactory,
    ReadyAssessmentFactory,
)
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PERSONAS = [
    "worker",
    "lead_professional",
    "team_manager",
    "team_leader",
    "business_support",
    "other_team_practitioner",
    "panel_member",
    "panel_chair",
    "strategic_lead",
    "administrator",
]
OUT_OF_SCOPE = {
    "other_team_practitioner",
    "panel_member",
    "panel_chair",
    "strategic_lead",
    "administrator",
}


@pytest.fixture
def people(team, other_team, practitioner, manager):
    return {
        "worker": practitioner,
        "lead_professional": UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL]),
        "team_manager": manager,
        # The early support service sees every family, whichever team they are in.
        "team_leader": UserFactory(team=other_team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER]),
        "business_support": UserFactory(team=other_team, roles=[Role.BUSINESS_SUPPORT]),
        "other_team_practitioner": UserFactory(team=other_team, roles=[Role.PRACTITIONER]),
        "panel_member": UserFactory(team=team, roles=[Role.PANEL_MEMBER]),
        "panel_chair": UserFactory(team=team, roles=[Role.PANEL_CHAIR]),
        "strategic_lead": UserFactory(team=team, roles=[Role.STRATEGIC_LEAD]),
        "administrator": UserFactory(team=team, roles=[Role.SYSTEM_ADMINISTRATOR]),
    }


def _expected(persona, *, in_scope, writer=None):
    if persona in OUT_OF_SCOPE:
        return 404
    if writer is not None and persona not in writer:
        return 403
    return in_scope


WRITERS = {"worker", "lead_professional", "team_manager", "team_leader"}
SIGNERS = {"team_manager", "team_leader"}


def _page(name, assessment, **kwargs):
    return reverse(name, kwargs={"assessment_id": assessment.pk, **kwargs})


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_familys_assessment_list(people, family, practitioner, persona):
    AssessmentFactory(worker=practitioner, family=family)
    url = reverse("assessments:family_assessments", kwargs={"family_id": family.pk})

    response = client_for(people[persona]).get(url)

    assert response.status_code == _expected(persona, in_scope=200)
    if response.status_code == 200:
        assert response.context["can_write"] is (persona in WRITERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_assessment_page(people, family, practitioner, persona):
    assessment = AssessmentFactory(worker=practitioner, family=family)
    before = AuditEvent.objects.filter(action="view", record_id=str(assessment.pk)).count()

    response = client_for(people[persona]).get(_page("assessments:detail", assessment))

    assert response.status_code == _expected(persona, in_scope=200)
    viewed = AuditEvent.objects.filter(action="view", record_id=str(assessment.pk)).count()
    # Shown means audited; refused means nothing was shown and nothing is audited.
    assert viewed - before == (1 if response.status_code == 200 else 0)
    if response.status_code == 200:
        assert response.context["editable"] is (persona in WRITERS)
        assert response.context["can_sign_off"] is False  # a draft is not waiting for it


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_section_of_a_draft(people, family, practitioner, persona):
    assessment = AssessmentFactory(worker=practitioner, family=family)

    response = client_for(people[persona]).get(
        _page("assessments:section", assessment, key="parenting")
    )

    assert response.status_code == _expected(persona, in_scope=200, writer=WRITERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_consultation_of_a_completed_assessment(people, family, practitioner, persona):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)

    response = client_for(people[persona]).get(_page("assessments:consultation", assessment))

    assert response.status_code == _expected(persona, in_scope=200, writer=WRITERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_signing_off_an_assessment_waiting_for_it(people, family, practitioner, persona):
    assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, status=Assessment.Status.AWAITING_SIGN_OFF
    )

    response = client_for(people[persona]).get(_page("assessments:sign_off", assessment))

    assert response.status_code == _expected(persona, in_scope=200, writer=SIGNERS)


@pytest.mark.parametrize("persona", ["worker", "lead_professional", "business_support"])
def test_a_role_that_may_not_sign_off_is_refused_and_nothing_changes(
    people, family, practitioner, persona
):
    assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, status=Assessment.Status.AWAITING_SIGN_OFF
    )

    response = client_for(people[persona]).post(_page("assessments:sign_off", assessment), {})

    assert response.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.AWAITING_SIGN_OFF
    assert not AssessmentHistory.objects.filter(assessment=assessment).exists()


def test_a_manager_cannot_sign_off_their_own_assessment(family, manager):
    assessment = ReadyAssessmentFactory(
        worker=manager, family=family, status=Assessment.Status.AWAITING_SIGN_OFF
    )

    response = client_for(manager).get(_page("assessments:sign_off", assessment))

    assert response.status_code == 403


def test_a_manager_of_another_team_cannot_sign_off(family, practitioner, other_team):
    other_manager = UserFactory(team=other_team, roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_team)
    assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, status=Assessment.Status.AWAITING_SIGN_OFF
    )

    # Not their team's family: out of scope, so nothing says it exists.
    response = client_for(other_manager).get(_page("assessments:sign_off", assessment))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pdf_of_a_completed_assessment(people, family, practitioner, persona):
    assessment = CompletedAssessmentFactory(worker=practitioner, family=family)

    response = client_for(people[persona]).get(_page("assessments:pdf", assessment))

    assert response.status_code == _expected(persona, in_scope=200)
    exported = AuditEvent.objects.filter(action="export", record_id=str(assessment.pk))
    assert exported.count() == (1 if response.status_code == 200 else 0)
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"


def test_a_signed_out_user_is_sent_to_sign_in(client, family, practitioner):
    assessment = AssessmentFactory(worker=practitioner, family=family)

    response = client.get(_page("assessments:detail", assessment))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
