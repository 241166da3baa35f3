"""A referral to the panel at any stage of the assessment, once sections 2 and 14 are complete.

The form (section 2) lets the assessor refer whenever a need goes beyond a single agency, with
the family's consent recorded in section 14; the panel then sees the assessment as it stands,
with its status. One service decides (``panel_referral_submit``); the page and the API ask it.
"""

from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments import services
from assessments.models import Assessment, AssessmentSection, PanelReferral
from assessments.tests.conftest import client_for
from assessments.tests.factories import (
    AssessmentFactory,
    AssessmentSectionFactory,
    PanelReferralFactory,
    ReadyAssessmentFactory,
)
from consent.tests.factories import ConsentDecisionFactory
from core.models import AuditEvent
from core.tests.factories import AreaFactory
from core.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db

BOTH_MISSING = (
    "Complete section 2 (referral to the multi-agency panel) and section 14 (consent and "
    "signatures) before you refer this family to the panel"
)
CONSENT_MISSING = (
    "Complete section 14 (consent and signatures) before you refer this family to the panel"
)


def draft_with(practitioner, family, *keys, status=AssessmentSection.Status.COMPLETED, number=1):
    """A draft with only the named family-level sections saved (completed unless told)."""
    assessment = AssessmentFactory(worker=practitioner, family=family, number=number)
    for key in keys:
        AssessmentSectionFactory(assessment=assessment, key=key, status=status)
    return assessment


def detail_url(assessment):
    return reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})


def refer_url(assessment):
    return reverse("assessments:refer", kwargs={"assessment_id": assessment.pk})


def api_refer(user, assessment):
    return sign_in_verified(APIClient(), user).post(
        f"/api/v1/assessments/{assessment.pk}/refer-to-panel/"
    )


# ---------------------------------------------------------------- the service


def test_a_draft_with_sections_2_and_14_complete_is_referred_and_stays_a_draft(
    practitioner, family
):
    assessment = draft_with(practitioner, family, "panel_referral", "consent")
    ConsentDecisionFactory(family=family)

    referral = services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert PanelReferral.objects.get() == referral
    assert (referral.assessment, referral.family, referral.consent_basis) == (
        assessment,
        family,
        "consent",
    )
    assert referral.presenting_reason == "Needs are beyond what school alone can offer."
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
    assert AuditEvent.objects.filter(
        record_type="assessments.panelreferral", record_id=str(referral.pk), action="create"
    ).exists()


def test_an_assessment_waiting_for_sign_off_can_be_referred(practitioner, family):
    assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, status=Assessment.Status.AWAITING_SIGN_OFF
    )
    ConsentDecisionFactory(family=family)

    referral = services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert referral.assessment == assessment


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ((), BOTH_MISSING),
        (("panel_referral",), CONSENT_MISSING),
        (
            ("consent",),
            "Complete section 2 (referral to the multi-agency panel) before you refer this "
            "family to the panel",
        ),
    ],
)
def test_a_missing_section_is_named_and_nothing_is_referred(practitioner, family, keys, message):
    assessment = draft_with(practitioner, family, *keys)
    ConsentDecisionFactory(family=family)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert refused.value.messages == [message]
    assert not PanelReferral.objects.exists()


def test_a_section_still_in_progress_is_not_complete(practitioner, family):
    assessment = draft_with(
        practitioner,
        family,
        "panel_referral",
        "consent",
        status=AssessmentSection.Status.IN_PROGRESS,
    )
    ConsentDecisionFactory(family=family)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert refused.value.messages == [BOTH_MISSING]
    assert not PanelReferral.objects.exists()


def test_a_stopped_assessment_cannot_be_referred(practitioner, family):
    assessment = ReadyAssessmentFactory(
        worker=practitioner, family=family, status=Assessment.Status.STOPPED
    )
    ConsentDecisionFactory(family=family)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.panel_referral_submit(actor=practitioner, assessment=assessment)

    assert refused.value.messages == ["A stopped assessment cannot be referred to the panel"]
    assert not PanelReferral.objects.exists()


# ---------------------------------------------------------------- the page


def test_the_task_list_offers_the_referral_once_sections_2_and_14_are_complete(
    practitioner, family
):
    assessment = draft_with(practitioner, family, "panel_referral", "consent")
    ConsentDecisionFactory(family=family)
    client = client_for(practitioner)

    page = unescape(client.get(detail_url(assessment)).content.decode())
    assert f'href="{refer_url(assessment)}"' in page
    assert "You do not have to finish the assessment first" in page

    refer_page = unescape(client.get(refer_url(assessment)).content.decode())
    assert "The panel sees it as it stands, marked as in progress" in refer_page
    response = client.post(refer_url(assessment))

    assert response.status_code == 302 and response["Location"] == detail_url(assessment)
    referral = PanelReferral.objects.get()
    assert (referral.assessment, referral.submitted_by) == (assessment, practitioner)
    page = unescape(client.get(detail_url(assessment)).content.decode())
    # Still a task list to finish, and the referral's progress above it.
    assert "govuk-task-list" in page and "Referred to the panel" in page
    assert "Waiting to be logged by the panel’s business support" in page


def test_the_page_names_the_missing_section_and_refuses_the_referral(practitioner, family):
    assessment = draft_with(practitioner, family, "panel_referral")
    ConsentDecisionFactory(family=family)
    client = client_for(practitioner)

    page = unescape(client.get(detail_url(assessment)).content.decode())
    assert f"{CONSENT_MISSING}." in page
    assert f'href="{refer_url(assessment)}"' not in page
    refer_page = unescape(client.get(refer_url(assessment)).content.decode())
    assert f"{CONSENT_MISSING}." in refer_page and "Send the referral" not in refer_page

    response = client.post(refer_url(assessment))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "govuk-error-summary" in html and CONSENT_MISSING in html
    assert not PanelReferral.objects.exists()


# ---------------------------------------------------------------- the API


def test_the_api_refers_a_draft_and_names_a_missing_section(practitioner, family):
    incomplete = draft_with(practitioner, family, "consent")
    ready = draft_with(practitioner, family, "panel_referral", "consent", number=2)
    ConsentDecisionFactory(family=family)

    refused = api_refer(practitioner, incomplete)
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Complete section 2 (referral to the multi-agency panel) before you refer this "
        "family to the panel"
    }
    assert not PanelReferral.objects.exists()

    response = api_refer(practitioner, ready)
    assert response.status_code == 201
    referral = PanelReferral.objects.get()
    assert response.json()["id"] == str(referral.pk) and referral.assessment_id == ready.pk


# ---------------------------------------------------------------- the panel's pack


LONDON = ZoneInfo("Europe/London")


def test_the_pack_shows_an_unfinished_assessment_as_it_stands_with_its_status(practitioner):
    from panel import services as panel_services
    from panel.tests.factories import PanelFactory

    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
        panel = PanelFactory(area=AreaFactory())
        panel_services.panel_schedule_year(actor=staff, panel=panel, year=2027)
        assessment = AssessmentFactory(worker=practitioner, family__area=panel.area)
        for key in ("panel_referral", "consent", "details"):
            AssessmentSectionFactory(assessment=assessment, key=key)
        AssessmentSectionFactory(
            assessment=assessment,
            key="analysis",
            status=AssessmentSection.Status.IN_PROGRESS,
            answers={"impact": "So far: attendance is falling."},
        )
        referral = PanelReferralFactory(assessment=assessment, family=assessment.family)
        PanelReferral.objects.filter(pk=referral.pk).update(
            submitted_at=datetime(2026, 12, 30, 11, tzinfo=LONDON)
        )
        referral.refresh_from_db()
        case = panel_services.panel_case_log(actor=staff, referral=referral)
        panel_services.meeting_publish_pack(actor=staff, meeting=case.meeting)

        pack_url = reverse(
            "panel:meeting_pack", kwargs={"panel_id": panel.pk, "meeting_id": case.meeting_id}
        )
        # Business support sees the whole pack, whatever any member's agency may see of it.
        response = sign_in_verified(Client(), staff).get(pack_url)

    assert response.status_code == 200
    html = unescape(response.content.decode())
    status = html.split("data-assessment-status>", 1)[1].split("</p>", 1)[0]
    assert "In progress" in status and "The assessment is not finished" in status
    assert "11. Analysis and recommendations (in progress)" in html
    assert "So far: attendance is falling." in html
    assert "6. Parental capacity (not yet started)" in html
    assert "4. Assessment details (" not in html
