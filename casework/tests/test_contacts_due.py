"""The next contact a lead professional plans: recorded with a contact (the page and the API
refuse the same bad dates), shown on the episode, and counted down in their work tray until a
later contact meets it.

Time is frozen on Monday 2 November 2026 (casework/tests/conftest.py): "within 14 days" ends on
16 November.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import services
from casework.models import Contact, Episode
from casework.tests.factories import ContactFactory
from casework.tests.factories_plans import make_episode
from core import worktray
from core.audit import record_type_of
from core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])


@pytest.fixture
def episode(lead):
    return make_episode(lead_professional=lead, started_on=date(2026, 9, 1))


def _section(user):
    found = [s for s in worktray.tray_for(user) if s.key == "contacts_due"]
    return found[0] if found else None


def _label(episode) -> str:
    return f"{episode.family.name} ({episode.family.reference})"


def _page_post(lead, episode, happened_on: date, planned: date | None):
    url = reverse("casework:episode_contact_new", kwargs={"episode_id": episode.pk})
    body = {
        "happened_on_0": happened_on.day,
        "happened_on_1": happened_on.month,
        "happened_on_2": happened_on.year,
        "kind": Contact.Kind.PHONE,
    }
    if planned:
        body |= {
            "next_planned_on_0": planned.day,
            "next_planned_on_1": planned.month,
            "next_planned_on_2": planned.year,
        }
    return sign_in_verified(Client(), lead).post(url, body)


def _api_post(lead, episode, happened_on: date, planned: date | None):
    return sign_in_verified(APIClient(), lead).post(
        f"/api/v1/episodes/{episode.pk}/contacts/",
        {
            "happened_on": happened_on.isoformat(),
            "contact_kind": Contact.Kind.PHONE,
            "next_planned_on": planned.isoformat() if planned else None,
        },
        format="json",
    )


@pytest.mark.parametrize(
    ("planned", "message"),
    [
        (date(2026, 10, 30), "The next contact must be after the date of this contact"),
        (date(2026, 10, 29), "The next contact must be after the date of this contact"),
        (date(2027, 1, 31), "The next contact must be within 92 days of this one"),
    ],
)
def test_the_page_and_the_api_refuse_the_same_next_contact(lead, episode, planned, message):
    happened = date(2026, 10, 30)
    page = _page_post(lead, episode, happened, planned)
    assert page.status_code == 200
    assert dict(page.context["form"].errors) == {"next_planned_on": [message]}
    assert 'value="30"' in page.content.decode()  # what was typed is kept
    api = _api_post(lead, episode, happened, planned)
    assert api.status_code == 400
    assert api.json() == {"next_planned_on": [message]}
    assert not Contact.objects.exists()


def test_a_planned_contact_is_recorded_shown_and_audited(lead, episode):
    page = _page_post(lead, episode, date(2026, 10, 30), date(2027, 1, 30))  # 92 days: allowed
    assert page.status_code == 302
    api = _api_post(lead, episode, date(2026, 10, 31), date(2026, 11, 9))
    assert api.status_code == 201
    assert api.json()["next_planned_on"] == "2026-11-09"
    assert list(Contact.objects.values_list("happened_on", "next_planned_on")) == [
        (date(2026, 10, 31), date(2026, 11, 9)),
        (date(2026, 10, 30), date(2027, 1, 30)),
    ]
    audit = AuditEvent.objects.filter(record_type=record_type_of(Contact)).order_by("pk").last()
    assert audit.detail["next_planned_on"] == "2026-11-09"
    # The episode shows the plan of the latest contact.
    detail = reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})
    html = sign_in_verified(Client(), lead).get(detail).content.decode()
    assert "Next contact planned for <strong>9 November 2026</strong>." in html
    listed = sign_in_verified(APIClient(), lead).get(f"/api/v1/episodes/{episode.pk}/contacts/")
    assert [c["next_planned_on"] for c in listed.json()] == ["2026-11-09", "2027-01-30"]


def test_contacts_due_wait_in_the_tray_until_a_later_contact_meets_them(lead, episode):
    assert _section(lead) is None
    ContactFactory(
        episode=episode, happened_on=date(2026, 10, 1), next_planned_on=date(2026, 10, 29)
    )
    soon = make_episode(lead_professional=lead, started_on=date(2026, 9, 1))
    ContactFactory(episode=soon, happened_on=date(2026, 10, 20), next_planned_on=date(2026, 11, 16))
    later = make_episode(lead_professional=lead, started_on=date(2026, 9, 1))
    ContactFactory(
        episode=later, happened_on=date(2026, 10, 20), next_planned_on=date(2026, 11, 17)
    )  # beyond the 14 days
    someone_elses = make_episode(
        lead_professional=UserFactory(team=lead.team, roles=[Role.LEAD_PROFESSIONAL]),
        started_on=date(2026, 9, 1),
    )
    ContactFactory(
        episode=someone_elses, happened_on=date(2026, 10, 1), next_planned_on=date(2026, 10, 8)
    )

    section = _section(lead)
    assert (section.title, section.count) == ("Contacts due", 2)
    assert [(i.text, i.url, i.hint, i.overdue) for i in section.items] == [
        (
            _label(episode),
            reverse("casework:episode_contact_new", kwargs={"episode_id": episode.pk}),
            "Contact planned for 29 October 2026",
            True,
        ),
        (
            _label(soon),
            reverse("casework:episode_contact_new", kwargs={"episode_id": soon.pk}),
            "Contact planned for 16 November 2026",
            False,
        ),
    ]

    # The overdue visit happens; the lead plans nothing more for now, so the family leaves.
    services.contact_record(
        actor=lead, episode=episode, happened_on=date(2026, 11, 2), kind=Contact.Kind.HOME_VISIT
    )
    assert [i.text for i in _section(lead).items] == [_label(soon)]
    # A closed episode's plan is not work.
    Episode.objects.filter(pk=soon.pk).update(
        status=Episode.Status.CLOSED, ended_on=date(2026, 11, 2), end_reason="needs_met"
    )
    assert _section(lead) is None
