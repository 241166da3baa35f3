"""What the people and family pages show, built from what people.selectors returned.

Nothing here widens scope: every record comes from a selector, and the only extra
reads are for records already in scope (a fixed number of queries per page, however
many people, addresses or entries there are).
"""

from dataclasses import dataclass, field

import rules
from django.db.models import Prefetch, prefetch_related_objects

from core import records
from people import selectors
from people.models import (
    ChronologyEntry,
    Family,
    FamilyMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    ProfessionalInvolvement,
    Relationship,
)

CONFIDENTIAL_ADDRESS_TEXT = "Confidential address – contact the team working with the family"
PERSON_CHRONOLOGY_AT_A_GLANCE = 10
FAMILY_CHRONOLOGY_AT_A_GLANCE = 20


# ---------------------------------------------------------------- search results


@dataclass
class SearchRow:
    person: Person
    other_names: list[str]
    postcode: str
    postcode_confidential: bool
    memberships: list[FamilyMember]


def search_rows(user, people: list[Person]) -> list[SearchRow]:
    """Other names, current postcode and visible families for each result: 5 queries at most."""
    prefetch_related_objects(
        people,
        "other_names",
        Prefetch(
            "addresses",
            queryset=PersonAddress.objects.filter(moved_out__isnull=True).select_related("address"),
            to_attr="current_addresses",
        ),
        Prefetch(
            "family_memberships",
            queryset=FamilyMember.objects.filter(family__in=selectors.families_for(user))
            .select_related("family")
            .order_by("family__name"),
            to_attr="visible_memberships",
        ),
    )
    # A search result never shows a confidential postcode, whoever searches: search is how a
    # refuge would be found. Confidential as everywhere else (selectors.confidential_address_ids).
    confidential = selectors.confidential_address_ids(
        link.address_id for person in people for link in person.current_addresses
    )
    rows = []
    for person in people:
        current = person.current_addresses[0] if person.current_addresses else None
        secret = current is not None and current.address_id in confidential
        rows.append(
            SearchRow(
                person=person,
                other_names=[str(name) for name in person.other_names.all()],
                postcode="" if current is None or secret else current.address.postcode,
                postcode_confidential=secret,
                memberships=person.visible_memberships,
            )
        )
    return rows


# ---------------------------------------------------------------- relationships in words


@dataclass
class Sentence:
    """'<subject><verb><obj><tail>'. A missing subject or object is the person whose page it is.

    For example (None, 'Mother of ', Amy, '') reads 'Mother of Amy Smith' on Jane's page;
    (Jane, ' is the mother of ', Amy, '') reads 'Jane Smith is the mother of Amy Smith'.
    """

    subject: Person | None
    verb: str
    obj: Person | None
    tail: str = ""
    subject_linkable: bool = False
    obj_linkable: bool = False
    # The record the sentence is about, where a page offers to change it.
    record: object = None

    def people(self):
        return [p for p in (self.subject, self.obj) if p is not None]


def _notes(relationship: Relationship) -> str:
    return f" ({relationship.notes})" if relationship.notes else ""


def relationship_from(relationship: Relationship) -> Sentence:
    """On the person's own page: 'Mother of Amy Smith'."""
    if relationship.kind == Relationship.Kind.OTHER:
        return Sentence(None, "Related to ", relationship.relative, _notes(relationship))
    return Sentence(
        None, f"{relationship.get_kind_display()} of ", relationship.relative, _notes(relationship)
    )


def relationship_to(relationship: Relationship) -> Sentence:
    """On the relative's page: 'Jane Smith is their mother'."""
    if relationship.kind == Relationship.Kind.OTHER:
        return Sentence(relationship.person, " is related to them", None, _notes(relationship))
    words = relationship.get_kind_display().lower()
    return Sentence(relationship.person, f" is their {words}", None, _notes(relationship))


def relationship_between(relationship: Relationship) -> Sentence:
    """On a family page: 'Jane Smith is the mother of Amy Smith'."""
    if relationship.kind == Relationship.Kind.OTHER:
        verb = " is related to "
    else:
        verb = f" is the {relationship.get_kind_display().lower()} of "
    return Sentence(relationship.person, verb, relationship.relative, _notes(relationship))


def _pr_tail(pr: ParentalResponsibility) -> str:
    from people.templatetags.people_tags import GOV_DATE, format_date

    parts = [pr.get_basis_display().lower()]
    if pr.from_date:
        parts.append("from " + format_date(pr.from_date, GOV_DATE))
    if pr.to_date:
        parts.append("ended " + format_date(pr.to_date, GOV_DATE))
    return " (" + ", ".join(parts) + ")"


def pr_for_child(pr: ParentalResponsibility) -> Sentence:
    """On the child's page: 'Jane Smith has parental responsibility (birth mother)'."""
    return Sentence(pr.adult, " has parental responsibility", None, _pr_tail(pr), record=pr)


def pr_by_adult(pr: ParentalResponsibility) -> Sentence:
    """On the adult's page: 'Has parental responsibility for Amy Smith (birth mother)'."""
    return Sentence(None, "Has parental responsibility for ", pr.child, _pr_tail(pr))


def pr_between(pr: ParentalResponsibility) -> Sentence:
    return Sentence(pr.adult, " has parental responsibility for ", pr.child, _pr_tail(pr))


def _mark_linkable(user, sentences: list[Sentence], known_visible: set) -> None:
    """Link a named person only if the user may open their page (one query, or none)."""
    unknown = {p.pk for s in sentences for p in s.people()} - known_visible
    visible = set(known_visible)
    if unknown:
        visible |= set(
            selectors.people_for(user).filter(pk__in=unknown).values_list("pk", flat=True)
        )
    for sentence in sentences:
        sentence.subject_linkable = sentence.subject is not None and sentence.subject.pk in visible
        sentence.obj_linkable = sentence.obj is not None and sentence.obj.pk in visible


def professionals_in_order(professionals) -> list[ProfessionalInvolvement]:
    """Current involvement first (newest first), then past: the same on SQLite and PostgreSQL."""
    items = list(professionals)
    items.sort(key=lambda p: p.started_on.toordinal() if p.started_on else 0, reverse=True)
    items.sort(key=lambda p: p.ended_on is not None)
    return items


def _group_professionals(involvements) -> list[dict]:
    """One row per professional, listing every family member they work with."""
    groups: dict[tuple, dict] = {}
    for item in involvements:
        key = (
            item.name.casefold(),
            item.role.casefold(),
            item.organisation_name.casefold(),
            item.ended_on,
        )
        group = groups.setdefault(key, {"professional": item, "people": []})
        group["people"].append(item.person)
    return list(groups.values())


@dataclass(frozen=True)
class RecordProfessional:
    """A professional named by a record of another app (the lead professional of an open
    episode), shown with the professionals recorded by hand. The record stays the one source:
    nothing is copied, so a handover or closure shows at once."""

    name: str
    role: str
    organisation_name: str
    url: str = ""
    link_text: str = ""
    phone: str = ""
    email: str = ""
    started_on: object = None
    ended_on: object = None


def record_professionals(records_by_person: dict, people_by_id: dict) -> list[dict]:
    """Rows for ``_professionals.html`` from the records' professionals, one per professional and
    record, listing the people the record is about."""
    rows: dict[tuple, dict] = {}
    for person_id, found in records_by_person.items():
        for record in found:
            for name, role, agency, email in record.professionals:
                row = rows.setdefault(
                    (name, role, agency, record.url),
                    {
                        "professional": RecordProfessional(
                            name=name,
                            role=role,
                            organisation_name=agency,
                            url=record.url,
                            link_text=f"View the {record.kind.lower()}",
                            email=email,
                            started_on=record.started_on,
                        ),
                        "people": [],
                    },
                )
                if person_id in people_by_id:
                    row["people"].append(people_by_id[person_id])
    return list(rows.values())


# ---------------------------------------------------------------- the person page


@dataclass
class AddressLine:
    link: PersonAddress
    hidden: bool
    # Confidential for anyone who lives there, not only on this link.
    confidential: bool = False


@dataclass
class PersonPage:
    person: Person
    current_addresses: list[AddressLine]
    past_addresses: list[AddressLine]
    memberships: list[FamilyMember]
    households: list
    relationships: list[Sentence]
    parental_responsibility: list[Sentence]
    professionals: list[dict]
    chronology_recent: list[ChronologyEntry]
    chronology_older: list[ChronologyEntry]
    confidential_address_shown: bool
    # Episodes and assessments the person is part of, from the apps above people (core.records).
    work: list[records.PersonRecord] = field(default_factory=list)
    hidden_household_ids: set = field(default_factory=set)
    confidential_household_ids: set = field(default_factory=set)


def person_page(user, person: Person) -> PersonPage:
    """``person`` must come from selectors.person_detail (everything below is prefetched)."""
    links = list(person.addresses.all())
    memberships = list(person.family_memberships.all())
    visible_family_ids = {m.family_id for m in memberships}
    # Only households of families the user can see: the membership rows are not scoped.
    households = [
        hm
        for hm in person.household_memberships.all()
        if hm.household.family_id in visible_family_ids
    ]
    # The one "is this address hidden" rule, as the API applies it (selectors.hidden_address_ids).
    address_ids = [a.address_id for a in links] + [hm.household.address_id for hm in households]
    confidential = selectors.confidential_address_ids(address_ids)
    hidden = selectors.hidden_address_ids(user, address_ids, person=person)
    lines = [
        AddressLine(
            link=a, hidden=a.address_id in hidden, confidential=a.address_id in confidential
        )
        for a in links
    ]
    confidential_household_ids = {
        hm.household_id
        for hm in households
        if hm.household.is_confidential or hm.household.address_id in confidential
    }
    hidden_household_ids = (
        confidential_household_ids
        if confidential_household_ids
        and not rules.has_perm("people.see_confidential_address", user, person)
        else set()
    )
    shown = bool(confidential - hidden) or bool(confidential_household_ids - hidden_household_ids)
    relationships = [relationship_from(r) for r in person.relationships.all()] + [
        relationship_to(r) for r in person.relationships_as_relative.all()
    ]
    pr = [pr_for_child(p) for p in person.parental_responsibility.all()] + [
        pr_by_adult(p) for p in person.parental_responsibility_for.all()
    ]
    _mark_linkable(user, relationships + pr, known_visible=set())
    chronology = list(person.chronology.all())
    work = records.person_records(user, [person]).get(person.pk, [])
    return PersonPage(
        person=person,
        current_addresses=[line for line in lines if line.link.moved_out is None],
        past_addresses=[line for line in lines if line.link.moved_out is not None],
        memberships=memberships,
        households=households,
        relationships=relationships,
        parental_responsibility=pr,
        professionals=record_professionals({person.pk: work}, {person.pk: person})
        + [
            {"professional": p, "people": [person]}
            for p in professionals_in_order(person.professionals.all())
        ],
        work=work,
        chronology_recent=chronology[:PERSON_CHRONOLOGY_AT_A_GLANCE],
        chronology_older=chronology[PERSON_CHRONOLOGY_AT_A_GLANCE:],
        confidential_address_shown=shown,
        hidden_household_ids=hidden_household_ids,
        confidential_household_ids=confidential_household_ids,
    )


# ---------------------------------------------------------------- the family page


@dataclass
class HouseholdView:
    household: object
    address_hidden: bool
    memberships: list
    # Confidential for anyone who lives there, not only on this household.
    confidential: bool = False
    # Who lived here before: ended spells are kept as history.
    past_memberships: list = field(default_factory=list)


@dataclass
class FamilyPage:
    family: Family
    teams: list
    children: list[FamilyMember]
    parents_carers: list[FamilyMember]
    others: list[FamilyMember]
    households: list[HouseholdView]
    relationships: list[Sentence]
    parental_responsibility: list[Sentence]
    professionals: list[dict]
    chronology: list[ChronologyEntry]
    confidential_address_shown: bool
    member_ids: set = field(default_factory=set)
    team_links: list = field(default_factory=list)


def family_page(user, family: Family) -> FamilyPage:
    """``family`` must come from selectors.family_detail (members, households, teams prefetched)."""
    team_links = list(family.team_links.all())
    members = list(family.members.all())
    member_ids = {m.person_id for m in members}
    all_households = list(family.households.all())
    # The one "is this address hidden" rule, as the API applies it (selectors.hidden_address_ids).
    address_ids = [h.address_id for h in all_households]
    confidential = selectors.confidential_address_ids(address_ids)
    confidential_ids = {
        h.pk for h in all_households if h.is_confidential or h.address_id in confidential
    }
    may_see_confidential = not confidential_ids or rules.has_perm(
        "people.see_confidential_address", user, family
    )
    households = [
        HouseholdView(
            household=h,
            address_hidden=h.pk in confidential_ids and not may_see_confidential,
            confidential=h.pk in confidential_ids,
            memberships=[m for m in h.memberships.all() if m.to_date is None],
            past_memberships=[m for m in h.memberships.all() if m.to_date is not None],
        )
        for h in all_households
    ]
    relationships = [relationship_between(r) for r in selectors.family_relationships(family)]
    pr = [pr_between(p) for p in selectors.family_parental_responsibility(family)]
    _mark_linkable(user, relationships + pr, known_visible=member_ids)
    return FamilyPage(
        family=family,
        teams=[link.team for link in team_links],
        children=[m for m in members if m.role == FamilyMember.Role.CHILD],
        parents_carers=[m for m in members if m.role == FamilyMember.Role.PARENT_CARER],
        others=[
            m
            for m in members
            if m.role not in (FamilyMember.Role.CHILD, FamilyMember.Role.PARENT_CARER)
        ],
        households=households,
        relationships=relationships,
        parental_responsibility=pr,
        professionals=record_professionals(
            records.person_records(user, [m.person for m in members]),
            {m.person_id: m.person for m in members},
        )
        + _group_professionals(professionals_in_order(selectors.family_professionals(family))),
        chronology=list(selectors.family_chronology(family)[:FAMILY_CHRONOLOGY_AT_A_GLANCE]),
        confidential_address_shown=bool(confidential_ids) and may_see_confidential,
        member_ids=member_ids,
        team_links=team_links,
    )


# ---------------------------------------------------------------- people as choices on a form


def person_hint(person: Person) -> str:
    """'Adult, born 1 May 1990' or 'Unborn baby, due 1 March 2027': tells people with one name apart."""
    from people.templatetags.people_tags import born_or_due

    when = born_or_due(person)
    if person.is_unborn:
        return f"{person.get_kind_display()}, {when[0].lower()}{when[1:]}"
    if person.date_of_birth:
        return f"{person.get_kind_display()}, born {when}"
    return f"{person.get_kind_display()}, date of birth not known"


def search_choice_hint(row: SearchRow) -> str:
    """What a search result shows, in words, under its radio button."""
    parts = [person_hint(row.person)]
    if row.other_names:
        parts.append("Also known as " + ", ".join(row.other_names))
    if row.postcode_confidential:
        parts.append("Postcode confidential")
    elif row.postcode:
        parts.append(f"Postcode {row.postcode}")
    if row.memberships:
        parts.append(
            "In " + ", ".join(f"{m.family.name} ({m.family.reference})" for m in row.memberships)
        )
    else:
        parts.append("In no family you can see")
    return ". ".join(parts)


# ---------------------------------------------------------------- a refused (stale) edit

SAVED_DETAIL_LABELS = {
    "kind": "Child, adult or unborn",
    "first_name": "First name",
    "middle_names": "Middle names",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "expected_date_of_delivery": "Expected date of delivery",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "disability_details": "Details of the disability",
    "has_ehcp": "Education, health and care plan (EHCP)",
    "is_young_carer": "Young carer",
    "first_language": "First language",
    "communication_needs": "Communication needs",
    "interpreter_required": "Needs an interpreter",
}


def _saved_value(person: Person, name: str) -> str:
    from people.templatetags.people_tags import GOV_DATE, format_date

    value = getattr(person, name)
    display = getattr(person, f"get_{name}_display", None)
    if display is not None:
        return display()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "Not recorded"
    if hasattr(value, "isoformat"):
        return format_date(value, GOV_DATE)
    return str(value)


def saved_details(person: Person, typed: dict | None) -> list[dict]:
    """What is saved now, each row marked if it differs from what the user typed."""
    rows = []
    for name, label in SAVED_DETAIL_LABELS.items():
        differs = typed is not None and name in typed and typed[name] != getattr(person, name)
        rows.append({"label": label, "value": _saved_value(person, name), "differs": differs})
    return rows
