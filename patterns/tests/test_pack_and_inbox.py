"""The pack's ``patterns`` section, and the panel inbox's notices at a fixed number of queries."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments.models import PanelReferral
from assessments.tests.factories import CompletedAssessmentFactory, PanelReferralFactory
from core import notices
from core.council_pack import Loaded, Node, PackError, PackResult
from core.tests.factories import AgencyFactory, CouncilFactory, TeamFactory
from panel.models import PanelCase
from panel.tests.factories import PanelFactory
from patterns.council_pack import load_patterns, read_patterns
from patterns.models import PatternSettings
from patterns.settings import pattern_settings
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db


def read(section):
    return read_patterns(Node({"patterns": section} if section is not None else {}, ""), None)


def test_the_section_gives_the_windows_and_defaults():
    assert read(None) == {
        "repeat_referral_months": 12,
        "repeat_plan_months": 24,
        "injuries_count": 3,
        "injuries_months": 6,
    }
    values = read({"repeat_referral_months": 6, "injuries": {"count": 4, "months": 3}})
    assert values["repeat_referral_months"] == 6
    assert (values["injuries_count"], values["injuries_months"]) == (4, 3)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"repeat_referral_months": 0}, "patterns.repeat_referral_months: expected between 1"),
        ({"repeat_plan_months": "two"}, "patterns.repeat_plan_months: expected a whole number"),
        ({"injuries": {"count": 1}}, "patterns.injuries.count: expected between 2 and 50"),
        ({"injuries": {"cuont": 3}}, "patterns.injuries: unknown key(s) cuont"),
        ({"repeat_months": 3}, "patterns: unknown key(s) repeat_months"),
    ],
)
def test_mistakes_in_the_section_are_named(section, message):
    with pytest.raises(PackError) as error:
        read(section)
    assert str(error.value).startswith(message)


def test_loading_twice_changes_nothing_the_second_time():
    council = CouncilFactory()
    result = PackResult(council_code=council.code)
    loaded = Loaded(council_id=council.pk, area_ids={}, agency_ids={}, result=result)
    load_patterns(read({"repeat_referral_months": 9}), loaded)
    load_patterns(read({"repeat_referral_months": 9}), loaded)
    assert (result.created["pattern settings"], result.unchanged["pattern settings"]) == (1, 1)
    assert pattern_settings().repeat_referral_months == 9
    load_patterns(read(None), loaded)
    assert result.updated["pattern settings"] == 1
    assert PatternSettings.objects.get().repeat_referral_months == 12


def _repeat_referrals(count: int, *, start: int = 0):
    for n in range(start, start + count):
        family = FamilyFactory()
        child = PersonFactory(first_name=f"Child{n}", date_of_birth=date(2019, 1, n + 1))
        FamilyMemberFactory(family=family, person=child)
        for number, on in ((1, datetime(2026, 3, 3, tzinfo=UTC)), (2, None)):
            referral = PanelReferralFactory(
                assessment=CompletedAssessmentFactory(
                    family=family, children=[child], number=number
                )
            )
            if on is not None:
                # The earlier one was logged: only the new one waits in the inbox.
                PanelReferral.objects.filter(pk=referral.pk).update(submitted_at=on)
                PanelCase.objects.create(
                    referral=referral,
                    panel=_panel(),
                    esmap_number=f"ESMAP-T-{n}",
                    year=2026,
                    sequence=n + 1,
                    logged_by=_leader(),
                    logged_at=on,
                    placement_reason="-",
                )


_cache: dict = {}


def _leader():
    if "leader" not in _cache:
        team = TeamFactory(agency=AgencyFactory(is_early_support_service=True))
        _cache["leader"] = UserFactory(team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    return _cache["leader"]


def _panel():
    if "panel" not in _cache:
        _cache["panel"] = PanelFactory()
    return _cache["panel"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    _cache.clear()
    yield
    _cache.clear()


def _inbox_queries(client) -> tuple[int, str]:
    client.get(reverse("panel:inbox"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("panel:inbox"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_inbox_shows_each_repeat_referral_at_a_fixed_number_of_queries(client, monkeypatch):
    """The notices add the same number of queries for 1 and 10 referrals. (The inbox itself looks up
    each referral's panel one by one, ``panel.selectors.panel_for_family``: reported to the lead,
    and measured here without the notices so this test is about them.)"""
    sign_in_verified(client, _leader())
    _repeat_referrals(1)
    one, page = _inbox_queries(client)
    assert page.count('data-notice="repeat_referral"') == 1
    assert "Child0 had a panel referral on 3 March 2026 (ESMAP-T-0)" in page
    with monkeypatch.context() as patched:
        patched.setitem(notices._providers, "panel_referral", [])
        one_without, _ = _inbox_queries(client)
    _repeat_referrals(9, start=1)
    ten, page = _inbox_queries(client)
    assert page.count('data-notice="repeat_referral"') == 10
    with monkeypatch.context() as patched:
        patched.setitem(notices._providers, "panel_referral", [])
        ten_without, _ = _inbox_queries(client)
    assert ten - ten_without == one - one_without
