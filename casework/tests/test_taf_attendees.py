"""TAF meeting attendees come from the record: the family's members, the lead professional and the
professionals involved with the family; free text only for others not on the record (issue 10,
item 15). The page and the API make the same meeting."""

from html import unescape

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import sign_in_verified
from casework import services
from casework.models import TafMeeting
from casework.tests.factories import EpisodeFactory
from core import clock
from people.models import FamilyMember
from people.tests.factories import (
    FamilyMemberFactory,
    PersonFactory,
    ProfessionalInvolvementFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def episode():
    episode = EpisodeFactory()
    child = PersonFactory()
    FamilyMemberFactory(family=episode.family, person=child, role=FamilyMember.Role.CHILD)
    episode.child = child
    episode.nurse = ProfessionalInvolvementFactory(
        person=child, name="Nia Schoolnurse", role="School nurse", organisation="Thornhill School"
    )
    return episode


def test_the_form_offers_the_lead_and_the_professionals_on_the_record(client, episode):
    sign_in_verified(client, episode.lead_professional)
    response = client.get(reverse("casework:episode_taf_meeting_new", args=[episode.pk]))
    lead = episode.lead_professional
    assert response.context["form"].fields["professional_attendees"].choices == [
        (
            "lead_professional",
            f"{lead.get_full_name()} (lead professional, {episode.lead_agency.name})",
        ),
        (str(episode.nurse.pk), "Nia Schoolnurse (School nurse, Thornhill School)"),
    ]


def test_page_records_attendees_from_the_record_and_others_as_text(client, episode):
    sign_in_verified(client, episode.lead_professional)
    today = clock.today()
    response = client.post(
        reverse("casework:episode_taf_meeting_new", args=[episode.pk]),
        {
            "held_on_0": today.day,
            "held_on_1": today.month,
            "held_on_2": today.year,
            "family_attendees": [str(episode.child.pk)],
            "professional_attendees": ["lead_professional", str(episode.nurse.pk)],
            "agency_attendees": "Sam Coach, Youth club",
        },
    )
    assert response.status_code == 302
    meeting = TafMeeting.objects.get(episode=episode)
    assert meeting.lead_professional_attended is True
    assert list(meeting.professional_attendees.all()) == [episode.nurse]
    assert list(meeting.family_attendees.all()) == [episode.child]
    assert meeting.agency_attendees == "Sam Coach, Youth club"
    # unescape: Faker's en_GB names include apostrophes (O'Brien), which the page escapes.
    page = unescape(
        client.get(reverse("casework:episode_detail", args=[episode.pk])).content.decode()
    )
    assert "Nia Schoolnurse (School nurse)" in page
    assert f"{episode.lead_professional.get_full_name()} (lead professional)" in page


def test_api_records_the_same_meeting(episode):
    api = sign_in_verified(APIClient(), episode.lead_professional)
    response = api.post(
        f"/api/v1/episodes/{episode.pk}/taf-meetings/",
        {
            "held_on": clock.today().isoformat(),
            "family_attendees": [str(episode.child.pk)],
            "lead_professional_attended": True,
            "professional_attendees": [episode.nurse.pk],
            "agency_attendees": "Sam Coach, Youth club",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["lead_professional_attended"], body["professional_attendees"]) == (
        True,
        [episode.nurse.pk],
    )
    meeting = TafMeeting.objects.get(episode=episode)
    assert list(meeting.professional_attendees.all()) == [episode.nurse]


def test_a_professional_not_involved_with_the_family_is_refused(client, episode):
    stranger = ProfessionalInvolvementFactory()  # on someone else's record
    api = sign_in_verified(APIClient(), episode.lead_professional)
    response = api.post(
        f"/api/v1/episodes/{episode.pk}/taf-meetings/",
        {"held_on": clock.today().isoformat(), "professional_attendees": [stranger.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "professional_attendees": ["Choose professionals involved with this family"]
    }
    with pytest.raises(Exception) as error:
        services.taf_meeting_record(
            actor=episode.lead_professional,
            episode=episode,
            held_on=clock.today(),
            professional_attendees=[stranger],
        )
    assert error.value.message_dict == {
        "professional_attendees": ["Choose professionals involved with this family"]
    }
    assert not TafMeeting.objects.exists()


def test_the_lead_alone_counts_as_someone_who_came(episode):
    meeting = services.taf_meeting_record(
        actor=episode.lead_professional,
        episode=episode,
        held_on=clock.today(),
        lead_professional_attended=True,
    )
    assert meeting.lead_professional_attended and not meeting.agency_attendees
