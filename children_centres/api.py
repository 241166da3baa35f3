"""DRF endpoints for children's centre registration and reach, registered on /api/v1/ by
register(). The same services, scopes and permissions as the pages:

* ``GET|POST /api/v1/centre-registrations/`` (``?child=<uuid>``), ``GET .../{id}/``,
  ``POST .../{id}/end/`` (``{"ended_on", "reason", "version"}``; stale or already ended: 409)
* ``GET|POST /api/v1/centre-contacts/`` (``?child=<uuid>``)
* ``GET /api/v1/centre-reach/`` (``?year=2026`` for a financial year, or ``?start=&end=``): the
  registration and reach figures per centre, area and the council (small numbers suppressed).
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from children_centres import selectors, services
from children_centres.models import CentreRegistration
from children_centres.reach import Period
from core import clock
from core.api import BAD_REQUEST, ID_LOOKUP, IdField, query_params, require
from core.audit import Action, audit_record
from people.selectors import get_person

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("CentreNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("CentreConflict", {"detail": serializers.CharField()}),
    description="Already registered at this centre, already ended, or changed since you read it.",
)
RECORD_FORBIDDEN = OpenApiResponse(
    description="Only the early support service registers children and records contacts."
)
READ_FORBIDDEN = OpenApiResponse(
    description="Only team leaders, team managers, strategic leads and the early support service."
)
VIEW = "children_centres.view_reach"
RECORD = "children_centres.record"


class ChildQuerySerializer(serializers.Serializer):
    child = serializers.UUIDField(required=False)


def _centre(centre_id):
    centre = selectors.centres().filter(pk=centre_id).first()
    if centre is None:
        raise serializers.ValidationError({"centre": ["Choose a children's centre"]})
    return centre


class RegistrationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    child = serializers.UUIDField(source="child_id")
    centre = IdField(source="centre_id")
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    registered_on = serializers.DateField()
    ended_on = serializers.DateField(read_only=True, allow_null=True)
    end_reason = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class RegistrationEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=CentreRegistration.EndReason.choices)
    version = serializers.IntegerField(min_value=0)


class ReachContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    child = serializers.UUIDField(source="child_id")
    centre = IdField(source="centre_id")
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    seen_on = serializers.DateField()
    kind = serializers.CharField(max_length=50)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _list(request, queryset, serializer_class, record_type: str):
    require(VIEW, request.user, None, READ_FORBIDDEN.description)
    params = query_params(request, ChildQuerySerializer)
    if params.get("child"):
        child = get_person(request.user, params["child"])
        queryset = queryset.filter(child=child)
    rows = list(queryset[:500])
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        target=record_type,
        detail={"page": "api_list", "count": len(rows), "one_child": bool(params.get("child"))},
    )
    return Response(serializer_class(rows, many=True).data)


@extend_schema(tags=["children's centres"])
@extend_schema_view(
    list=extend_schema(
        summary="Registrations of children in your scope",
        parameters=[ChildQuerySerializer],
        responses={200: RegistrationSerializer(many=True), 403: READ_FORBIDDEN, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One registration", responses={200: RegistrationSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Register a child under five at a children's centre",
        request=RegistrationSerializer,
        responses={
            201: RegistrationSerializer,
            400: BAD_REQUEST,
            403: RECORD_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RegistrationSerializer
    lookup_value_regex = ID_LOOKUP
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_registrations()
        return (
            selectors.registrations_for(self.request.user)
            .select_related("centre")
            .order_by("-registered_on", "-pk")
        )

    def list(self, request, *args, **kwargs):
        return _list(
            request,
            self.get_queryset(),
            RegistrationSerializer,
            "children_centres.centreregistration",
        )

    def retrieve(self, request, *args, **kwargs):
        registration = selectors.get_registration(request.user, kwargs["pk"])
        require(VIEW, request.user, None, READ_FORBIDDEN.description)
        audit_record(
            actor=request.user, action=Action.VIEW, target=registration, detail={"page": "api"}
        )
        return Response(RegistrationSerializer(registration).data)

    def create(self, request, *args, **kwargs):
        require(RECORD, request.user, None, RECORD_FORBIDDEN.description)
        s = RegistrationSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        child = get_person(request.user, d["child_id"])
        registration = services.centre_registration_add(
            actor=request.user,
            child=child,
            centre=_centre(d["centre_id"]),
            registered_on=d["registered_on"],
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a registration (the family moved away, or stopped using the centre)",
        request=RegistrationEndSerializer,
        responses={
            200: RegistrationSerializer,
            400: BAD_REQUEST,
            403: RECORD_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        registration = selectors.get_registration(request.user, pk)
        require(RECORD, request.user, None, RECORD_FORBIDDEN.description)
        s = RegistrationEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        ended = services.centre_registration_end(
            actor=request.user,
            registration=registration,
            ended_on=d["ended_on"],
            reason=d["reason"],
            expected_version=d["version"],
        )
        fresh = selectors.get_registration(request.user, ended.pk)
        return Response(RegistrationSerializer(fresh).data)


@extend_schema(tags=["children's centres"])
@extend_schema_view(
    list=extend_schema(
        summary="Children's centre contacts of children in your scope",
        parameters=[ChildQuerySerializer],
        responses={200: ReachContactSerializer(many=True), 403: READ_FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Record a child seen at or by a children's centre",
        request=ReachContactSerializer,
        responses={
            201: ReachContactSerializer,
            400: BAD_REQUEST,
            403: RECORD_FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
)
class ContactViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ReachContactSerializer
    lookup_value_regex = ID_LOOKUP
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_contacts()
        return (
            selectors.contacts_for(self.request.user)
            .select_related("centre")
            .order_by("-seen_on", "-pk")
        )

    def list(self, request, *args, **kwargs):
        return _list(
            request, self.get_queryset(), ReachContactSerializer, "children_centres.reachcontact"
        )

    def create(self, request, *args, **kwargs):
        require(RECORD, request.user, None, RECORD_FORBIDDEN.description)
        s = ReachContactSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        child = get_person(request.user, d["child_id"])
        contact = services.reach_contact_record(
            actor=request.user,
            child=child,
            centre=_centre(d["centre_id"]),
            seen_on=d["seen_on"],
            kind=d["kind"],
            note=d["note"],
        )
        return Response(ReachContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ReachQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, data):
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise serializers.ValidationError({"end": ["Give both start and end, or neither"]})
        if start and end and end < start:
            raise serializers.ValidationError({"end": ["The end must not be before the start"]})
        return data


class ReachRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    centre = serializers.IntegerField(source="centre.pk", allow_null=True, default=None)
    area = serializers.CharField(source="area.code", allow_null=True, default=None)
    population = serializers.IntegerField(allow_null=True)
    population_source = serializers.CharField()
    registered = serializers.CharField(source="registered.shown")
    registered_suppressed = serializers.BooleanField(source="registered.suppressed")
    registered_percent = serializers.CharField()
    reached = serializers.CharField(source="reached.shown")
    reached_suppressed = serializers.BooleanField(source="reached.suppressed")
    reached_percent = serializers.CharField()
    reached_of_registered = serializers.CharField()


# One table for the period, not a list of records, although it is the viewset's list action.
@extend_schema_serializer(many=False)
class ReachSerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    as_at = serializers.DateField()
    population_year = serializers.IntegerField(allow_null=True)
    small_number = serializers.IntegerField()
    rows = ReachRowSerializer(many=True)


@extend_schema(tags=["children's centres"])
class ReachViewSet(viewsets.GenericViewSet):
    serializer_class = ReachSerializer
    lookup_value_regex = ID_LOOKUP
    pagination_class = None

    def get_queryset(self):
        return selectors.no_registrations()

    @extend_schema(
        summary="Registration and reach per centre, area and the council for a period",
        parameters=[ReachQuerySerializer],
        responses={200: ReachSerializer, 400: BAD_REQUEST, 403: READ_FORBIDDEN},
    )
    def list(self, request, *args, **kwargs):
        require(VIEW, request.user, None, READ_FORBIDDEN.description)
        params = query_params(request, ReachQuerySerializer)
        today = clock.today()
        if params.get("start"):
            period = Period(params["start"], params["end"])
        elif params.get("year"):
            period = Period.financial_year(params["year"])
        else:
            period = Period.financial_year_of(today)
        table = selectors.reach_table(period=period, today=today)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="children_centres.centreregistration",
            detail={"page": "api_reach", "rows": len(table.rows)},
        )
        return Response(ReachSerializer(table).data)


def register(router) -> None:
    router.register("centre-registrations", RegistrationViewSet, basename="centre-registration")
    router.register("centre-contacts", ContactViewSet, basename="centre-contact")
    router.register("centre-reach", ReachViewSet, basename="centre-reach")
