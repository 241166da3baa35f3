"""DRF endpoints for the radar, registered on the shared /api/v1/ router by register().

The same rules as the pages, because the same code: flags come only from ``radar.selectors``
(a flag not on the caller's radar is 404) and every change goes through ``radar.services``.

* ``GET /api/v1/radar/flags/`` (the open flags on your radar) and ``GET /api/v1/radar/flags/{id}/``
* ``POST /api/v1/radar/flags/{id}/acknowledge/`` with a note and the version you read
* ``POST /api/v1/radar/flags/run/``: run the radar now (those who oversee a team's caseload)
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import clock
from core.api import BAD_REQUEST, ID_LOOKUP, require
from core.audit import Action, audit_record
from radar import selectors, services
from radar.models import RuleCode
from radar.reasons import reasons

FLAG_LABEL = "radar.radarflag"
NOT_FOUND = OpenApiResponse(
    response=inline_serializer("RadarFlagNotFound", {"detail": serializers.CharField()}),
    description="No such flag on your radar (the same answer whether or not it exists).",
)
FORBIDDEN = OpenApiResponse(
    description="Only the lead professional or a manager of their team (flags on episodes), "
    "those who oversee caseloads (panel cases) or who triage (requests)."
)
RUN_FORBIDDEN = OpenApiResponse(description="Only those who oversee a team's caseload.")
CONFLICT = OpenApiResponse(
    response=inline_serializer(
        "RadarFlagConflict",
        {"detail": serializers.CharField(), "version": serializers.IntegerField(required=False)},
    ),
    description="The flag is no longer open, or changed since you read it.",
)


class RadarFlagHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    change = serializers.CharField(help_text="raised, updated, acknowledged or cleared")
    note = serializers.CharField()
    actor = serializers.SerializerMethodField(help_text="Empty for the radar itself")

    def get_actor(self, row) -> str:
        return row.actor.get_full_name() if row.actor else ""


class RadarFlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField(help_text=", ".join(RuleCode.values))
    rule_label = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField(help_text="The reasons in words, as of today")
    facts = serializers.JSONField(help_text="Dates, counts and the rule's threshold")
    family = serializers.UUIDField(source="family_id", allow_null=True)
    family_reference = serializers.SerializerMethodField()
    episode = serializers.UUIDField(source="episode_id", allow_null=True)
    child = serializers.UUIDField(source="child_id", allow_null=True)
    child_name = serializers.SerializerMethodField()
    panel_case = serializers.IntegerField(source="panel_case_id", allow_null=True)
    support_request = serializers.UUIDField(source="support_request_id", allow_null=True)
    since = serializers.DateField()
    raised_on = serializers.DateField()
    flag_status = serializers.CharField(
        source="status", help_text="raised, acknowledged or cleared"
    )
    acknowledged_by = serializers.SerializerMethodField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_note = serializers.CharField()
    cleared_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()

    def get_rule_label(self, flag) -> str:
        return RuleCode(flag.rule).label

    def get_reasons(self, flag) -> str:
        return reasons(flag, clock.today())

    def get_family_reference(self, flag) -> str:
        return flag.family.reference if flag.family else ""

    def get_child_name(self, flag) -> str:
        return flag.child.full_name if flag.child else ""

    def get_acknowledged_by(self, flag) -> str:
        return flag.acknowledged_by.get_full_name() if flag.acknowledged_by else ""


class RadarFlagDetailSerializer(RadarFlagSerializer):
    history = serializers.SerializerMethodField()

    @extend_schema_field(RadarFlagHistorySerializer(many=True))
    def get_history(self, flag) -> list[dict]:
        return RadarFlagHistorySerializer(selectors.flag_history(flag), many=True).data


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=services.NOTE_MAX)
    expected_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


RunSerializer = inline_serializer(
    "RadarRunResult",
    {
        "raised": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "cleared": serializers.IntegerField(),
        "open": serializers.IntegerField(),
    },
)


@extend_schema(tags=["radar"])
@extend_schema_view(
    list=extend_schema(
        summary="The open flags on your radar",
        responses={200: RadarFlagSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One flag, with its history",
        responses={200: RadarFlagDetailSerializer, 404: NOT_FOUND},
    ),
)
class RadarFlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The drift and delay radar's flags: the same services as the pages."""

    serializer_class = RadarFlagSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_flags()
        return selectors.open_flags_for(self.request.user)

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = RadarFlagSerializer(rows, many=True).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=FLAG_LABEL, detail={"count": len(rows)}
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        flag = selectors.get_flag(request.user, kwargs["pk"])
        data = RadarFlagDetailSerializer(flag).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=flag, detail={"page": "api_detail"}
        )
        return Response(data)

    @extend_schema(
        summary="Acknowledge a flag with a note",
        request=AcknowledgeSerializer,
        responses={
            200: RadarFlagDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        flag = selectors.get_flag(request.user, pk)
        require("radar.acknowledge_flag", request.user, flag, FORBIDDEN.description)
        s = AcknowledgeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.radar_flag_acknowledge(
            actor=request.user,
            flag=flag,
            note=s.validated_data["note"],
            expected_version=s.validated_data["expected_version"],
        )
        fresh = selectors.get_flag(request.user, flag.pk)
        return Response(RadarFlagDetailSerializer(fresh).data)

    @extend_schema(
        summary="Run the radar now",
        request=None,
        responses={200: RunSerializer, 403: RUN_FORBIDDEN},
    )
    @action(detail=False, methods=["post"])
    def run(self, request):
        require("radar.run", request.user, None, RUN_FORBIDDEN.description)
        return Response(services.radar_run(today=clock.today(), actor=request.user))


def register(router) -> None:
    router.register("radar/flags", RadarFlagViewSet, basename="radar-flag")
