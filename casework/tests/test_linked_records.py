"""The request, the assessment and the panel case link to the family's episode (issue 10,
build 2): only for a reader who may open the episode, in the same number of queries for one record
as for several, and without an audit row."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from casework import notices as casework_notices
from core.models import AuditEvent
from panel.models import PanelCase
from panel.tests import linked_world
from panel.tests.linked_world import LONDON, keys, page, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=LONDON), tick=False) as clock:
        yield linked_world.build(clock)


def test_each_record_links_to_the_episode_for_a_reader_who_may_open_it(world):
    episode, lead = world["episode"], world["lead"]
    episode_url = reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})
    pages = (
        reverse("support_requests:detail", kwargs={"request_id": world["request"].pk}),
        reverse("assessments:detail", kwargs={"assessment_id": world["assessment"].pk}),
        reverse("panel:case_overview", kwargs={"case_id": world["case"].pk}),
    )
    for url in pages:
        html = page(world["leader"], url)
        assert 'data-notice="linked_episode"' in html and episode_url in html, url
        assert "View the episode" in html

    (notice,) = casework_notices.panel_case(lead, [world["case"]])[world["case"].pk]
    assert notice.lines == (
        "Started 6 January 2027: Open",
        f"Lead professional: {lead.get_full_name()}",
    )
    # Someone of another team may open none of the family's records; a seat member may open the
    # case, but not the family's episode.
    assert casework_notices.triage(world["stranger"], [world["request"]]) == {}
    assert casework_notices.assessment(world["stranger"], [world["assessment"]]) == {}
    html = page(world["member"], pages[2])
    assert 'data-notice="linked_episode"' not in html


def test_the_links_cost_the_same_queries_for_one_record_as_for_several(world):
    more = [linked_world.referred_case(world) for _ in range(2)]
    before = AuditEvent.objects.count()
    for place, kind in (
        ("triage", "request"),
        ("assessment", "assessment"),
        ("panel_case", "case"),
    ):
        records = [world[kind], *(extra[kind] for extra in more)]
        if kind == "case":
            records = list(
                PanelCase.objects.select_related("referral").filter(pk__in=[r.pk for r in records])
            )
        one, _ = queries_for(place, world["leader"], records[:1])
        three, found = queries_for(place, world["leader"], records)
        assert one == three, place
        assert keys(found, world[kind].pk)[-1] == "linked_episode", place
    assert AuditEvent.objects.count() == before
