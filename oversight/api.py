"""DRF endpoints for supervision and escalations, registered on /api/v1/ by register().

The same services and scopes as the pages:

* ``GET|POST /api/v1/supervisions/``, ``GET /api/v1/supervisions/{id}/``
* ``POST /api/v1/supervision-actions/{id}/done/`` (``{"version": n}``; stale: 409)
* ``GET|POST /api/v1/escalations/``, ``GET /api/v1/escalations/{id}/``,
  ``POST /api/v1/escalations/{id}/move-on/`` and ``/resolve/``

Management oversight notes on an episode are casework's: ``/api/v1/episodes/{id}/oversight/``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from casework.selectors import get_episode
from core.api import BAD_REQUEST, ID_LOOKUP, IdField, require
from core.audit import Action, audit_record
from core.selectors import agency_by_code
from oversight import selectors, services
from oversight.models import Escalation

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("OversightNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("OversightConflict", {"detail": serializers.CharField()}),
    description="Someone changed it since you read it, or its state does not allow this now.",
)
SUPERVISE_FORBIDDEN = OpenApiResponse(
    description="Only a team manager or an early support team leader records supervision."
)
ESCALATE_FORBIDDEN = OpenApiResponse(
    description="Only the lead professional, their manager or the early support service."
)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


# --- Supervision ---------------------------------------------------------------------


class SupervisionCaseSerializer(serializers.Serializer):
    episode = serializers.UUIDField(source="episode_id")
    discussion = serializers.CharField(max_length=5000)
    decisions = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class SupervisionActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    what = serializers.CharField(max_length=5000)
    who = serializers.CharField(max_length=200)
    by_when = serializers.DateField()
    done_on = serializers.DateField(read_only=True, allow_null=True)


class SupervisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    worker = IdField(source="worker_id")
    worker_name = serializers.SerializerMethodField()
    supervisor_name = serializers.SerializerMethodField()
    held_on = serializers.DateField()
    reflections = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    version = serializers.IntegerField(read_only=True)
    cases = SupervisionCaseSerializer(many=True, required=False, default=list)
    actions = SupervisionActionSerializer(many=True, required=False, default=list)

    @extend_schema_field(OpenApiTypes.STR)
    def get_worker_name(self, supervision) -> str:
        return _name(supervision.worker)

    @extend_schema_field(OpenApiTypes.STR)
    def get_supervisor_name(self, supervision) -> str:
        return _name(supervision.supervisor)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)


@extend_schema(tags=["supervision"])
@extend_schema_view(
    list=extend_schema(summary="Supervisions you may read (your own and your workers')"),
    retrieve=extend_schema(
        summary="One supervision", responses={200: SupervisionSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Record a supervision of a worker you supervise",
        request=SupervisionSerializer,
        responses={201: SupervisionSerializer, 400: BAD_REQUEST, 403: SUPERVISE_FORBIDDEN},
    ),
)
class SupervisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SupervisionSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_supervisions()
        return (
            selectors.supervisions_for(self.request.user)
            .select_related("worker", "supervisor")
            .prefetch_related("cases", "actions")
            .order_by("-held_on", "-id")
        )

    def list(self, request, *args, **kwargs):
        require("oversight.use_supervision", request.user)
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = SupervisionSerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="oversight.supervision",
            detail={"page": "api_list", "count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        supervision = selectors.get_supervision(request.user, kwargs["pk"])
        audit_record(
            actor=request.user, action=Action.VIEW, target=supervision, detail={"page": "api"}
        )
        return Response(SupervisionSerializer(supervision).data)

    def create(self, request, *args, **kwargs):
        require("oversight.supervise", request.user, None, SUPERVISE_FORBIDDEN.description)
        s = SupervisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        worker = selectors.workers_for(request.user).filter(pk=d["worker_id"]).first()
        if worker is None:
            raise serializers.ValidationError({"worker": ["Choose a worker you supervise"]})
        supervision = services.supervision_record(
            actor=request.user,
            worker=worker,
            held_on=d["held_on"],
            reflections=d["reflections"],
            cases=[
                {
                    "episode": c["episode_id"],
                    "discussion": c["discussion"],
                    "decisions": c["decisions"],
                }
                for c in d["cases"]
            ],
            actions=d["actions"],
        )
        fresh = selectors.get_supervision(request.user, supervision.pk)
        return Response(SupervisionSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["supervision"])
class SupervisionActionViewSet(viewsets.GenericViewSet):
    serializer_class = SupervisionActionSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        return selectors.no_supervisions()

    @extend_schema(
        summary="Mark a supervision action done",
        request=VersionSerializer,
        responses={
            200: SupervisionActionSerializer,
            400: BAD_REQUEST,
            403: SUPERVISE_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        item = selectors.get_supervision_action(request.user, pk)
        require("oversight.change_supervision", request.user, item.supervision)
        s = VersionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.supervision_action_done(
            actor=request.user, action=item, expected_version=s.validated_data["version"]
        )
        return Response(SupervisionActionSerializer(item).data)


# --- Escalations ---------------------------------------------------------------------


class EscalationHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    event = serializers.CharField()
    escalation_stage = serializers.CharField(source="stage")
    to_whom = serializers.CharField()
    note = serializers.CharField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, row) -> str:
        return _name(row.actor)


class EscalationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    episode = serializers.UUIDField(source="episode_id")
    plan_action = IdField(source="plan_action_id", required=False, allow_null=True, default=None)
    agency = serializers.CharField(
        source="agency.code", max_length=50, help_text="The agency's code"
    )
    to_whom = serializers.CharField(max_length=200)
    escalation_stage = serializers.CharField(
        source="stage",
        max_length=1,
        required=False,
        default=Escalation.Stage.PRACTITIONER,
        help_text=_choices(Escalation.Stage.values),
    )
    concern = serializers.CharField(max_length=5000)
    escalation_status = serializers.CharField(
        source="status", read_only=True, help_text=_choices(Escalation.Status.values)
    )
    raised_on = serializers.DateField(read_only=True)
    raised_by = serializers.SerializerMethodField()
    outcome = serializers.CharField(read_only=True)
    resolved_on = serializers.DateField(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_raised_by(self, escalation) -> str:
        return _name(escalation.raised_by)


class EscalationDetailSerializer(EscalationSerializer):
    history = EscalationHistorySerializer(source="history_rows", many=True, read_only=True)


class MoveOnSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    escalation_stage = serializers.CharField(
        max_length=1, help_text=_choices(Escalation.Stage.values)
    )
    to_whom = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=5000)


class ResolveSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    outcome = serializers.CharField(max_length=5000)


@extend_schema(tags=["supervision"])
@extend_schema_view(
    list=extend_schema(summary="Escalations on the families you see"),
    retrieve=extend_schema(
        summary="One escalation, with its history",
        responses={200: EscalationDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Raise an escalation (professional challenge) about an agency",
        request=EscalationSerializer,
        responses={
            201: EscalationDetailSerializer,
            400: BAD_REQUEST,
            403: ESCALATE_FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
)
class EscalationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EscalationSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_escalations()
        return selectors.escalation_rows(self.request.user)

    def _detail(self, escalation, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.get_escalation(self.request.user, escalation.pk)
        fresh.history_rows = list(selectors.escalation_history(fresh))
        return Response(EscalationDetailSerializer(fresh).data, status=code)

    def list(self, request, *args, **kwargs):
        require("oversight.escalate", request.user)
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = EscalationSerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="oversight.escalation",
            detail={"page": "api_list", "count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        escalation = selectors.get_escalation(request.user, kwargs["pk"])
        audit_record(
            actor=request.user, action=Action.VIEW, target=escalation, detail={"page": "api"}
        )
        return self._detail(escalation)

    def create(self, request, *args, **kwargs):
        require("oversight.escalate", request.user, None, ESCALATE_FORBIDDEN.description)
        s = EscalationSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        episode = get_episode(request.user, d["episode_id"])
        require("oversight.escalate_episode", request.user, episode, ESCALATE_FORBIDDEN.description)
        agency = agency_by_code(d["agency"]["code"])
        if agency is None:
            raise serializers.ValidationError({"agency": ["No agency has that code"]})
        plan_action = None
        if d["plan_action_id"] is not None:
            plan_action = selectors.plan_actions_of(episode).filter(pk=d["plan_action_id"]).first()
            if plan_action is None:
                raise serializers.ValidationError(
                    {"plan_action": ["Choose an action from this family’s plan"]}
                )
        escalation = services.escalation_raise(
            actor=request.user,
            episode=episode,
            agency=agency,
            to_whom=d["to_whom"],
            stage=d["stage"],
            concern=d["concern"],
            plan_action=plan_action,
        )
        return self._detail(escalation, code=status.HTTP_201_CREATED)

    def _changer(self, pk):
        escalation = selectors.get_escalation(self.request.user, pk)
        require("oversight.escalate", self.request.user, None, ESCALATE_FORBIDDEN.description)
        require(
            "oversight.escalate_episode",
            self.request.user,
            escalation.episode,
            ESCALATE_FORBIDDEN.description,
        )
        return escalation

    @extend_schema(
        summary="Move an escalation on to a later stage",
        request=MoveOnSerializer,
        responses={
            200: EscalationDetailSerializer,
            400: BAD_REQUEST,
            403: ESCALATE_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="move-on")
    def move_on(self, request, pk=None):
        escalation = self._changer(pk)
        s = MoveOnSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        services.escalation_move_on(
            actor=request.user,
            escalation=escalation,
            expected_version=d["version"],
            stage=d["escalation_stage"],
            to_whom=d["to_whom"],
            note=d["note"],
        )
        return self._detail(escalation)

    @extend_schema(
        summary="Resolve an escalation with its outcome",
        request=ResolveSerializer,
        responses={
            200: EscalationDetailSerializer,
            400: BAD_REQUEST,
            403: ESCALATE_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        escalation = self._changer(pk)
        s = ResolveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.escalation_resolve(
            actor=request.user,
            escalation=escalation,
            expected_version=s.validated_data["version"],
            outcome=s.validated_data["outcome"],
        )
        return self._detail(escalation)


def register(router) -> None:
    router.register("supervisions", SupervisionViewSet, basename="supervision")
    router.register("supervision-actions", SupervisionActionViewSet, basename="supervision-action")
    router.register("escalations", EscalationViewSet, basename="escalation")
