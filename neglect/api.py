"""DRF endpoints for neglect, registered on the shared /api/v1/ router by register().

The same rules as the pages, because the same code: concerns and results come only from
``neglect.selectors`` (out of scope is 404) and every write goes through ``neglect.services``.

* ``GET|POST /api/v1/neglect-concerns/`` (filters: ``child``, ``status``, ``period_start``,
  ``period_end``, ``area``, ``agency``, ``team``) and ``GET /api/v1/neglect-concerns/{id}/``
* ``POST /api/v1/neglect-concerns/{id}/observations|lived-experience|end/``
* ``GET /api/v1/neglect-concerns/counts/``: counts by category and age band, for reporting
* ``GET|POST /api/v1/neglect-tool-results/``
"""

from __future__ import annotations

from django.http import Http404
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
from rest_framework.response import Response

from core.api import BAD_REQUEST, ID_LOOKUP, UUID_LOOKUP, query_params, require
from core.audit import Action, audit_record
from neglect import selectors, services
from neglect.models import Category, NeglectConcern, NeglectConcernHistory
from people.selectors import get_person

CONCERN_LABEL = "neglect.neglectconcern"
RESULT_LABEL = "neglect.gradedcareresult"
PERM = "neglect.record_concern"
NOT_FOUND = OpenApiResponse(
    response=inline_serializer("NeglectNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
FORBIDDEN = OpenApiResponse(
    description="Only practitioners, lead professionals, team managers and the early support "
    "team leader, for a family in their scope."
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("NeglectConflict", {"detail": serializers.CharField()}),
    description="The concern has ended, the child already has a current concern, or someone "
    "changed it after you read it (send the current version).",
)


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- Serializers -------------------------------------------------------------------


class ObservationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    category = serializers.CharField(max_length=20, help_text=_choices(Category.values))
    seen = serializers.CharField(max_length=5000, help_text="What was seen.")
    seen_by = serializers.CharField(max_length=200, help_text="Name and role or agency.")
    seen_on = serializers.DateField(help_text="Today or before.")


class ObservationAddSerializer(ObservationSerializer):
    version = serializers.IntegerField(min_value=1, help_text="The concern's version you read.")


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    change = serializers.CharField(help_text=_choices(NeglectConcernHistory.Change.values))
    from_value = serializers.CharField()
    to_value = serializers.CharField()
    reason = serializers.CharField()

    def get_actor(self, row) -> str:
        return _user_name(row.actor)


class ConcernSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    child = serializers.UUIDField(source="child_id")
    family = serializers.UUIDField(source="family_id")
    source = serializers.CharField(help_text=_choices(NeglectConcern.Source.values))
    support_request = serializers.UUIDField(source="support_request_id", allow_null=True)
    assessment = serializers.UUIDField(source="assessment_id", allow_null=True)
    episode = serializers.UUIDField(source="episode_id", allow_null=True)
    identified_on = serializers.DateField()
    concern_status = serializers.CharField(
        source="status", help_text=_choices(NeglectConcern.Status.values)
    )
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(
        allow_blank=True,
        help_text="Blank while current; else " + _choices(NeglectConcern.EndReason.values),
    )
    version = serializers.IntegerField()


class ConcernDetailSerializer(ConcernSummarySerializer):
    lived_experience = serializers.CharField()
    end_note = serializers.CharField(allow_blank=True)
    recorded_by = serializers.SerializerMethodField()
    observations = ObservationSerializer(many=True)
    history = HistorySerializer(many=True)

    def get_recorded_by(self, concern) -> str:
        return _user_name(concern.recorded_by)


class ConcernCreateSerializer(serializers.Serializer):
    child = serializers.UUIDField(help_text="The child's person id.")
    source = serializers.CharField(max_length=20, help_text=_choices(NeglectConcern.Source.values))
    support_request = serializers.UUIDField(required=False, allow_null=True, default=None)
    assessment = serializers.UUIDField(required=False, allow_null=True, default=None)
    episode = serializers.UUIDField(required=False, allow_null=True, default=None)
    identified_on = serializers.DateField()
    lived_experience = serializers.CharField(max_length=5000)
    observations = ObservationSerializer(many=True, help_text="At least one.")


class LivedExperienceSerializer(serializers.Serializer):
    lived_experience = serializers.CharField(max_length=5000)
    reason = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(min_value=1)


class EndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(
        max_length=20, help_text=_choices(NeglectConcern.EndReason.values)
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    version = serializers.IntegerField(min_value=1)


class ConcernQuerySerializer(serializers.Serializer):
    child = serializers.UUIDField(required=False)
    concern_status = serializers.ChoiceField(choices=NeglectConcern.Status.choices, required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    area = serializers.CharField(required=False, max_length=50)
    agency = serializers.CharField(required=False, max_length=50)
    team = serializers.CharField(required=False, max_length=50)


class CountsQuerySerializer(ConcernQuerySerializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())
    by_age_band = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Age at identification: "
        + ", ".join(key for key, *_ in selectors.AGE_BANDS)
        + (f" (and {selectors.AGE_UNKNOWN} with no date of birth)."),
    )


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    child = serializers.UUIDField(help_text="The child's person id.")
    concern = serializers.UUIDField(required=False, allow_null=True, default=None)
    tool = serializers.CharField(max_length=50, help_text="The tool's code in the council pack.")
    done_on = serializers.DateField()
    area_grades = serializers.DictField(
        child=serializers.IntegerField(), help_text="A grade for each of the tool's areas."
    )
    overall_grade = serializers.IntegerField()

    def to_representation(self, result):
        return {
            "id": result.pk,
            "child": str(result.child_id),
            "concern": str(result.concern_id) if result.concern_id else None,
            "tool": result.tool.code,
            "done_on": result.done_on.isoformat(),
            "area_grades": dict(result.area_grades),
            "overall_grade": result.overall_grade,
        }


class ResultQuerySerializer(serializers.Serializer):
    child = serializers.UUIDField(required=False)


def _child_and_family(user, child_id, field: str = "child"):
    """The child in the caller's scope and their family, or a 400 on ``field``."""
    try:
        child = get_person(user, child_id)
    except Http404:
        raise serializers.ValidationError({field: ["Not found"]}) from None
    families = selectors.child_families(user, child)
    if not families:
        raise serializers.ValidationError({field: ["Not a child of a family in your scope"]})
    return child, families[0]


def _found(obj, field):
    if obj is None:
        raise serializers.ValidationError({field: ["Not found"]})
    return obj


# --- The viewsets ------------------------------------------------------------------

ACTION_RESPONSES = {
    200: ConcernDetailSerializer,
    400: BAD_REQUEST,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}
PERIOD_PARAMETERS = [
    OpenApiParameter(
        "child", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="Only this child's."
    ),
    OpenApiParameter(
        "concern_status",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=NeglectConcern.Status.values,
        description="current or ended.",
    ),
    OpenApiParameter(
        "period_start",
        OpenApiTypes.DATE,
        OpenApiParameter.QUERY,
        description="Identified on or after.",
    ),
    OpenApiParameter(
        "period_end",
        OpenApiTypes.DATE,
        OpenApiParameter.QUERY,
        description="Identified on or before.",
    ),
    OpenApiParameter(
        "area", OpenApiTypes.STR, OpenApiParameter.QUERY, description="The family's area code."
    ),
    OpenApiParameter(
        "agency",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="The recording worker's agency code.",
    ),
    OpenApiParameter(
        "team",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="The recording worker's team code.",
    ),
]


@extend_schema(tags=["neglect"])
@extend_schema_view(
    list=extend_schema(
        summary="Neglect concerns in your scope",
        parameters=PERIOD_PARAMETERS,
        responses={200: ConcernSummarySerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One neglect concern, with what was seen and its history",
        responses={200: ConcernDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Record a neglect concern",
        request=ConcernCreateSerializer,
        responses={201: ConcernDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 409: CONFLICT},
    ),
)
class NeglectConcernViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Neglect concerns: the same services as the pages."""

    serializer_class = ConcernSummarySerializer
    lookup_value_regex = UUID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_concerns()
        return selectors.concerns_for(self.request.user)

    def _get(self, pk) -> NeglectConcern:
        return selectors.get_concern(self.request.user, pk)

    def _changer(self, pk) -> NeglectConcern:
        concern = self._get(pk)
        require(PERM, self.request.user, concern.family, FORBIDDEN.description)
        return concern

    def _detail(self, concern, code=status.HTTP_200_OK) -> Response:
        fresh = self._get(concern.pk)
        return Response(ConcernDetailSerializer(fresh).data, status=code)

    def list(self, request, *args, **kwargs):
        wanted = query_params(request, ConcernQuerySerializer)
        queryset = selectors.filtered_concerns(
            request.user,
            period_start=wanted.get("period_start"),
            period_end=wanted.get("period_end"),
            area=wanted.get("area"),
            agency=wanted.get("agency"),
            team=wanted.get("team"),
        ).order_by("-identified_on", "-recorded_at")
        if "child" in wanted:
            queryset = queryset.filter(child_id=wanted["child"])
        if "concern_status" in wanted:
            queryset = queryset.filter(status=wanted["concern_status"])
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = ConcernSummarySerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=CONCERN_LABEL,
            detail={"count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        concern = self._get(kwargs["pk"])
        data = ConcernDetailSerializer(concern).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=concern, detail={"page": "api_detail"}
        )
        return Response(data)

    def create(self, request, *args, **kwargs):
        require("neglect.record_any", request.user, None, FORBIDDEN.description)
        s = ConcernCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        user = request.user
        child, family = _child_and_family(user, d["child"])
        origins = {}
        if d["support_request"]:
            origins["support_request"] = _found(
                selectors.support_request_for(user, family, d["support_request"]), "support_request"
            )
        if d["assessment"]:
            origins["assessment"] = _found(
                selectors.assessment_for(user, family, d["assessment"]), "assessment"
            )
        if d["episode"]:
            origins["episode"] = _found(
                selectors.episode_for(user, family, d["episode"]), "episode"
            )
        concern = services.neglect_concern_record(
            actor=user,
            child=child,
            family=family,
            source=d["source"],
            identified_on=d["identified_on"],
            lived_experience=d["lived_experience"],
            observations=[services.ObservationInput(**o) for o in d["observations"]],
            **origins,
        )
        return self._detail(concern, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add what was seen in one category",
        request=ObservationAddSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def observations(self, request, pk=None):
        concern = self._changer(pk)
        s = ObservationAddSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        services.neglect_observation_add(
            actor=request.user, concern=concern, expected_version=d.pop("version"), **d
        )
        return self._detail(concern)

    @extend_schema(
        summary="Change the child's daily lived experience",
        request=LivedExperienceSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="lived-experience")
    def lived_experience(self, request, pk=None):
        concern = self._changer(pk)
        s = LivedExperienceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        services.neglect_concern_change(
            actor=request.user, concern=concern, expected_version=d.pop("version"), **d
        )
        return self._detail(concern)

    @extend_schema(summary="End the concern", request=EndSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        concern = self._changer(pk)
        s = EndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        services.neglect_concern_end(
            actor=request.user, concern=concern, expected_version=d.pop("version"), **d
        )
        return self._detail(concern)

    @extend_schema(
        summary="Counts of concerns identified in a period, by category and age band",
        parameters=PERIOD_PARAMETERS,
        responses={200: CountsSerializer, 400: BAD_REQUEST},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def counts(self, request):
        wanted = query_params(request, CountsQuerySerializer)
        counts = selectors.neglect_counts(
            user=request.user,
            period_start=wanted["period_start"],
            period_end=wanted["period_end"],
            area=wanted.get("area"),
            agency=wanted.get("agency"),
            team=wanted.get("team"),
        )
        audit_record(
            actor=request.user, action=Action.VIEW, target=CONCERN_LABEL, detail={"page": "counts"}
        )
        return Response(CountsSerializer(counts).data)


@extend_schema(tags=["neglect"])
@extend_schema_view(
    list=extend_schema(
        summary="Graded-care tool results in your scope",
        parameters=[
            OpenApiParameter(
                "child", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="Only this child's."
            )
        ],
        responses={200: ResultSerializer(many=True), 400: BAD_REQUEST},
    ),
    create=extend_schema(
        summary="Record a graded-care tool's grades (never its text)",
        request=ResultSerializer,
        responses={201: ResultSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
)
class GradedCareResultViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ResultSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_results()
        return selectors.results_for(self.request.user)

    def list(self, request, *args, **kwargs):
        wanted = query_params(request, ResultQuerySerializer)
        queryset = self.get_queryset().select_related("tool").order_by("-done_on", "-pk")
        if "child" in wanted:
            queryset = queryset.filter(child_id=wanted["child"])
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = ResultSerializer(rows, many=True).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=RESULT_LABEL, detail={"count": len(rows)}
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def create(self, request, *args, **kwargs):
        require("neglect.record_any", request.user, None, FORBIDDEN.description)
        s = ResultSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        user = request.user
        child, family = _child_and_family(user, d["child"])
        concern = None
        if d["concern"]:
            concern = _found(
                selectors.concerns_for(user).filter(pk=d["concern"]).first(), "concern"
            )
        tool = _found(selectors.tool_by_code(d["tool"]), "tool")
        result = services.graded_care_result_record(
            actor=user,
            child=child,
            family=family,
            tool=tool,
            done_on=d["done_on"],
            area_grades=d["area_grades"],
            overall_grade=d["overall_grade"],
            concern=concern,
        )
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("neglect-concerns", NeglectConcernViewSet, basename="neglect-concern")
    router.register("neglect-tool-results", GradedCareResultViewSet, basename="neglect-tool-result")
