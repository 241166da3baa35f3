"""Casework consultancy's pages: each persona against each page (exact statuses), the forms
(error summary, input kept), family scoping and its audit, and the index page's queries."""

import re
from datetime import date
from html import escape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from consultancy.models import CaseworkConsultant, ConsultancyRequest
from consultancy.tests.factories import ConsultancyRequestFactory, consultant_user
from core.models import AuditEvent
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory
from people.tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = ConsultancyRequest.Status


@pytest.fixture
def world():
    team = TeamFactory()
    es_team = TeamFactory(agency=EarlySupportAgencyFactory())
    asker = UserFactory(team=team, roles=[Role.PRACTITIONER], last_name="O'Brien")
    family = FamilyFactory(team=team)
    consultant = consultant_user(team=es_team)
    people = {
        "asker": asker,
        "other_practitioner": UserFactory(roles=[Role.PRACTITIONER]),
        "consultant": consultant,
        "other_consultant": consultant_user(team=TeamFactory()),
        "leader": UserFactory(team=es_team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER]),
        "manager": UserFactory(team=team, roles=[Role.TEAM_MANAGER]),
        "business": UserFactory(team=es_team, roles=[Role.BUSINESS_SUPPORT]),
        "strategic": UserFactory(roles=[Role.STRATEGIC_LEAD]),
        "panel": UserFactory(roles=[Role.PANEL_MEMBER]),
        "admin": UserFactory(roles=[Role.SYSTEM_ADMINISTRATOR]),
    }
    assigned = ConsultancyRequestFactory(requested_by=asker, consultant=consultant, family=family)
    waiting = ConsultancyRequestFactory(requested_by=asker)
    return {"people": people, "assigned": assigned, "waiting": waiting, "family": family}


def _client(user):
    return sign_in_verified(Client(), user) if user else Client()


NAMES = (
    "anonymous",
    "asker",
    "other_practitioner",
    "consultant",
    "other_consultant",
    "leader",
    "manager",
    "business",
    "strategic",
    "panel",
    "admin",
)


def _statuses(world, method, url, data=None):
    found = {}
    for name in NAMES:
        client = _client(world["people"].get(name))
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        found[name] = response.status_code
    return found


def _row(default, **cells):
    return {name: cells.get(name, default) for name in NAMES} | {"anonymous": 302}


def _r(name, item):
    return reverse(f"consultancy:{name}", kwargs={"request_id": item.pk})


USERS = ("asker", "other_practitioner", "consultant", "other_consultant", "leader")


def test_the_index_and_asking(world):
    assert _statuses(world, "GET", reverse("consultancy:index")) == _row(
        403, **dict.fromkeys(USERS, 200)
    )
    assert _statuses(world, "GET", reverse("consultancy:ask")) == _row(
        403, asker=200, other_practitioner=200, consultant=200, other_consultant=200
    )


def test_a_request_and_its_forms(world):
    item = world["assigned"]
    seen = {"asker": 200, "consultant": 200, "leader": 200}
    assert _statuses(world, "GET", _r("detail", item)) == _row(404, **seen)
    answer = {"asker": 403, "consultant": 200, "leader": 200}
    for name in ("accept", "decline", "complete"):
        assert _statuses(world, "GET", _r(name, item)) == _row(404, **answer), name
    assert _statuses(world, "GET", _r("withdraw", item)) == _row(
        404, asker=200, consultant=403, leader=403
    )
    assert _statuses(world, "GET", _r("assign", item)) == _row(
        404, asker=403, consultant=403, leader=200
    )


def test_a_waiting_request_is_seen_by_every_consultant_and_picked_up_by_one(world):
    item = world["waiting"]
    assert _statuses(world, "GET", _r("detail", item)) == _row(
        404, asker=200, consultant=200, other_consultant=200, leader=200
    )
    assert _statuses(world, "GET", _r("pick_up", item)) == _row(405)
    consultant = world["people"]["consultant"]
    for name, status in (("asker", 403), ("leader", 403), ("manager", 404)):
        response = _client(world["people"][name]).post(_r("pick_up", item), {"version": 1})
        assert response.status_code == status, name
    response = _client(consultant).post(_r("pick_up", item), {"version": 1})
    assert response.status_code == 302 and response.url == _r("detail", item)
    item.refresh_from_db()
    assert item.consultant == consultant
    # Too late for the other consultant: they no longer see it.
    response = _client(world["people"]["other_consultant"]).post(
        _r("pick_up", item), {"version": 1}
    )
    assert response.status_code == 404
    # A stale page of the first one: a conflict.
    response = _client(world["people"]["leader"]).post(_r("pick_up", item), {"version": 1})
    assert response.status_code == 403


def test_leaders_pages(world):
    period = CaseworkConsultant.objects.filter(user=world["people"]["consultant"]).get()
    for url in (
        reverse("consultancy:consultants"),
        reverse("consultancy:counts"),
        reverse("consultancy:consultant_end", kwargs={"consultant_id": period.pk}),
    ):
        assert _statuses(world, "GET", url) == _row(403, leader=200), url


def test_asking_keeps_what_was_typed_and_lists_the_askers_families(world):
    asker = world["people"]["asker"]
    client = _client(asker)
    url = reverse("consultancy:ask")
    elsewhere = FamilyFactory(team=TeamFactory())
    page = client.get(url + f"?family={world['family'].pk}").content.decode()
    assert f'<option value="{world["family"].pk}" selected>' in page
    assert str(elsewhere.pk) not in page
    response = client.post(
        url,
        {
            "kind": "coaching",
            "family": str(elsewhere.pk),
            "help_wanted": "",
            "preferred_dates": "Fridays <b>only</b>",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert "Choose a family you work with" in html and "Enter what help you want" in html
    assert 'value="Fridays &lt;b&gt;only&lt;/b&gt;"' in html
    assert re.search(r'value="coaching"[^>]*checked', html)
    assert ConsultancyRequest.objects.count() == 2
    response = client.post(
        url,
        {"kind": "coaching", "family": str(world["family"].pk), "help_wanted": "Help me"},
    )
    made = ConsultancyRequest.objects.order_by("-pk").first()
    assert response.status_code == 302 and response.url == _r("detail", made)
    assert (made.kind, made.family, made.requested_by) == ("coaching", world["family"], asker)


def test_the_family_is_shown_and_its_reading_audited_only_to_those_who_see_it(world):
    item, family = world["assigned"], world["family"]
    for name, shown in (("asker", True), ("leader", True), ("other_consultant", False)):
        if name == "other_consultant":
            item = ConsultancyRequestFactory(
                requested_by=world["people"]["asker"],
                family=family,
                consultant=world["people"][name],
            )
        before = AuditEvent.objects.filter(record_type="people.family").count()
        html = _client(world["people"][name]).get(_r("detail", item)).content.decode()
        assert (escape(family.name) in html) is shown, name
        assert ("A family you do not work with" in html) is not shown, name
        after = AuditEvent.objects.filter(record_type="people.family", record_id=str(family.pk))
        assert after.count() - before == (1 if shown else 0), name
        assert AuditEvent.objects.filter(
            record_type="consultancy.consultancyrequest", record_id=str(item.pk), action="view"
        ).exists()


def test_the_request_page_offers_only_the_moves_allowed(world):
    item = world["assigned"]
    consultant = _client(world["people"]["consultant"]).get(_r("detail", item)).content.decode()
    asker = _client(world["people"]["asker"]).get(_r("detail", item)).content.decode()
    for page, present, absent in (
        (consultant, ("accept", "decline"), ("complete", "withdraw", "assign")),
        (asker, ("withdraw",), ("accept", "decline", "complete", "assign")),
    ):
        for name in present:
            assert _r(name, item) in page, name
        for name in absent:
            assert _r(name, item) not in page, name
    assert "O&#x27;Brien" in consultant


def test_declining_keeps_the_form_and_a_state_that_refuses_says_so(world):
    item = world["assigned"]
    client = _client(world["people"]["consultant"])
    response = client.post(_r("decline", item), {"version": 1, "reason": ""})
    assert response.status_code == 200
    assert "Enter why it is declined" in response.content.decode()
    response = client.post(_r("decline", item), {"version": 1, "reason": "Not for us"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DECLINED
    response = client.post(_r("accept", item), {"version": item.version, "note": ""})
    assert response.status_code == 200
    assert "A consultancy request that is declined cannot become accepted" in (
        response.content.decode()
    )


def test_recording_the_outcome_of_co_working_asks_for_its_dates(world):
    item = ConsultancyRequestFactory(
        requested_by=world["people"]["asker"],
        kind="co_working",
        consultant=world["people"]["consultant"],
        status=Status.ACCEPTED,
        first_response_on=date(2026, 10, 21),
    )
    client = _client(world["people"]["consultant"])
    page = client.get(_r("complete", item)).content.decode()
    assert 'name="co_working_from_0"' in page and 'name="coaching_sessions"' not in page
    data = {
        "version": 1,
        "what_was_done": "Joint visits",
        "next_step": "carries_on",
        "co_working_from_0": "21",
        "co_working_from_1": "10",
        "co_working_from_2": "2026",
    }
    response = client.post(_r("complete", item), data)
    assert response.status_code == 200
    assert "Enter the date co-working ended" in response.content.decode()
    data.update({"co_working_to_0": "30", "co_working_to_1": "10", "co_working_to_2": "2026"})
    assert client.post(_r("complete", item), data).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.co_working_to) == (Status.COMPLETED, date(2026, 10, 30))


def test_a_leader_assigns_adds_consultants_and_reads_the_counts(world):
    leader = _client(world["people"]["leader"])
    item = world["waiting"]
    other = world["people"]["other_consultant"]
    response = leader.post(_r("assign", item), {"version": 1, "consultant": other.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.consultant == other
    newcomer = UserFactory(roles=[Role.LEAD_PROFESSIONAL])
    response = leader.post(reverse("consultancy:consultants"), {"user": newcomer.pk})
    assert response.status_code == 302
    assert CaseworkConsultant.objects.filter(user=newcomer, starts_on=date(2026, 11, 2)).exists()
    response = leader.get(
        reverse("consultancy:counts"),
        {
            "date_from_0": "1",
            "date_from_1": "10",
            "date_from_2": "2026",
            "date_to_0": "31",
            "date_to_1": "10",
            "date_to_2": "2026",
        },
    )
    assert response.context["counts"].by_kind == [
        ("Consultation", 2),
        ("Coaching", 0),
        ("Co-working", 0),
    ]
    response = leader.get(
        reverse("consultancy:counts"),
        {
            "date_from_0": "31",
            "date_from_1": "10",
            "date_from_2": "2026",
            "date_to_0": "1",
            "date_to_1": "10",
            "date_to_2": "2026",
        },
    )
    assert response.context["counts"] is None
    assert "The end date must be on or after the start date" in response.content.decode()


@pytest.mark.parametrize("who", ["leader", "asker"])
def test_the_index_page_reads_a_fixed_number_of_queries(world, who, django_assert_max_num_queries):
    client = _client(world["people"][who])
    url = reverse("consultancy:index")
    client.get(url)  # the session and permissions settle

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    def add(count):
        for _ in range(count):
            ConsultancyRequestFactory(
                requested_by=world["people"]["asker"],
                family=world["family"],
                consultant=world["people"]["consultant"],
                status=Status.ACCEPTED,
                first_response_on=date(2026, 10, 21),
            )
            ConsultancyRequestFactory(requested_by=world["people"]["asker"])

    add(1)
    few = measure()
    add(7)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    rows = response.context["everything"] if who == "leader" else response.context["mine"]
    assert len(rows) == 18
