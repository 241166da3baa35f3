"""DRF endpoints for panel, registered on the shared /api/v1/ router by register().

Read-only. Panel calendars and seats hold no personal data about families, so any
authenticated member of staff with a role may read them (``selectors.can_see_panels``);
without a role the lists are empty and records 404.

* ``GET /api/v1/panels/`` and ``/api/v1/panels/{id}/``: panels with their seats and members.
* ``GET /api/v1/panel-meetings/?panel={id}&year={yyyy}``: saved meetings, filtered.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from panel import selectors
from panel.calendar import LONDON
from panel.models import Panel, PanelMeeting, PanelSeat, PanelSeatMember


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


def register(router) -> None:
    router.register("panels", PanelViewSet, basename="panel")
    router.register("panel-meetings", PanelMeetingViewSet, basename="panel-meeting")
