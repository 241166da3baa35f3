"""The chronology tells the story by itself: entries written by the apps' services link to their
record (resolved by core.records, so people imports none of the apps above it), the person page
lists the episodes and assessments the person is part of, and the lead professional of an open
episode is among the professionals involved."""

from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.tests.factories import AssessmentFactory
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from core import records
from core.models import AuditEvent
from people import services
from people.models import ChronologyEntry
from people.tests.factories import ChronologyEntryFactory, FamilyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db


def person_url(person):
    return reverse("people:person_detail", kwargs={"person_id": person.pk})


def family_url(family):
    return reverse("people:family_detail", kwargs={"family_id": family.pk})


def test_chronology_record_writes_one_entry_per_person_in_one_insert_and_audits(
    practitioner, family, child, mother, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):  # the insert, the audit row and savepoints
        entries = services.chronology_record(
            actor=practitioner,
            people=[child, mother, child],
            summary="Episode moved to stage 2: Addressing concerns",
            record_type="episode",
            record_id="3f2c",
            event="stage",
            occurred_on=date(2026, 10, 1),
        )
    assert {e.person for e in entries} == {child, mother}
    rows = ChronologyEntry.objects.filter(event="stage")
    assert {(r.record_type, r.record_id, r.recorded_by, r.occurred_on) for r in rows} == {
        ("episode", "3f2c", practitioner, date(2026, 10, 1))
    }
    assert all(r.is_system for r in rows)
    (audit,) = AuditEvent.objects.filter(record_type="people.chronologyentry")
    assert (audit.record_id, audit.detail) == ("episode:3f2c", {"event": "stage", "people": 2})
    assert (
        services.chronology_record(
            actor=practitioner,
            people=[],
            summary="x",
            record_type="episode",
            record_id="1",
            event="e",
        )
        == []
    )


def test_a_hand_typed_entry_or_an_unknown_record_has_no_link(child):
    typed = ChronologyEntryFactory(person=child)
    unknown = ChronologyEntryFactory(person=child, record_type="nothing", record_id="1", event="e")
    assert typed.link is None and not typed.is_system
    assert unknown.link is None
    not_an_id = ChronologyEntryFactory(
        person=child, record_type="episode", record_id="not-a-uuid", event="e"
    )
    assert not_an_id.link is None


def test_the_person_and_family_pages_link_each_entry_to_its_record(
    practitioner_client, family, child
):
    episode = EpisodeFactory(family=family)
    ChronologyEntryFactory(person=child, summary="Typed by hand")
    ChronologyEntryFactory(
        person=child,
        summary="Early help episode opened",
        record_type="episode",
        record_id=str(episode.pk),
        event="episode_opened",
    )
    link = reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})
    for url in (person_url(child), family_url(family)):
        html = practitioner_client.get(url).content.decode()
        chronology = html[html.index('id="chronology"') :]
        assert chronology.count(f'href="{link}"') == 1
        assert "View the episode" in chronology and "Typed by hand" in chronology


def _work(child, family, numbers):
    for number in numbers:
        EpisodeFactory(family=family, status=Episode.Status.CLOSED, ended_on=date(2026, 10, 1))
        AssessmentFactory(family=family, children=[child], number=number)


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_person_page_lists_episodes_and_assessments_in_a_fixed_number_of_queries(
    practitioner_client, family, child, django_assert_max_num_queries
):
    _work(child, family, [1])
    small, _ = _count(practitioner_client, person_url(child))
    _work(child, family, range(2, 8))
    large, response = _count(practitioner_client, person_url(child))
    assert small == large, (small, large)
    # The whole page, with the episodes and assessments (one query each) and the navigation's
    # count of waiting work (a count per kind of work the role can have: contacts due and
    # outcomes to check as sustained among them), and the notices of the apps above people
    # (neglect and the injuries pattern: a fixed few each), at most this many. Casework
    # consultancy's tray counts its three sections in one query (+1); the offer's tray reads
    # its referrals waiting and signposts to follow up in one query (+1), and the sessions
    # waiting for their facilitator's attendance in another (+1).
    with django_assert_max_num_queries(42):
        practitioner_client.get(person_url(child))
    work = response.context["page"].work
    assert [r.kind for r in work].count("Episode") == 7
    assert [r.kind for r in work].count("Assessment") == 7
    html = response.content.decode()
    section = html[html.index('id="work"') : html.index('id="professionals"')]
    episode = Episode.objects.filter(family=family).first()
    assert reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}) in section
    assert "Early help assessment (version 1)" in section and "In progress" in section


def test_records_the_reader_may_not_see_are_not_listed(other_team, practitioner):
    """The providers start from the reader's scope: another team's family's episode is absent
    even when asked about its people."""
    theirs = FamilyMemberFactory(person=PersonFactory(), role="child")
    EpisodeFactory(family=theirs.family)
    assert records.person_records(practitioner, [theirs.person]) == {theirs.person.pk: []}


def test_the_lead_professional_is_among_the_professionals_involved(
    practitioner_client, family, child
):
    episode = EpisodeFactory(family=family)
    lead = episode.lead_professional
    name = lead.get_full_name()
    # Faker's en_GB names include apostrophes (O'Connor), which the page escapes.
    html = unescape(practitioner_client.get(person_url(child)).content.decode())
    professionals = html[html.index('id="professionals"') : html.index('id="chronology"')]
    assert name in professionals and "Lead professional" in professionals
    assert episode.lead_agency.name in professionals
    family_html = unescape(practitioner_client.get(family_url(family)).content.decode())
    assert name in family_html[family_html.index("Lead professional") - 400 :]

    # The episode is the one source: once it closes, it no longer names a lead professional.
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED, ended_on=date(2026, 10, 1)
    )
    html = practitioner_client.get(person_url(child)).content.decode()
    professionals = html[html.index('id="professionals"') : html.index('id="chronology"')]
    assert "Lead professional" not in professionals
