"""The pack shows each member what the family's consent allows for the member's agency (issue 10,
item 11): a police member whose agency the family did not name sees the case without the withheld
parts and is told what was withheld and why; a safeguarding override shows them and is recorded.
One selector in consent decides (consent.selectors.agency_may_see); the panel only asks."""

from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from consent import selectors as consent_selectors
from consent import services as consent_services
from consent.models import ConsentDecision, Purpose
from consent.tests.factories import ConsentDecisionFactory
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, AreaFactory
from panel import services
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, panel_referral
from people.tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BEFORE_CUTOFF = datetime(2026, 12, 30, 11, 0, tzinfo=LONDON)

# Parts of the assessment and the referral a withheld member must not see.
ASSESSMENT_TEXT = ("Attendance and home conditions", "missed dental checks", "Often arrives hungry")
REASON = "Needs are beyond what school alone can offer."
RESPONSE = "Known to the school nurse since May"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def world():
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    panel = PanelFactory(area=AreaFactory())
    services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    police = PanelSeatMemberFactory(
        seat__panel=panel,
        seat__agency=AgencyFactory(name="West Yorkshire Police", code="police"),
        user__roles=[Role.PANEL_MEMBER],
    )
    health = PanelSeatMemberFactory(
        seat__panel=panel,
        seat__agency=AgencyFactory(name="0-19 Health", code="health"),
        user__roles=[Role.PANEL_MEMBER],
    )
    referral = panel_referral(panel, BEFORE_CUTOFF, consent=False)
    family = referral.family
    ConsentDecisionFactory(family=family, purpose=Purpose.PANEL_REFERRAL)
    # The family agreed to share with six other agencies, not the police.
    others = [health.seat.agency] + [AgencyFactory() for _ in range(5)]
    ConsentDecisionFactory(
        family=family,
        purpose=Purpose.INFORMATION_SHARING,
        agencies=others,
        what_may_be_shared="The assessment, but not health records.",
    )
    case = services.panel_case_log(actor=staff, referral=referral)
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    services.agency_response_record(
        actor=health.user, case=case, seat=health.seat, known=True, information=RESPONSE
    )
    return {
        "staff": staff,
        "panel": panel,
        "police": police,
        "health": health,
        "family": family,
        "case": case,
        "url": reverse(
            "panel:meeting_pack",
            kwargs={"panel_id": panel.pk, "meeting_id": case.meeting_id},
        ),
    }


def _pack(user, url) -> tuple[str, object]:
    response = sign_in_verified(Client(), user).get(url)
    assert response.status_code == 200
    return unescape(response.content.decode()), response


def test_a_police_member_outside_the_consent_sees_the_pack_without_the_withheld_parts(world):
    body, response = _pack(world["police"].user, world["url"])

    assert world["case"].esmap_number in body  # the case itself is on the pack
    for text in ASSESSMENT_TEXT:
        assert text not in body, text
    assert REASON not in body
    assert RESPONSE not in body
    assert (
        "Some of this family’s record is not shown to you: why the family was referred, "
        "the assessment, what other agencies know about the family. "
        "The family did not agree to share this with West Yorkshire Police."
    ) in body
    assert 'data-withheld="assessment"' in body
    item = response.context["referrals"][0]
    assert item["document"] is None and item["responses"] is None and not item["show_reason"]

    # The reading is recorded, with what was withheld, and no override was used.
    row = AuditEvent.objects.get(
        actor=world["police"].user, record_type="people.family", detail__page="panel_pack"
    )
    assert row.record_id == str(world["family"].pk)
    assert row.detail == {
        "page": "panel_pack",
        "meeting": world["case"].meeting_id,
        "case": world["case"].pk,
        "withheld": ["presenting_reason", "assessment", "agency_responses"],
        "shown_under_override": [],
    }
    assert not AuditEvent.objects.filter(record_type="consent.consentoverride").exists()


def test_a_member_of_an_agency_the_family_named_sees_it_all(world):
    body, response = _pack(world["health"].user, world["url"])
    for text in (*ASSESSMENT_TEXT, REASON):
        assert text in body, text
    assert "data-withheld" not in body and "not shown to you" not in body
    assert (
        "What the family agreed may be shared:</strong> The assessment, but not health records."
    ) in body
    row = AuditEvent.objects.get(
        actor=world["health"].user, record_type="people.family", detail__page="panel_pack"
    )
    assert row.detail["withheld"] == [] and row.detail["shown_under_override"] == []


def test_staff_running_the_panel_see_it_all(world):
    body, _response = _pack(world["staff"], world["url"])
    for text in (*ASSESSMENT_TEXT, REASON):
        assert text in body, text
    assert "not shown to you" not in body


def test_a_safeguarding_override_shows_the_parts_and_is_recorded(world):
    manager = UserFactory(roles=[Role.TEAM_MANAGER], team=world["family"].teams.first())
    # Authorised after the family's decision (an hour later).
    with time_machine.travel(datetime(2027, 1, 4, 10, tzinfo=LONDON), tick=False):
        override = consent_services.consent_record_override(
            actor=manager,
            family=world["family"],
            purpose=Purpose.INFORMATION_SHARING,
            reason="Police hold information about a risk to the children.",
        )

    body, _response = _pack(world["police"].user, world["url"])
    for text in (*ASSESSMENT_TEXT, REASON):
        assert text in body, text
    assert "data-override-note" in body
    assert (
        "The family did not agree to share this with West Yorkshire Police. It is shared because "
        "sharing without consent was authorised on 4 January 2027 to keep a child safe."
    ) in body
    assert "Police hold information about a risk" not in body  # the reason stays on the record

    family_row = AuditEvent.objects.get(
        actor=world["police"].user, record_type="people.family", detail__page="panel_pack"
    )
    assert family_row.detail["withheld"] == []
    assert family_row.detail["shown_under_override"] == [
        "presenting_reason",
        "assessment",
        "agency_responses",
    ]
    override_row = AuditEvent.objects.get(
        actor=world["police"].user, record_type="consent.consentoverride"
    )
    assert override_row.record_id == str(override.pk)
    assert override_row.detail == {
        "page": "panel_pack",
        "meeting": world["case"].meeting_id,
        "case": world["case"].pk,
        "agency": "police",
        "parts": ["presenting_reason", "assessment", "agency_responses"],
    }


def test_a_newer_decision_replaces_the_override(world):
    manager = UserFactory(roles=[Role.TEAM_MANAGER])
    with time_machine.travel(datetime(2027, 1, 4, 10, tzinfo=LONDON), tick=False):
        consent_services.consent_record_override(
            actor=manager,
            family=world["family"],
            purpose=Purpose.INFORMATION_SHARING,
            reason="Risk",
        )
    assert (
        consent_selectors.agency_may_see(
            world["family"], world["police"].seat.agency, "assessment"
        ).basis
        == "override"
    )
    with time_machine.travel(datetime(2027, 1, 4, 11, tzinfo=LONDON), tick=False):
        ConsentDecisionFactory(
            family=world["family"],
            purpose=Purpose.INFORMATION_SHARING,
            status=ConsentDecision.Status.REFUSED,
            reason="Changed their mind",
            decision_date=date(2027, 1, 4),
        )
    answer = consent_selectors.agency_may_see(
        world["family"], world["police"].seat.agency, "assessment"
    )
    assert (answer.allowed, answer.basis) == (False, None)
    assert (
        answer.explanation == "The family did not agree to share this with West Yorkshire Police."
    )


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([], (False, None, "No one has recorded that the family agreed to share this with X.")),
        (
            [{"purpose": Purpose.PANEL_REFERRAL}],
            (True, "consent", "The family agreed to share this on 1 March 2026."),
        ),
        (
            [{"purpose": Purpose.PANEL_REFERRAL, "named": True}],
            (True, "consent", "The family agreed to share this with X on 1 March 2026."),
        ),
        (
            [{"purpose": Purpose.PANEL_REFERRAL, "named": False, "other": True}],
            (False, None, "The family did not agree to share this with X."),
        ),
        (
            # Information sharing, when recorded, decides over the referral's consent.
            [
                {"purpose": Purpose.PANEL_REFERRAL},
                {"purpose": Purpose.INFORMATION_SHARING, "status": "refused"},
            ],
            (False, None, "The family did not agree to share this with X."),
        ),
    ],
)
def test_the_one_selector_decides(decisions, expected):
    agency = AgencyFactory(name="X")
    other = AgencyFactory(name="Y")
    family = FamilyFactory()
    for row in decisions:
        agencies = [agency] if row.get("named") else [other] if row.get("other") else []
        ConsentDecisionFactory(
            family=family,
            purpose=row["purpose"],
            status=row.get("status", "given"),
            reason="No" if row.get("status") == "refused" else "",
            agencies=agencies,
        )
    answer = consent_selectors.agency_may_see(family, agency, "assessment")
    assert (answer.allowed, answer.basis, answer.explanation) == expected
