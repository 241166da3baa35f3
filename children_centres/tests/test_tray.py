"""The children's centre staff's work tray section: registered children not seen in a contact
counted as reach for the pack's months, at the centres of their team's area, exactly which ones,
for whom, and in a fixed number of queries at two sizes. Today is 3 December 2026 (``frozen``),
so with the default 3 months the window starts on 3 September 2026."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, sign_in_verified
from children_centres import tray
from children_centres.tests.factories import (
    CentreFactory,
    CentreRegistrationFactory,
    CentreSettingsFactory,
    EndedRegistrationFactory,
    ReachContactFactory,
    UnderFiveFactory,
    early_support_user,
)
from core import worktray
from core.models import Agency
from core.tests.factories import AreaFactory, EarlySupportAgencyFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LONG_AGO = date(2026, 1, 10)  # registered before the window


@pytest.fixture
def area():
    return AreaFactory(name="North Vale")


@pytest.fixture
def centre(area):
    return CentreFactory(name="Oak Tree Children's Centre", area=area)


@pytest.fixture
def worker(area):
    agency = Agency.objects.filter(is_early_support_service=True).first()
    team = TeamFactory(agency=agency or EarlySupportAgencyFactory(), area=area)
    return early_support_user(Role.PRACTITIONER, team)


def _registered(centre, *, first_name, on=LONG_AGO, **child):
    return CentreRegistrationFactory(
        centre=centre,
        registered_on=on,
        child=UnderFiveFactory(first_name=first_name, last_name="Child", **child),
    )


def _section(user):
    found = [s for s in tray.tray(User.objects.get(pk=user.pk)) if s.key == tray.KEY]
    return found[0] if found else None


def test_exactly_the_registered_children_not_seen_in_the_window(worker, centre, area):
    never = _registered(centre, first_name="Never")
    seen_long_ago = _registered(centre, first_name="Earlier")
    ReachContactFactory(child=seen_long_ago.child, centre=centre, seen_on=date(2026, 8, 1))
    ReachContactFactory(child=seen_long_ago.child, centre=centre, seen_on=date(2026, 5, 1))
    only_a_call = _registered(centre, first_name="Called")
    ReachContactFactory(
        child=only_a_call.child, centre=centre, seen_on=date(2026, 11, 1), kind="information_call"
    )
    # Not in it: seen in the window (on its first day), registered in the window, ended, five
    # already, seen in the window at another centre only counts there, another area's centre.
    seen = _registered(centre, first_name="Seen")
    ReachContactFactory(child=seen.child, centre=centre, seen_on=date(2026, 9, 3))
    _registered(centre, first_name="New", on=date(2026, 10, 1))
    EndedRegistrationFactory(centre=centre, registered_on=LONG_AGO)
    _registered(centre, first_name="Five", date_of_birth=date(2021, 12, 3))
    elsewhere = CentreFactory(name="Elm Street Children's Centre", area=area)
    other = _registered(elsewhere, first_name="Elsewhere")
    ReachContactFactory(child=other.child, centre=centre, seen_on=date(2026, 11, 1))
    _registered(CentreFactory(area=AreaFactory()), first_name="Away")

    section = _section(worker)

    assert section.title == (
        "Registered children not seen at their children's centre in the last 3 months"
    )
    assert section.count == 4
    assert [(i.text, i.hint, i.url) for i in section.items] == [
        (
            "Never Child at Oak Tree Children's Centre",
            "Not seen there since registered on 10 January 2026",
            reverse("children_centres:child", kwargs={"person_id": never.child_id}),
        ),
        (
            "Called Child at Oak Tree Children's Centre",
            "Not seen there since registered on 10 January 2026",
            reverse("children_centres:child", kwargs={"person_id": only_a_call.child_id}),
        ),
        (
            "Elsewhere Child at Elm Street Children's Centre",
            "Not seen there since registered on 10 January 2026",
            reverse("children_centres:child", kwargs={"person_id": other.child_id}),
        ),
        (
            "Earlier Child at Oak Tree Children's Centre",
            "Last seen there 1 August 2026",
            reverse("children_centres:child", kwargs={"person_id": seen_long_ago.child_id}),
        ),
    ]


def test_the_pack_sets_the_months(worker, centre):
    CentreSettingsFactory(not_seen_months=6)
    registration = _registered(centre, first_name="Earlier")
    ReachContactFactory(child=registration.child, centre=centre, seen_on=date(2026, 8, 1))
    late = _registered(centre, first_name="Late")
    ReachContactFactory(child=late.child, centre=centre, seen_on=date(2026, 5, 1))

    section = _section(worker)

    assert section.title.endswith("in the last 6 months")
    assert [i.text for i in section.items] == ["Late Child at Oak Tree Children's Centre"]


def test_a_team_with_no_area_sees_every_centre(centre):
    worker = early_support_user(
        Role.LEAD_PROFESSIONAL, TeamFactory(agency=EarlySupportAgencyFactory(), area=None)
    )
    _registered(centre, first_name="Here")
    _registered(CentreFactory(name="Far Centre", area=AreaFactory()), first_name="Far")

    assert sorted(i.text for i in _section(worker).items) == [
        "Far Child at Far Centre",
        "Here Child at Oak Tree Children's Centre",
    ]


def test_only_those_who_record_centre_work_have_it(worker, centre, area):
    _registered(centre, first_name="Never")
    leader = early_support_user(
        Role.EARLY_SUPPORT_TEAM_LEADER, TeamFactory(agency=worker.agency, area=area)
    )
    partner = UserFactory(team=TeamFactory(area=area), roles=[Role.PRACTITIONER])
    strategic = UserFactory(roles=[Role.STRATEGIC_LEAD])

    assert _section(worker).count == 1
    assert _section(leader).count == 1
    assert _section(partner) is None
    assert _section(strategic) is None


def test_nothing_waiting_is_no_section(worker, centre):
    registration = _registered(centre, first_name="Seen")
    ReachContactFactory(child=registration.child, centre=centre, seen_on=date(2026, 11, 1))

    assert _section(worker) is None


def test_the_home_page_shows_it(worker, centre):
    registration = _registered(centre, first_name="Never")

    response = sign_in_verified(Client(), worker).get(reverse("core:home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="tray-children_centre_not_seen"' in page
    assert reverse("children_centres:child", kwargs={"person_id": registration.child_id}) in page


@pytest.mark.parametrize("size", [1, 12], ids=["one", "twelve"])
def test_the_section_takes_a_fixed_number_of_queries(
    worker, centre, size, django_assert_max_num_queries
):
    for number in range(size):
        registration = _registered(centre, first_name=f"Child{number}")
        ReachContactFactory(child=registration.child, centre=centre, seen_on=date(2026, 6, 1))
    user = User.objects.get(pk=worker.pk)

    # Roles, the agency (the rule), the pack's settings, the count and the first few.
    with django_assert_max_num_queries(5):
        (section,) = tray.tray(user)

    assert section.count == size
    assert len(section.items) == min(size, worktray.SHOWN)
