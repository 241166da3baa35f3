"""DRF endpoints for consent, registered on the shared /api/v1/ router by register().

Authentication is the API's (see people.api). Families come only from people.selectors:
a family outside the caller's scope is not found (404), whether it exists or not. Every
read writes one VIEW audit event in the request's transaction; writes go through
consent.services, which audit themselves. A service's ValidationError is a 400 with
errors by field; recording without the role needed is a 403.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from consent import selectors, services
from consent.models import ConsentDecision, ConsentOverride, LawfulBasis, Purpose
from core.api import (
    BAD_REQUEST,
    FORBIDDEN,
    ID_LOOKUP,
    FamilyQuerySerializer,
    IdField,
    RequiredFamilyQuerySerializer,
    query_params,
    require,
)
from core.audit import Action, audit_record
from core.models import Agency

DECISION_LABEL = "consent.consentdecision"
OVERRIDE_LABEL = "consent.consentoverride"

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("ConsentNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
FAMILY_FILTER = OpenApiParameter(
    "family", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="Only this family's records."
)


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- Serializers -------------------------------------------------------------------


def _missing(message: str) -> dict:
    """A choice left out, empty or not on the list: one message, as the service and form say."""
    return {"required": message, "null": message, "invalid_choice": message}


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name"]


class ConsentDecisionSerializer(serializers.ModelSerializer):
    family = serializers.UUIDField(source="family_id", read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True, allow_null=True)
    agencies = AgencyRefSerializer(many=True, read_only=True)
    recorded_by = serializers.SerializerMethodField()
    # Declared so the schema allows "" (not recorded): a read-only model field loses allow_blank.
    lawful_basis = serializers.ChoiceField(
        choices=LawfulBasis.choices, allow_blank=True, read_only=True
    )
    given_by_relationship = serializers.ChoiceField(
        choices=ConsentDecision.Relationship.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ConsentDecision
        fields = [
            "id",
            "family",
            "purpose",
            "status",
            "given_by_name",
            "given_by_relationship",
            "person",
            "reason",
            "lawful_basis",
            "what_may_be_shared",
            "agencies",
            "decision_date",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_recorded_by(self, decision: ConsentDecision) -> str:
        return _user_name(decision.recorded_by)


class ConsentDecisionCreateSerializer(serializers.Serializer):
    """Only the shape is checked here; what each decision needs is consent.services' rule."""

    family = serializers.UUIDField(help_text="A family in your scope.")
    # Left out or not on the list: the words the service and the page's form use.
    purpose = serializers.ChoiceField(
        choices=Purpose.choices, error_messages=_missing(services.PURPOSE_MISSING)
    )
    status = serializers.ChoiceField(
        choices=ConsentDecision.Status.choices, error_messages=_missing(services.STATUS_MISSING)
    )
    decision_date = serializers.DateField(
        error_messages={
            "required": services.DECISION_DATE_MISSING,
            "null": services.DECISION_DATE_MISSING,
        }
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required when consent is refused, withdrawn or not sought.",
    )
    lawful_basis = serializers.ChoiceField(
        choices=LawfulBasis.choices,
        required=False,
        allow_blank=True,
        help_text="Required when consent is given.",
        error_messages={"invalid_choice": services.LAWFUL_BASIS_MISSING},
    )
    given_by_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.MAX_NAME,
        error_messages={"max_length": services.NAME_TOO_LONG},
    )
    given_by_relationship = serializers.ChoiceField(
        choices=ConsentDecision.Relationship.choices,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": services.RELATIONSHIP_MISSING},
    )
    person = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A member of the family.",
        error_messages={"invalid": services.NOT_A_MEMBER},
    )
    what_may_be_shared = serializers.CharField(required=False, allow_blank=True)
    agencies = serializers.ListField(
        child=IdField(),
        required=False,
        help_text="Ids of the agencies it may be shared with.",
    )

    def validate_agencies(self, value):
        found = selectors.agencies_by_id(value)
        missing = [pk for pk in value if pk not in found]
        if missing:
            raise serializers.ValidationError(services.AGENCY_NOT_LISTED)
        return [found[pk] for pk in dict.fromkeys(value)]


class ConsentOverrideSerializer(serializers.ModelSerializer):
    family = serializers.UUIDField(source="family_id", read_only=True)
    authorised_by = serializers.SerializerMethodField()

    class Meta:
        model = ConsentOverride
        fields = ["id", "family", "purpose", "reason", "authorised_by", "at"]
        read_only_fields = fields

    def get_authorised_by(self, override: ConsentOverride) -> str:
        return _user_name(override.authorised_by)


class ConsentOverrideCreateSerializer(serializers.Serializer):
    family = serializers.UUIDField(help_text="A family in your scope.")
    purpose = serializers.ChoiceField(
        choices=Purpose.choices, error_messages=_missing(services.OVERRIDE_PURPOSE_MISSING)
    )
    reason = serializers.CharField(
        help_text="Why this goes ahead without consent, for example safeguarding.",
        error_messages={
            "required": services.OVERRIDE_REASON_MISSING,
            "blank": services.OVERRIDE_REASON_MISSING,
            "null": services.OVERRIDE_REASON_MISSING,
        },
    )


class PanelReferralPermissionSerializer(serializers.Serializer):
    family = serializers.UUIDField()
    allowed = serializers.BooleanField()
    basis = serializers.ChoiceField(choices=["consent", "override"], allow_null=True)
    explanation = serializers.CharField()


# --- Views -------------------------------------------------------------------------


class _FamilyFilteredMixin:
    """List within scope, optionally for one family (?family=<uuid>; out of scope is a 404)."""

    audit_label: str

    def filtered(self, queryset):
        wanted = query_params(self.request, FamilyQuerySerializer)
        if "family" in wanted:
            queryset = queryset.filter(
                family=selectors.get_family(self.request.user, wanted["family"])
            )
        return queryset

    def list(self, request, *args, **kwargs):
        queryset = self.filtered(self.get_queryset())
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

    def retrieve(self, request, *args, **kwargs):
        record = self.get_queryset().filter(pk=_int_or_404(kwargs["pk"])).first()
        if record is None:
            raise NotFound("Not found.")
        data = self.get_serializer(record).data
        audit_record(actor=request.user, action=Action.VIEW, target=record)
        return Response(data)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("Not found.") from None


@extend_schema(tags=["consent"])
@extend_schema_view(
    list=extend_schema(
        summary="Consent decisions in your scope",
        description="Newest first. Paginated. Every decision is kept; the latest per family and purpose "
        "is the current one.",
        parameters=[FAMILY_FILTER],
        responses={200: ConsentDecisionSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One consent decision", responses={200: ConsentDecisionSerializer, 404: NOT_FOUND}
    ),
)
class ConsentDecisionViewSet(
    _FamilyFilteredMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Consent decisions: append-only, so there is no change or delete."""

    serializer_class = ConsentDecisionSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]
    audit_label = DECISION_LABEL

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_decisions()
        return selectors.decisions_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return ConsentDecisionCreateSerializer
        return ConsentDecisionSerializer

    @extend_schema(
        summary="Record a consent decision",
        request=ConsentDecisionCreateSerializer,
        responses={
            201: ConsentDecisionSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request, *args, **kwargs):
        # The role first, before the body (which names the family) is read: 403, then 400.
        require(
            "consent.record_decision",
            request.user,
            message="You do not have permission to record consent",
        )
        serializer = ConsentDecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        family = selectors.get_family(request.user, fields.pop("family"))
        person_id = fields.pop("person", None)
        person = None
        if person_id is not None:
            person = selectors.family_member(family, person_id)
            if person is None:
                raise serializers.ValidationError({"person": [services.NOT_A_MEMBER]})
        decision = services.consent_record_decision(
            actor=request.user, family=family, person=person, **fields
        )
        decision = selectors.decisions_for(request.user).get(pk=decision.pk)
        return Response(ConsentDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="May a referral about this family go to the panel?",
        description="Allowed when the family's current consent to a panel referral is given, or going ahead "
        "without it was authorised after their latest decision.",
        parameters=[
            OpenApiParameter("family", OpenApiTypes.UUID, OpenApiParameter.QUERY, required=True),
        ],
        responses={200: PanelReferralPermissionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"], url_path="panel-referral-permission")
    def panel_referral_permission(self, request):
        family = selectors.get_family(
            request.user, query_params(request, RequiredFamilyQuerySerializer)["family"]
        )
        permission = services.panel_referral_permission(family)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=family,
            detail={"section": "panel_referral_permission"},
        )
        return Response(
            PanelReferralPermissionSerializer(
                {
                    "family": family.pk,
                    "allowed": permission.allowed,
                    "basis": permission.basis,
                    "explanation": permission.explanation,
                }
            ).data
        )


@extend_schema(tags=["consent"])
@extend_schema_view(
    list=extend_schema(
        summary="Decisions to go ahead without consent, in your scope",
        description="Newest first. Paginated.",
        parameters=[FAMILY_FILTER],
        responses={200: ConsentOverrideSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One decision to go ahead without consent",
        responses={200: ConsentOverrideSerializer, 404: NOT_FOUND},
    ),
)
class ConsentOverrideViewSet(
    _FamilyFilteredMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Going ahead without consent (for safeguarding, say): only early support team leaders and team managers."""

    serializer_class = ConsentOverrideSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]
    audit_label = OVERRIDE_LABEL

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_overrides()
        return selectors.overrides_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return ConsentOverrideCreateSerializer
        return ConsentOverrideSerializer

    @extend_schema(
        summary="Authorise going ahead without consent",
        request=ConsentOverrideCreateSerializer,
        responses={
            201: ConsentOverrideSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request, *args, **kwargs):
        require(
            "consent.record_override",
            request.user,
            message="Only an early support team leader or a team manager can authorise going ahead without consent",
        )
        serializer = ConsentOverrideCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        family = selectors.get_family(request.user, fields.pop("family"))
        override = services.consent_record_override(actor=request.user, family=family, **fields)
        return Response(ConsentOverrideSerializer(override).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("consent-decisions", ConsentDecisionViewSet, basename="consent-decision")
    router.register("consent-overrides", ConsentOverrideViewSet, basename="consent-override")
