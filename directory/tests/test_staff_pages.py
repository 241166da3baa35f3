"""The staff pages that keep the directory: who reaches them, forms that keep input, conflicts."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from core.roles import Role
from directory import models as m
from directory import services
from directory.tests.factories import (
    OrganizationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    full_service,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "admin": Role.SYSTEM_ADMINISTRATOR,
    "team_leader": Role.EARLY_SUPPORT_TEAM_LEADER,
    "business_support": Role.BUSINESS_SUPPORT,
    "practitioner": Role.PRACTITIONER,
    "team_manager": Role.TEAM_MANAGER,
    "panel_chair": Role.PANEL_CHAIR,
    "strategic_lead": Role.STRATEGIC_LEAD,
}


def client_for(role) -> Client:
    return sign_in_verified(Client(), UserFactory(roles=[role]))


@pytest.fixture
def keeper():
    return client_for(Role.BUSINESS_SUPPORT)


def page_urls(service) -> list[str]:
    schedule = m.Schedule.objects.get(service=service)
    term = m.TaxonomyTerm.objects.first()
    sid = {"service_id": service.pk}
    part = {**sid, "part": "schedule", "part_id": schedule.pk}
    return [
        reverse("directory:staff_index"),
        reverse("directory:staff_service_add"),
        reverse("directory:staff_service", kwargs=sid),
        reverse("directory:staff_service_change", kwargs=sid),
        reverse("directory:staff_service_terms", kwargs=sid),
        reverse("directory:staff_part_add", kwargs={**sid, "part": "location"}),
        reverse("directory:staff_part_change", kwargs=part),
        reverse("directory:staff_part_remove", kwargs=part),
        reverse("directory:staff_organizations"),
        reverse("directory:staff_organization_add"),
        reverse(
            "directory:staff_organization_change",
            kwargs={"organization_id": service.organization_id},
        ),
        reverse("directory:staff_terms"),
        reverse("directory:staff_term_add"),
        reverse("directory:staff_term_change", kwargs={"term_id": term.pk}),
    ]


@pytest.mark.parametrize(
    "who, status",
    [
        ("admin", 200),
        ("team_leader", 200),
        ("business_support", 200),
        ("practitioner", 403),
        ("team_manager", 403),
        ("panel_chair", 403),
        ("strategic_lead", 403),
    ],
)
def test_who_reaches_the_staff_pages(who, status):
    service = full_service()
    client = client_for(ROLES[who])
    for url in page_urls(service):
        assert client.get(url).status_code == status, url


def test_an_anonymous_visitor_is_sent_to_sign_in():
    service = full_service()
    for url in page_urls(service):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "sign-in" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize(
    "who, status",
    [("admin", 200), ("team_leader", 403), ("business_support", 403), ("practitioner", 403)],
)
def test_only_administrators_import(who, status):
    assert client_for(ROLES[who]).get(reverse("directory:staff_import")).status_code == status


def test_unknown_ids_and_parts_are_404(keeper):
    service = full_service()
    other = full_service()
    schedule = m.Schedule.objects.get(service=other)
    sid = {"service_id": service.pk}
    for url in (
        reverse("directory:staff_service", kwargs={"service_id": schedule.pk}),
        reverse("directory:staff_part_add", kwargs={**sid, "part": "nonsense"}),
        reverse(
            "directory:staff_part_change",
            kwargs={**sid, "part": "schedule", "part_id": schedule.pk},
        ),
        reverse("directory:staff_organization_change", kwargs={"organization_id": schedule.pk}),
        reverse("directory:staff_term_change", kwargs={"term_id": schedule.pk}),
    ):
        assert keeper.get(url).status_code == 404, url


def test_the_index_searches_by_text_status_organisation_and_term(keeper):
    organization = OrganizationFactory(name="Carers Count")
    ServiceFactory(name="Stay and play", organization=organization)
    ServiceFactory(name="Dads' group", status="inactive")
    termed = full_service(name="Food bank")
    term = m.Attribute.objects.get(link_id=termed.pk).taxonomy_term
    url = reverse("directory:staff_index")

    def names(**query):
        return [s.name for s in keeper.get(url, query).context["rows"]]

    assert names() == ["Dads' group", "Food bank", "Stay and play"]
    assert names(q="play") == ["Stay and play"]
    assert names(status="inactive") == ["Dads' group"]
    assert names(organization=str(organization.pk)) == ["Stay and play"]
    assert names(term=str(term.pk)) == ["Food bank"]
    body = keeper.get(url).content.decode()
    assert "3 services: 2 active, 1 inactive." in body
    assert "Dads&#x27; group" in body


def test_the_index_is_paged(keeper):
    for n in range(30):
        ServiceFactory(name=f"Service {n:02d}")
    url = reverse("directory:staff_index")
    first = keeper.get(url, {"status": "active"})
    assert len(first.context["rows"]) == 25
    assert "status=active&amp;page=2" in first.content.decode()
    assert len(keeper.get(url, {"status": "active", "page": 2}).context["rows"]) == 5


@pytest.mark.parametrize("count", [2, 20])
def test_the_index_costs_the_same_queries_however_many_services(
    keeper, count, django_assert_max_num_queries
):
    for _ in range(count):
        full_service()
    # Session, user and roles (sign-in); the page: services with their organisation, their
    # count, the counts by status, organisations, terms; the navigation (its tray counts: the
    # offer's sessions waiting for attendance among them).
    with django_assert_max_num_queries(22):
        response = keeper.get(reverse("directory:staff_index"))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 6])
def test_a_service_page_costs_the_same_queries_however_many_parts(
    keeper, count, django_assert_max_num_queries
):
    service = full_service()
    for _ in range(count):
        full_service().pk  # noqa: B018 - other services do not count
        m.Schedule.objects.create(service=service, byday="TU", freq="WEEKLY")
    # +1 since the navigation's tray counts the offer's sessions waiting for attendance.
    with django_assert_max_num_queries(30):
        response = keeper.get(reverse("directory:staff_service", kwargs={"service_id": service.pk}))
    assert len(response.context["parts"]["schedule"]) == count + 1


def test_adding_a_service_keeps_input_and_shows_errors_then_saves(keeper):
    url = reverse("directory:staff_service_add")
    response = keeper.post(url, {"name": "Stay & play", "status": "active", "url": "example"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter the web address in full, starting https://" in body
    assert 'value="Stay &amp; play"' in body
    assert m.Service.objects.count() == 0
    response = keeper.post(
        url, {"name": "Stay & play", "status": "active", "url": "https://example.org"}
    )
    service = m.Service.objects.get()
    assert response["Location"] == reverse(
        "directory:staff_service", kwargs={"service_id": service.pk}
    )
    assert AuditEvent.objects.filter(detail__change="service_create").count() == 1


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(keeper):
    service = full_service()
    url = reverse("directory:staff_service_change", kwargs={"service_id": service.pk})
    form = keeper.get(url).context["form"]
    version = form.initial["version"]
    services.service_update(
        actor=UserFactory(roles=[Role.SYSTEM_ADMINISTRATOR]),
        service=service,
        expected_version=version,
        organization=service.organization,
        **{**{n: getattr(service, n) for n in services.SERVICE_FIELDS}, "name": "Theirs"},
    )
    response = keeper.post(
        url, {"version": version, "name": "Mine", "status": "active", "organization": ""}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this after you opened it" in body
    assert 'value="Mine"' in body
    service.refresh_from_db()
    assert service.name == "Theirs"
    # The form now carries the version as it is, so sending it again saves.
    again = response.context["form"]["version"].value()
    keeper.post(url, {"version": again, "name": "Mine", "status": "active", "organization": ""})
    service.refresh_from_db()
    assert service.name == "Mine"


def test_parts_are_added_changed_and_removed_from_the_service_page(keeper):
    service = ServiceFactory()
    sid = {"service_id": service.pk}
    add = reverse("directory:staff_part_add", kwargs={**sid, "part": "schedule"})
    version = keeper.get(add).context["form"].initial["version"]
    response = keeper.post(add, {"version": version, "opens_at": "9am"})
    assert "Enter the time it opens like 09:30" in response.content.decode()
    response = keeper.post(
        add, {"version": version, "byday": ["MO", "TH"], "opens_at": "09:00", "closes_at": "12:00"}
    )
    assert response.status_code == 302
    schedule = m.Schedule.objects.get(service=service)
    assert schedule.byday == "MO,TH"
    page = keeper.get(reverse("directory:staff_service", kwargs=sid)).content.decode()
    change = reverse(
        "directory:staff_part_change", kwargs={**sid, "part": "schedule", "part_id": schedule.pk}
    )
    remove = reverse(
        "directory:staff_part_remove", kwargs={**sid, "part": "schedule", "part_id": schedule.pk}
    )
    assert change in page and remove in page
    form = keeper.get(change).context["form"]
    assert form.initial["byday"] == ["MO", "TH"]
    version = keeper.get(remove).context["form"].initial["version"]
    assert keeper.post(remove, {"version": version}).status_code == 302
    assert not m.Schedule.objects.exists()


def test_terms_are_chosen_from_the_taxonomies_held(keeper):
    service = ServiceFactory()
    term = TaxonomyTermFactory(name="Parenting")
    url = reverse("directory:staff_service_terms", kwargs={"service_id": service.pk})
    version = keeper.get(url).context["form"].initial["version"]
    keeper.post(url, {"version": version, "terms": [str(term.pk)]})
    assert m.Attribute.objects.get(link_id=service.pk).taxonomy_term == term


def test_organisations_and_terms_are_added_and_changed(keeper):
    response = keeper.post(
        reverse("directory:staff_organization_add"),
        {"name": "Carers Count", "description": "Support for carers", "website": "nope"},
    )
    assert "Enter the website in full, starting https://" in response.content.decode()
    keeper.post(
        reverse("directory:staff_organization_add"),
        {"name": "Carers Count", "description": "Support for carers"},
    )
    organization = m.Organization.objects.get()
    url = reverse(
        "directory:staff_organization_change", kwargs={"organization_id": organization.pk}
    )
    version = keeper.get(url).context["form"].initial["version"]
    keeper.post(url, {"version": version, "name": "Carers Together", "description": "Support"})
    organization.refresh_from_db()
    assert organization.name == "Carers Together"
    listing = keeper.get(reverse("directory:staff_organizations")).content.decode()
    assert "Carers Together" in listing

    keeper.post(reverse("directory:staff_term_add"), {"name": "Housing", "description": "Homes"})
    term = m.TaxonomyTerm.objects.get()
    url = reverse("directory:staff_term_change", kwargs={"term_id": term.pk})
    version = keeper.get(url).context["form"].initial["version"]
    keeper.post(
        url, {"version": version, "name": "Housing", "description": "A home", "taxonomy": ""}
    )
    term.refresh_from_db()
    assert term.description == "A home"
    assert "Housing" in keeper.get(reverse("directory:staff_terms")).content.decode()
