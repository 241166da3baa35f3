"""The family list and the family page."""

from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import Action
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, TeamFactory
from people.models import FamilyMember, FamilyTeam, ParentalResponsibility, Relationship
from people.presenters import CONFIDENTIAL_ADDRESS_TEXT
from people.tests.conftest import audit_events_for, client_for
from people.tests.factories import (
    AddressFactory,
    AdultFactory,
    ChronologyEntryFactory,
    FamilyFactory,
    FamilyMemberFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    ParentalResponsibilityFactory,
    PersonFactory,
    ProfessionalInvolvementFactory,
    RelationshipFactory,
    UnbornFactory,
    family_with_members,
)

pytestmark = pytest.mark.django_db

FAMILY_LIST = reverse("people:family_list")


def family_url(family, name="people:family_detail"):
    return reverse(name, kwargs={"family_id": family.pk})


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# ---------------------------------------------------------------- the list


def test_family_list_shows_families_in_scope(practitioner_client, family, other_family, child):
    html = practitioner_client.get(FAMILY_LIST).content.decode()

    assert family.reference in html and "Smith family" in html
    assert "Amy Smith" in html and f"({_age(child)})" in html
    assert family.area.name in html
    assert family.team_links.get().team.name in html
    assert other_family.reference not in html
    assert family_url(family) in html


def _age(person):
    from people.templatetags.people_tags import age

    return age(person)


def test_family_list_writes_one_audit_event(practitioner, practitioner_client, family):
    before = AuditEvent.objects.count()

    practitioner_client.get(FAMILY_LIST)

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        practitioner,
        Action.VIEW,
        "people.family",
        "",
    )
    assert event.detail == {"page": "list", "count": 1}


def test_family_list_is_a_fixed_number_of_queries(practitioner_client, team):
    for _ in range(3):
        family_with_members(team=team, children=2, adults=1)
    with_three = _queries(practitioner_client, FAMILY_LIST)
    for _ in range(27):
        family_with_members(team=team, children=3, adults=2)
    with_thirty = _queries(practitioner_client, FAMILY_LIST)
    assert with_three == with_thirty


def test_family_list_query_count_with_django_assert_num_queries(
    practitioner_client, team, django_assert_num_queries
):
    for _ in range(3):
        family_with_members(team=team)
    expected = _queries(practitioner_client, FAMILY_LIST)
    for _ in range(27):
        family_with_members(team=team)
    with django_assert_num_queries(expected):
        practitioner_client.get(FAMILY_LIST)


def test_family_list_is_paginated_in_fifties(practitioner_client, team):
    for i in range(51):
        FamilyFactory(team=team, name=f"Family {i:02d}")

    first = practitioner_client.get(FAMILY_LIST)
    second = practitioner_client.get(FAMILY_LIST + "?page=2")

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
    assert 'class="govuk-pagination"' in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    assert AuditEvent.objects.latest("id").detail == {"page": "list", "count": 1}


def test_ended_team_link_takes_the_family_out_of_scope(practitioner_client, family):
    FamilyTeam.objects.filter(family=family).update(ended_on=date(2026, 2, 1))

    assert family.reference not in practitioner_client.get(FAMILY_LIST).content.decode()
    assert practitioner_client.get(family_url(family)).status_code == 404


# ---------------------------------------------------------------- the family page


def test_family_page_groups_members_children_first(practitioner_client, family, child, mother):
    FamilyMemberFactory(
        family=family, person=UnbornFactory(last_name="Smith"), role=FamilyMember.Role.CHILD
    )
    FamilyMemberFactory(
        family=family,
        person=AdultFactory(first_name="Gran", last_name="Smith"),
        role=FamilyMember.Role.SIGNIFICANT,
    )

    response = practitioner_client.get(family_url(family))

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        html.index("Children and young people")
        < html.index("Amy Smith")
        < html.index("Parents and carers")
    )
    assert html.index("Parents and carers") < html.index("Jane Smith") < html.index("Other people")
    assert html.index("Other people") < html.index("Gran Smith")
    assert "Unborn baby Smith" in html and "unborn, due 1 March 2027" in html
    assert family.team_links.get().team.name in html
    assert 'aria-current="page"' in html


def test_child_in_two_households_shows_in_both(practitioner_client, family, child, mother):
    mums = HouseholdFactory(
        family=family, name="Mum's house", address=AddressFactory(line_1="1 High Street")
    )
    dads = HouseholdFactory(
        family=family, name="Dad's flat", address=AddressFactory(line_1="9 Low Road")
    )
    HouseholdMemberFactory(household=mums, person=child)
    HouseholdMemberFactory(household=mums, person=mother)
    HouseholdMemberFactory(household=dads, person=child, stays_part_time=True)

    html = practitioner_client.get(family_url(family)).content.decode()

    mums_part = html[html.index("Mum&#x27;s house") : html.index("Dad&#x27;s flat")]
    dads_part = html[html.index("Dad&#x27;s flat") : html.index('id="relationships"')]
    assert "Amy Smith" in mums_part and "Jane Smith" in mums_part and "1 High Street" in mums_part
    assert (
        "Amy Smith" in dads_part
        and "stays part of the time" in dads_part
        and "9 Low Road" in dads_part
    )


def test_confidential_household_address_depends_on_the_team(
    practitioner, early_support_practitioner, family, child
):
    refuge = HouseholdFactory(
        family=family,
        name="Safe place",
        is_confidential=True,
        address=AddressFactory(line_1="7 Hidden Lane"),
    )
    HouseholdMemberFactory(household=refuge, person=child)

    shown = client_for(practitioner).get(family_url(family)).content.decode()
    hidden = client_for(early_support_practitioner).get(family_url(family)).content.decode()

    assert "7 Hidden Lane" in shown
    assert "7 Hidden Lane" not in hidden and CONFIDENTIAL_ADDRESS_TEXT in hidden
    events = list(audit_events_for(family).order_by("id"))
    assert [e.detail for e in events] == [
        {"confidential_address_shown": True},
        {"confidential_address_shown": False},
    ]


def test_relationships_pr_and_professionals_across_the_family(
    practitioner_client, family, child, mother
):
    RelationshipFactory(person=mother, relative=child, kind=Relationship.Kind.MOTHER)
    ParentalResponsibilityFactory(
        child=child, adult=mother, basis=ParentalResponsibility.Basis.BIRTH_MOTHER
    )
    ProfessionalInvolvementFactory(
        person=child, name="Hana Visitor", role="Health visitor", organisation="Health"
    )
    ProfessionalInvolvementFactory(
        person=mother, name="Hana Visitor", role="Health visitor", organisation="Health"
    )
    ProfessionalInvolvementFactory(
        person=mother, name="Dee Worker", role="Housing officer", agency=AgencyFactory()
    )

    html = practitioner_client.get(family_url(family)).content.decode()

    assert "Jane Smith</a> is the mother of <a" in html
    assert "Jane Smith</a> has parental responsibility for <a" in html
    assert html.count("Hana Visitor") == 1  # one row, listing both people
    assert "Dee Worker" in html and "Housing officer" in html


def test_chronology_across_members_includes_other_families(
    practitioner_client, family, child, mother, other_team
):
    earlier_family = FamilyFactory(team=other_team)
    FamilyMemberFactory(family=earlier_family, person=child)
    ChronologyEntryFactory(
        person=child, occurred_on=date(2019, 4, 1), summary="Recorded in an earlier episode."
    )
    ChronologyEntryFactory(
        person=mother, occurred_on=date(2025, 4, 1), summary="Mother moved house."
    )

    html = practitioner_client.get(family_url(family)).content.decode()

    assert "Recorded in an earlier episode." in html
    assert html.index("Mother moved house.") < html.index("Recorded in an earlier episode.")


def test_family_chronology_shows_the_most_recent_twenty(practitioner_client, family, child):
    for day in range(1, 26):
        ChronologyEntryFactory(
            person=child, occurred_on=date(2025, 1, day), summary=f"Family event {day:02d}."
        )

    response = practitioner_client.get(family_url(family))

    assert len(response.context["page"].chronology) == 20
    html = response.content.decode()
    assert (
        "Family event 25." in html and "Family event 06." in html and "Family event 05." not in html
    )


def test_each_view_of_a_family_writes_exactly_one_audit_event(
    practitioner, practitioner_client, family
):
    before = AuditEvent.objects.count()

    practitioner_client.get(family_url(family))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        practitioner,
        Action.VIEW,
        "people.family",
        str(family.pk),
    )


def _grow_family(family, n):
    for _ in range(n):
        kid = PersonFactory()
        adult = AdultFactory()
        FamilyMemberFactory(family=family, person=kid, role=FamilyMember.Role.CHILD)
        FamilyMemberFactory(family=family, person=adult, role=FamilyMember.Role.PARENT_CARER)
        household = HouseholdFactory(family=family, address=AddressFactory())
        HouseholdMemberFactory(household=household, person=kid)
        HouseholdMemberFactory(household=household, person=adult)
        RelationshipFactory(person=adult, relative=kid, kind=Relationship.Kind.FATHER)
        RelationshipFactory(person=kid, relative=AdultFactory(), kind=Relationship.Kind.GRANDPARENT)
        ParentalResponsibilityFactory(
            child=kid, adult=adult, basis=ParentalResponsibility.Basis.BIRTH_REGISTRATION
        )
        ProfessionalInvolvementFactory(person=kid, agency=AgencyFactory())
        ChronologyEntryFactory(person=kid)
        FamilyTeam.objects.create(family=family, team=TeamFactory(), started_on=date(2026, 1, 1))


def test_family_page_runs_a_fixed_number_of_queries(practitioner_client, family):
    _grow_family(family, 1)
    small = _queries(practitioner_client, family_url(family))
    _grow_family(family, 8)
    large = _queries(practitioner_client, family_url(family))
    assert small == large


# ---------------------------------------------------------------- who has viewed the family


def test_manager_sees_the_family_access_log(manager, practitioner, family):
    client_for(practitioner).get(family_url(family))
    client = client_for(manager)

    page = client.get(family_url(family)).content.decode()
    response = client.get(family_url(family, "people:family_access_log"))

    assert family_url(family, "people:family_access_log") in page
    assert response.status_code == 200
    assert practitioner.get_full_name() in unescape(response.content.decode())
    assert audit_events_for(family).latest("id").detail == {"page": "access_log"}


def test_practitioner_cannot_see_the_family_access_log(practitioner_client, family):
    assert (
        family_url(family, "people:family_access_log")
        not in practitioner_client.get(family_url(family)).content.decode()
    )
    assert (
        practitioner_client.get(family_url(family, "people:family_access_log")).status_code == 404
    )
