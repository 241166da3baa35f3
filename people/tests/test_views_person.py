"""The person page, its access log, and the small forms that add to it."""

from datetime import date
from html import unescape

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from core.audit import Action, audit_record
from core.models import AuditEvent
from core.tests.factories import AgencyFactory
from people import services
from people.models import (
    ChronologyEntry,
    FamilyMember,
    ParentalResponsibility,
    ProfessionalInvolvement,
    Relationship,
)
from people.presenters import CONFIDENTIAL_ADDRESS_TEXT
from people.tests.conftest import audit_events_for, client_for
from people.tests.factories import (
    AddressFactory,
    AdultFactory,
    ChronologyEntryFactory,
    ConfidentialAddressFactory,
    FamilyFactory,
    FamilyMemberFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    ParentalResponsibilityFactory,
    PersonAddressFactory,
    PersonNameFactory,
    ProfessionalInvolvementFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db


def person_url(person, name="people:person_detail"):
    return reverse(name, kwargs={"person_id": person.pk})


# ---------------------------------------------------------------- the person page


def test_person_page_shows_the_record_in_words(practitioner_client, family, child, mother):
    PersonNameFactory(person=child, first_name="Amelia", last_name="Brown")
    RelationshipFactory(person=mother, relative=child, kind=Relationship.Kind.MOTHER)
    ParentalResponsibilityFactory(
        child=child, adult=mother, basis=ParentalResponsibility.Basis.BIRTH_MOTHER
    )
    ProfessionalInvolvementFactory(
        person=child, name="Pat Nurse", role="School nurse", phone="01234 111222"
    )
    child.ethnicity = "WBRI"
    child.save()

    response = practitioner_client.get(person_url(child))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Amy Smith" in html
    assert "Amelia Brown" in html
    assert "White British" in html  # the description, not the code
    assert "Jane Smith</a> is their mother" in html
    assert "has parental responsibility (birth mother" in html
    assert "Pat Nurse" in html and "School nurse" in html and "01234 111222" in html
    assert reverse("people:family_detail", kwargs={"family_id": family.pk}) in html
    assert person_url(child, "people:person_edit") in html
    assert person_url(child, "people:chronology_add") in html
    assert person_url(child, "people:professional_add") in html
    # A practitioner does not oversee others' work, so is not offered the access log.
    assert person_url(child, "people:person_access_log") not in html
    assert 'aria-current="page"' in html and "Find a person" in html


def test_relationships_read_from_the_other_side(practitioner_client, family, child, mother):
    RelationshipFactory(person=mother, relative=child, kind=Relationship.Kind.MOTHER)
    ParentalResponsibilityFactory(
        child=child, adult=mother, basis=ParentalResponsibility.Basis.BIRTH_MOTHER
    )

    html = practitioner_client.get(person_url(mother)).content.decode()

    assert "Mother of <a" in html and "Amy Smith</a>" in html
    assert "Has parental responsibility for <a" in html


def test_relative_outside_scope_is_named_but_not_linked(
    practitioner_client, family, child, other_child
):
    RelationshipFactory(person=child, relative=other_child, kind=Relationship.Kind.HALF_SIBLING)

    html = practitioner_client.get(person_url(child)).content.decode()

    assert "Half-brother or half-sister of Olly Jones" in html
    assert person_url(other_child) not in html


def test_each_view_of_a_person_writes_exactly_one_audit_event(
    practitioner, practitioner_client, child
):
    before = AuditEvent.objects.count()

    practitioner_client.get(person_url(child))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.actor == practitioner
    assert event.action == Action.VIEW
    assert (event.record_type, event.record_id) == ("people.person", str(child.pk))
    assert event.detail == {"confidential_address_shown": False}


def test_chronology_shows_ten_then_the_rest_on_the_same_page(practitioner_client, child):
    for day in range(1, 13):
        ChronologyEntryFactory(
            person=child, occurred_on=date(2025, 1, day), summary=f"Event on day {day}."
        )

    html = practitioner_client.get(person_url(child)).content.decode()

    assert html.index("Event on day 12.") < html.index("Event on day 3.")
    assert "Show 2 older entries" in html
    assert html.index("Show 2 older entries") < html.index("Event on day 2.")
    assert 'id="chronology"' in html


def test_confidential_address_shown_to_the_team_working_with_the_family(
    practitioner, child, family
):
    ConfidentialAddressFactory(
        person=child, address=AddressFactory(line_1="1 Refuge Road", postcode="HD1 1AA")
    )

    response = client_for(practitioner).get(person_url(child))

    assert "1 Refuge Road" in response.content.decode()
    assert audit_events_for(child).latest("id").detail == {"confidential_address_shown": True}


def test_confidential_address_hidden_from_early_support_outside_the_team(
    early_support_practitioner, child, family
):
    ConfidentialAddressFactory(
        person=child, address=AddressFactory(line_1="1 Refuge Road", postcode="HD1 1AA")
    )
    household = HouseholdFactory(
        family=family,
        name="Refuge",
        is_confidential=True,
        address=AddressFactory(line_1="2 Safe Street"),
    )
    HouseholdMemberFactory(household=household, person=child)

    response = client_for(early_support_practitioner).get(person_url(child))

    html = response.content.decode()
    assert response.status_code == 200  # the early support service sees every family...
    assert "1 Refuge Road" not in html and "HD1 1AA" not in html  # ...but not where a refuge is
    assert "2 Safe Street" not in html
    assert CONFIDENTIAL_ADDRESS_TEXT in html
    assert audit_events_for(child).latest("id").detail == {"confidential_address_shown": False}


def test_address_history_and_current_address(practitioner_client, child):
    PersonAddressFactory(
        person=child,
        address=AddressFactory(line_1="Old House"),
        moved_in=date(2018, 1, 1),
        moved_out=date(2021, 1, 1),
    )
    PersonAddressFactory(
        person=child, address=AddressFactory(line_1="New House"), moved_in=date(2021, 1, 1)
    )

    html = practitioner_client.get(person_url(child)).content.decode()

    assert html.index("New House") < html.index("Address history") < html.index("Old House")


def test_household_of_a_family_out_of_scope_is_not_shown(practitioner_client, child, other_team):
    elsewhere = FamilyFactory(team=other_team)
    FamilyMemberFactory(family=elsewhere, person=child)
    HouseholdMemberFactory(
        household=HouseholdFactory(family=elsewhere, name="Dad's flat"), person=child
    )

    html = practitioner_client.get(person_url(child)).content.decode()

    assert "Dad&#x27;s flat" not in html and "Dad's flat" not in html
    assert elsewhere.reference not in html


def _build_busy_person(child, family, n):
    for _ in range(n):
        PersonNameFactory(person=child)
        PersonAddressFactory(person=child, moved_out=date(2020, 1, 1))
        ChronologyEntryFactory(person=child)
        ProfessionalInvolvementFactory(person=child, agency=AgencyFactory())
        relative = AdultFactory()
        FamilyMemberFactory(family=family, person=relative, role=FamilyMember.Role.OTHER_ADULT)
        RelationshipFactory(person=relative, relative=child, kind=Relationship.Kind.AUNT_UNCLE)
        RelationshipFactory(person=child, relative=relative, kind=Relationship.Kind.OTHER)
        ParentalResponsibilityFactory(
            child=child, adult=relative, basis=ParentalResponsibility.Basis.AGREEMENT
        )
        HouseholdMemberFactory(household=HouseholdFactory(family=family), person=child)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_person_page_runs_a_fixed_number_of_queries(practitioner_client, child, family):
    _build_busy_person(child, family, 1)
    small = _count_queries(practitioner_client, person_url(child))
    _build_busy_person(child, family, 8)
    large = _count_queries(practitioner_client, person_url(child))
    assert small == large


# ---------------------------------------------------------------- who has viewed this record


def test_manager_sees_who_viewed_the_record(manager, practitioner, child):
    client_for(practitioner).get(person_url(child))
    manager_client = client_for(manager)

    response = manager_client.get(person_url(child, "people:person_access_log"))

    # Faker's en_GB names include apostrophes (O'Brien), which the template escapes.
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert practitioner.get_full_name() in html
    assert "Viewed" in html and "This website" in html
    assert practitioner.team.name in html
    page_event = audit_events_for(child).latest("id")
    assert page_event.actor == manager
    assert page_event.detail == {"page": "access_log"}
    # The person page offers the link to those who may follow it.
    assert (
        person_url(child, "people:person_access_log")
        in manager_client.get(person_url(child)).content.decode()
    )


def test_access_log_is_newest_first_and_paginated(manager, child):
    client = client_for(manager)
    with transaction.atomic():
        for _ in range(55):
            audit_record(actor=manager, action=Action.VIEW, target=child)

    first = client.get(person_url(child, "people:person_access_log"))
    second = client.get(person_url(child, "people:person_access_log") + "?page=2")

    assert len(first.context["page_obj"].object_list) == 50
    events = list(first.context["page_obj"].object_list)
    assert events[0].detail == {"page": "access_log"}  # this very view, newest first
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    assert 'class="govuk-pagination"' in first.content.decode()
    assert len(second.context["page_obj"].object_list) == 7  # 55 views + 2 access-log views


def test_practitioner_cannot_see_the_access_log(practitioner_client, child):
    before = AuditEvent.objects.count()
    assert practitioner_client.get(person_url(child, "people:person_access_log")).status_code == 404
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- changing details


def _edit_data(person, **overrides):
    data = {
        "version": person.version,
        "kind": person.kind,
        "first_name": person.first_name,
        "middle_names": person.middle_names,
        "last_name": person.last_name,
        "preferred_name": person.preferred_name,
        "date_of_birth_0": person.date_of_birth.day if person.date_of_birth else "",
        "date_of_birth_1": person.date_of_birth.month if person.date_of_birth else "",
        "date_of_birth_2": person.date_of_birth.year if person.date_of_birth else "",
        "expected_date_of_delivery_0": "",
        "expected_date_of_delivery_1": "",
        "expected_date_of_delivery_2": "",
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "disability": person.disability,
        "disability_details": "",
        "first_language": person.first_language,
        "communication_needs": "",
    }
    data.update(overrides)
    return data


def test_edit_form_shows_current_details(practitioner_client, child):
    response = practitioner_client.get(person_url(child, "people:person_edit"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="version" value="1"' in html
    assert 'value="Amy"' in html
    assert 'name="date_of_birth_2" value="2016"' in html
    assert audit_events_for(child).latest("id").detail == {"page": "edit", "stale": False}


def test_edit_saves_through_the_service(practitioner, practitioner_client, child):
    response = practitioner_client.post(
        person_url(child, "people:person_edit"),
        _edit_data(child, preferred_name="Ames", has_ehcp="on"),
    )

    assert response.status_code == 302
    assert response["Location"] == person_url(child)
    child.refresh_from_db()
    assert (child.preferred_name, child.has_ehcp, child.version) == ("Ames", True, 2)
    update = audit_events_for(child).get(action=Action.UPDATE)
    assert update.actor == practitioner
    assert update.detail == {"fields": ["has_ehcp", "preferred_name"]}
    followed = practitioner_client.get(response["Location"])
    assert "Details saved" in followed.content.decode()


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(practitioner, manager, child):
    client = client_for(practitioner)
    opened = client.get(person_url(child, "people:person_edit"))
    assert 'name="version" value="1"' in opened.content.decode()
    # Someone else saves in the meantime: version 1 -> 2.
    services.person_update(
        actor=manager, person=child, expected_version=1, changes={"first_language": "Polish"}
    )

    # What they typed on the form they opened before that save (first language still English).
    response = client.post(
        person_url(child, "people:person_edit"),
        _edit_data(child, version=1, preferred_name="Typed by me", first_language="English"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "This record was changed by someone else since you opened it" in html
    assert 'value="Typed by me"' in html  # what they typed is kept
    assert "Current saved details" in html and "Polish" in html  # and what is saved is shown
    assert html.count("Not what you typed") == 2  # first language and preferred name
    # The hidden version now holds the current one, so a deliberate second save can go through.
    assert 'name="version" value="2"' in html
    child.refresh_from_db()
    assert (child.preferred_name, child.first_language, child.version) == ("", "Polish", 2)
    assert not audit_events_for(child).filter(action=Action.UPDATE, actor=practitioner).exists()

    resubmitted = client.post(
        person_url(child, "people:person_edit"),
        _edit_data(child, version=2, preferred_name="Typed by me"),
    )
    assert resubmitted.status_code == 302
    child.refresh_from_db()
    assert (child.preferred_name, child.version) == ("Typed by me", 3)


def test_future_date_of_birth_shows_the_error_summary_and_keeps_input(practitioner_client, child):
    next_year = clock.today().year + 1
    response = practitioner_client.post(
        person_url(child, "people:person_edit"),
        _edit_data(child, date_of_birth_2=next_year, preferred_name="Kept value"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Date of birth must be today or in the past" in html
    assert 'href="#id_date_of_birth_0"' in html
    assert 'value="Kept value"' in html
    assert f'name="date_of_birth_2" value="{next_year}"' in html
    assert "<title>Error: " in html
    child.refresh_from_db()
    assert child.version == 1


def test_unborn_needs_an_expected_date_of_delivery(practitioner_client, child):
    response = practitioner_client.post(
        person_url(child, "people:person_edit"),
        _edit_data(
            child, kind="unborn", date_of_birth_0="", date_of_birth_1="", date_of_birth_2=""
        ),
    )

    html = response.content.decode()
    assert "Enter the expected date of delivery" in html
    assert 'href="#id_expected_date_of_delivery_0"' in html


def test_service_validation_errors_are_shown_on_the_form(practitioner_client, child, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"date_of_birth": "Refused by the service"})

    monkeypatch.setattr(services, "person_update", refuse)
    response = practitioner_client.post(
        person_url(child, "people:person_edit"), _edit_data(child, preferred_name="X")
    )

    assert "Refused by the service" in response.content.decode()


# ---------------------------------------------------------------- adding to the record


def test_add_chronology_entry(practitioner, practitioner_client, child):
    page = practitioner_client.get(person_url(child, "people:chronology_add"))
    assert page.status_code == 200
    assert audit_events_for(child).latest("id").detail == {"page": "add_chronology"}

    response = practitioner_client.post(
        person_url(child, "people:chronology_add"),
        {
            "occurred_on_0": "3",
            "occurred_on_1": "2",
            "occurred_on_2": "2026",
            "category": ChronologyEntry.Category.WAS_NOT_BROUGHT,
            "summary": "Was not brought to the dentist.",
            "source": "Dental practice",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == person_url(child)
    entry = ChronologyEntry.objects.get(person=child)
    assert (entry.occurred_on, entry.recorded_by) == (date(2026, 2, 3), practitioner)
    assert audit_events_for(child).latest("id").action == Action.UPDATE
    followed = practitioner_client.get(response["Location"]).content.decode()
    assert "Chronology entry added" in followed and "govuk-notification-banner--success" in followed
    assert "Was not brought to the dentist." in followed


def test_add_chronology_entry_errors_keep_what_was_typed(practitioner_client, child):
    response = practitioner_client.post(
        person_url(child, "people:chronology_add"),
        {
            "occurred_on_0": "3",
            "occurred_on_1": "",
            "occurred_on_2": "2026",
            "summary": "Typed summary",
        },
    )

    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Date must include a month" in html
    assert "Select what kind of event it was" in html
    assert 'href="#id_category_1"' in html
    assert "Typed summary" in html
    assert not ChronologyEntry.objects.exists()


def test_add_professional_from_an_agency(practitioner_client, child):
    agency = AgencyFactory(name="Greenfield Primary School")
    response = practitioner_client.post(
        person_url(child, "people:professional_add"),
        {
            "name": "Sam Teacher",
            "role": "Class teacher",
            "agency": agency.pk,
            "phone": "01234 000000",
            "email": "sam@example.org",
            "started_on_0": "1",
            "started_on_1": "9",
            "started_on_2": "2025",
        },
    )

    assert response.status_code == 302
    involvement = ProfessionalInvolvement.objects.get(person=child)
    assert (involvement.organisation_name, involvement.started_on) == (
        "Greenfield Primary School",
        date(2025, 9, 1),
    )
    html = practitioner_client.get(person_url(child)).content.decode()
    assert "Professional added" in html and "Greenfield Primary School" in html


def test_add_professional_needs_an_agency_or_organisation(practitioner_client, child):
    response = practitioner_client.post(
        person_url(child, "people:professional_add"),
        {"name": "Sam", "role": "Teacher", "email": "not-an-email"},
    )

    html = response.content.decode()
    assert "Choose an agency, or enter the organisation they work for" in html
    assert "Enter an email address in the correct format" in html
    assert 'value="Sam"' in html
    assert not ProfessionalInvolvement.objects.exists()


def test_a_past_due_unborn_record_can_still_be_edited(practitioner_client, family):
    from people.tests.factories import UnbornFactory

    baby = UnbornFactory(last_name="Smith", expected_date_of_delivery=date(2025, 1, 1))
    FamilyMemberFactory(family=family, person=baby)

    response = practitioner_client.post(
        person_url(baby, "people:person_edit"),
        _edit_data(
            baby,
            expected_date_of_delivery_0="1",
            expected_date_of_delivery_1="1",
            expected_date_of_delivery_2="2025",
            first_language="Urdu",
        ),
    )

    assert response.status_code == 302
    baby.refresh_from_db()
    assert baby.first_language == "Urdu"
