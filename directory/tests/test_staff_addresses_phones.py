"""Every address of a location and every phone of a contact: added, changed and removed one at a
time from the service's staff page, through the same service (its version check and the
standard's compiled schema), and shown on the public page and in the ORUK API."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory, sign_in_verified
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from core.roles import Role
from directory import models as m
from directory import oruk, services
from directory.standard import validator
from directory.tests.factories import (
    AddressFactory,
    ContactFactory,
    LocationFactory,
    PhoneFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

BAD_NUMBER = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


@pytest.fixture
def actor():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def keeper(actor):
    return sign_in_verified(Client(), actor)


@pytest.fixture
def contact():
    contact = ContactFactory(service=ServiceFactory(name="Stay and play"), name="Reception")
    PhoneFactory(contact=contact, number="01632 960001", description="Bookings")
    return contact


@pytest.fixture
def sal():
    location = LocationFactory(name="Market hall")
    AddressFactory(
        location=location,
        address_1="1 Market Street",
        city="Springfield",
        postal_code="AB1 2CD",
    )
    return ServiceAtLocationFactory(service=ServiceFactory(name="Drop in"), location=location)


def _kw(contact, **extra):
    return {"service_id": contact.service_id, "part": "contact", "part_id": contact.pk, **extra}


def _version(client, url) -> str:
    return client.get(url).context["form"].initial["version"]


def compiled_is_valid(service) -> bool:
    data = oruk.encode("service", [m.Service.objects.get(pk=service.pk)])[0]
    return not list(validator("schema/compiled/service.json").iter_errors(data))


def test_a_second_phone_is_added_and_shown_on_the_public_page_and_in_the_api(
    keeper, contact, client
):
    add = reverse("directory:staff_subpart_add", kwargs=_kw(contact, sub="phone"))
    page = keeper.get(add)
    assert page.status_code == 200
    assert page.context["title"] == "Add another phone number"
    response = keeper.post(
        add,
        {"version": _version(keeper, add), "number": "07700 900982", "description": "Text only"},
    )
    staff_page = reverse("directory:staff_service", kwargs={"service_id": contact.service_id})
    assert response.status_code == 302
    assert response["Location"] == f"{staff_page}#contact"
    assert list(
        m.Phone.objects.filter(contact=contact).order_by("number").values_list("number", flat=True)
    ) == ["01632 960001", "07700 900982"]
    assert compiled_is_valid(contact.service)
    assert (
        AuditEvent.objects.filter(detail__change="service_part_save", detail__part="phone").count()
        == 1
    )

    body = keeper.get(staff_page).content.decode()
    for phone in m.Phone.objects.filter(contact=contact):
        for name in ("staff_subpart_change", "staff_subpart_remove"):
            assert (
                reverse(f"directory:{name}", kwargs=_kw(contact, sub="phone", sub_id=phone.pk))
                in body
            )

    public = client.get(
        reverse("directory:find_support_service", kwargs={"id": contact.service_id})
    ).content.decode()
    assert "01632 960001" in public and "07700 900982" in public and "Text only" in public

    # The standard's compiled service (as shipped in directory/standard/) nests a service's
    # contacts but not their phones (a phone names its contact_id; no table nests it), so the
    # API answers the contact, still valid, and the phones stay in the phone table's shape.
    api = client.get(f"/oruk/services/{contact.service_id}").json()
    assert [(c["id"], c["name"]) for c in api["contacts"]] == [(str(contact.pk), "Reception")]
    assert not list(validator("schema/compiled/service.json").iter_errors(api))
    phones = m.Phone.objects.filter(contact=contact).order_by("number")
    assert [p["number"] for p in oruk.encode("phone", list(phones))] == [
        "01632 960001",
        "07700 900982",
    ]


def test_a_phone_is_changed(keeper, contact):
    phone = m.Phone.objects.get(contact=contact)
    url = reverse(
        "directory:staff_subpart_change", kwargs=_kw(contact, sub="phone", sub_id=phone.pk)
    )
    form = keeper.get(url).context["form"]
    assert (form.initial["number"], form.initial["description"]) == ("01632 960001", "Bookings")
    response = keeper.post(url, {"version": form.initial["version"], "number": "+44 808 157 0192"})
    assert response.status_code == 302
    phone.refresh_from_db()
    assert (phone.number, phone.description) == ("+44 808 157 0192", "")


def test_a_phone_is_removed_on_the_confirmation_page(keeper, contact):
    second = PhoneFactory(contact=contact, number="07700 900982")
    url = reverse(
        "directory:staff_subpart_remove", kwargs=_kw(contact, sub="phone", sub_id=second.pk)
    )
    page = keeper.get(url)
    assert page.status_code == 200
    assert page.context["summary"] == [("Phone number", "07700 900982")]
    assert "Remove the phone number?" in page.content.decode()
    response = keeper.post(url, {"version": page.context["form"].initial["version"]})
    assert response.status_code == 302
    assert list(m.Phone.objects.values_list("number", flat=True)) == ["01632 960001"]
    assert (
        AuditEvent.objects.filter(
            detail__change="service_part_remove", detail__part="phone"
        ).count()
        == 1
    )


@pytest.mark.parametrize("number", ["call us", "0800 CALL NOW", "12", "01632 960001 ext 4"])
def test_a_bad_number_is_refused_with_the_govuk_error_and_kept(keeper, contact, number):
    add = reverse("directory:staff_subpart_add", kwargs=_kw(contact, sub="phone"))
    response = keeper.post(add, {"version": _version(keeper, add), "number": number})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert BAD_NUMBER in body
    assert f'value="{number}"' in body
    assert m.Phone.objects.filter(contact=contact).count() == 1


def test_a_bad_first_number_on_a_new_contact_is_refused_by_the_phone_field(keeper):
    service = ServiceFactory()
    add = reverse("directory:staff_part_add", kwargs={"service_id": service.pk, "part": "contact"})
    response = keeper.post(add, {"version": _version(keeper, add), "name": "Desk", "phone": "call"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"phone": [BAD_NUMBER]}
    assert 'value="call"' in response.content.decode()
    assert not m.Contact.objects.exists()


def test_a_stale_phone_edit_is_refused_and_keeps_what_was_typed(keeper, contact, actor):
    add = reverse("directory:staff_subpart_add", kwargs=_kw(contact, sub="phone"))
    version = _version(keeper, add)
    services.service_update(
        actor=actor,
        service=contact.service,
        expected_version=version,
        organization=None,
        name="Theirs",
    )
    response = keeper.post(add, {"version": version, "number": "07700 900982"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this after you opened it" in body
    assert 'value="07700 900982"' in body
    assert m.Phone.objects.filter(contact=contact).count() == 1
    again = response.context["form"]["version"].value()
    assert keeper.post(add, {"version": again, "number": "07700 900982"}).status_code == 302


def test_a_stale_remove_is_refused(contact, actor):
    phone = m.Phone.objects.get(contact=contact)
    with pytest.raises(StaleVersionError):
        services.service_subpart_remove(
            actor=actor,
            service=contact.service,
            expected_version="2000-01-01T00:00:00+00:00",
            kind="phone",
            part_id=contact.pk,
            sub_id=phone.pk,
        )
    assert m.Phone.objects.count() == 1


def test_a_nameless_contact_keeps_its_last_phone(keeper, actor):
    contact = ContactFactory(name="", title="")
    phone = PhoneFactory(contact=contact)
    with pytest.raises(ValidationError) as caught:
        services.service_subpart_remove(
            actor=actor,
            service=contact.service,
            expected_version=services.service_version(contact.service),
            kind="phone",
            part_id=contact.pk,
            sub_id=phone.pk,
        )
    assert "remove the contact instead" in caught.value.messages[0]
    assert m.Phone.objects.count() == 1


def test_another_services_phone_and_a_wrong_kind_are_404(keeper, contact):
    other = PhoneFactory(contact=ContactFactory())
    for kw in (
        _kw(contact, sub="phone", sub_id=other.pk),
        _kw(contact, sub="address", sub_id=other.pk),
        {**_kw(contact, sub="phone", sub_id=other.pk), "part": "location"},
    ):
        assert keeper.get(reverse("directory:staff_subpart_change", kwargs=kw)).status_code == 404
    with pytest.raises(m.Phone.DoesNotExist):
        services.service_subpart_save(
            actor=UserFactory(roles=[Role.SYSTEM_ADMINISTRATOR]),
            service=contact.service,
            expected_version=services.service_version(contact.service),
            kind="phone",
            part_id=contact.pk,
            sub_id=other.pk,
            values={"number": "01632 960002"},
        )


def test_someone_who_does_not_keep_the_directory_may_not(contact):
    practitioner = sign_in_verified(Client(), UserFactory(roles=[Role.PRACTITIONER]))
    add = reverse("directory:staff_subpart_add", kwargs=_kw(contact, sub="phone"))
    assert practitioner.get(add).status_code == 403


def test_changing_a_contact_leaves_its_phones_alone(keeper, contact):
    PhoneFactory(contact=contact, number="07700 900982")
    url = reverse(
        "directory:staff_part_change",
        kwargs={"service_id": contact.service_id, "part": "contact", "part_id": contact.pk},
    )
    form = keeper.get(url).context["form"]
    assert "phone" not in form.fields
    response = keeper.post(url, {"version": form.initial["version"], "name": "Front desk"})
    assert response.status_code == 302
    assert m.Phone.objects.filter(contact=contact).count() == 2


# ------------------------------------------------------------------ addresses


def _akw(sal, **extra):
    return {"service_id": sal.service_id, "part": "location", "part_id": sal.pk, **extra}


POSTAL = {
    "address_type": "postal",
    "attention": "Bookings",
    "address_1": "PO Box 12",
    "city": "Springfield",
    "state_province": "West Yorkshire",
    "postcode": "AB1 9ZZ",
}


def test_a_postal_address_is_added_beside_the_physical_one(keeper, sal, client):
    add = reverse("directory:staff_subpart_add", kwargs=_akw(sal, sub="address"))
    assert keeper.get(add).context["title"] == "Add another address"
    response = keeper.post(add, {"version": _version(keeper, add), **POSTAL})
    assert response.status_code == 302
    kinds = m.Address.objects.filter(location=sal.location).order_by("address_type")
    assert [(a.address_type, a.postal_code) for a in kinds] == [
        ("physical", "AB1 2CD"),
        ("postal", "AB1 9ZZ"),
    ]
    assert compiled_is_valid(sal.service)
    body = keeper.get(
        reverse("directory:staff_service", kwargs={"service_id": sal.service_id})
    ).content.decode()
    assert "Postal address" in body and "PO Box 12" in body
    api = client.get(f"/oruk/services/{sal.service_id}").json()
    addresses = api["service_at_locations"][0]["location"]["addresses"]
    assert sorted(a["address_type"] for a in addresses) == ["physical", "postal"]


def test_an_address_is_changed_and_removed(keeper, sal):
    address = m.Address.objects.get(location=sal.location)
    url = reverse(
        "directory:staff_subpart_change", kwargs=_akw(sal, sub="address", sub_id=address.pk)
    )
    form = keeper.get(url).context["form"]
    assert form.initial["postcode"] == "AB1 2CD"
    response = keeper.post(url, {**form.initial, "postcode": "AB1 3EF", "attention": ""})
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.postal_code == "AB1 3EF"
    remove = reverse(
        "directory:staff_subpart_remove", kwargs=_akw(sal, sub="address", sub_id=address.pk)
    )
    response = keeper.post(remove, {"version": _version(keeper, remove)})
    assert response.status_code == 302
    assert not m.Address.objects.exists()
    assert m.Location.objects.filter(pk=sal.location_id).exists()


def test_a_missing_county_is_refused_and_the_input_kept(keeper, sal):
    add = reverse("directory:staff_subpart_add", kwargs=_akw(sal, sub="address"))
    response = keeper.post(add, {"version": _version(keeper, add), **POSTAL, "state_province": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"state_province": ["Enter the county"]}
    assert 'value="PO Box 12"' in response.content.decode()
    assert m.Address.objects.count() == 1


def test_the_service_refuses_an_address_type_the_pages_do_not_offer(sal, actor):
    with pytest.raises(ValidationError) as caught:
        services.service_subpart_save(
            actor=actor,
            service=sal.service,
            expected_version=services.service_version(sal.service),
            kind="address",
            part_id=sal.pk,
            values={**POSTAL, "address_type": "virtual"},
        )
    assert list(caught.value.message_dict) == ["address_type"]
    assert m.Address.objects.count() == 1


def test_changing_a_location_leaves_its_addresses_alone(keeper, sal):
    AddressFactory(location=sal.location, address_type="postal")
    url = reverse("directory:staff_part_change", kwargs=_akw(sal))
    form = keeper.get(url).context["form"]
    assert "address_1" not in form.fields
    response = keeper.post(
        url, {"version": form.initial["version"], "name": "New hall", "location_type": "physical"}
    )
    assert response.status_code == 302
    assert m.Address.objects.filter(location=sal.location).count() == 2
