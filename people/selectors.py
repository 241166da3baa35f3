"""Scoped reads of people and families: the one place their access rules live.

Every view and API endpoint gets people and families only through these functions,
so a record outside the user's scope is simply not found (404), never "forbidden".
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core import scope
from core.models import AuditEvent, Team
from people.models import (
    Address,
    ChronologyEntry,
    Family,
    FamilyMember,
    FamilyTeam,
    Household,
    HouseholdMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    ProfessionalInvolvement,
    Relationship,
)


def _open_links_to(team_ids) -> QuerySet[FamilyTeam]:
    return FamilyTeam.objects.filter(
        family=OuterRef("pk"), team_id__in=team_ids, ended_on__isnull=True
    )


def families_for(user) -> QuerySet[Family]:
    if not scope.can_see_case_records(user):
        return Family.objects.none()
    if scope.sees_every_family(user):
        return Family.objects.all()
    team_ids = scope.team_ids_in_scope(user)
    if not team_ids:
        return Family.objects.none()
    return Family.objects.filter(Exists(_open_links_to(team_ids)))


def no_families() -> QuerySet[Family]:
    """An empty queryset of families (the API schema's generator reads no one's)."""
    return Family.objects.none()


def no_people() -> QuerySet[Person]:
    """An empty queryset of people (the API schema's generator reads no one's)."""
    return Person.objects.none()


def people_for(user) -> QuerySet[Person]:
    if not scope.can_see_case_records(user):
        return Person.objects.none()
    if scope.sees_every_family(user):
        return Person.objects.all()
    families = families_for(user)
    return Person.objects.filter(
        Exists(FamilyMember.objects.filter(person=OuterRef("pk"), family__in=families))
    )


def access_log(record: Person | Family) -> QuerySet[AuditEvent]:
    """Who has done what to a person or family already read through this module, newest first.
    The page asks ``core.scope.can_view_access_log`` first."""
    return (
        AuditEvent.objects.filter(record_type=record._meta.label_lower, record_id=str(record.pk))
        .select_related("actor", "actor__team")
        .order_by("-at", "-id")
    )


def get_family(user, family_id) -> Family:
    return get_object_or_404(families_for(user).select_related("area"), pk=family_id)


def get_person(user, person_id) -> Person:
    return get_object_or_404(people_for(user), pk=person_id)


def working_team_ids(user) -> set[int]:
    return scope.team_ids_in_scope(user)


def confidential_address_ids(address_ids) -> set[int]:
    """Which of these addresses are confidential.

    The rule, decided once here: an address is confidential if ANY link to it is flagged,
    whether a person's (PersonAddress) or a household's, not just the link being shown.
    Confidentiality is stored per link, so a refuge can be flagged on the mother's link and
    not on her child's; judging by the shown link alone would give the refuge away on the
    child's record. One query per kind of link, whatever the number of addresses.
    """
    ids = {pk for pk in address_ids if pk is not None}
    if not ids:
        return set()
    from_people = PersonAddress.objects.filter(
        address_id__in=ids, is_confidential=True
    ).values_list("address_id", flat=True)
    from_households = Household.objects.filter(
        address_id__in=ids, is_confidential=True
    ).values_list("address_id", flat=True)
    return set(from_people) | set(from_households)


def hidden_address_ids(
    user, address_ids, *, person: Person | None = None, family: Family | None = None
) -> set[int]:
    """Which of these addresses must be hidden from ``user`` on a person's or a family's record.

    Every page, presenter and API answer that shows an address asks this (or
    is_address_hidden), so they cannot disagree: a confidential address (see
    confidential_address_ids) is hidden unless the user may see confidential addresses on
    this record (the ``people.see_confidential_address`` rule: their team works with it).
    """
    if (person is None) == (family is None):
        raise TypeError("Say whose record the addresses are shown on: a person or a family")
    confidential = confidential_address_ids(address_ids)
    if not confidential or rules.has_perm(
        "people.see_confidential_address", user, person if person is not None else family
    ):
        return set()
    return confidential


def is_address_hidden(
    user, address_id, *, person: Person | None = None, family: Family | None = None
) -> bool:
    """hidden_address_ids for one address."""
    return address_id in hidden_address_ids(user, [address_id], person=person, family=family)


def family_list(user) -> QuerySet[Family]:
    """Families for the list page: a fixed number of queries however many there are."""
    return (
        families_for(user)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=FamilyMember.objects.select_related("person").order_by(
                    "role", "person__date_of_birth"
                ),
            ),
            Prefetch(
                "team_links",
                queryset=FamilyTeam.objects.filter(ended_on__isnull=True).select_related("team"),
            ),
        )
        .order_by("name", "reference")
    )


def person_detail(user, person_id) -> Person:
    return get_object_or_404(
        people_for(user).prefetch_related(
            "other_names",
            Prefetch("addresses", queryset=PersonAddress.objects.select_related("address")),
            Prefetch(
                "relationships",
                queryset=Relationship.objects.select_related("relative"),
            ),
            Prefetch(
                "relationships_as_relative",
                queryset=Relationship.objects.select_related("person"),
            ),
            Prefetch(
                "parental_responsibility",
                queryset=ParentalResponsibility.objects.select_related("adult"),
            ),
            Prefetch(
                "parental_responsibility_for",
                queryset=ParentalResponsibility.objects.select_related("child"),
            ),
            Prefetch(
                "professionals", queryset=ProfessionalInvolvement.objects.select_related("agency")
            ),
            Prefetch("chronology", queryset=ChronologyEntry.objects.select_related("recorded_by")),
            Prefetch(
                "family_memberships",
                queryset=FamilyMember.objects.filter(family__in=families_for(user)).select_related(
                    "family"
                ),
            ),
            Prefetch(
                "household_memberships",
                queryset=HouseholdMember.objects.filter(
                    household__family__in=families_for(user)
                ).select_related("household", "household__address"),
            ),
        ),
        pk=person_id,
    )


def family_detail(user, family_id) -> Family:
    return get_object_or_404(
        families_for(user)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=FamilyMember.objects.select_related("person").order_by(
                    "role", "person__date_of_birth"
                ),
            ),
            Prefetch(
                "households",
                queryset=Household.objects.select_related("address").prefetch_related(
                    Prefetch(
                        "memberships", queryset=HouseholdMember.objects.select_related("person")
                    )
                ),
            ),
            Prefetch(
                "team_links",
                queryset=FamilyTeam.objects.filter(ended_on__isnull=True).select_related("team"),
            ),
        ),
        pk=family_id,
    )


def family_professionals(family: Family) -> QuerySet[ProfessionalInvolvement]:
    return (
        ProfessionalInvolvement.objects.filter(person__family_memberships__family=family)
        .select_related("agency", "person")
        .order_by("ended_on", "-started_on")
    )


def family_chronology(family: Family) -> QuerySet[ChronologyEntry]:
    """Every member's chronology, including what was recorded under other families or episodes."""
    return (
        ChronologyEntry.objects.filter(person__family_memberships__family=family)
        .select_related("person", "recorded_by")
        .order_by("-occurred_on", "-recorded_at")
    )


def family_relationships(family: Family) -> QuerySet[Relationship]:
    member_ids = FamilyMember.objects.filter(family=family).values("person_id")
    return Relationship.objects.filter(person_id__in=member_ids).select_related(
        "person", "relative"
    )


def family_parental_responsibility(family: Family) -> QuerySet[ParentalResponsibility]:
    member_ids = FamilyMember.objects.filter(family=family).values("person_id")
    return ParentalResponsibility.objects.filter(child_id__in=member_ids).select_related(
        "child", "adult"
    )


def _near_prefixes(token: str) -> set[str]:
    """3-letter prefixes one swap or one dropped letter away from the token's own."""
    head = token[:4]
    if len(head) < 4:
        return set()
    variants = {head[:i] + head[i + 1] + head[i] + head[i + 2 :] for i in range(3)}
    variants |= {head[:i] + head[i + 1 :] for i in range(4)}
    return {v[:3] for v in variants} - {token[:3]}


# Candidate rows fetched for scoring; a search this broad asks the user to narrow it.
SEARCH_CANDIDATE_LIMIT = 1000


def search_people(user, *, name: str = "", date_of_birth=None, postcode: str = "", limit: int = 25):
    """People in the user's scope who match, best first, as (person, score) pairs.

    Returns (results, too_many) where too_many says the search should be narrowed.
    """
    from django.db.models import Q

    from people.search import name_score, normalise_postcode, phonetic, tokens

    if not rules.has_perm("people.search_people", user):
        raise PermissionDenied("Your role may not search people's records")
    queryset = people_for(user)
    query_tokens = tokens(name)
    if query_tokens:
        recall = Q()
        for tok in query_tokens:
            recall |= Q(search_names__contains=f" {tok[:3]}") | Q(
                search_phonetic__contains=f" {phonetic(tok)} "
            )
            # A slip in the first letters ('Jonh') defeats both keys above; recall on
            # the prefix with one adjacent pair swapped or one letter dropped as well.
            for variant in _near_prefixes(tok):
                recall |= Q(search_names__contains=f" {variant}")
        queryset = queryset.filter(recall)
    if date_of_birth:
        queryset = queryset.filter(
            Q(date_of_birth=date_of_birth) | Q(expected_date_of_delivery=date_of_birth)
        )
    code = normalise_postcode(postcode)
    if code:
        queryset = queryset.filter(search_postcodes__contains=f" {code}")
    candidates = list(queryset.order_by("last_name", "first_name")[: SEARCH_CANDIDATE_LIMIT + 1])
    too_many = len(candidates) > SEARCH_CANDIDATE_LIMIT
    scored = []
    for person in candidates[:SEARCH_CANDIDATE_LIMIT]:
        score = name_score(name, person.search_names) if query_tokens else 1.0
        if score > 0:
            scored.append((person, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0].last_name, pair[0].first_name))
    return scored[:limit], too_many or len(scored) > limit


# ---------------------------------------------------------------- for the forms that add to a record
# Each takes a person or family already fetched through the selectors above, so what they
# return is in scope by construction; anything else is a 404.


def fellow_members(user, person: Person) -> QuerySet[Person]:
    """The other people in this person's families that the user can see."""
    families = families_for(user).filter(members__person=person)
    return (
        Person.objects.filter(
            Exists(FamilyMember.objects.filter(person=OuterRef("pk"), family__in=families))
        )
        .exclude(pk=person.pk)
        .order_by("last_name", "first_name", "date_of_birth")
    )


def current_address_link(user, person: Person, link_id) -> PersonAddress:
    """One of the person's current addresses. A confidential one the user may not see is not found."""
    link = get_object_or_404(
        PersonAddress.objects.select_related("address", "person"),
        pk=link_id,
        person=person,
        moved_out__isnull=True,
    )
    if is_address_hidden(user, link.address_id, person=person):
        raise Http404
    return link


def current_parental_responsibility(child: Person, pr_id) -> ParentalResponsibility:
    return get_object_or_404(
        ParentalResponsibility.objects.select_related("adult", "child"),
        pk=pr_id,
        child=child,
        to_date__isnull=True,
    )


def family_household(family: Family, household_id) -> Household:
    return get_object_or_404(
        Household.objects.select_related("address", "family"), pk=household_id, family=family
    )


def open_team_link(family: Family, link_id) -> FamilyTeam:
    return get_object_or_404(
        FamilyTeam.objects.select_related("team", "team__agency"),
        pk=link_id,
        family=family,
        ended_on__isnull=True,
    )


def teams_not_working_with(family: Family) -> QuerySet[Team]:
    working = FamilyTeam.objects.filter(family=family, team=OuterRef("pk"), ended_on__isnull=True)
    return Team.objects.exclude(Exists(working)).select_related("agency").order_by("name")


def household_candidates(family: Family, household: Household) -> list[Person]:
    """Who may be ticked as living in a household: the family's members, and anyone living there now."""
    people = Person.objects.filter(
        Exists(FamilyMember.objects.filter(person=OuterRef("pk"), family=family))
        | Exists(
            HouseholdMember.objects.filter(
                person=OuterRef("pk"), household=household, to_date__isnull=True
            )
        )
    )
    return list(people.order_by("kind", "date_of_birth", "last_name", "first_name"))


def household_address_options(user, family: Family) -> list[dict]:
    """The current addresses of the family's members, each once, with who lives there.

    Confidential addresses are offered only to staff whose team works with the family,
    as on the family page; an address anyone keeps confidential counts as confidential.
    """
    links = list(
        PersonAddress.objects.filter(
            Exists(FamilyMember.objects.filter(person=OuterRef("person"), family=family)),
            moved_out__isnull=True,
        )
        .select_related("address", "person")
        .order_by(
            "address__line_1", "address__postcode_normalised", "address_id", "person__last_name"
        )
    )
    confidential = confidential_address_ids(link.address_id for link in links)
    hidden = hidden_address_ids(user, [link.address_id for link in links], family=family)
    links = [link for link in links if link.address_id not in hidden]
    for link in links:
        link.anyone_confidential = link.address_id in confidential
    options: dict[tuple, dict] = {}
    for link in links:
        address: Address = link.address
        # The same address typed twice (for a mother and her child, say) is offered once.
        key = (" ".join(address.line_1.lower().split()), address.postcode_normalised)
        option = options.setdefault(key, {"address": address, "people": [], "confidential": False})
        if link.person not in option["people"]:
            option["people"].append(link.person)
        option["confidential"] = option["confidential"] or link.anyone_confidential
    return list(options.values())


def family_children(family) -> list[Person]:
    """The children of a family, whose chronology tells the story of the work with it. One
    query; an empty list for no family (a request not yet linked to one)."""
    if family is None:
        return []
    return list(
        Person.objects.filter(
            family_memberships__family=family, family_memberships__role=FamilyMember.Role.CHILD
        ).distinct()
    )
