"""DRF endpoints for the patterns app, registered on the shared /api/v1/ router by register().

The same rules as the pages, because the same code: episodes, requests and people come only
through the scoped selectors (out of scope is 404), and every change goes through
``patterns.services`` (which check the permission, write history and audit).

* ``GET /api/v1/disguised-compliance/?episode=<uuid>``, ``GET …/{id}/``,
  ``POST /api/v1/disguised-compliance/`` and ``POST …/{id}/withdraw/``
* ``GET /api/v1/support-request-repeats/{request id}/``: a request's repeat referral facts
* ``GET /api/v1/episode-repeats/{episode id}/``: an episode's repeat plan facts
* ``GET /api/v1/child-injuries/{person id}/``: a child's accidents and injuries pattern

No ChoiceFields named status or kind (other apps publish enums under those names): the values are
listed in help_text.
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
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import BAD_REQUEST, ID_LOOKUP, UUID_LOOKUP, IdField, query_params, require
from core.audit import Action, audit_record
from patterns import repeats, selectors, services
from patterns.models import DisguisedComplianceRecord
from support_requests.selectors import get_request

TAGS = ["patterns"]
NOT_FOUND = OpenApiResponse(
    response=inline_serializer("PatternsNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
FORBIDDEN = OpenApiResponse(
    description="Only the episode's lead professional or a manager of their team."
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("PatternsConflict", {"detail": serializers.CharField()}),
    description="The record's state does not allow this (the episode has ended, or the record "
    "is already withdrawn).",
)
EPISODE_FILTER = OpenApiParameter(
    "episode",
    OpenApiTypes.UUID,
    OpenApiParameter.QUERY,
    required=True,
    description="The episode whose records to list.",
)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- Serializers -------------------------------------------------------------------


class DisguisedComplianceHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()

    def get_by(self, row) -> str:
        return _name(row.actor)


class DisguisedComplianceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    episode = serializers.UUIDField(source="episode_id", read_only=True)
    contact = serializers.IntegerField(source="contact_id", allow_null=True, read_only=True)
    review = serializers.IntegerField(source="review_id", allow_null=True, read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    agreed = serializers.CharField(read_only=True)
    not_done = serializers.CharField(read_only=True)
    family_says = serializers.CharField(read_only=True)
    evidence = serializers.CharField(read_only=True)
    record_status = serializers.CharField(
        source="status",
        read_only=True,
        help_text="One of: " + ", ".join(DisguisedComplianceRecord.Status.values) + ".",
    )
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField(read_only=True)
    withdrawn_reason = serializers.CharField(read_only=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True, read_only=True)
    history = DisguisedComplianceHistorySerializer(many=True, read_only=True)

    def get_recorded_by(self, record) -> str:
        return _name(record.recorded_by)


class DisguisedComplianceCreateSerializer(serializers.Serializer):
    episode = serializers.UUIDField()
    contact = IdField(required=False, allow_null=True, default=None, help_text="A contact id")
    review = IdField(
        required=False, allow_null=True, default=None, help_text="A held plan review's id"
    )
    agreed = serializers.CharField(allow_blank=True, max_length=10000)
    not_done = serializers.CharField(allow_blank=True, max_length=10000)
    family_says = serializers.CharField(allow_blank=True, max_length=10000)
    evidence = serializers.CharField(allow_blank=True, max_length=10000)


class DisguisedComplianceWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=10000)


class DisguisedComplianceQuerySerializer(serializers.Serializer):
    episode = serializers.UUIDField()


class RepeatEarlierReferralSerializer(serializers.Serializer):
    child = serializers.CharField()
    earlier_kind = serializers.CharField(
        source="kind", help_text="One of: request, panel referral."
    )
    reference = serializers.CharField()
    on = serializers.DateField()
    sentence = serializers.CharField()


class RequestRepeatsSerializer(serializers.Serializer):
    request = serializers.UUIDField()
    repeat_referral = serializers.BooleanField()
    window_months = serializers.IntegerField()
    earlier = RepeatEarlierReferralSerializer(many=True)


class RepeatEarlierPlanSerializer(serializers.Serializer):
    children = serializers.ListField(child=serializers.CharField())
    episode = serializers.UUIDField(source="episode_id")
    started_on = serializers.DateField()
    ended_on = serializers.DateField()
    sentence = serializers.CharField()


class EpisodeRepeatsSerializer(serializers.Serializer):
    episode = serializers.UUIDField()
    repeat_plan = serializers.BooleanField()
    window_months = serializers.IntegerField()
    earlier_plans = RepeatEarlierPlanSerializer(many=True)
    disguised_compliance_count = serializers.IntegerField(
        help_text="Current (not withdrawn) records of disguised compliance on this episode."
    )


class InjuryEntrySerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    summary = serializers.CharField()
    source = serializers.CharField()


class InjuryQuarterSerializer(serializers.Serializer):
    months = serializers.CharField()
    count = serializers.IntegerField()


class ChildInjuriesSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    total = serializers.IntegerField()
    in_window = serializers.IntegerField()
    threshold = serializers.IntegerField()
    window_months = serializers.IntegerField()
    pattern = serializers.BooleanField()
    warning = serializers.CharField()
    quarters = InjuryQuarterSerializer(many=True)
    entries = InjuryEntrySerializer(many=True)


# --- Disguised compliance ----------------------------------------------------------


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="An episode's records of disguised compliance",
        parameters=[EPISODE_FILTER],
        responses={200: DisguisedComplianceSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One record of disguised compliance",
        responses={200: DisguisedComplianceSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Record disguised compliance on a contact or a held plan review",
        request=DisguisedComplianceCreateSerializer,
        responses={
            201: DisguisedComplianceSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class DisguisedComplianceViewSet(viewsets.ViewSet):
    lookup_value_regex = ID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]
    pagination_class = None

    def list(self, request):
        wanted = query_params(request, DisguisedComplianceQuerySerializer)
        episode = selectors.get_episode(request.user, wanted["episode"])
        rows = list(selectors.records_for_episode(episode))
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=episode,
            detail={"page": "api_disguised_compliance", "count": len(rows)},
        )
        return Response(DisguisedComplianceSerializer(rows, many=True).data)

    def retrieve(self, request, pk=None):
        record = selectors.get_record_by_id(request.user, pk)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=record.episode,
            detail={"page": "api_disguised_compliance_detail"},
        )
        return Response(DisguisedComplianceSerializer(self._fresh(record)).data)

    def _fresh(self, record):
        return selectors.get_record(self.request.user, record.episode_id, record.pk)

    def create(self, request):
        require("patterns.record_any", request.user, None, FORBIDDEN.description)
        episode_only = serializers.UUIDField()
        episode_id = request.data.get("episode") if hasattr(request.data, "get") else None
        if episode_id is not None:
            try:
                episode_id = episode_only.to_internal_value(episode_id)
            except serializers.ValidationError:
                episode_id = None
        if episode_id is not None:
            # Scope, then role, before the rest of the body is read.
            episode = selectors.get_episode(request.user, episode_id)
            require(
                "patterns.record_disguised_compliance", request.user, episode, FORBIDDEN.description
            )
        s = DisguisedComplianceCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        episode = selectors.get_episode(request.user, d["episode"])
        require(
            "patterns.record_disguised_compliance", request.user, episode, FORBIDDEN.description
        )
        contact = review = None
        if d["contact"] is not None:
            contact = selectors.episode_contact(episode, d["contact"])
            if contact is None:
                raise serializers.ValidationError({"contact": ["Choose a contact of this episode"]})
        if d["review"] is not None:
            review = selectors.episode_review(episode, d["review"])
            if review is None:
                raise serializers.ValidationError(
                    {"review": ["Choose a plan review of this episode"]}
                )
        record = services.disguised_compliance_record(
            actor=request.user,
            episode=episode,
            contact=contact,
            review=review,
            agreed=d["agreed"],
            not_done=d["not_done"],
            family_says=d["family_says"],
            evidence=d["evidence"],
        )
        return Response(
            DisguisedComplianceSerializer(self._fresh(record)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Withdraw a record made in error, with the reason",
        request=DisguisedComplianceWithdrawSerializer,
        responses={
            200: DisguisedComplianceSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        record = selectors.get_record_by_id(request.user, pk)
        require(
            "patterns.withdraw_disguised_compliance", request.user, record, FORBIDDEN.description
        )
        s = DisguisedComplianceWithdrawSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        record = services.disguised_compliance_withdraw(
            actor=request.user, record=record, reason=s.validated_data["reason"]
        )
        return Response(DisguisedComplianceSerializer(self._fresh(record)).data)


# --- Repeat flags and the injuries pattern (read only) ---------------------------


@extend_schema(tags=TAGS)
class SupportRequestRepeatsViewSet(viewsets.ViewSet):
    lookup_value_regex = UUID_LOOKUP
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="A request's repeat referral facts",
        responses={200: RequestRepeatsSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        support_request = get_request(request.user, pk)
        earlier = repeats.repeat_referrals_for_requests(request.user, [support_request]).get(
            support_request.pk, []
        )
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=support_request,
            detail={"page": "api_repeats"},
        )
        data = {
            "request": support_request.pk,
            "repeat_referral": bool(earlier),
            "window_months": selectors.pattern_settings().repeat_referral_months,
            "earlier": earlier,
        }
        return Response(RequestRepeatsSerializer(data).data)


@extend_schema(tags=TAGS)
class EpisodeRepeatsViewSet(viewsets.ViewSet):
    lookup_value_regex = UUID_LOOKUP
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="An episode's repeat plan facts and disguised compliance count",
        responses={200: EpisodeRepeatsSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        episode = selectors.get_episode(request.user, pk)
        plans = repeats.repeat_plans_for_episodes(request.user, [episode]).get(episode.pk, [])
        audit_record(
            actor=request.user, action=Action.VIEW, target=episode, detail={"page": "api_repeats"}
        )
        data = {
            "episode": episode.pk,
            "repeat_plan": bool(plans),
            "window_months": selectors.pattern_settings().repeat_plan_months,
            "earlier_plans": plans,
            "disguised_compliance_count": len(
                selectors.current_dates_by_episode([episode.pk]).get(episode.pk, [])
            ),
        }
        return Response(EpisodeRepeatsSerializer(data).data)


@extend_schema(tags=TAGS)
class ChildInjuriesViewSet(viewsets.ViewSet):
    lookup_value_regex = UUID_LOOKUP
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="A child's accidents and injuries over time, and whether the pattern holds",
        responses={200: ChildInjuriesSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        person = selectors.get_child(request.user, pk)
        entries, pattern = selectors.injuries_of(person)
        audit_record(
            actor=request.user, action=Action.VIEW, target=person, detail={"page": "api_injuries"}
        )
        data = {
            "person": person.pk,
            "total": len(entries),
            "in_window": pattern.count,
            "threshold": pattern.threshold,
            "window_months": pattern.months,
            "pattern": pattern.holds,
            "warning": pattern.warning,
            "quarters": [{"months": label, "count": count} for label, count in pattern.quarters],
            "entries": entries,
        }
        return Response(ChildInjuriesSerializer(data).data)


def register(router) -> None:
    router.register(
        "disguised-compliance", DisguisedComplianceViewSet, basename="disguised-compliance"
    )
    router.register(
        "support-request-repeats", SupportRequestRepeatsViewSet, basename="support-request-repeats"
    )
    router.register("episode-repeats", EpisodeRepeatsViewSet, basename="episode-repeats")
    router.register("child-injuries", ChildInjuriesViewSet, basename="child-injuries")
