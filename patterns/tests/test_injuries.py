"""Accidents and injuries: the threshold on fixed dates, the per-child view, the person notice and
the API."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core import notices
from core.models import AuditEvent
from patterns.injuries import injury_pattern
from patterns.tests.factories import injury
from people.models import ChronologyEntry
from people.tests.factories import (
    AdultFactory,
    FamilyMemberFactory,
    PersonFactory,
    family_with_members,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
TODAY = date(2026, 11, 2)


def test_the_category_is_offered_on_the_chronology():
    assert ("accident_injury", "Accident or injury") in ChronologyEntry.Category.choices


@pytest.mark.parametrize(
    ("dates", "holds"),
    [
        ([date(2026, 5, 3), date(2026, 8, 1), date(2026, 10, 30)], True),  # just inside
        ([date(2026, 5, 2), date(2026, 8, 1), date(2026, 10, 30)], False),  # 6 months to the day
        ([date(2026, 8, 1), date(2026, 10, 30)], False),  # two only
    ],
)
def test_the_threshold_on_fixed_dates(dates, holds):
    pattern = injury_pattern(dates, today=TODAY, threshold=3, months=6)
    assert pattern.holds is holds


def test_the_warning_and_the_quarters():
    pattern = injury_pattern(
        [date(2026, 5, 3), date(2026, 8, 1), date(2026, 10, 30)], today=TODAY, threshold=3, months=6
    )
    assert pattern.warning == (
        "3 accidents or injuries in the 6 months to 2 November 2026 (3 May 2026, 1 August 2026 "
        "and 30 October 2026): the council looks again at 3 or more in 6 months."
    )
    assert pattern.quarters == [
        ("April to June 2026", 1),
        ("July to September 2026", 1),
        ("October to December 2026", 1),
    ]


@pytest.fixture
def worker(db):
    return UserFactory(roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])


@pytest.fixture
def child(worker):
    family = family_with_members(team=worker.team, children=0, adults=1)
    person = PersonFactory(first_name="Amy")
    FamilyMemberFactory(family=family, person=person)
    return person


def ours(found):
    return [n for n in found if n.key == "accidents_injuries"]


def test_the_person_notice_warns_when_the_pattern_holds(worker, child):
    injury(child, date(2026, 9, 1))
    [notice] = ours(notices.notices_for("person", user=worker, record=child))
    assert notice.kind == "information"
    injury(child, date(2026, 9, 20))
    injury(child, date(2026, 10, 5))
    [notice] = ours(notices.notices_for("person", user=worker, record=child))
    assert notice.kind == "warning"
    assert notice.url == reverse("patterns:injuries", kwargs={"person_id": child.pk})


def test_no_notice_without_entries_nor_out_of_scope(worker, child):
    assert ours(notices.notices_for("person", user=worker, record=child)) == []
    for day in (date(2026, 9, 1), date(2026, 9, 20), date(2026, 10, 5)):
        injury(child, day)
    stranger = UserFactory(roles=[Role.PRACTITIONER])
    assert ours(notices.notices_for("person", user=stranger, record=child)) == []


def test_the_per_child_page(client, worker, child):
    for day in (date(2026, 9, 1), date(2026, 9, 20), date(2026, 10, 5)):
        injury(child, day)
    sign_in_verified(client, worker)
    response = client.get(reverse("patterns:injuries", kwargs={"person_id": child.pk}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "3 accidents or injuries in the 6 months to 2 November 2026" in text
    assert "July to September 2026" in text
    assert AuditEvent.objects.filter(
        action="view", record_type="people.person", detail__page="injuries"
    ).exists()
    # the person page shows the notice
    page = client.get(reverse("people:person_detail", kwargs={"person_id": child.pk}))
    assert 'data-notice="accidents_injuries"' in page.content.decode()


def test_the_page_is_404_out_of_scope_and_for_an_adult(client, worker, child):
    sign_in_verified(client, UserFactory(roles=[Role.PRACTITIONER]))
    assert (
        client.get(reverse("patterns:injuries", kwargs={"person_id": child.pk})).status_code == 404
    )
    adult = AdultFactory()
    FamilyMemberFactory(
        family=child.family_memberships.first().family, person=adult, role="parent_carer"
    )
    sign_in_verified(client, worker)
    assert (
        client.get(reverse("patterns:injuries", kwargs={"person_id": adult.pk})).status_code == 404
    )


def test_the_api(worker, child):
    for day in (date(2026, 9, 1), date(2026, 9, 20), date(2026, 10, 5)):
        injury(child, day)
    api = sign_in_verified(APIClient(), worker)
    data = api.get(f"/api/v1/child-injuries/{child.pk}/").json()
    assert (data["total"], data["in_window"], data["pattern"]) == (3, 3, True)
    assert [e["occurred_on"] for e in data["entries"]] == ["2026-09-01", "2026-09-20", "2026-10-05"]
    stranger = sign_in_verified(APIClient(), UserFactory(roles=[Role.PRACTITIONER]))
    assert stranger.get(f"/api/v1/child-injuries/{child.pk}/").status_code == 404
