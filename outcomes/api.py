"""DRF endpoints for outcomes, registered on the shared /api/v1/ router by register().

The same rules as the pages, because the same code: records come only from
``outcomes.selectors`` (out of scope is 404) and every write goes through ``outcomes.services``.

* ``GET|POST /api/v1/outcome-scores/?episode={id}``: an episode's scores; add one
* ``GET|POST /api/v1/outcome-links/?episode={id}``: an episode's mappings; add one
* ``POST /api/v1/outcome-links/{id}/remove/``
* ``GET /api/v1/outcome-sustained-checks/`` and ``POST .../{id}/answer/``
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
from rest_framework.response import Response

from core.api import BAD_REQUEST, ID_LOOKUP, query_params, require
from core.audit import Action, audit_record
from outcomes import selectors, services
from outcomes.models import OutcomeSustainedCheck, ScoreKind

RECORD = "outcomes.record_scores"
ANSWER = "outcomes.answer_sustained_check"
NOT_FOUND = OpenApiResponse(
    response=inline_serializer("OutcomesNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
FORBIDDEN = OpenApiResponse(
    description="Only the episode's lead professional, their team manager or the early support "
    "service record scores; only the lead professional or their team manager answer a "
    "sustained check."
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("OutcomesConflict", {"detail": serializers.CharField()}),
    description="The outcome's state refuses it: no baseline yet, a baseline already, the "
    "closure not sent, a review already scored, or a mapping already there.",
)
EPISODE_PARAMETER = OpenApiParameter(
    "episode", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="The episode's id."
)


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


class EpisodeQuerySerializer(serializers.Serializer):
    episode = serializers.UUIDField()


class ScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    episode = serializers.UUIDField(help_text="The episode's id.")
    plan_outcome = serializers.IntegerField(help_text="A plan outcome of the episode's plan.")
    kind = serializers.CharField(
        max_length=10,
        help_text=_choices([k for k in ScoreKind.values if k != ScoreKind.SUSTAINED])
        + " A sustained score is an answer to the sustained check.",
    )
    plan_review = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="For a review score."
    )
    score = serializers.IntegerField(help_text="On the council's scale.")
    sustained = serializers.BooleanField(read_only=True, allow_null=True)
    evidence_what = serializers.CharField(max_length=5000, allow_blank=True)
    evidence_source = serializers.CharField(max_length=200, allow_blank=True)
    evidence_on = serializers.DateField(help_text="Today or before.")
    supersedes = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The score this one corrects."
    )
    correction_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    recorded_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, score):
        return {
            "id": score.pk,
            "episode": str(score.episode_id),
            "plan_outcome": score.plan_outcome_id,
            "kind": score.kind,
            "plan_review": score.plan_review_id,
            "score": score.score,
            "sustained": score.sustained,
            "evidence_what": score.evidence_what,
            "evidence_source": score.evidence_source,
            "evidence_on": score.evidence_on.isoformat(),
            "supersedes": score.supersedes_id,
            "correction_reason": score.correction_reason,
            "recorded_at": score.recorded_at.isoformat(),
        }


class LinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    episode = serializers.UUIDField()
    plan_outcome = serializers.IntegerField()
    framework_outcome = serializers.IntegerField()
    framework = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    removed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    removed_reason = serializers.CharField(read_only=True)

    def to_representation(self, link):
        return {
            "id": link.pk,
            "episode": str(link.episode_id),
            "plan_outcome": link.plan_outcome_id,
            "framework_outcome": link.framework_outcome_id,
            "framework": link.framework_outcome.framework.code,
            "title": link.framework_outcome.title,
            "removed_at": link.removed_at.isoformat() if link.removed_at else None,
            "removed_reason": link.removed_reason,
        }


class LinkRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class CheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    episode = serializers.UUIDField(source="episode_id")
    due_on = serializers.DateField()
    check_status = serializers.CharField(
        source="status", help_text=_choices(OutcomeSustainedCheck.Status.values)
    )
    answered_at = serializers.DateTimeField(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    plan_outcome = serializers.IntegerField()
    sustained = serializers.BooleanField(allow_null=True)
    score = serializers.IntegerField(help_text="On the council's scale.")
    evidence_what = serializers.CharField(max_length=5000, allow_blank=True)
    evidence_source = serializers.CharField(max_length=200, allow_blank=True)
    evidence_on = serializers.DateField()


def _field_error(field: str, message: str = "Not found"):
    return serializers.ValidationError({field: [message]})


def _episode_and_outcome(user, data):
    episode = selectors.get_episode(user, data["episode"])
    plan_outcome = selectors.plan_outcome_of(episode, data["plan_outcome"])
    if plan_outcome is None:
        raise _field_error("plan_outcome", "Choose an outcome of this episode's plan")
    return episode, plan_outcome


def _may_record(request) -> None:
    """Scope, then role, before the body is read: the episode named must be in scope (404) and
    the caller must be allowed to record for it (403)."""
    require("outcomes.record_any", request.user, None, FORBIDDEN.description)
    data = request.data if hasattr(request.data, "get") else {}
    s = EpisodeQuerySerializer(data={"episode": data.get("episode")})
    if not s.is_valid():
        return  # the full serializer reports it (400)
    episode = selectors.get_episode(request.user, s.validated_data["episode"])
    require(RECORD, request.user, episode, FORBIDDEN.description)


def _list(request, queryset, serializer_class, label: str, episode):
    rows = list(queryset)
    data = serializer_class(rows, many=True).data
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        target=episode,
        detail={"page": f"api_{label}", "count": len(rows)},
    )
    return Response(data)


@extend_schema(tags=["outcomes"])
@extend_schema_view(
    list=extend_schema(
        summary="An episode's outcome scores, oldest first (corrections included)",
        parameters=[EPISODE_PARAMETER],
        responses={200: ScoreSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Record a score for a plan outcome (a correction supersedes an earlier one)",
        request=ScoreSerializer,
        responses={
            201: ScoreSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class OutcomeScoreViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ScoreSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_scores()
        return selectors.scores_for(self.request.user)

    def list(self, request, *args, **kwargs):
        wanted = query_params(request, EpisodeQuerySerializer)
        episode = selectors.get_episode(request.user, wanted["episode"])
        rows = self.get_queryset().filter(episode=episode).order_by("evidence_on", "pk")
        return _list(request, rows, ScoreSerializer, "scores", episode)

    def create(self, request, *args, **kwargs):
        _may_record(request)
        s = ScoreSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        episode, plan_outcome = _episode_and_outcome(request.user, d)
        review = None
        if d["plan_review"] is not None:
            review = selectors.review_of(episode, d["plan_review"])
            if review is None:
                raise _field_error("plan_review", services.REVIEW_NOT_HELD)
        supersedes = None
        if d["supersedes"] is not None:
            supersedes = selectors.score_of(episode, d["supersedes"])
            if supersedes is None:
                raise _field_error("supersedes", services.SUPERSEDES_WRONG)
        score = services.outcome_score_record(
            actor=request.user,
            plan_outcome=plan_outcome,
            kind=d["kind"],
            score=d["score"],
            evidence_what=d["evidence_what"],
            evidence_source=d["evidence_source"],
            evidence_on=d["evidence_on"],
            plan_review=review,
            supersedes=supersedes,
            correction_reason=d["correction_reason"],
        )
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["outcomes"])
@extend_schema_view(
    list=extend_schema(
        summary="An episode's mappings of plan outcomes to framework outcomes (removed included)",
        parameters=[EPISODE_PARAMETER],
        responses={200: LinkSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Map a plan outcome to a framework outcome",
        request=LinkSerializer,
        responses={
            201: LinkSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class OutcomeLinkViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = LinkSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_links()
        return selectors.links_for(self.request.user)

    def list(self, request, *args, **kwargs):
        wanted = query_params(request, EpisodeQuerySerializer)
        episode = selectors.get_episode(request.user, wanted["episode"])
        rows = (
            self.get_queryset()
            .filter(episode=episode)
            .select_related("framework_outcome__framework")
            .order_by("linked_at", "pk")
        )
        return _list(request, rows, LinkSerializer, "links", episode)

    def create(self, request, *args, **kwargs):
        _may_record(request)
        s = LinkSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        episode, plan_outcome = _episode_and_outcome(request.user, d)
        chosen = selectors.framework_outcome_by_id(d["framework_outcome"])
        if chosen is None:
            raise _field_error("framework_outcome")
        link = services.outcome_link_add(
            actor=request.user, plan_outcome=plan_outcome, framework_outcome=chosen
        )
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a mapping (it is kept, marked removed, with the reason)",
        request=LinkRemoveSerializer,
        responses={
            200: LinkSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        link = selectors.get_link(request.user, pk)
        require(RECORD, request.user, link.episode, FORBIDDEN.description)
        s = LinkRemoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        link = services.outcome_link_remove(
            actor=request.user, link=link, reason=s.validated_data["reason"]
        )
        return Response(LinkSerializer(link).data)


@extend_schema(tags=["outcomes"])
@extend_schema_view(
    list=extend_schema(
        summary="Sustained checks of episodes in your scope",
        responses={200: CheckSerializer(many=True)},
    ),
)
class SustainedCheckViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CheckSerializer
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_checks()
        return selectors.checks_for(self.request.user).order_by("due_on", "pk")

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = CheckSerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="outcomes.outcomesustainedcheck",
            detail={"count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    @extend_schema(
        summary="Answer the sustained check for one plan outcome",
        request=AnswerSerializer,
        responses={
            201: ScoreSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        check = selectors.get_check(request.user, pk)
        require(ANSWER, request.user, check.episode, FORBIDDEN.description)
        s = AnswerSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        plan_outcome = selectors.plan_outcome_of(check.episode, d["plan_outcome"])
        if plan_outcome is None:
            raise _field_error("plan_outcome", "Choose an outcome of this episode's plan")
        score = services.sustained_answer_record(
            actor=request.user,
            check=check,
            plan_outcome=plan_outcome,
            sustained=d["sustained"],
            score=d["score"],
            evidence_what=d["evidence_what"],
            evidence_source=d["evidence_source"],
            evidence_on=d["evidence_on"],
        )
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("outcome-scores", OutcomeScoreViewSet, basename="outcome-score")
    router.register("outcome-links", OutcomeLinkViewSet, basename="outcome-link")
    router.register(
        "outcome-sustained-checks", SustainedCheckViewSet, basename="outcome-sustained-check"
    )
