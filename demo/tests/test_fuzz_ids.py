"""fuzz_ids: the real ids scripts/api_fuzz.sh hands schemathesis are all in the user's scope."""

import json
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from accounts.models import User
from assessments.selectors import assessments_for
from casework.selectors import episodes_for
from consent.selectors import decisions_for
from core.council_pack import load_council_pack
from panel.selectors import meetings_for, panels_with_seats
from people.selectors import family_list, people_for
from people.tests.factories import FamilyFactory

TINY_PACK = Path(django_settings.BASE_DIR) / "core" / "tests" / "packs" / "tiny.yaml"


@pytest.fixture
def seeded(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_council_pack(TINY_PACK)
    call_command("seed_demo", families=30, seed=2026, stdout=StringIO())


def fuzz_ids(*args: str) -> str:
    out = StringIO()
    call_command("fuzz_ids", *args, stdout=out)
    return out.getvalue()


def in_scope(ids: list[str], queryset) -> bool:
    return {str(pk) for pk in queryset.values_list("pk", flat=True)} >= set(ids)


def test_every_id_is_in_the_users_scope(seeded):
    user = User.objects.get(username="team.leader")

    ids = json.loads(fuzz_ids("team.leader", "--limit", "3"))

    assert ids["families"] and len(ids["families"]) <= 3
    assert in_scope(ids["families"], family_list(user))
    assert in_scope(ids["people"], people_for(user))
    assert in_scope(ids["episodes"], episodes_for(user))
    assert in_scope(ids["assessments"], assessments_for(user))
    assert in_scope(ids["consent_decisions"], decisions_for(user))
    assert in_scope(ids["panels"], panels_with_seats(user))
    assert in_scope(ids["panel_meetings"], meetings_for(user))


def test_leaves_out_families_outside_the_users_teams(seeded):
    user = User.objects.get(username="lead.professional")
    stranger = FamilyFactory()
    assert not family_list(user).filter(pk=stranger.pk).exists()

    ids = json.loads(fuzz_ids("lead.professional", "--limit", "1000"))

    assert str(stranger.pk) not in ids["families"]
    assert len(ids["families"]) == family_list(user).count()


def test_schemathesis_config_fixes_path_ids_to_in_scope_records(seeded):
    ids = json.loads(fuzz_ids("team.leader"))

    config = tomllib.loads(fuzz_ids("team.leader", "--schemathesis-config"))

    by_operation = {op["include-operation-id"]: op["parameters"] for op in config["operations"]}
    half_real = {"dictionary": "families", "probability": 0.5}
    assert by_operation["v1_families_retrieve"]["path.id"] in ids["families"]
    assert by_operation["v1_episode_plans_retrieve"]["path.episode_id"] in ids["episodes"]
    assert by_operation["v1_assessments_submit_create"]["path.id"] in ids["assessments"]
    permission = by_operation["v1_consent_decisions_panel_referral_permission_retrieve"]
    assert permission["query.family"] == ids["families"][0]
    assert by_operation["v1_episodes_list"]["query.family"] == half_real
    assert by_operation["v1_assessments_create"]["body.family"] == half_real
    assert config["dictionaries"]["families"]["values"] == ids["families"]
    lead = by_operation["v1_episodes_lead_professional_create"]["body.lead_professional"]
    assert lead == {"dictionary": "staff", "probability": 0.5}
    assert User.objects.get(username="team.leader").pk in config["dictionaries"]["staff"]["values"]
    child = by_operation["v1_assessments_sections_children_update"]
    pair = {"id": child["path.id"], "child_id": child["path.child_id"]}
    assert pair in ids["assessment_children"]


def test_refuses_outside_demo_mode(seeded, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="DEMO_MODE"):
        fuzz_ids("team.leader")


def test_refuses_an_unknown_user(seeded):
    with pytest.raises(CommandError, match="No active user"):
        fuzz_ids("nobody.here")
