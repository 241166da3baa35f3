"""Section 1 shows each person's address and contact number, as the form asks.

The section page reads them from the family's record; whether a confidential address may be shown
is people.selectors' one rule (a refuge is shown only to those whose team works with the family).
The document (read-only page, print, PDF, the panel's pack) is read by people the rule was not
asked about, so it never shows a confidential address.
"""

from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.presenters import (
    CONFIDENTIAL_ADDRESS,
    NO_ADDRESS,
    NO_PHONE,
    document,
)
from assessments.tests.conftest import client_for
from assessments.tests.factories import AssessmentFactory
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory
from people.models import FamilyMember, Person
from people.tests.factories import AddressFactory, PersonAddressFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(family):
    """The mother (a refuge, confidential, and a mobile), one child at home, one with neither."""
    mother = family.members.get(role=FamilyMember.Role.PARENT_CARER).person
    first, second = [
        m.person for m in family.members.filter(role=FamilyMember.Role.CHILD).order_by("pk")
    ]
    Person.objects.filter(pk=mother.pk).update(phone="07700 900 982")
    # Members are listed by role, then last name.
    Person.objects.filter(pk=first.pk).update(last_name="Ahmed")
    Person.objects.filter(pk=second.pk).update(last_name="Bell")
    for person in (mother, first, second):
        person.refresh_from_db()
    refuge = AddressFactory(line_1="1 Refuge Row", town="Batley", postcode="WF17 5AA")
    PersonAddressFactory(person=mother, address=refuge, is_confidential=True)
    home = AddressFactory(line_1="2 Home Street", town="Dewsbury", postcode="WF13 1AA")
    PersonAddressFactory(person=first, address=home)
    # An address they have moved out of is not how to reach them.
    PersonAddressFactory(
        person=second, address=AddressFactory(line_1="9 Old Road"), moved_out="2024-01-01"
    )
    return mother, first, second


def section_1(user, assessment) -> str:
    url = reverse("assessments:section", kwargs={"assessment_id": assessment.pk, "key": "family"})
    response = client_for(user).get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def contact_cells(html: str) -> list[str]:
    cells = html.split('<td class="govuk-table__cell" data-contact>')[1:]
    return [" ".join(cell.split("</td>", 1)[0].replace("<br>", " | ").split()) for cell in cells]


def test_section_1_shows_each_persons_address_and_number(practitioner, family, people):
    mother, first, second = people
    assessment = AssessmentFactory(worker=practitioner, family=family, children=[first, second])

    html = section_1(practitioner, assessment)

    assert "Address and contact number" in html
    # Members in the record's order: children first, then the parent.
    assert contact_cells(html) == [
        f"2 Home Street, Dewsbury, WF13 1AA | {NO_PHONE}",
        f"{NO_ADDRESS} | {NO_PHONE}",
        "1 Refuge Row, Batley, WF17 5AA | 07700 900 982",
    ]
    assert "9 Old Road" not in html


def test_a_confidential_address_is_hidden_from_someone_not_working_with_the_family(
    practitioner, family, people
):
    mother, first, second = people
    assessment = AssessmentFactory(worker=practitioner, family=family, children=[first, second])
    agency = EarlySupportAgencyFactory()
    leader = UserFactory(
        team=TeamFactory(agency=agency), agency=agency, roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
    )

    html = section_1(leader, assessment)

    assert "Refuge Row" not in html and "WF17 5AA" not in html
    assert contact_cells(html)[2] == (
        f'<span class="app-confidential">{CONFIDENTIAL_ADDRESS}</span> | 07700 900 982'
    )
    assert "2 Home Street" in html


def test_the_document_never_shows_a_confidential_address(practitioner, family, people):
    mother, first, second = people
    assessment = AssessmentFactory(worker=practitioner, family=family, children=[first, second])

    section = next(view for view in document(assessment) if view.key == "family")
    rows = [row for row in section.rows if row[0].startswith("Address and contact number")]

    assert rows == [
        (
            f"Address and contact number: {first.first_name} {first.last_name}",
            f"2 Home Street, Dewsbury, WF13 1AA\n{NO_PHONE}",
        ),
        (
            f"Address and contact number: {second.first_name} {second.last_name}",
            f"{NO_ADDRESS}\n{NO_PHONE}",
        ),
        (
            f"Address and contact number: {mother.first_name} {mother.last_name}",
            f"{CONFIDENTIAL_ADDRESS}\n07700 900 982",
        ),
    ]
    assert "Refuge" not in str(document(assessment))
