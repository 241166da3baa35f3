"""The pages: each role against each page with the exact status, scope (404), names only for
children in scope, forms that keep their input, the audit, the CSV, the person page's notice and
the pages' query counts at two sizes."""

import csv
import html
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified
from children_centres.models import CentreRegistration, ReachContact
from children_centres.tests.factories import (
    CentreFactory,
    CentreRegistrationFactory,
    CentreSettingsFactory,
    ReachContactFactory,
    UnderFivesPopulationFactory,
    child_in_family,
    early_support_team,
    early_support_user,
)
from core.models import AuditEvent
from core.tests.factories import SiteFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def es_team(db):
    return early_support_team()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def people(es_team, team):
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(team)
    return {
        "leader": early_support_user(Role.EARLY_SUPPORT_TEAM_LEADER, es_team),
        "es_practitioner": early_support_user(Role.PRACTITIONER, es_team),
        "es_lead": early_support_user(Role.LEAD_PROFESSIONAL, es_team),
        "practitioner": UserFactory(team=team, roles=[Role.PRACTITIONER]),
        "manager": manager,
        "strategic": UserFactory(team=None, agency=es_team.agency, roles=[Role.STRATEGIC_LEAD]),
        "business": UserFactory(team=es_team, roles=[Role.BUSINESS_SUPPORT]),
        "chair": UserFactory(team=es_team, roles=[Role.PANEL_CHAIR]),
        "admin": AdminFactory(),
    }


@pytest.fixture
def centre(db):
    return CentreFactory(name="Chestnut Children's Centre")


@pytest.fixture
def child(team):
    """An under-five in the manager's (and practitioner's) team's family."""
    return child_in_family(team=team, first_name="Aoife", last_name="O'Brien")


@pytest.fixture
def stranger(db):
    """An under-five in a family no narrow role here works with."""
    return child_in_family(team=TeamFactory(), first_name="Zara", last_name="Quinn")


def _client(user):
    return sign_in_verified(Client(), user)


ROLES = (
    "leader",
    "es_practitioner",
    "es_lead",
    "practitioner",
    "manager",
    "strategic",
    "business",
    "chair",
    "admin",
)
READERS = {"leader", "es_practitioner", "es_lead", "manager", "strategic"}

# role -> status, for each page (the child is in the manager's and practitioner's scope; the
# early support service sees every family; the others no family at all).
EXPECTED = {
    "index": {r: 200 if r in READERS else 403 for r in ROLES},
    "centre": {r: 200 if r in READERS else 403 for r in ROLES},
    "child": {
        "leader": 200,
        "es_practitioner": 200,
        "es_lead": 200,
        "practitioner": 403,
        "manager": 200,
        "strategic": 404,
        "business": 403,
        "chair": 404,
        "admin": 404,
    },
    "register": {
        "leader": 200,
        "es_practitioner": 200,
        "es_lead": 200,
        "practitioner": 403,
        "manager": 403,
        "strategic": 404,
        "business": 403,
        "chair": 404,
        "admin": 404,
    },
    "population": {r: 200 if r in ("leader", "admin") else 403 for r in ROLES},
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_exact_status(people, centre, child, page, role):
    urls = {
        "index": reverse("children_centres:index"),
        "centre": reverse("children_centres:centre", kwargs={"site_id": centre.pk}),
        "child": reverse("children_centres:child", kwargs={"person_id": child.pk}),
        "register": reverse("children_centres:register", kwargs={"person_id": child.pk}),
        "population": reverse("children_centres:population"),
    }
    response = _client(people[role]).get(urls[page])
    assert response.status_code == EXPECTED[page][role]


def test_anonymous_visitors_are_sent_to_sign_in(centre):
    response = Client().get(reverse("children_centres:index"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_a_child_out_of_scope_is_not_found_for_the_manager(people, stranger):
    client = _client(people["manager"])
    for name in ("child", "register", "contact_new"):
        url = reverse(f"children_centres:{name}", kwargs={"person_id": stranger.pk})
        assert client.get(url).status_code == 404
    registration = CentreRegistrationFactory(child=stranger)
    url = reverse("children_centres:registration_end", kwargs={"registration_id": registration.pk})
    assert _client(people["es_practitioner"]).get(url).status_code == 200
    assert client.get(url).status_code == 404


def test_a_site_that_is_not_a_childrens_centre_is_not_found(people):
    hub = SiteFactory()
    url = reverse("children_centres:centre", kwargs={"site_id": hub.pk})
    assert _client(people["leader"]).get(url).status_code == 404


def test_the_centre_page_names_only_children_in_scope(people, centre, child, stranger):
    CentreSettingsFactory(small_number=1)
    for kid in (child, stranger):
        CentreRegistrationFactory(child=kid, centre=centre)
    url = reverse("children_centres:centre", kwargs={"site_id": centre.pk})

    manager_page = _client(people["manager"]).get(url).content.decode()
    assert html.escape(child.full_name) in manager_page
    assert "Zara" not in manager_page
    assert "And 1 other registered child whose records you cannot see" in manager_page

    strategic_page = _client(people["strategic"]).get(url).content.decode()
    assert "Aoife" not in strategic_page and "Zara" not in strategic_page
    assert "2 registered children whose records you cannot see" in strategic_page

    leader_page = _client(people["leader"]).get(url).content.decode()
    assert "Aoife" in leader_page and "Zara" in leader_page
    event = AuditEvent.objects.filter(actor=people["leader"], action="view").order_by("-id")[0]
    assert event.detail == {"page": "centre", "centre": centre.pk, "named": 2, "others": 0}


def test_the_centre_page_leaves_out_a_child_turned_five_and_an_ended_registration(
    people, centre, team
):
    five = child_in_family(team=team, first_name="Five", date_of_birth=date(2021, 12, 3))
    four = child_in_family(team=team, first_name="Four", date_of_birth=date(2021, 12, 4))
    moved = child_in_family(team=team, first_name="Moved")
    for kid in (five, four):
        CentreRegistrationFactory(child=kid, centre=centre)
    CentreRegistrationFactory(
        child=moved, centre=centre, ended_on=date(2026, 11, 1), end_reason="moved_away"
    )
    url = reverse("children_centres:centre", kwargs={"site_id": centre.pk})
    page = _client(people["leader"]).get(url).content.decode()
    assert ">Four " in page and ">Five " not in page and ">Moved " not in page


def test_registering_a_child_from_the_form_and_the_audit(people, centre, child):
    client = _client(people["es_practitioner"])
    url = reverse("children_centres:register", kwargs={"person_id": child.pk})
    response = client.post(
        url,
        {
            "centre": centre.pk,
            "registered_on_0": "1",
            "registered_on_1": "12",
            "registered_on_2": "2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("children_centres:child", kwargs={"person_id": child.pk})
    registration = CentreRegistration.objects.get(child=child)
    assert (registration.centre, registration.registered_on) == (centre, date(2026, 12, 1))
    event = AuditEvent.objects.get(
        record_type="children_centres.centreregistration", action="create"
    )
    assert event.actor == people["es_practitioner"]
    assert event.detail == {"centre": centre.pk, "fields": ["registered_on"]}


def test_the_register_form_shows_errors_in_a_summary_and_keeps_the_input(people, centre, child):
    client = _client(people["leader"])
    url = reverse("children_centres:register", kwargs={"person_id": child.pk})
    response = client.post(
        url,
        {
            "centre": centre.pk,
            "registered_on_0": "1",
            "registered_on_1": "1",
            "registered_on_2": "2027",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The date of registration must be today or in the past" in page
    assert 'value="2027"' in page and f'value="{centre.pk}" selected' in page
    assert not CentreRegistration.objects.exists()


def test_registering_twice_at_one_centre_is_refused_on_the_form(people, centre, child):
    CentreRegistrationFactory(child=child, centre=centre)
    url = reverse("children_centres:register", kwargs={"person_id": child.pk})
    response = _client(people["leader"]).post(
        url,
        {
            "centre": centre.pk,
            "registered_on_0": "1",
            "registered_on_1": "12",
            "registered_on_2": "2026",
        },
    )
    assert response.status_code == 200
    assert "This child is already registered at this centre" in response.content.decode()
    assert CentreRegistration.objects.count() == 1


def test_recording_a_contact_keeps_the_input_on_an_error_and_saves_it_when_right(
    people, centre, child
):
    CentreSettingsFactory()
    client = _client(people["es_lead"])
    url = reverse("children_centres:contact_new", kwargs={"person_id": child.pk})
    page = client.get(f"{url}?centre={centre.pk}").content.decode()
    assert f'value="{centre.pk}" selected' in page
    assert "Information call (not counted as reach)" in page
    data = {"centre": centre.pk, "seen_on_0": "2", "seen_on_1": "12", "seen_on_2": "2026"}
    response = client.post(url, {**data, "note": "Came with Nan"})
    assert response.status_code == 200
    assert "Choose the kind of contact" in response.content.decode()
    assert "Came with Nan" in response.content.decode()
    response = client.post(url, {**data, "kind": "stay_and_play", "note": "Came with Nan"})
    assert response.status_code == 302
    contact = ReachContact.objects.get()
    assert (contact.kind, contact.note, contact.seen_on) == (
        "stay_and_play",
        "Came with Nan",
        date(2026, 12, 2),
    )


def test_ending_a_registration_from_its_form(people, centre, child):
    registration = CentreRegistrationFactory(child=child, centre=centre)
    url = reverse("children_centres:registration_end", kwargs={"registration_id": registration.pk})
    client = _client(people["leader"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": 1,
            "ended_on_0": "1",
            "ended_on_1": "12",
            "ended_on_2": "2026",
            "reason": "moved_away",
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.ended_on, registration.end_reason, registration.version) == (
        date(2026, 12, 1),
        "moved_away",
        2,
    )
    # Ended already: the form sends you back to the child's page.
    assert client.get(url).status_code == 302
    # A stale form (version 1) is refused on the form.
    registration2 = CentreRegistrationFactory(child=child, centre=CentreFactory())
    CentreRegistration.objects.filter(pk=registration2.pk).update(version=5)
    url2 = reverse(
        "children_centres:registration_end", kwargs={"registration_id": registration2.pk}
    )
    response = client.post(
        url2,
        {
            "version": 1,
            "ended_on_0": "1",
            "ended_on_1": "12",
            "ended_on_2": "2026",
            "reason": "left",
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this registration" in response.content.decode()


def test_the_child_page_lists_registrations_and_contacts_and_is_audited(people, centre, child):
    CentreSettingsFactory()
    CentreRegistrationFactory(child=child, centre=centre)
    ReachContactFactory(child=child, centre=centre, kind="information_call", note="Asked about <b>")
    response = _client(people["manager"]).get(
        reverse("children_centres:child", kwargs={"person_id": child.pk})
    )
    page = response.content.decode()
    assert "Chestnut Children&#x27;s Centre" in page
    assert "Information call" in page and "(not counted as reach)" in page
    assert "Asked about &lt;b&gt;" in page
    # A reader who may not record sees no buttons.
    assert reverse("children_centres:register", kwargs={"person_id": child.pk}) not in page
    event = AuditEvent.objects.get(actor=people["manager"], record_id=str(child.pk))
    assert (event.action, event.record_type, event.detail) == (
        "view",
        "people.person",
        {"page": "children_centres"},
    )


def test_the_reach_table_and_its_csv(people, centre, child):
    CentreSettingsFactory(small_number=1)
    CentreRegistrationFactory(child=child, centre=centre)
    ReachContactFactory(child=child, centre=centre, seen_on=date(2026, 6, 1))
    UnderFivesPopulationFactory(centre=centre, under_fives=4)
    client = _client(people["strategic"])
    page = client.get(reverse("children_centres:index")).content.decode()
    assert "April 2026 to March 2027" in page
    assert "25.0%" in page and "100.0%" in page
    assert "Aoife" not in page
    response = client.get(reverse("children_centres:reach_csv") + "?year=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "childrens-centre-reach-2026-04-01-to-2027-03-31.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Area", "Centre", "Under-fives population"]
    assert rows[1] == [
        centre.area.name,
        "Chestnut Children's Centre",
        "4",
        "centre",
        "1",
        "25.0%",
        "1",
        "25.0%",
        "100.0%",
    ]
    assert rows[-1][0] == "All areas"
    event = AuditEvent.objects.get(actor=people["strategic"], action="export")
    assert event.detail == {"page": "reach_csv", "rows": len(rows) - 1}


def test_a_chosen_period_with_any_dates_and_a_wrong_one(people, centre):
    client = _client(people["leader"])
    query = "start_0=1&start_1=10&start_2=2026&end_0=31&end_1=12&end_2=2026"
    page = client.get(reverse("children_centres:index") + "?" + query).content.decode()
    assert "1 October 2026 to 31 December 2026" in page
    bad = "start_0=1&start_1=10&start_2=2026&end_0=1&end_1=9&end_2=2026"
    response = client.get(reverse("children_centres:index") + "?" + bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The end date must be the same as or after the start date" in page
    assert "April 2026 to March 2027" in page  # the default, until the dates are right


def test_the_person_page_notice_links_to_the_forms(people, centre, child):
    person_url = reverse("people:person_detail", kwargs={"person_id": child.pk})
    page = _client(people["leader"]).get(person_url).content.decode()
    assert "Not registered at a children&#x27;s centre." in page
    assert reverse("children_centres:register", kwargs={"person_id": child.pk}) in page
    CentreRegistrationFactory(child=child, centre=centre, registered_on=date(2026, 3, 2))
    page = _client(people["leader"]).get(person_url).content.decode()
    assert "Registered at Chestnut Children&#x27;s Centre since 2 March 2026." in page
    contact = reverse("children_centres:contact_new", kwargs={"person_id": child.pk})
    assert f"{contact}?centre={centre.pk}" in page
    # A reader who does not record is sent to the child's page; others see nothing.
    page = _client(people["manager"]).get(person_url).content.decode()
    assert reverse("children_centres:child", kwargs={"person_id": child.pk}) in page
    page = _client(people["practitioner"]).get(person_url).content.decode()
    assert 'data-notice="children_centre"' not in page


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_reach_table_and_centre_page_take_a_fixed_number_of_queries(
    people, centre, team, django_assert_max_num_queries
):
    client = _client(people["manager"])
    index = reverse("children_centres:index")
    page = reverse("children_centres:centre", kwargs={"site_id": centre.pk})

    def add(n):
        for _ in range(n):
            kid = child_in_family(team=team)
            CentreRegistrationFactory(child=kid, centre=centre)
            ReachContactFactory(child=kid, centre=centre)

    add(1)
    small = (_queries(client, index), _queries(client, page))
    add(6)
    large = (_queries(client, index), _queries(client, page))
    assert small == large, (small, large)
    # The whole page: the session, the user, the navigation and the manager's work tray (about
    # two dozen), the figures (six; the centre page three, and two for its children) and the
    # audit row.
    with django_assert_max_num_queries(40):
        client.get(index)
    with django_assert_max_num_queries(42):
        client.get(page)
