"""The council pack's retention section: loaded as rows, checked before anything is written."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core.council_pack import PackError, load_council_pack
from dataprotection.models import RetentionRule

pytestmark = pytest.mark.django_db

KIRKLEES = Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml"
TINY = Path(settings.BASE_DIR) / "core" / "tests" / "packs" / "tiny.yaml"


def _tiny(retention) -> dict:
    data = yaml.safe_load(TINY.read_text())
    data["retention"] = retention
    return data


def test_the_kirklees_schedule_loads_one_row_per_record_type_and_reloads_unchanged():
    load_council_pack(KIRKLEES)
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    assert len(rules) == 8
    casework = rules["casework"]
    assert (casework.after, casework.years, casework.action) == ("closed", 6, "anonymise")
    assert (rules["people"].after, rules["people"].years) == ("youngest_child_born", 25)
    assert rules["audit"].action == "keep"
    again = load_council_pack(KIRKLEES)
    assert again.unchanged["retention rules"] == 8
    assert again.created["retention rules"] == again.updated["retention rules"] == 0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"record_type": "audit", "action": "delete"},
            "retention[0].action: 'audit' may only be keep",
        ),
        (
            {"record_type": "casework", "after": "birthday", "years": 6, "action": "anonymise"},
            "retention[0].after: 'casework' counts from closed or created, not 'birthday'",
        ),
        (
            {"record_type": "files", "action": "keep"},
            "retention[0].record_type: unknown record type",
        ),
        (
            {"record_type": "casework", "after": "closed", "action": "anonymise"},
            "retention[0].years: required but missing",
        ),
        (
            {"record_type": "casework", "action": "keep", "yeers": 3},
            "retention[0]: unknown key(s) yeers",
        ),
    ],
)
def test_a_wrong_entry_is_refused_naming_its_key(entry, message):
    with pytest.raises(PackError, match=re.escape(message)):
        load_council_pack(_tiny([entry]))
    assert not RetentionRule.objects.exists()


def test_a_record_type_left_out_of_the_pack_is_removed_so_it_is_kept():
    load_council_pack(
        _tiny([{"record_type": "casework", "after": "closed", "years": 6, "action": "anonymise"}])
    )
    result = load_council_pack(_tiny([{"record_type": "audit", "action": "keep"}]))
    assert list(RetentionRule.objects.values_list("record_type", flat=True)) == ["audit"]
    assert result.removed["retention rules"] == 1
