import datetime

import factory
from factory.django import DjangoModelFactory

from directory import models as m


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = m.Organization

    name = factory.Faker("company", locale="en_GB")
    description = factory.Faker("sentence", locale="en_GB")
    email = factory.Faker("company_email", locale="en_GB")
    website = factory.Faker("url", locale="en_GB")


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = m.Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n:04d}")
    description = factory.Faker("paragraph", locale="en_GB")
    status = "active"
    url = factory.Faker("url", locale="en_GB")
    minimum_age = 0
    maximum_age = 18
    last_modified = factory.Faker("date_time", tzinfo=datetime.UTC)


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = m.Location

    location_type = "physical"
    name = factory.Faker("street_name", locale="en_GB")
    latitude = 53.65
    longitude = -1.78


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = m.Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Faker("street_address", locale="en_GB")
    city = "Huddersfield"
    state_province = "West Yorkshire"
    postal_code = factory.Faker("postcode", locale="en_GB")
    country = "GB"
    address_type = "physical"


class ServiceAtLocationFactory(DjangoModelFactory):
    class Meta:
        model = m.ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class ScheduleFactory(DjangoModelFactory):
    class Meta:
        model = m.Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = "WEEKLY"
    byday = "MO,WE"
    opens_at = "09:00"
    closes_at = "17:00"


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = m.Contact

    service = factory.SubFactory(ServiceFactory)
    name = factory.Faker("name", locale="en_GB")
    title = "Coordinator"


class TaxonomyFactory(DjangoModelFactory):
    class Meta:
        model = m.Taxonomy

    name = factory.Sequence(lambda n: f"Needs {n}")
    description = "Needs a family may have"


class TaxonomyTermFactory(DjangoModelFactory):
    class Meta:
        model = m.TaxonomyTerm

    taxonomy_detail = factory.SubFactory(TaxonomyFactory)
    name = factory.Sequence(lambda n: f"Need {n}")
    description = "A need"


class AttributeFactory(DjangoModelFactory):
    class Meta:
        model = m.Attribute

    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)
    link_entity = "service"
    link_type = "need"


def full_service(**kwargs) -> m.Service:
    """A service with one of each record the API nests."""
    service = ServiceFactory(**kwargs)
    sal = ServiceAtLocationFactory(service=service)
    AddressFactory(location=sal.location)
    ScheduleFactory(service=service)
    ContactFactory(service=service)
    AttributeFactory(link_id=service.pk)
    return service


# The find support pages' records (directory/tests/test_find_support*.py).
class PostcodeCentroidFactory(DjangoModelFactory):
    class Meta:
        model = m.PostcodeCentroid
        django_get_or_create = ("postcode",)

    postcode = factory.Sequence(lambda n: f"HD{n % 9 + 1} {n % 10}AB")
    outward = factory.LazyAttribute(lambda o: o.postcode.split(" ")[0])
    latitude = 53.65
    longitude = -1.78


class CostOptionFactory(DjangoModelFactory):
    class Meta:
        model = m.CostOption

    service = factory.SubFactory(ServiceFactory)
    option = "Per session"
    amount = 2


class PhoneFactory(DjangoModelFactory):
    class Meta:
        model = m.Phone

    contact = factory.SubFactory(ContactFactory)
    number = "01632 960123"


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = m.ServiceArea

    service = factory.SubFactory(ServiceFactory)
    name = "Huddersfield"


class AccessibilityFactory(DjangoModelFactory):
    class Meta:
        model = m.Accessibility

    location = factory.SubFactory(LocationFactory)
    description = "Step-free entrance"
