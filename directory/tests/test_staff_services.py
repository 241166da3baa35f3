"""The writes behind the staff pages: permission, validation as the standard's, conflicts, audit."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from core.roles import Role
from directory import models as m
from directory import oruk, services
from directory.standard import validator
from directory.tests.factories import (
    AddressFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    full_service,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 3, 10, 0, tzinfo=datetime.UTC)
VALUES = {
    "name": "Stay and play",
    "description": "Play sessions for under-fives and their carers",
    "status": "active",
    "url": "https://example.org/stay-and-play",
    "email": "play@example.org",
    "fees": "",
    "minimum_age": 0.0,
    "maximum_age": 5.0,
    "alert": "",
}


@pytest.fixture
def keeper():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


def compiled_is_valid(service) -> bool:
    data = oruk.encode("service", [m.Service.objects.get(pk=service.pk)])[0]
    return not list(validator("schema/compiled/service.json").iter_errors(data))


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.SYSTEM_ADMINISTRATOR, True),
        (Role.EARLY_SUPPORT_TEAM_LEADER, True),
        (Role.BUSINESS_SUPPORT, True),
        (Role.PRACTITIONER, False),
        (Role.TEAM_MANAGER, False),
        (Role.STRATEGIC_LEAD, False),
    ],
)
def test_who_keeps_the_directory(role, allowed):
    user = UserFactory(roles=[role])
    if allowed:
        assert services.service_create(actor=user, organization=None, **VALUES).pk
    else:
        with pytest.raises(PermissionDenied):
            services.service_create(actor=user, organization=None, **VALUES)
        assert m.Service.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_new_service_is_valid_oruk_stamped_and_audited(keeper):
    organization = OrganizationFactory()
    service = services.service_create(actor=keeper, organization=organization, **VALUES)
    assert service.last_modified == NOW
    assert compiled_is_valid(service)
    event = AuditEvent.objects.get(detail__change="service_create")
    assert (event.action, event.record_id) == ("create", str(service.pk))
    assert event.detail == {"change": "service_create", "status": "active"}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("url", "not a link", "Enter the web address in full, starting https://"),
        ("email", "not an email", "Enter the email address like name@example.org"),
        ("status", "open", "Choose a status from the list"),
    ],
)
def test_what_the_standard_refuses_is_refused_by_field_and_nothing_saved(
    keeper, field, value, message
):
    with pytest.raises(ValidationError) as caught:
        services.service_create(actor=keeper, organization=None, **{**VALUES, field: value})
    assert caught.value.message_dict == {field: [message]}
    assert m.Service.objects.count() == 0
    assert not AuditEvent.objects.filter(detail__change="service_create").exists()


def test_the_oldest_age_cannot_be_below_the_youngest(keeper):
    with pytest.raises(ValidationError) as caught:
        services.service_create(
            actor=keeper, organization=None, **{**VALUES, "minimum_age": 10.0, "maximum_age": 5.0}
        )
    assert list(caught.value.message_dict) == ["maximum_age"]


def test_an_update_changes_only_what_changed_and_bumps_last_modified(keeper):
    service = ServiceFactory(last_modified=NOW - datetime.timedelta(days=3))
    version = services.service_version(service)
    with time_machine.travel(NOW, tick=False):
        services.service_update(
            actor=keeper,
            service=service,
            expected_version=version,
            organization=service.organization,
            **{**VALUES, "name": "Renamed"},
        )
    service.refresh_from_db()
    assert (service.name, service.last_modified) == ("Renamed", NOW)
    event = AuditEvent.objects.get(detail__change="service_update")
    assert "name" in event.detail["fields"]
    assert "Renamed" not in str(event.detail)


def test_an_edit_after_someone_elses_is_refused_as_a_conflict(keeper):
    service = ServiceFactory(last_modified=NOW)
    read = services.service_version(service)
    with time_machine.travel(NOW, tick=False):
        services.service_update(
            actor=keeper,
            service=service,
            expected_version=read,
            organization=service.organization,
            **{**VALUES, "name": "First"},
        )
        # Saved in the same instant: the version still moves on.
        with pytest.raises(StaleVersionError):
            services.service_update(
                actor=keeper,
                service=service,
                expected_version=read,
                organization=service.organization,
                **{**VALUES, "name": "Second"},
            )
        with pytest.raises(StaleVersionError):
            services.service_part_save(
                actor=keeper,
                service=service,
                expected_version=read,
                kind="funding",
                values={"source": "Council grant"},
            )
    service.refresh_from_db()
    assert service.name == "First"
    assert not m.Funding.objects.exists()


def test_a_location_is_added_with_its_address_and_accessibility_then_removed(keeper):
    service = ServiceFactory()
    saved = services.service_part_save(
        actor=keeper,
        service=service,
        expected_version=services.service_version(service),
        kind="location",
        values={
            "name": "Dewsbury Family Hub",
            "location_type": "physical",
            "address_1": "1 Market Street",
            "city": "Dewsbury",
            "state_province": "West Yorkshire",
            "postcode": "WF13 1AA",
            "latitude": 53.69,
            "longitude": -1.63,
            "accessibility": "Step-free entrance",
        },
    )
    address = m.Address.objects.get(location=saved.location)
    assert (address.postal_code, address.country) == ("WF13 1AA", "GB")
    assert m.Accessibility.objects.get(location=saved.location).description == "Step-free entrance"
    assert compiled_is_valid(service)
    service.refresh_from_db()
    services.service_part_remove(
        actor=keeper,
        service=service,
        expected_version=services.service_version(service),
        kind="location",
        part_id=saved.pk,
    )
    assert not m.ServiceAtLocation.objects.exists()
    assert not m.Location.objects.exists()
    assert AuditEvent.objects.filter(detail__change="service_part_remove").count() == 1


def test_removing_a_shared_location_from_one_service_keeps_it_for_the_other(keeper):
    first = ServiceAtLocationFactory()
    other = ServiceAtLocationFactory(location=first.location)
    AddressFactory(location=first.location)
    service = first.service
    services.service_part_remove(
        actor=keeper,
        service=service,
        expected_version=services.service_version(service),
        kind="location",
        part_id=first.pk,
    )
    assert list(m.ServiceAtLocation.objects.all()) == [other]
    assert m.Location.objects.filter(pk=first.location_id).exists()


def test_a_part_of_another_service_is_not_found(keeper):
    mine, theirs = ServiceFactory(), full_service()
    schedule = m.Schedule.objects.get(service=theirs)
    with pytest.raises(m.Schedule.DoesNotExist):
        services.service_part_save(
            actor=keeper,
            service=mine,
            expected_version=services.service_version(mine),
            kind="schedule",
            part_id=schedule.pk,
            values={"byday": ["MO"]},
        )


def test_opening_times_are_written_as_the_standards_weekly_schedule(keeper):
    service = ServiceFactory()
    schedule = services.service_part_save(
        actor=keeper,
        service=service,
        expected_version=services.service_version(service),
        kind="schedule",
        values={"byday": ["FR", "MO"], "opens_at": "09:30", "closes_at": "15:00"},
    )
    assert (schedule.freq, schedule.byday, schedule.opens_at) == ("WEEKLY", "MO,FR", "09:30")
    assert compiled_is_valid(service)


def test_a_contact_is_added_with_its_first_phone_and_changed_without_touching_phones(keeper):
    service = ServiceFactory()
    version = services.service_version(service)
    contact = services.service_part_save(
        actor=keeper,
        service=service,
        expected_version=version,
        kind="contact",
        values={"name": "Duty desk", "phone": " 01484  000000 "},
    )
    assert m.Phone.objects.get(contact=contact).number == "01484 000000"
    service.refresh_from_db()
    services.service_part_save(
        actor=keeper,
        service=service,
        expected_version=services.service_version(service),
        kind="contact",
        part_id=contact.pk,
        values={"name": "Front desk"},
    )
    # Each phone is changed or removed on its own (service_subpart_save / _remove).
    assert list(m.Phone.objects.values_list("number", flat=True)) == ["01484 000000"]


def test_an_address_the_standard_would_refuse_is_refused_by_field(keeper):
    service = ServiceFactory()
    with pytest.raises(ValidationError) as caught:
        services.service_part_save(
            actor=keeper,
            service=service,
            expected_version=services.service_version(service),
            kind="location",
            values={
                "name": "Hub",
                "address_1": "1 High Street",
                "city": "Batley",
                "postcode": "WF17",
            },
        )
    assert caught.value.message_dict == {"state_province": ["Enter the county"]}
    assert not m.Location.objects.exists()


def test_taxonomy_terms_are_set_as_attributes(keeper):
    service = ServiceFactory()
    first, second = TaxonomyTermFactory(), TaxonomyTermFactory()
    services.service_terms_set(
        actor=keeper,
        service=service,
        expected_version=services.service_version(service),
        terms=[first, second],
    )
    service.refresh_from_db()
    services.service_terms_set(
        actor=keeper,
        service=service,
        expected_version=services.service_version(service),
        terms=[second],
    )
    links = m.Attribute.objects.filter(link_id=service.pk, link_entity="service")
    assert [a.taxonomy_term_id for a in links] == [second.pk]
    assert compiled_is_valid(service)


def test_organisations_are_checked_versioned_and_audited(keeper):
    organization = services.organization_create(
        actor=keeper, name="Kirklees Carers", description="Support for carers"
    )
    version = services.organization_version(organization)
    services.organization_update(
        actor=keeper,
        organization=organization,
        expected_version=version,
        name="Carers Count",
        description="Support for carers",
        website="https://example.org",
    )
    with pytest.raises(StaleVersionError):
        services.organization_update(
            actor=keeper,
            organization=organization,
            expected_version=version,
            name="Lost",
            description="Support for carers",
        )
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=keeper, name="Bad", description="d", website="www.example.org"
        )
    assert list(caught.value.message_dict) == ["website"]
    assert [o.name for o in m.Organization.objects.all()] == ["Carers Count"]
    assert AuditEvent.objects.filter(detail__change__startswith="organization").count() == 2


def test_taxonomy_terms_are_checked_versioned_and_audited(keeper):
    term = services.taxonomy_term_create(
        actor=keeper, taxonomy=None, name="Parenting", description="Help with parenting"
    )
    version = services.term_version(term)
    taxonomy = TaxonomyTermFactory().taxonomy_detail
    services.taxonomy_term_update(
        actor=keeper,
        term=term,
        expected_version=version,
        taxonomy=taxonomy,
        name="Parenting support",
        description="Help with parenting",
    )
    with pytest.raises(StaleVersionError):
        services.taxonomy_term_update(
            actor=keeper,
            term=term,
            expected_version=version,
            taxonomy=None,
            name="Lost",
            description="x",
        )
    term.refresh_from_db()
    assert (term.name, term.taxonomy_detail) == ("Parenting support", taxonomy)
    with pytest.raises(PermissionDenied):
        services.taxonomy_term_create(
            actor=UserFactory(roles=[Role.PRACTITIONER]), taxonomy=None, name="n", description="d"
        )
