"""The council pack's ``radar`` section: the rules, their thresholds, and mistakes named."""

from pathlib import Path

import pytest
from django.conf import settings

from core.council_pack import PackError, load_council_pack, read_pack, validate_pack
from radar.models import RadarRule, RuleCode

pytestmark = pytest.mark.django_db

KIRKLEES = Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml"


def _pack(radar):
    data = dict(read_pack(KIRKLEES))
    data["radar"] = radar
    return data


def test_the_kirklees_pack_sets_every_rule():
    result = load_council_pack(KIRKLEES)
    rules = {rule.code: rule for rule in RadarRule.objects.all()}
    assert set(rules) == set(RuleCode.values)
    assert rules[RuleCode.NO_CONTACT_WITH_CHILD].threshold == 28
    was_not_brought = rules[RuleCode.WAS_NOT_BROUGHT]
    assert (was_not_brought.threshold, was_not_brought.window) == (2, 12)
    assert result.created["radar rules"] == 10
    again = load_council_pack(KIRKLEES)
    assert again.unchanged["radar rules"] == 10 and not again.created["radar rules"]


def test_a_rule_left_out_is_removed_and_a_changed_threshold_updated():
    load_council_pack(KIRKLEES)
    result = load_council_pack(
        _pack([{"code": "no_contact_with_child", "enabled": False, "days": 21}])
    )
    (rule,) = RadarRule.objects.all()
    assert (rule.enabled, rule.threshold) == (False, 21)
    assert result.removed["radar rules"] == 9 and result.updated["radar rules"] == 1


@pytest.mark.parametrize(
    ("radar", "message"),
    [
        ([{"code": "drift", "days": 3}], "unknown radar rule 'drift'"),
        ([{"code": "time_in_stage", "days": 3}] * 2, "'time_in_stage' is listed twice"),
        ([{"code": "time_in_stage"}], "radar[0].days: required but missing"),
        ([{"code": "was_not_brought", "missed": 2}], "radar[0].weeks: required but missing"),
        ([{"code": "was_not_brought", "missed": 0, "weeks": 4}], "must be at least 1"),
        ([{"code": "no_progress", "reviews": 1}], "must be at least 2"),
        ([{"code": "time_in_stage", "days": 3, "dayz": 4}], "unknown key(s) dayz"),
        ([{"code": "time_in_stage", "days": 3, "enabled": "yes"}], "expected true or false"),
    ],
)
def test_mistakes_are_named(radar, message):
    with pytest.raises(PackError) as error:
        validate_pack(_pack(radar))
    assert message in str(error.value)
