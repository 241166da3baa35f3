"""Scoped reads of people and families: the one place their access rules live.

Every view and API endpoint gets people and families only through these functions,
so a record outside the user's scope is simply not found (404), never "forbidden".
"""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from core import scope
from people.models import (
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
    return FamilyTeam.objects.filter(family=OuterRef("pk"), team_id__in=team_ids, ended_on__isnull=True)


def families_for(user) -> QuerySet[Family]:
    if not scope.can_see_case_records(user):
        return Family.objects.none()
    if scope.sees_every_family(user):
        return Family.objects.all()
    team_ids = scope.team_ids_in_scope(user)
    if not team_ids:
        return Family.objects.none()
    return Family.objects.filter(Exists(_open_links_to(team_ids)))


def people_for(user) -> QuerySet[Person]:
    if not scope.can_see_case_records(user):
        return Person.objects.none()
    if scope.sees_every_family(user):
        return Person.objects.all()
    families = families_for(user)
    return Person.objects.filter(
        Exists(FamilyMember.objects.filter(person=OuterRef("pk"), family__in=families))
    )


def get_family(user, family_id) -> Family:
    return get_object_or_404(families_for(user).select_related("area"), pk=family_id)


def get_person(user, person_id) -> Person:
    return get_object_or_404(people_for(user), pk=person_id)


def working_team_ids(user) -> set[int]:
    return scope.team_ids_in_scope(user)


def can_see_confidential_address(user, person: Person) -> bool:
    """Only staff whose own (or managed) team works with one of the person's families.

    Seeing every family (the early support service) is not enough: a refuge address is
    shared with the people who must visit, not with everyone who may read the record.
    """
    team_ids = working_team_ids(user)
    if not team_ids:
        return False
    return FamilyTeam.objects.filter(
        family__members__person=person, team_id__in=team_ids, ended_on__isnull=True
    ).exists()


def family_list(user) -> QuerySet[Family]:
    """Families for the list page: a fixed number of queries however many there are."""
    return (
        families_for(user)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=FamilyMember.objects.select_related("person").order_by("role", "person__date_of_birth"),
            ),
            Prefetch("team_links", queryset=FamilyTeam.objects.filter(ended_on__isnull=True).select_related("team")),
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
            Prefetch("parental_responsibility", queryset=ParentalResponsibility.objects.select_related("adult")),
            Prefetch(
                "parental_responsibility_for", queryset=ParentalResponsibility.objects.select_related("child")
            ),
            Prefetch("professionals", queryset=ProfessionalInvolvement.objects.select_related("agency")),
            Prefetch("chronology", queryset=ChronologyEntry.objects.select_related("recorded_by")),
            Prefetch(
                "family_memberships",
                queryset=FamilyMember.objects.filter(family__in=families_for(user)).select_related("family"),
            ),
            Prefetch(
                "household_memberships",
                queryset=HouseholdMember.objects.filter(household__family__in=families_for(user)).select_related(
                    "household", "household__address"
                ),
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
                queryset=FamilyMember.objects.select_related("person").order_by("role", "person__date_of_birth"),
            ),
            Prefetch(
                "households",
                queryset=Household.objects.select_related("address").prefetch_related(
                    Prefetch("memberships", queryset=HouseholdMember.objects.select_related("person"))
                ),
            ),
            Prefetch("team_links", queryset=FamilyTeam.objects.filter(ended_on__isnull=True).select_related("team")),
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
    return Relationship.objects.filter(person_id__in=member_ids).select_related("person", "relative")


def family_parental_responsibility(family: Family) -> QuerySet[ParentalResponsibility]:
    member_ids = FamilyMember.objects.filter(family=family).values("person_id")
    return ParentalResponsibility.objects.filter(child_id__in=member_ids).select_related("child", "adult")


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

    queryset = people_for(user)
    query_tokens = tokens(name)
    if query_tokens:
        recall = Q()
        for tok in query_tokens:
            recall |= Q(search_names__contains=f" {tok[:3]}") | Q(search_phonetic__contains=f" {phonetic(tok)} ")
            # A slip in the first letters ('Jonh') defeats both keys above; recall on
            # the prefix with one adjacent pair swapped or one letter dropped as well.
            for variant in _near_prefixes(tok):
                recall |= Q(search_names__contains=f" {variant}")
        queryset = queryset.filter(recall)
    if date_of_birth:
        queryset = queryset.filter(Q(date_of_birth=date_of_birth) | Q(expected_date_of_delivery=date_of_birth))
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
