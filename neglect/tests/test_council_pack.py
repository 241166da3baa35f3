"""The council pack's neglect section: the graded-care tools, checked before anything is written."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core.council_pack import PackError, load_council_pack
from neglect.models import GradedCareTool
from neglect.tests.factories import GCP2_AREAS, GradedCareResultFactory

pytestmark = pytest.mark.django_db

KIRKLEES = Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml"
TINY = Path(settings.BASE_DIR) / "core" / "tests" / "packs" / "tiny.yaml"


def _tiny(neglect) -> dict:
    data = yaml.safe_load(TINY.read_text())
    data["neglect"] = neglect
    return data


def test_the_kirklees_pack_loads_gcp2_and_reloads_unchanged():
    load_council_pack(KIRKLEES)
    tool = GradedCareTool.objects.get()
    assert (tool.code, tool.areas, tool.grades) == ("gcp2", GCP2_AREAS, [1, 2, 3, 4, 5])
    again = load_council_pack(KIRKLEES)
    assert again.unchanged["graded-care tools"] == 1


def test_a_tool_left_out_of_the_pack_is_kept_but_not_offered():
    gcp2 = {"code": "gcp2", "name": "GCP2", "areas": GCP2_AREAS, "grades": [1, 2, 3, 4, 5]}
    load_council_pack(_tiny({"graded_care_tools": [gcp2]}))
    GradedCareResultFactory(tool=GradedCareTool.objects.get())

    result = load_council_pack(_tiny({"graded_care_tools": []}))

    assert result.removed["graded-care tools"] == 1
    assert GradedCareTool.objects.get().in_pack is False


@pytest.mark.parametrize(
    ("tools", "message"),
    [
        (
            [{"code": "gcp2", "name": "GCP2", "areas": [], "grades": [1, 2]}],
            "neglect.graded_care_tools[0].areas: expected a non-empty list of names",
        ),
        (
            [{"code": "gcp2", "name": "GCP2", "areas": ["A"], "grades": ["high", "low"]}],
            "neglect.graded_care_tools[0].grades: expected whole numbers",
        ),
        (
            [{"code": "gcp2", "name": "GCP2", "areas": ["A", "A"], "grades": [1, 2]}],
            "neglect.graded_care_tools[0].areas[1]: 'A' is listed twice",
        ),
        (
            [{"code": "gcp2", "name": "GCP2", "areas": ["A"], "grades": [1, 2], "text": "x"}],
            "neglect.graded_care_tools[0]: unknown key(s) text",
        ),
    ],
)
def test_a_bad_tool_is_refused_with_where_it_is(tools, message):
    with pytest.raises(PackError) as excinfo:
        load_council_pack(_tiny({"graded_care_tools": tools}))

    assert message in str(excinfo.value)
    assert not GradedCareTool.objects.exists()
