"""The people and families API (``/api/v1/``).

Authentication
--------------
Two ways in, both configured in ``settings.REST_FRAMEWORK``:

* a browser session, but only once its second factor is done
  (``accounts.api_auth.VerifiedSessionAuthentication``); a session that has given a
  password but not a security code is treated as not signed in;
* an API token, sent as ``Authorization: Token <token>``
  (``accounts.api_auth.AuditedTokenAuthentication``, ADR 0011). Tokens are never issued
  by the API itself: staff make their own on the "API tokens" page after signing in with
  their security code, or an operator runs
  ``python manage.py create_api_token <username> --name <what for> --days <1-90>``.
  Tokens are stored hashed, always expire, can be revoked by their owner or a system
  administrator, and every request made with one is audited.

Scope and audit
---------------
Every queryset comes from ``people.selectors``, so a person or family outside the
caller's scope is simply not found (404 ``{"detail": "Not found."}``), exactly like
one that does not exist. Roles without case access (a system administrator, say)
get empty lists and 404s. Every read writes one audit event in the request's
transaction; writes are audited by ``people.services``. Nothing personal goes in a
URL: searching by name is ``POST /api/v1/people/search/``, never a query string.
"""

import uuid

from django.db.models import Count
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api import UUID_LOOKUP, require
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from people import selectors, services
from people.models import (
    Address,
    ChronologyEntry,
    Family,
    FamilyMember,
    Household,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
)

PERSON_LABEL = "people.person"
FAMILY_LABEL = "people.family"
FAMILY_CHRONOLOGY_LATEST = 10

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("NotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)


# --- Shared pieces ---------------------------------------------------------------


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["line_1", "line_2", "town", "postcode"]


class ConfidentialAddressSerializer(serializers.Serializer):
    """Stands in for an address the caller may not see (a refuge, for example)."""

    confidential = serializers.BooleanField()


ADDRESS_OR_CONFIDENTIAL = PolymorphicProxySerializer(
    component_name="AddressOrConfidential",
    serializers=[AddressSerializer, ConfidentialAddressSerializer],
    resource_type_field_name=None,
)
CONFIDENTIAL = {"confidential": True}


def _address_data(address: Address | None, *, hidden: bool) -> dict | None:
    if address is None:
        return None
    if hidden:
        return dict(CONFIDENTIAL)
    return AddressSerializer(address).data


class PersonRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name"]


class FamilyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Family
        fields = ["id", "reference", "name"]


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()


# --- People ------------------------------------------------------------------------

PERSON_FIELDS = [
    "id",
    *services.PERSON_EDITABLE_FIELDS,
    "full_name",
    "version",
    "created_at",
    "updated_at",
]


class PersonSerializer(serializers.ModelSerializer):
    """A person's own details."""

    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        read_only_fields = PERSON_FIELDS


class PersonSummarySerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "kind",
            "full_name",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "expected_date_of_delivery",
            "gender",
            "version",
        ]
        read_only_fields = fields


def _phone_field():
    # No length check here: people.services.phone_error says what is wrong, as on the page.
    return serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A UK telephone number, spaced as you like; +44 stands for the leading 0.",
    )


class PersonCreateSerializer(serializers.ModelSerializer):
    phone = _phone_field()
    family = serializers.UUIDField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="A family your team works with, to add the person to.",
    )
    role = serializers.ChoiceField(
        choices=FamilyMember.Role.choices,
        required=False,
        write_only=True,
        help_text="The person's role in that family. Required with `family`.",
    )

    class Meta:
        model = Person
        fields = [*services.PERSON_EDITABLE_FIELDS, "family", "role"]

    def validate_family(self, value):
        if value is None:
            return None
        user = self.context["request"].user
        family = selectors.families_for(user).filter(pk=value).first()
        if family is None:
            # The same answer whether the family does not exist or is not the caller's.
            raise serializers.ValidationError("Select a family your team works with.")
        return family

    # Which family and role a person may be added with is people.services.person_add's rule,
    # as for the page: this serializer only reads the input.


class PersonUpdateSerializer(serializers.ModelSerializer):
    """A change to a person: `version` and only the fields to change."""

    # Never partial: DRF's partial mode would make `version` optional too, so the
    # person fields are declared optional instead and `partial` is pinned to False
    # (which also keeps the OpenAPI schema saying that `version` is required).

    phone = _phone_field()
    version = serializers.IntegerField(
        min_value=1,
        write_only=True,
        help_text="The version you last read. If someone has saved the person since, nothing is "
        "changed and the answer is 409 Conflict.",
    )

    class Meta:
        model = Person
        fields = [*services.PERSON_EDITABLE_FIELDS, "version"]
        extra_kwargs = {name: {"required": False} for name in services.PERSON_EDITABLE_FIELDS}

    @property
    def partial(self):
        return False

    @partial.setter
    def partial(self, value):
        pass


class OtherNameSerializer(serializers.Serializer):
    # "type", not "kind": "kind" already names the person's kind in the schema.
    type = serializers.ChoiceField(source="kind", choices=PersonName.Kind.choices)
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class PersonAddressSerializer(serializers.Serializer):
    address = serializers.SerializerMethodField()
    moved_in = serializers.DateField(allow_null=True)
    moved_out = serializers.DateField(allow_null=True)
    is_current = serializers.BooleanField()
    is_confidential = serializers.BooleanField()

    @extend_schema_field(ADDRESS_OR_CONFIDENTIAL)
    def get_address(self, link: PersonAddress) -> dict:
        return _address_data(
            link.address, hidden=link.address_id in self.context["hidden_address_ids"]
        )


class PersonFamilySerializer(serializers.Serializer):
    family = FamilyRefSerializer()
    role = serializers.ChoiceField(choices=FamilyMember.Role.choices)
    joined_on = serializers.DateField(allow_null=True)


class PersonHouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="household.id")
    name = serializers.CharField(source="household.name")
    family = serializers.UUIDField(source="household.family_id")
    address = serializers.SerializerMethodField(allow_null=True)
    from_date = serializers.DateField(allow_null=True)
    to_date = serializers.DateField(allow_null=True)
    stays_part_time = serializers.BooleanField()

    @extend_schema_field(ADDRESS_OR_CONFIDENTIAL)
    def get_address(self, membership) -> dict | None:
        household = membership.household
        return _address_data(
            household.address, hidden=household.address_id in self.context["hidden_address_ids"]
        )


class RelationshipSerializer(serializers.Serializer):
    """Read as '<person> is <relationship> of <relative>'."""

    person = PersonRefSerializer()
    relationship = serializers.ChoiceField(source="kind", choices=Relationship.Kind.choices)
    relative = PersonRefSerializer()
    notes = serializers.CharField()


class ParentalResponsibilitySerializer(serializers.Serializer):
    child = PersonRefSerializer()
    adult = PersonRefSerializer()
    basis = serializers.ChoiceField(choices=ParentalResponsibility.Basis.choices)
    from_date = serializers.DateField(allow_null=True)
    to_date = serializers.DateField(allow_null=True)


class ProfessionalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.UUIDField(source="person_id")
    name = serializers.CharField()
    role = serializers.CharField()
    organisation = serializers.CharField(source="organisation_name")
    phone = serializers.CharField()
    email = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)


class ChronologyEntrySerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person_id", read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = ChronologyEntry
        fields = [
            "id",
            "person",
            "occurred_on",
            "category",
            "summary",
            "source",
            "recorded_by",
            "recorded_at",
            # The record a service's entry came from ("episode" and its id); empty when typed.
            "record_type",
            "record_id",
            "event",
        ]
        read_only_fields = fields

    def get_recorded_by(self, entry: ChronologyEntry) -> str:
        user = entry.recorded_by
        return (user.get_full_name() or user.username) if user is not None else ""


class PersonDetailSerializer(PersonSerializer):
    """Everything about one person that the caller may see."""

    # Needs the instance from selectors.person_detail (prefetched) and context key
    # "hidden_address_ids" (selectors.hidden_address_ids, as the person page uses it).

    other_names = OtherNameSerializer(many=True, read_only=True)
    addresses = PersonAddressSerializer(many=True, read_only=True)
    families = serializers.SerializerMethodField()
    households = serializers.SerializerMethodField()
    relationships = serializers.SerializerMethodField()
    parental_responsibility = serializers.SerializerMethodField()
    professionals = ProfessionalSerializer(many=True, read_only=True)
    chronology_count = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [
            *PERSON_FIELDS,
            "other_names",
            "addresses",
            "families",
            "households",
            "relationships",
            "parental_responsibility",
            "professionals",
            "chronology_count",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonFamilySerializer(many=True))
    def get_families(self, person: Person) -> list:
        # person_detail prefetches only the memberships of families in the caller's scope.
        return PersonFamilySerializer(person.family_memberships.all(), many=True).data

    @extend_schema_field(PersonHouseholdSerializer(many=True))
    def get_households(self, person: Person) -> list:
        # Households belong to families; show only those of families the caller may see.
        visible = {m.family_id for m in person.family_memberships.all()}
        memberships = [
            m for m in person.household_memberships.all() if m.household.family_id in visible
        ]
        return PersonHouseholdSerializer(memberships, many=True, context=self.context).data

    @extend_schema_field(RelationshipSerializer(many=True))
    def get_relationships(self, person: Person) -> list:
        rows = [*person.relationships.all(), *person.relationships_as_relative.all()]
        for row in rows:
            # The prefetch fills in the other end; this end is the person being read.
            if row.person_id == person.pk:
                row.person = person
            if row.relative_id == person.pk:
                row.relative = person
        return RelationshipSerializer(rows, many=True).data

    @extend_schema_field(ParentalResponsibilitySerializer(many=True))
    def get_parental_responsibility(self, person: Person) -> list:
        rows = [*person.parental_responsibility.all(), *person.parental_responsibility_for.all()]
        for row in rows:
            if row.child_id == person.pk:
                row.child = person
            if row.adult_id == person.pk:
                row.adult = person
        return ParentalResponsibilitySerializer(rows, many=True).data

    def get_chronology_count(self, person: Person) -> int:
        return len(person.chronology.all())


class PersonSearchSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Also matches an unborn baby's expected date of delivery.",
    )
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)

    def validate(self, attrs):
        if not (
            attrs.get("name", "").strip()
            or attrs.get("date_of_birth")
            or attrs.get("postcode", "").strip()
        ):
            raise serializers.ValidationError("Enter a name, a date of birth or a postcode.")
        return attrs


class PersonSearchResultSerializer(serializers.Serializer):
    person = PersonSummarySerializer()
    score = serializers.FloatField(help_text="How closely the name matched, 0 to 1.")


class PersonSearchResponseSerializer(serializers.Serializer):
    results = PersonSearchResultSerializer(many=True)
    too_many = serializers.BooleanField(help_text="True when the search should be narrowed.")


# --- Families ----------------------------------------------------------------------


class FamilyMemberSerializer(serializers.Serializer):
    person = PersonSummarySerializer()
    role = serializers.ChoiceField(choices=FamilyMember.Role.choices)
    joined_on = serializers.DateField(allow_null=True)


class FamilyTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="team.id")
    code = serializers.CharField(source="team.code")
    name = serializers.CharField(source="team.name")
    started_on = serializers.DateField()


class HouseholdMemberSerializer(serializers.Serializer):
    person = PersonRefSerializer()
    from_date = serializers.DateField(allow_null=True)
    to_date = serializers.DateField(allow_null=True)
    stays_part_time = serializers.BooleanField()


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.SerializerMethodField(allow_null=True)
    members = HouseholdMemberSerializer(source="memberships", many=True)

    @extend_schema_field(ADDRESS_OR_CONFIDENTIAL)
    def get_address(self, household: Household) -> dict | None:
        return _address_data(
            household.address, hidden=household.address_id in self.context["hidden_address_ids"]
        )


class FamilySerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.name", read_only=True)
    members = FamilyMemberSerializer(many=True, read_only=True)
    teams = FamilyTeamSerializer(source="team_links", many=True, read_only=True)

    class Meta:
        model = Family
        fields = ["id", "reference", "name", "area", "version", "members", "teams"]
        read_only_fields = fields


class ChronologySummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())
    latest = ChronologyEntrySerializer(many=True)


class FamilyDetailSerializer(FamilySerializer):
    """A family: members, households, teams, professionals and a chronology summary."""

    # Needs the instance from selectors.family_detail and context keys "professionals",
    # "chronology_summary" and "hidden_address_ids" (selectors.hidden_address_ids).

    households = HouseholdSerializer(many=True, read_only=True)
    professionals = serializers.SerializerMethodField()
    chronology = serializers.SerializerMethodField()

    class Meta(FamilySerializer.Meta):
        fields = [*FamilySerializer.Meta.fields, "households", "professionals", "chronology"]
        read_only_fields = fields

    @extend_schema_field(ProfessionalSerializer(many=True))
    def get_professionals(self, family: Family) -> list:
        return ProfessionalSerializer(self.context["professionals"], many=True).data

    @extend_schema_field(ChronologySummarySerializer)
    def get_chronology(self, family: Family) -> dict:
        return self.context["chronology_summary"]


# --- Views -------------------------------------------------------------------------


def _record_id(value: str) -> uuid.UUID:
    # A malformed id is just another record that is not there.
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.") from None


class AuditedListMixin:
    """A list writes one VIEW audit event: the record type and how many were shown."""

    audit_label: str

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = self.get_serializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=self.audit_label,
            detail={"count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)


@extend_schema(tags=["people"])
@extend_schema_view(
    list=extend_schema(
        summary="People in your scope",
        description="Paginated. There are deliberately no filters: search with POST /api/v1/people/search/.",
    ),
    retrieve=extend_schema(
        summary="One person", responses={200: PersonDetailSerializer, 404: NOT_FOUND}
    ),
)
class PersonViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """People in the caller's scope: list, read, create, change, search and chronology."""

    serializer_class = PersonSummarySerializer
    lookup_value_regex = UUID_LOOKUP
    http_method_names = ["get", "post", "patch", "head", "options"]
    audit_label = PERSON_LABEL

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_people()
        return selectors.people_for(self.request.user).order_by("last_name", "first_name", "pk")

    def get_serializer_class(self):
        return {
            "retrieve": PersonDetailSerializer,
            "create": PersonCreateSerializer,
            "partial_update": PersonUpdateSerializer,
            "search": PersonSearchSerializer,
            "chronology": ChronologyEntrySerializer,
        }.get(self.action, PersonSummarySerializer)

    def retrieve(self, request, *args, **kwargs):
        person = selectors.person_detail(request.user, _record_id(kwargs["pk"]))
        address_ids = [link.address_id for link in person.addresses.all()]
        address_ids += [m.household.address_id for m in person.household_memberships.all()]
        # The same rule as the person page (people.presenters.person_page).
        hidden_ids = selectors.hidden_address_ids(request.user, address_ids, person=person)
        serializer = PersonDetailSerializer(
            person,
            context={
                **self.get_serializer_context(),
                "hidden_address_ids": hidden_ids,
            },
        )
        data = serializer.data
        audit_record(actor=request.user, action=Action.VIEW, target=person)
        return Response(data)

    @extend_schema(
        summary="Create a person",
        request=PersonCreateSerializer,
        responses={
            201: PersonSerializer,
            400: OpenApiResponse(description="Validation errors, by field."),
            403: OpenApiResponse(description="Your role does not work with case records."),
        },
    )
    def create(self, request, *args, **kwargs):
        # The role first, before the body is read: 403, then 400.
        require("people.add_person", request.user)
        serializer = PersonCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        family, role = fields.pop("family", None), fields.pop("role", None)
        person, _family = services.person_add(
            actor=request.user, fields=fields, family=family, role=role or ""
        )
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a person",
        description="Send only the fields to change, with the `version` you last read.",
        request=PersonUpdateSerializer,
        responses={
            200: PersonSerializer,
            400: OpenApiResponse(description="Validation errors, by field."),
            404: NOT_FOUND,
            409: OpenApiResponse(
                ConflictSerializer, description="Someone saved the person after you read it."
            ),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        person = selectors.get_person(request.user, _record_id(kwargs["pk"]))
        serializer = PersonUpdateSerializer(
            person, data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        expected_version = changes.pop("version")
        if not changes:
            raise serializers.ValidationError(
                {"non_field_errors": ["Send at least one field to change."]}
            )
        try:
            person = services.person_update(
                actor=request.user,
                person=person,
                expected_version=expected_version,
                changes=changes,
            )
        except StaleVersionError:
            current = (
                selectors.people_for(request.user)
                .filter(pk=person.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is None:
                raise NotFound("Not found.") from None
            return Response(
                {
                    "detail": "This person was changed by someone else after you read them, so your change "
                    f"was not saved. Read the person again (now version {current}) and reapply your change.",
                    "current_version": current,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(PersonSerializer(person).data)

    @extend_schema(
        summary="Search for people",
        description="Search terms go in the body, never the URL. At most 25 results, best first.",
        request=PersonSearchSerializer,
        responses={
            200: PersonSearchResponseSerializer,
            400: OpenApiResponse(description="No search terms."),
            403: OpenApiResponse(description="Your role does not work with case records."),
        },
    )
    @action(detail=False, methods=["post"])
    def search(self, request):
        # The role first, before the search terms are read: 403, then 400.
        require("people.search_people", request.user)
        serializer = PersonSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        terms = serializer.validated_data
        results, too_many = selectors.search_people(
            request.user,
            name=terms.get("name", ""),
            date_of_birth=terms.get("date_of_birth"),
            postcode=terms.get("postcode", ""),
        )
        data = PersonSearchResponseSerializer(
            {
                "results": [
                    {"person": person, "score": round(score, 3)} for person, score in results
                ],
                "too_many": too_many,
            }
        ).data
        audit_record(
            actor=request.user,
            action=Action.SEARCH,
            target=PERSON_LABEL,
            detail={"results": len(results)},
        )
        return Response(data)

    @extend_schema(
        summary="A person's chronology",
        description="Every significant event recorded for the person, newest first, whichever family "
        "it was recorded under. Paginated.",
        responses={200: ChronologyEntrySerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def chronology(self, request, pk=None):
        person = selectors.get_person(request.user, _record_id(pk))
        entries = person.chronology.select_related("recorded_by").order_by(
            "-occurred_on", "-recorded_at", "-pk"
        )
        page = self.paginate_queryset(entries)
        data = ChronologyEntrySerializer(page, many=True).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=person, detail={"section": "chronology"}
        )
        return self.get_paginated_response(data)


@extend_schema(tags=["families"])
@extend_schema_view(
    list=extend_schema(
        summary="Families in your scope", description="Paginated, with members and teams."
    ),
    retrieve=extend_schema(
        summary="One family",
        description="Members, households, teams, professionals and a chronology summary.",
        responses={200: FamilyDetailSerializer, 404: NOT_FOUND},
    ),
)
class FamilyViewSet(AuditedListMixin, viewsets.ReadOnlyModelViewSet):
    """Families in the caller's scope."""

    serializer_class = FamilySerializer
    lookup_value_regex = UUID_LOOKUP
    audit_label = FAMILY_LABEL

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_families()
        return selectors.family_list(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        family = selectors.family_detail(request.user, _record_id(kwargs["pk"]))
        households = list(family.households.all())
        # The same rule as the family page (people.presenters.family_page).
        hidden_ids = selectors.hidden_address_ids(
            request.user, [h.address_id for h in households], family=family
        )
        chronology = selectors.family_chronology(family)
        by_category = dict(
            chronology.order_by()
            .values_list("category")
            .annotate(n=Count("id"))
            .values_list("category", "n")
        )
        serializer = FamilyDetailSerializer(
            family,
            context={
                **self.get_serializer_context(),
                "professionals": list(selectors.family_professionals(family)),
                "chronology_summary": {
                    "count": sum(by_category.values()),
                    "by_category": by_category,
                    "latest": ChronologyEntrySerializer(
                        chronology[:FAMILY_CHRONOLOGY_LATEST], many=True
                    ).data,
                },
                "hidden_address_ids": hidden_ids,
            },
        )
        data = serializer.data
        audit_record(actor=request.user, action=Action.VIEW, target=family)
        return Response(data)
