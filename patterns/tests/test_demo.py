"""The demo shows the patterns: a repeat referral at triage for the early support team leader, and
disguised compliance on the lead professional's first open episode; a second run writes nothing."""

from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from core import notices
from core.council_pack import load_council_pack
from demo import patterns_demo
from demo.generator import seed_demo
from patterns.models import DisguisedComplianceRecord, PatternSettings
from support_requests.models import SupportRequest

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_repeat_referral_and_disguised_compliance():
    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    seed_demo(families=40, seed=2026)
    assert PatternSettings.objects.get().repeat_referral_months == 12

    leader = User.objects.get(username="team.leader", is_demo=True)
    earlier = SupportRequest.objects.get(requester_name=patterns_demo.REQUESTER)
    assert earlier.status == SupportRequest.Status.CLOSED
    waiting = SupportRequest.objects.get(
        area=earlier.area,
        source=SupportRequest.Source.PUBLIC,
        status__in=SupportRequest.OPEN_STATUSES,
    )
    found = [
        n
        for n in notices.notices_for("triage", user=leader, record=waiting)
        if n.key == "repeat_referral"
    ]
    assert found and found[0].lines[0].startswith("Child had a request on ")
    assert f"({earlier.reference}), 7 months before this one." in found[0].lines[0]

    lead = User.objects.get(username="lead.professional", is_demo=True)
    assert DisguisedComplianceRecord.objects.filter(episode__lead_professional=lead).count() == 1

    seed_demo(families=40, seed=2026)
    assert SupportRequest.objects.filter(requester_name=patterns_demo.REQUESTER).count() == 1
    assert DisguisedComplianceRecord.objects.count() == 1
