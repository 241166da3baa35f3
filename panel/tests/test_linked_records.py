"""Each record of a case links to the others (issue 10, build 2): the request and the assessment
link to the panel case, and the panel case to the assessment and the request, only for a reader
who may open the linked record, in the same number of queries for one record as for several,
and without an audit row."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEvent
from panel import notices as panel_notices
from panel.tests import linked_world
from panel.tests.linked_world import LONDON, keys, page, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=LONDON), tick=False) as clock:
        yield linked_world.build(clock)


def _case_url(case):
    return reverse("panel:case_overview", kwargs={"case_id": case.pk})


def test_the_case_page_links_to_the_assessment_and_the_request_for_a_reader_in_scope(world):
    case, assessment, request = world["case"], world["assessment"], world["request"]

    html = page(world["leader"], _case_url(case))

    assert 'id="linked-records"' in html
    assert reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}) in html
    assert reverse("support_requests:detail", kwargs={"request_id": request.pk}) in html
    assert f"Request for support {request.reference}" in html
    assert "View the assessment" in html and "View the request" in html


def test_a_panel_member_sees_the_case_without_links_to_records_they_may_not_open(world):
    html = page(world["member"], _case_url(world["case"]))

    assert (
        reverse("assessments:detail", kwargs={"assessment_id": world["assessment"].pk}) not in html
    )
    assert "View the request" not in html


def test_the_assessment_and_the_request_link_to_the_case_only_for_a_reader_who_may_open_it(world):
    case, assessment, request = world["case"], world["assessment"], world["request"]
    case_url = _case_url(case)

    for html in (
        page(
            world["leader"], reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})
        ),
        page(
            world["leader"], reverse("support_requests:detail", kwargs={"request_id": request.pk})
        ),
    ):
        assert case_url in html and f"Panel case {case.esmap_number}" in html

    # The lead professional may open the assessment and the case; someone of another team may
    # open neither, and is told of no case.
    assert panel_notices.assessment(world["lead"], [assessment])[assessment.pk][0].url == case_url
    assert panel_notices.assessment(world["stranger"], [assessment]) == {}
    assert panel_notices.triage(world["stranger"], [request]) == {}
    assert panel_notices.panel_case(world["stranger"], [case]) == {}
    # A seat member may open the case but not the family's assessment or request.
    assert panel_notices.panel_case(world["member"], [case]) == {}
    assert panel_notices.assessment(world["member"], [assessment])[assessment.pk][0].url == case_url


def test_the_case_scope_is_the_case_pages_own(world):
    from panel import selectors

    case = world["case"]
    for user in ("leader", "lead", "member", "stranger", "staff"):
        reader = world[user]
        visible = selectors.cases_visible_to(reader).filter(pk=case.pk).exists()
        assert visible == selectors.case_roles(reader, case)["known"], user
    supporting = world["agencies"][0]
    case.decision.supporting_agencies.add(supporting)
    from accounts.tests.factories import UserFactory

    someone = UserFactory(agency=supporting, team=None, roles=["team_manager"])
    assert selectors.cases_visible_to(someone).filter(pk=case.pk).exists()


def test_the_links_cost_the_same_queries_for_one_record_as_for_several(world):
    more = [linked_world.referred_case(world) for _ in range(2)]
    leader = world["leader"]
    before = AuditEvent.objects.count()
    for place, kind in (
        ("triage", "request"),
        ("assessment", "assessment"),
        ("panel_case", "case"),
    ):
        records = [world[kind], *(extra[kind] for extra in more)]
        if kind == "case":
            records = [type(r).objects.select_related("referral").get(pk=r.pk) for r in records]
        one, found_one = queries_for(place, leader, records[:1])
        three, found = queries_for(place, leader, records)
        assert one == three, place
        assert all(found.get(record.pk) for record in records), place
    assert keys(found, world["case"].pk) == [
        "linked_assessment",
        "linked_request",
        "linked_episode",
    ]
    assert AuditEvent.objects.count() == before
