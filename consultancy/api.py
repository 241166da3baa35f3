"""DRF endpoints for casework consultancy, registered on /api/v1/ by register().

The same services and scopes as the pages:

* ``GET|POST /api/v1/consultancy-requests/``, ``GET /api/v1/consultancy-requests/{id}/``
* ``POST /api/v1/consultancy-requests/{id}/pick-up/``, ``/assign/``, ``/accept/``,
  ``/decline/``, ``/complete/`` and ``/withdraw/`` (each with ``{"version": n}``; a stale version
  or a move the request's state does not allow: 409)
* ``GET /api/v1/consultancy-requests/counts/?from=YYYY-MM-DD&to=YYYY-MM-DD`` (team leaders)
* ``GET|POST /api/v1/casework-consultants/``, ``POST /api/v1/casework-consultants/{id}/end/``
  (team leaders)
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from consultancy import selectors, services
from consultancy.models import ConsultancyRequest, ConsultancyRequestHistory
from core import clock
from core.api import BAD_REQUEST, ID_LOOKUP, IdField, query_params, require
from core.audit import Action, audit_record
from people.selectors import get_family

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("ConsultancyNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("ConsultancyConflict", {"detail": serializers.CharField()}),
    description="Someone changed it since you read it, or its state does not allow this now.",
)
FORBIDDEN = OpenApiResponse(description="Your part in this request does not allow this.")
LEADERS_ONLY = OpenApiResponse(description="Only an early support team leader.")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


class ConsultancyHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    event = serializers.CharField(help_text=_choices(ConsultancyRequestHistory.Event.values))
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    consultant = serializers.SerializerMethodField()
    note = serializers.CharField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, row) -> str:
        return _name(row.actor)

    @extend_schema_field(OpenApiTypes.STR)
    def get_consultant(self, row) -> str:
        return _name(row.consultant)


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(max_length=20, help_text=_choices(ConsultancyRequest.Kind.values))
    family = serializers.SerializerMethodField(
        help_text="The family's id, if the request is about one you may see"
    )
    help_wanted = serializers.CharField(max_length=5000)
    preferred_dates = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    request_status = serializers.CharField(
        source="status", read_only=True, help_text=_choices(ConsultancyRequest.Status.values)
    )
    requested_by = serializers.SerializerMethodField()
    requester_agency = serializers.CharField(source="requester_agency.name", read_only=True)
    consultant = serializers.SerializerMethodField()
    consultant_id = serializers.IntegerField(read_only=True, allow_null=True)
    requested_on = serializers.DateField(read_only=True)
    first_response_on = serializers.DateField(read_only=True, allow_null=True)
    completed_on = serializers.DateField(read_only=True, allow_null=True)
    decline_reason = serializers.CharField(read_only=True)
    what_was_done = serializers.CharField(read_only=True)
    coaching_sessions = serializers.IntegerField(read_only=True, allow_null=True)
    co_working_from = serializers.DateField(read_only=True, allow_null=True)
    co_working_to = serializers.DateField(read_only=True, allow_null=True)
    next_step = serializers.CharField(
        read_only=True,
        help_text=_choices(ConsultancyRequest.NextStep.values) + " Blank until done.",
    )
    outcome_note = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_family(self, item):
        return str(item.family_id) if item.family_id and item.family_visible else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by(self, item) -> str:
        return _name(item.requested_by)

    @extend_schema_field(OpenApiTypes.STR)
    def get_consultant(self, item) -> str:
        return _name(item.consultant)


class RequestDetailSerializer(RequestSerializer):
    history = ConsultancyHistorySerializer(source="history_rows", many=True, read_only=True)


class AskSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20, help_text=_choices(ConsultancyRequest.Kind.values))
    family = serializers.UUIDField(required=False, allow_null=True, default=None)
    help_wanted = serializers.CharField(max_length=5000)
    preferred_dates = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)


class AssignSerializer(VersionSerializer):
    consultant = IdField(help_text="The user id of a casework consultant")


class NoteSerializer(VersionSerializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=5000)


class WithdrawSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CompleteSerializer(VersionSerializer):
    what_was_done = serializers.CharField(max_length=5000)
    next_step = serializers.CharField(
        max_length=20, help_text=_choices(ConsultancyRequest.NextStep.values)
    )
    outcome_note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    coaching_sessions = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=100
    )
    co_working_from = serializers.DateField(required=False, allow_null=True, default=None)
    co_working_to = serializers.DateField(required=False, allow_null=True, default=None)


class PeriodSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def to_internal_value(self, data):
        return super().to_internal_value(
            {
                k: v
                for k, v in {"date_from": data.get("from"), "date_to": data.get("to")}.items()
                if v
            }
        )

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"to": ["The end date must be on or after the start"]}
            )
        return attrs


class ConsultancyCountsSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    total = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())
    by_agency = serializers.DictField(child=serializers.IntegerField())
    by_outcome = serializers.DictField(child=serializers.IntegerField())
    days_to_first_response = serializers.FloatField(allow_null=True)
    days_to_complete = serializers.FloatField(allow_null=True)


def _changer(name, serializer, summary, perm, run, responses=None):
    @extend_schema(
        summary=summary,
        request=serializer,
        responses=responses
        or {
            200: RequestDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def handler(self, request, pk=None):
        found = selectors.get_request(request.user, pk)
        require(perm, request.user, None if perm == "consultancy.manage" else found)
        s = serializer(data=request.data)
        s.is_valid(raise_exception=True)
        run(request.user, found, s.validated_data)
        return self._detail(found)

    handler.__name__ = name
    return handler


@extend_schema(tags=["consultancy"])
@extend_schema_view(
    list=extend_schema(summary="Consultancy requests you may see"),
    retrieve=extend_schema(
        summary="One consultancy request, with its history",
        responses={200: RequestDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Ask for casework consultancy",
        request=AskSerializer,
        responses={
            201: RequestDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
)
class ConsultancyRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RequestSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_requests()
        return selectors.request_rows(self.request.user)

    def _detail(self, found, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.get_request(self.request.user, found.pk)
        fresh.history_rows = list(selectors.request_history(fresh))
        return Response(RequestDetailSerializer(fresh).data, status=code)

    def list(self, request, *args, **kwargs):
        require("consultancy.use", request.user)
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = RequestSerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="consultancy.consultancyrequest",
            detail={"page": "api_list", "count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        found = selectors.get_request(request.user, kwargs["pk"])
        # One event for the read; the family it names (if the caller may see it) goes by id.
        detail = {"page": "api"}
        if found.family_id and found.family_visible:
            detail["family"] = str(found.family_id)
        audit_record(actor=request.user, action=Action.VIEW, target=found, detail=detail)
        return self._detail(found)

    def create(self, request, *args, **kwargs):
        require("consultancy.ask", request.user)
        s = AskSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        family = get_family(request.user, d["family"]) if d["family"] else None
        made = services.consultancy_request_ask(
            actor=request.user,
            kind=d["kind"],
            help_wanted=d["help_wanted"],
            preferred_dates=d["preferred_dates"],
            family=family,
        )
        return self._detail(made, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Counts by kind, agency and outcome for a period (by the date asked)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="From (default 1 April)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="To (default today)"),
        ],
        responses={200: ConsultancyCountsSerializer, 400: BAD_REQUEST, 403: LEADERS_ONLY},
    )
    @action(detail=False, methods=["get"])
    def counts(self, request):
        require("consultancy.manage", request.user, None, LEADERS_ONLY.description)
        period = query_params(request, PeriodSerializer)
        today = clock.today()
        found = selectors.counts(
            period.get("date_from") or selectors.period_start(today),
            period.get("date_to") or today,
        )
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="consultancy.consultancyrequest",
            detail={"page": "api_counts", "count": found.total},
        )
        return Response(
            ConsultancyCountsSerializer(
                {
                    "date_from": found.date_from,
                    "date_to": found.date_to,
                    "total": found.total,
                    "by_kind": dict(found.by_kind),
                    "by_agency": dict(found.by_agency),
                    "by_outcome": dict(found.by_outcome),
                    "days_to_first_response": found.days_to_first_response,
                    "days_to_complete": found.days_to_complete,
                }
            ).data
        )

    pick_up = action(detail=True, methods=["post"], url_path="pick-up")(
        _changer(
            "pick_up",
            VersionSerializer,
            "Pick up a request waiting for a consultant (consultants)",
            "consultancy.pick_up",
            lambda user, found, d: services.consultancy_request_pick_up(
                actor=user, request=found, expected_version=d["version"]
            ),
        )
    )
    assign = action(detail=True, methods=["post"])(
        _changer(
            "assign",
            AssignSerializer,
            "Assign a consultant (team leaders)",
            "consultancy.manage",
            lambda user, found, d: services.consultancy_request_assign(
                actor=user,
                request=found,
                expected_version=d["version"],
                consultant=selectors.consultants().filter(pk=d["consultant"]).first(),
            ),
        )
    )
    accept = action(detail=True, methods=["post"])(
        _changer(
            "accept",
            NoteSerializer,
            "Accept a request (its consultant, or a team leader)",
            "consultancy.answer",
            lambda user, found, d: services.consultancy_request_accept(
                actor=user, request=found, expected_version=d["version"], note=d["note"]
            ),
        )
    )
    decline = action(detail=True, methods=["post"])(
        _changer(
            "decline",
            ReasonSerializer,
            "Decline a request, with the reason (its consultant, or a team leader)",
            "consultancy.answer",
            lambda user, found, d: services.consultancy_request_decline(
                actor=user, request=found, expected_version=d["version"], reason=d["reason"]
            ),
        )
    )
    complete = action(detail=True, methods=["post"])(
        _changer(
            "complete",
            CompleteSerializer,
            "Record the outcome of an accepted request (its consultant, or a team leader)",
            "consultancy.answer",
            lambda user, found, d: services.consultancy_request_complete(
                actor=user,
                request=found,
                expected_version=d["version"],
                what_was_done=d["what_was_done"],
                next_step=d["next_step"],
                outcome_note=d["outcome_note"],
                coaching_sessions=d["coaching_sessions"],
                co_working_from=d["co_working_from"],
                co_working_to=d["co_working_to"],
            ),
        )
    )
    withdraw = action(detail=True, methods=["post"])(
        _changer(
            "withdraw",
            WithdrawSerializer,
            "Withdraw your own request",
            "consultancy.withdraw",
            lambda user, found, d: services.consultancy_request_withdraw(
                actor=user, request=found, expected_version=d["version"], reason=d["reason"]
            ),
        )
    )


# --- Consultants ----------------------------------------------------------------------


class ConsultantSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    user = IdField(source="user_id")
    name = serializers.SerializerMethodField()
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, period) -> str:
        return _name(period.user)


class ConsultantEndSerializer(VersionSerializer):
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema(tags=["consultancy"])
@extend_schema_view(
    list=extend_schema(summary="Casework consultants, past and present (team leaders)"),
    create=extend_schema(
        summary="Designate a member of staff a casework consultant (team leaders)",
        request=ConsultantSerializer,
        responses={201: ConsultantSerializer, 400: BAD_REQUEST, 403: LEADERS_ONLY},
    ),
)
class CaseworkConsultantViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConsultantSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_consultants()
        return selectors.consultant_periods()

    def list(self, request, *args, **kwargs):
        require("consultancy.manage", request.user, None, LEADERS_ONLY.description)
        response = super().list(request, *args, **kwargs)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="consultancy.caseworkconsultant",
            detail={"page": "api_list"},
        )
        return response

    def create(self, request, *args, **kwargs):
        require("consultancy.manage", request.user, None, LEADERS_ONLY.description)
        s = ConsultantSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        user = selectors.consultant_candidates().filter(pk=d["user_id"]).first()
        if user is None:
            raise serializers.ValidationError(
                {"user": ["Choose a practitioner or lead professional"]}
            )
        period = services.consultant_add(
            actor=request.user, user=user, starts_on=d["starts_on"], ends_on=d["ends_on"]
        )
        return Response(ConsultantSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a consultant's designation (team leaders)",
        request=ConsultantEndSerializer,
        responses={
            200: ConsultantSerializer,
            400: BAD_REQUEST,
            403: LEADERS_ONLY,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        require("consultancy.manage", request.user, None, LEADERS_ONLY.description)
        period = selectors.get_consultant_period(pk)
        s = ConsultantEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        period = services.consultant_end(
            actor=request.user,
            period=period,
            expected_version=s.validated_data["version"],
            ends_on=s.validated_data["ends_on"],
        )
        return Response(ConsultantSerializer(period).data)


def register(router) -> None:
    router.register(
        "consultancy-requests", ConsultancyRequestViewSet, basename="consultancy-request"
    )
    router.register(
        "casework-consultants", CaseworkConsultantViewSet, basename="casework-consultant"
    )
