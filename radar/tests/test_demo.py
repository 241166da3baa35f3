"""The demo puts a family on the radar: the lead professional's first open episode has a child
not brought to two appointments, on the lead professional's radar and their manager's."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from accounts.models import User
from core.council_pack import load_council_pack
from radar import selectors
from radar.models import RuleCode

KIRKLEES = Path(django_settings.BASE_DIR) / "config_packs" / "kirklees.yaml"


@pytest.mark.django_db
def test_the_demo_family_is_on_the_lead_professionals_and_managers_radar(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_council_pack(KIRKLEES)
    call_command("seed_demo", families=30, seed=2026, stdout=StringIO())
    lead = User.objects.get(username="lead.professional")
    manager = User.objects.get(username="team.manager")
    for user in (lead, manager):
        flags = selectors.open_flags_for(user).filter(rule=RuleCode.WAS_NOT_BROUGHT)
        (flag,) = flags
        assert flag.episode.lead_professional == lead
        assert len(flag.facts["missed"]) == 2 and flag.child is not None
