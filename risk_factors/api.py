"""DRF endpoints for risk and vulnerability factors, registered on the shared /api/v1/ router.

The same rules as the pages, because the same code: factors come only from
``risk_factors.selectors`` (out of scope is 404) and every change goes through
``risk_factors.services``.

* ``GET /api/v1/risk-factors/`` (``?family=<uuid>``) and ``GET /api/v1/risk-factors/{id}/``
* ``POST /api/v1/risk-factors/``: record a factor
* ``POST /api/v1/risk-factors/{id}/end/`` and ``POST /api/v1/risk-factors/{id}/confirm/``

No ChoiceFields named status, kind or source (other apps publish enums under those names): the
values are listed in help text.
"""

from __future__ import annotations

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

from core.api import BAD_REQUEST, ID_LOOKUP, FamilyQuerySerializer, query_params, require
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from risk_factors import selectors, services
from risk_factors.models import Factor, RiskFactor, RiskFactorHistory, Source

LABEL = "risk_factors.riskfactor"
RECORD = "risk_factors.record_factor"
NOT_FOUND = OpenApiResponse(
    response=inline_serializer("RiskFactorNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
FORBIDDEN = OpenApiResponse(description="Your role may not record risk factors.")
CONFLICT = OpenApiResponse(
    response=inline_serializer(
        "RiskFactorConflict",
        {"detail": serializers.CharField(), "version": serializers.IntegerField(required=False)},
    ),
    description="Already present, already ended, or someone else changed it first.",
)
FAMILY_FILTER = OpenApiParameter(
    "family", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="Only this family's factors."
)


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("Not found.") from None


class RiskFactorHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    change = serializers.CharField(help_text=_choices(RiskFactorHistory.Change.values))
    on = serializers.DateField()
    reason = serializers.CharField()

    def get_actor(self, row) -> str:
        return _user_name(row.actor)


class RiskFactorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    family = serializers.UUIDField(source="family_id")
    person = serializers.UUIDField(source="person_id", allow_null=True)
    factor = serializers.CharField(help_text=_choices(Factor.values))
    factor_label = serializers.CharField(source="get_factor_display")
    noted_on = serializers.DateField()
    factor_source = serializers.CharField(source="source", help_text=_choices(Source.values))
    source_detail = serializers.CharField()
    factor_status = serializers.CharField(
        source="status", help_text=_choices(RiskFactor.Status.values)
    )
    ended_on = serializers.DateField(allow_null=True)
    confirmed_on = serializers.DateField(allow_null=True)
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    history = RiskFactorHistorySerializer(many=True, source="history.all")

    def get_recorded_by(self, row) -> str:
        return _user_name(row.recorded_by)


def _missing(message: str) -> dict:
    return {"required": message, "null": message, "blank": message, "invalid": message}


class RiskFactorCreateSerializer(serializers.Serializer):
    """Only the shape; what a factor needs is risk_factors.services' rule."""

    family = serializers.UUIDField(help_text="A family in your scope.")
    factor = serializers.CharField(
        help_text=_choices(Factor.values), error_messages=_missing(services.FACTOR_MISSING)
    )
    person = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The family member it concerns (required for a child's factor).",
        error_messages={"invalid": services.NOT_A_MEMBER},
    )
    noted_on = serializers.DateField(error_messages=_missing(services.NOTED_MISSING))
    factor_source = serializers.CharField(
        help_text=_choices(Source.values), error_messages=_missing(services.SOURCE_MISSING)
    )
    source_detail = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_DETAIL
    )


class RiskFactorEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(error_messages=_missing(services.ENDED_MISSING))
    reason = serializers.CharField(
        max_length=services.MAX_DETAIL, error_messages=_missing(services.REASON_MISSING)
    )
    version = serializers.IntegerField(min_value=0, help_text="The version you read.")


class RiskFactorConfirmSerializer(serializers.Serializer):
    confirmed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_DETAIL
    )
    version = serializers.IntegerField(min_value=0, help_text="The version you read.")


ACTION_RESPONSES = {
    200: RiskFactorSerializer,
    400: BAD_REQUEST,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


@extend_schema(tags=["risk factors"])
@extend_schema_view(
    list=extend_schema(
        summary="Risk and vulnerability factors in your scope",
        parameters=[FAMILY_FILTER],
        responses={200: RiskFactorSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One factor, with its history",
        responses={200: RiskFactorSerializer, 404: NOT_FOUND},
    ),
)
class RiskFactorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A family's risk and vulnerability factors: the same services as the pages."""

    serializer_class = RiskFactorSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_factors()
        return selectors.with_details(selectors.factors_for(self.request.user)).order_by(
            "-noted_on", "-pk"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return RiskFactorCreateSerializer
        return RiskFactorSerializer

    def _get(self, pk) -> RiskFactor:
        return selectors.get_factor(self.request.user, _int_or_404(pk))

    def _answer(self, risk_factor, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.get_factor(self.request.user, risk_factor.pk)
        return Response(RiskFactorSerializer(fresh).data, status=code)

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        wanted = query_params(request, FamilyQuerySerializer)
        if "family" in wanted:
            queryset = queryset.filter(family=selectors.get_family(request.user, wanted["family"]))
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = RiskFactorSerializer(rows, many=True).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=LABEL, detail={"count": len(rows)}
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        risk_factor = self._get(kwargs["pk"])
        data = RiskFactorSerializer(risk_factor).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=risk_factor, detail={"page": "api"}
        )
        return Response(data)

    @extend_schema(
        summary="Record a factor",
        request=RiskFactorCreateSerializer,
        responses={
            201: RiskFactorSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def create(self, request, *args, **kwargs):
        # The role first, before the body (which names the family) is read: 403, then 400.
        require(RECORD, request.user, message=FORBIDDEN.description)
        s = RiskFactorCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        family = selectors.get_family(request.user, d["family"])
        person = None
        if d.get("person") is not None:
            person = selectors.family_member(family, d["person"])
            if person is None:
                raise serializers.ValidationError({"person": [services.NOT_A_MEMBER]})
        risk_factor = services.risk_factor_record(
            actor=request.user,
            family=family,
            factor=d["factor"],
            person=person,
            noted_on=d["noted_on"],
            source=d["factor_source"],
            source_detail=d["source_detail"],
        )
        return self._answer(risk_factor, status.HTTP_201_CREATED)

    def _stale(self, risk_factor) -> Response:
        current = selectors.get_factor(self.request.user, risk_factor.pk)
        return Response(
            {"detail": services.STALE, "version": current.version}, status=status.HTTP_409_CONFLICT
        )

    @extend_schema(
        summary="Record that it is no longer present",
        request=RiskFactorEndSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        risk_factor = self._get(pk)
        require(RECORD, request.user, message=FORBIDDEN.description)
        s = RiskFactorEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            services.risk_factor_end(
                actor=request.user,
                risk_factor=risk_factor,
                expected_version=d["version"],
                ended_on=d["ended_on"],
                reason=d["reason"],
            )
        except StaleVersionError:
            return self._stale(risk_factor)
        return self._answer(risk_factor)

    @extend_schema(
        summary="Confirm it is still present",
        request=RiskFactorConfirmSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        risk_factor = self._get(pk)
        require(RECORD, request.user, message=FORBIDDEN.description)
        s = RiskFactorConfirmSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            services.risk_factor_confirm(
                actor=request.user,
                risk_factor=risk_factor,
                expected_version=d["version"],
                confirmed_on=d["confirmed_on"],
                note=d["note"],
            )
        except StaleVersionError:
            return self._stale(risk_factor)
        return self._answer(risk_factor)


def register(router) -> None:
    router.register("risk-factors", RiskFactorViewSet, basename="risk-factor")
