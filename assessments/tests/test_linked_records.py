"""The request for support links to its assessment (issue 10, build 2): only for a reader who may
open the assessment, in the same number of queries for one request as for several, and without an
audit row; the assessment page heads the records linked to it."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from assessments import notices as assessment_notices
from core.models import AuditEvent
from panel.tests import linked_world
from panel.tests.linked_world import LONDON, keys, page, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=LONDON), tick=False) as clock:
        yield linked_world.build(clock)


def test_the_request_links_to_its_assessment_for_a_reader_who_may_open_it(world):
    assessment, request = world["assessment"], world["request"]
    assessment_url = reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})

    html = page(
        world["leader"], reverse("support_requests:detail", kwargs={"request_id": request.pk})
    )

    assert 'data-notice="linked_assessment"' in html and assessment_url in html
    assert "View the assessment" in html
    (notice,) = assessment_notices.triage(world["leader"], [request])[request.pk]
    assert (notice.title, notice.lines) == ("Assessment", ("Started 30 December 2026: Completed",))
    assert assessment_notices.triage(world["stranger"], [request]) == {}


def test_the_assessment_page_lists_its_linked_records(world):
    assessment, case, episode = world["assessment"], world["case"], world["episode"]

    html = page(
        world["leader"], reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})
    )

    assert 'id="linked-records"' in html
    assert reverse("panel:case_overview", kwargs={"case_id": case.pk}) in html
    assert reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}) in html


def test_the_links_cost_the_same_queries_for_one_request_as_for_several(world):
    more = [linked_world.referred_case(world)["request"] for _ in range(2)]
    requests = [world["request"], *more]
    before = AuditEvent.objects.count()

    one, _ = queries_for("triage", world["leader"], requests[:1])
    three, found = queries_for("triage", world["leader"], requests)

    assert one == three
    assert all("linked_assessment" in keys(found, request.pk) for request in requests)
    assert AuditEvent.objects.count() == before
