"""DRF endpoints for panel, registered on the shared /api/v1/ router by register().

Read-only. Panel calendars and seats hold no personal data about families, so any
authenticated member of staff with a role may read them (``selectors.can_see_panels``);
without a role the lists are empty and records 404.

* ``GET /api/v1/panels/`` and ``/api/v1/panels/{id}/``: panels with their seats and members.
* ``GET /api/v1/panel-meetings/?panel={id}&year={yyyy}``: saved meetings, filtered.
* ``GET /api/v1/panel-meetings/{id}/agenda/``: the agenda, on the pack's rules
  (``selectors.pack_for``): 404 for anyone with no part in the panel; members see the
  sections only once the pack is published. Every reading is audited.
* ``GET /api/v1/panel-cases/``: logged cases, for business support and team leaders.
* ``POST /api/v1/panel-cases/{id}/responses/``: a member records what their agency
  knows (``services.agency_response_record``), the only write a member can make.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core.audit import Action, audit_record
from panel import selectors, services
from panel.calendar import LONDON
from panel.models import AgencyResponse, Panel, PanelCase, PanelMeeting, PanelSeat, PanelSeatMember


class SeatMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    job_title = serializers.CharField(source="user.job_title", read_only=True)

    class Meta:
        model = PanelSeatMember
        fields = ["name", "job_title", "is_substitute"]


class SeatSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    members = SeatMemberSerializer(many=True, read_only=True)

    class Meta:
        model = PanelSeat
        fields = ["id", "agency", "agency_code", "members"]


class PanelSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    chair = serializers.CharField(source="chair.get_full_name", read_only=True, default=None)
    deputy = serializers.CharField(source="deputy.get_full_name", read_only=True, default=None)
    seats = SeatSerializer(many=True, read_only=True)

    class Meta:
        model = Panel
        fields = [
            "id",
            "name",
            "area",
            "weekday",
            "first_meeting_date",
            "start_time",
            "end_time",
            "location",
            "chair",
            "deputy",
            "publication_working_days",
            "cutoff_days",
            "active",
            "seats",
        ]


class LondonDateTimeField(serializers.DateTimeField):
    def to_representation(self, value):
        return super().to_representation(timezone.localtime(value, LONDON))


class PanelMeetingSerializer(serializers.ModelSerializer):
    # A plain string in the schema, not an enum: drf-spectacular names enums by field
    # name, and another app's "status" enum would clash (a deployment-check warning).
    status = serializers.CharField(
        read_only=True,
        help_text="One of: " + ", ".join(PanelMeeting.Status.values),
    )
    starts_at = LondonDateTimeField(read_only=True)
    ends_at = LondonDateTimeField(read_only=True)
    referral_cutoff = LondonDateTimeField(read_only=True)
    publish_by = LondonDateTimeField(read_only=True)

    class Meta:
        model = PanelMeeting
        fields = [
            "id",
            "panel",
            "date",
            "starts_at",
            "ends_at",
            "location",
            "status",
            "moved_to",
            "cancelled_reason",
            "referral_cutoff",
            "publish_by",
        ]


class AgendaCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case.pk")
    esmap_number = serializers.CharField()
    children = serializers.ListField(child=serializers.CharField())


class AgendaSectionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    cases = AgendaCaseSerializer(many=True, allow_null=True)
    text = serializers.CharField()


class AgendaSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    published = serializers.BooleanField()
    publish_by = LondonDateTimeField()
    sections = AgendaSectionSerializer(many=True)


class PanelCaseSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(PanelCase.Status.values)
    )
    family_reference = serializers.CharField(source="referral.family.reference", read_only=True)
    referrer_continues = serializers.BooleanField(
        source="referral.referrer_continues", read_only=True
    )
    submitted_at = LondonDateTimeField(source="referral.submitted_at", read_only=True)
    logged_at = LondonDateTimeField(read_only=True)

    class Meta:
        model = PanelCase
        fields = [
            "id",
            "esmap_number",
            "panel",
            "meeting",
            "placement_reason",
            "status",
            "family_reference",
            "referrer_continues",
            "submitted_at",
            "logged_at",
        ]


class AgencyResponseInputSerializer(serializers.Serializer):
    known = serializers.BooleanField(help_text="Is the family known to your agency?")
    information = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_INFORMATION
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The version you are changing (0 for a new response); a stale one is refused",
    )


class AgencyResponseSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="seat.agency.name", read_only=True)

    class Meta:
        model = AgencyResponse
        fields = ["id", "case", "seat", "agency", "known", "information", "version"]


class PanelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelSerializer

    def get_queryset(self):
        return selectors.panels_with_seats(self.request.user).order_by("name", "id")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("panel", OpenApiTypes.INT, description="Only this panel's meetings"),
            OpenApiParameter("year", OpenApiTypes.INT, description="Only meetings in this year"),
        ]
    )
)
class PanelMeetingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelMeetingSerializer

    @staticmethod
    def _int_param(params, name: str) -> int | None:
        value = params.get(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except ValueError as error:
            raise ValidationError({name: "Must be a whole number"}) from error

    def get_queryset(self):
        meetings = selectors.meetings_for(self.request.user)
        if self.action == "list":
            panel_id = self._int_param(self.request.query_params, "panel")
            year = self._int_param(self.request.query_params, "year")
            if panel_id is not None:
                meetings = meetings.filter(panel_id=panel_id)
            if year is not None:
                meetings = meetings.filter(date__year=year)
        return meetings

    @extend_schema(responses=AgendaSerializer)
    @action(detail=True, methods=["get"])
    def agenda(self, request, pk=None):
        try:
            meeting = PanelMeeting.objects.select_related("panel").get(pk=int(pk))
        except (PanelMeeting.DoesNotExist, ValueError, TypeError) as error:
            raise Http404("No such meeting") from error
        pack = selectors.pack_for(request.user, meeting)
        sections = pack.agenda()
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=Action.VIEW,
                target=meeting,
                detail={
                    "page": "agenda",
                    "published": meeting.pack_published,
                    "as_member": pack.as_member,
                    "cases": sum(len(s.cases or []) for s in sections),
                },
            )
        data = {
            "meeting": meeting.pk,
            "published": meeting.pack_published,
            "publish_by": meeting.publish_by,
            "sections": sections,
        }
        return Response(AgendaSerializer(data).data)


class PanelCaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelCaseSerializer

    def get_queryset(self):
        return selectors.cases_for(self.request.user)

    @extend_schema(request=AgencyResponseInputSerializer, responses=AgencyResponseSerializer)
    @action(detail=True, methods=["post"])
    def responses(self, request, pk=None):
        user = request.user
        try:
            case = PanelCase.objects.select_related("meeting", "meeting__panel").get(pk=int(pk))
        except (PanelCase.DoesNotExist, ValueError, TypeError) as error:
            raise Http404("No such case") from error
        if case.meeting is None:
            raise Http404("No such case")
        _case, pack = selectors.get_case_for_member(user, case.meeting, case.pk)
        data = AgencyResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            response = services.agency_response_record(
                actor=user,
                case=case,
                seat=pack.seats[0],
                known=data.validated_data["known"],
                information=data.validated_data["information"],
                expected_version=data.validated_data["version"],
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise ValidationError(detail) from error
        code = status.HTTP_201_CREATED if response.version == 1 else status.HTTP_200_OK
        return Response(AgencyResponseSerializer(response).data, status=code)


def register(router) -> None:
    router.register("panels", PanelViewSet, basename="panel")
    router.register("panel-meetings", PanelMeetingViewSet, basename="panel-meeting")
    router.register("panel-cases", PanelCaseViewSet, basename="panel-case")
