"""The demo puts factors on the lead professional's family (the one on the radar)."""

from pathlib import Path

import pytest
from django.conf import settings

from risk_factors.models import RiskFactor

pytestmark = pytest.mark.django_db


def test_demo_family_has_factors_and_a_second_run_adds_none():
    from accounts.models import User
    from core.council_pack import load_council_pack
    from demo.generator import seed_demo
    from demo.risk_factors_demo import _family_episode

    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    seed_demo(families=40, seed=2026)
    lead = User.objects.get(username="lead.professional")
    family = _family_episode(lead).family
    present = set(
        RiskFactor.objects.filter(family=family, status="present").values_list("factor", flat=True)
    )
    assert {"parental_mental_health", "domestic_abuse"} <= present
    assert len(present) == 3
    assert RiskFactor.objects.filter(family=family, status="ended").count() == 1
    count = RiskFactor.objects.count()
    seed_demo(families=40, seed=2026)
    assert RiskFactor.objects.count() == count
