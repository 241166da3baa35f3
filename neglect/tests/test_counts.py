"""Counts for reporting: concerns identified in a period by Horwath category and by the child's
age band on the day, in the reader's scope, filtered by area, agency and team."""

from datetime import date

import pytest

from neglect.models import Category
from neglect.selectors import age_band, neglect_counts
from neglect.tests.factories import (
    EndedConcernFactory,
    NeglectConcernFactory,
    NeglectObservationFactory,
    child_of,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), "under_1"),
        (date(2025, 1, 1), date(2026, 1, 1), "1_4"),
        (date(2021, 6, 2), date(2026, 6, 1), "1_4"),
        (date(2021, 6, 1), date(2026, 6, 1), "5_9"),
        (date(2016, 6, 1), date(2026, 6, 1), "10_15"),
        (date(2010, 6, 1), date(2026, 6, 1), "16_plus"),
        (None, date(2026, 6, 1), "unknown"),
    ],
)
def test_age_bands(born, on, band):
    assert age_band(born, on) == band


def _concern(family, born, identified_on, categories, factory=NeglectConcernFactory, **kwargs):
    concern = factory(
        family=family,
        child=child_of(family, date_of_birth=born),
        identified_on=identified_on,
        **kwargs,
    )
    for category in categories:
        NeglectObservationFactory(concern=concern, category=category)
    return concern


def test_counts_by_category_and_age_band_in_scope(practitioner, family, other_family):
    # In the period: a baby (nutritional twice, physical), a five-year-old (emotional) whose
    # concern has since ended, and a teenager (medical).
    _concern(
        family,
        date(2026, 3, 1),
        date(2026, 9, 1),
        [Category.NUTRITIONAL, Category.NUTRITIONAL, Category.PHYSICAL],
    )
    _concern(
        family,
        date(2021, 1, 1),
        date(2026, 9, 15),
        [Category.EMOTIONAL],
        factory=EndedConcernFactory,
    )
    _concern(family, date(2010, 1, 1), date(2026, 10, 1), [Category.MEDICAL])
    # Outside the period, and out of scope.
    _concern(family, date(2020, 1, 1), date(2026, 5, 1), [Category.MEDICAL])
    _concern(other_family, date(2020, 1, 1), date(2026, 9, 1), [Category.MEDICAL])

    counts = neglect_counts(
        user=practitioner, period_start=date(2026, 9, 1), period_end=date(2026, 10, 31)
    )

    assert counts["total"] == 3
    assert counts["by_category"] == {
        "medical": 1,
        "nutritional": 1,
        "emotional": 1,
        "educational": 0,
        "physical": 1,
        "supervision": 0,
    }
    assert counts["by_age_band"] == {"under_1": 1, "1_4": 0, "5_9": 1, "10_15": 0, "16_plus": 1}


def test_counts_filter_by_area_agency_and_team(practitioner, family):
    recorded = _concern(family, date(2022, 1, 1), date(2026, 9, 1), [Category.SUPERVISION])
    team, agency, area = recorded.recorded_by_team, recorded.recorded_by_agency, family.area
    period = {
        "user": practitioner,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
    }

    assert neglect_counts(**period, area=area.code)["total"] == 1
    assert neglect_counts(**period, area="elsewhere")["total"] == 0
    assert neglect_counts(**period, agency=agency.code, team=team.code)["by_age_band"]["1_4"] == 1
    assert neglect_counts(**period, team="another-team")["total"] == 0
