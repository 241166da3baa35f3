"""A person's telephone number: asked for in the assessment's section 1 for everyone in it.

One rule (people.services.phone_error): blank, or a UK number however it is spaced. The edit page
and the API refuse the same bad number with the same words; the person page shows it.
"""

import json

import pytest
from django.urls import reverse

from core.models import AuditEvent
from people import services
from people.models import Person
from people.tests.conftest import client_for

pytestmark = pytest.mark.django_db

PEOPLE_API = "/api/v1/people/"


@pytest.mark.parametrize(
    "typed",
    ["01632 960 001", "07700 900 982", "+44 808 157 0192", "+44 (0)1632 960001", "0113-496-0000"],
)
def test_uk_numbers_however_spaced_are_accepted(typed):
    assert services.phone_error(typed) == ""


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", services.PHONE_INVALID),
        ("call the school", services.PHONE_INVALID),
        ("07700 900 982 1", services.PHONE_INVALID),
        ("+1 202 555 0143", services.PHONE_INVALID),
        ("0" * 31, services.PHONE_TOO_LONG),
    ],
)
def test_anything_else_is_refused(typed, message):
    assert services.phone_error(typed) == message


def _edit_post(person, phone):
    return {
        "version": person.version,
        "kind": person.kind,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth_0": str(person.date_of_birth.day),
        "date_of_birth_1": str(person.date_of_birth.month),
        "date_of_birth_2": str(person.date_of_birth.year),
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "disability": person.disability,
        "first_language": person.first_language,
        "phone": phone,
    }


def test_page_and_api_refuse_the_same_number_the_same_way(practitioner, mother):
    form = client_for(practitioner).post(
        reverse("people:person_edit", kwargs={"person_id": mother.pk}), _edit_post(mother, "12345")
    )
    api = client_for(practitioner).patch(
        f"{PEOPLE_API}{mother.pk}/",
        data=json.dumps({"version": mother.version, "phone": "12345"}),
        content_type="application/json",
    )

    assert form.status_code == 200
    assert form.context["form"].errors["phone"] == [services.PHONE_INVALID]
    assert 'value="12345"' in form.content.decode()
    assert api.status_code == 400
    assert api.json() == {"phone": [services.PHONE_INVALID]}
    mother.refresh_from_db()
    assert (mother.phone, mother.version) == ("", 1)


def test_the_edit_page_saves_the_number_and_the_person_page_shows_it(practitioner, mother):
    client = client_for(practitioner)

    response = client.post(
        reverse("people:person_edit", kwargs={"person_id": mother.pk}),
        _edit_post(mother, "  07700   900 982 "),
    )

    assert response.status_code == 302
    mother.refresh_from_db()
    assert (mother.phone, mother.version) == ("07700 900 982", 2)
    event = AuditEvent.objects.filter(
        record_type="people.person", record_id=str(mother.pk), action="update"
    ).get()
    assert event.detail == {"fields": ["phone"]}
    page = client.get(reverse("people:person_detail", kwargs={"person_id": mother.pk}))
    assert "07700 900 982" in page.content.decode()


def test_the_api_sets_and_reads_the_number(practitioner, mother, family):
    client = client_for(practitioner)

    changed = client.patch(
        f"{PEOPLE_API}{mother.pk}/",
        data=json.dumps({"version": mother.version, "phone": "+44 113 496 0000"}),
        content_type="application/json",
    )
    created = client.post(
        PEOPLE_API,
        data=json.dumps(
            {
                "kind": "adult",
                "first_name": "Sam",
                "last_name": "Smith",
                "phone": "01632 960 001",
                "family": str(family.pk),
                "role": "other_adult",
            }
        ),
        content_type="application/json",
    )

    assert changed.status_code == 200
    assert changed.json()["phone"] == "+44 113 496 0000"
    assert created.status_code == 201, created.json()
    assert Person.objects.get(first_name="Sam").phone == "01632 960 001"
    assert client.get(f"{PEOPLE_API}{mother.pk}/").json()["phone"] == "+44 113 496 0000"


def test_the_service_refuses_a_bad_number_whoever_calls_it(practitioner):
    with pytest.raises(services.ValidationError) as refused:
        services.person_create(
            actor=practitioner, kind="adult", first_name="Al", last_name="Smith", phone="999"
        )
    assert refused.value.message_dict == {"phone": [services.PHONE_INVALID]}
    assert not Person.objects.filter(last_name="Smith", first_name="Al").exists()
