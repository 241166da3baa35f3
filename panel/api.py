"""DRF endpoints for panel, registered on the shared /api/v1/ router by register().

Mostly read-only. Panel calendars and seats hold no personal data about families, so any
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
* The meeting (chair, deputy, business support; members 403, anyone else 404):
  ``POST /api/v1/panel-meetings/{id}/attendance/``, ``GET .../quorum/``,
  ``POST .../decisions/`` (409 with the quorum explanation while inquorate),
  ``GET .../minutes/`` (the pack's readers; members from the meeting's day).
* After: ``POST /api/v1/panel-cases/{id}/extraordinary-decision/`` (chair),
  ``.../allocation/`` (lead agency), ``.../closure-decision/`` (chair: confirm or return).
  The closure form itself is the episode's (``POST /api/v1/episodes/{id}/closure/``): one
  closure route, ADR 0016.

Each action asks its permission (``panel.rules``) before reading the body; a service's refusal
reaches ``core.api.exception_handler`` as raised (403, 400 by field, 409 for a wrong state).
"""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core import clock
from core.api import ID_LOOKUP, IdField, query_params, require
from core.audit import Action, audit_record
from core.errors import ConflictError
from offer import selectors as offer_selectors
from panel import selectors, services
from panel.models import (
    AgencyResponse,
    ClosureRequest,
    LeadProfessionalAllocation,
    MeetingAttendance,
    Panel,
    PanelCase,
    PanelDecision,
    PanelMeeting,
    PanelSeat,
    PanelSeatMember,
)

PANEL_CASE_LABEL = "panel.panelcase"


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
    # A council-wide panel has no area, and a new panel may not have its chair or deputy yet.
    area = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    chair = serializers.CharField(
        source="chair.get_full_name", read_only=True, default=None, allow_null=True
    )
    deputy = serializers.CharField(
        source="deputy.get_full_name", read_only=True, default=None, allow_null=True
    )
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
        return super().to_representation(clock.local(value))


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


class QuorumSerializer(serializers.Serializer):
    is_quorate = serializers.BooleanField()
    chair_present = serializers.BooleanField()
    members_present = serializers.IntegerField()
    needed = serializers.IntegerField()
    explanation = serializers.CharField()


class AttendanceInputSerializer(serializers.Serializer):
    user = IdField(help_text="The member of staff arriving or leaving")
    change = serializers.CharField(help_text="arrived or left")
    role = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="For arrived, one of: " + ", ".join(MeetingAttendance.Role.values),
    )
    seat = IdField(required=False, allow_null=True, default=None)


class DecisionInputSerializer(serializers.Serializer):
    case = IdField(required=False, help_text="The case (meeting decisions only)")
    kind = serializers.CharField(help_text="One of: " + ", ".join(PanelDecision.Kind.values))
    lead_agency = IdField(required=False, allow_null=True, default=None)
    supporting_agencies = serializers.ListField(child=IdField(), required=False, default=list)
    signpost_to = serializers.CharField(required=False, allow_blank=True, default="")
    handover = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    discussion = serializers.CharField(required=False, allow_blank=True, default="")
    actions = serializers.CharField(required=False, allow_blank=True, default="")
    signpost_service = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Signpost or single agency: a directory service the family is handed over to "
        "(the offer app's referral holds the handover and, later, the uptake)",
    )
    handover_to = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="Who at the service"
    )
    handover_on = serializers.DateField(required=False, allow_null=True, default=None)
    agreed_with_family = serializers.BooleanField(required=False, default=False)

    def validate_signpost_service(self, value):
        if value is None:
            return None
        service = offer_selectors.pickable_service(value)
        if service is None:
            raise serializers.ValidationError("Choose a service from the directory")
        return service


class DecisionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(PanelDecision.Kind.values)
    )
    esmap_number = serializers.CharField(source="case.esmap_number", read_only=True)
    case_status = serializers.CharField(source="case.status", read_only=True)
    outcome = serializers.CharField(read_only=True)
    decided_at = LondonDateTimeField(read_only=True)

    class Meta:
        model = PanelDecision
        fields = [
            "id",
            "case",
            "esmap_number",
            "case_status",
            "meeting",
            "kind",
            "outcome",
            "lead_agency",
            "supporting_agencies",
            "signpost_to",
            "handover",
            "reason",
            "discussion",
            "actions",
            "decided_at",
            "is_extraordinary",
            "reported_at_meeting",
        ]


class AllocationInputSerializer(serializers.Serializer):
    lead_professional = IdField()


class AllocationSerializer(serializers.ModelSerializer):
    allocated_at = LondonDateTimeField(read_only=True)

    class Meta:
        model = LeadProfessionalAllocation
        fields = ["id", "case", "agency", "lead_professional", "allocated_at"]


class ClosureDecisionInputSerializer(serializers.Serializer):
    change = serializers.CharField(help_text="confirm or return")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ClosureSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(ClosureRequest.Status.values)
    )
    requested_at = LondonDateTimeField(read_only=True)

    class Meta:
        model = ClosureRequest
        fields = ["id", "case", "status", "meeting", "requested_at", "summary", "return_reason"]


class MinutesPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    agency = serializers.CharField()


class MinutesSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting.pk")
    present = MinutesPersonSerializer(many=True)
    apologies = serializers.ListField(child=serializers.CharField())
    decisions = DecisionSerializer(many=True)
    extraordinary = DecisionSerializer(many=True)
    closures = ClosureSerializer(many=True)
    next_meeting = serializers.CharField(source="next_text")


def _agency(pk):
    if pk is None:
        return None
    agency = selectors.agency(pk)
    if agency is None:
        raise ValidationError({"lead_agency": "No such agency"})
    return agency


def _decision_kwargs(data) -> dict:
    supporting = selectors.agencies_by_id(data["supporting_agencies"])
    if len(supporting) != len(set(data["supporting_agencies"])):
        raise ValidationError({"supporting_agencies": "No such agency"})
    kind = data["kind"]
    if kind not in PanelDecision.Kind.values:
        raise ValidationError({"kind": "One of: " + ", ".join(PanelDecision.Kind.values)})
    return {
        "kind": kind,
        "lead_agency": _agency(data["lead_agency"]),
        "supporting_agencies": supporting,
        "signpost_to": data["signpost_to"],
        "handover": data["handover"],
        "reason": data["reason"],
        "discussion": data["discussion"],
        "actions": data["actions"],
        "signpost_service": data["signpost_service"],
        "handover_to": data["handover_to"],
        "handover_on": data["handover_on"],
        "agreed_with_family": data["agreed_with_family"],
    }


class PanelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        return selectors.panels_with_seats(self.request.user).order_by("name", "id")


class PanelMeetingFilterSerializer(serializers.Serializer):
    panel = IdField(required=False, help_text="Only this panel's meetings")
    # The years a date can hold; a filter outside them can only be a mistake.
    year = serializers.IntegerField(
        required=False, min_value=1, max_value=9999, help_text="Only meetings in this year"
    )


@extend_schema_view(list=extend_schema(parameters=[PanelMeetingFilterSerializer]))
class PanelMeetingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelMeetingSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        meetings = selectors.meetings_for(self.request.user)
        if self.action == "list":
            wanted = query_params(self.request, PanelMeetingFilterSerializer)
            if "panel" in wanted:
                meetings = meetings.filter(panel_id=wanted["panel"])
            if "year" in wanted:
                meetings = meetings.filter(date__year=wanted["year"])
        return meetings

    @extend_schema(responses=AgendaSerializer)
    @action(detail=True, methods=["get"])
    def agenda(self, request, pk=None):
        meeting = selectors.meeting_by_id(pk)
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

    def _runner_meeting(self, request, pk):
        meeting = selectors.meeting_by_id(pk)
        pack = selectors.pack_for(request.user, meeting)
        require(
            "panel.run_meeting",
            request.user,
            meeting.panel,
            "Only the chair, the deputy or business support can run the meeting",
        )
        return meeting, pack

    @extend_schema(request=AttendanceInputSerializer, responses=QuorumSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record an arrival or a departure; returns the quorum now."""
        meeting, _pack = self._runner_meeting(request, pk)
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = selectors.staff_member(data.validated_data["user"])
        if person is None:
            raise ValidationError({"user": "No such member of staff"})
        change = data.validated_data["change"]
        if change == "arrived":
            role = data.validated_data["role"]
            if role not in MeetingAttendance.Role.values:
                raise ValidationError(
                    {"role": "One of: " + ", ".join(MeetingAttendance.Role.values)}
                )
            seat = None
            if data.validated_data["seat"] is not None:
                seat = selectors.panel_seat(meeting.panel, data.validated_data["seat"])
            services.attendance_record_arrival(
                actor=request.user,
                meeting=meeting,
                user=person,
                role=role,
                seat=seat,
            )
        elif change == "left":
            services.attendance_record_departure(
                actor=request.user,
                meeting=meeting,
                user=person,
            )
        else:
            raise ValidationError({"change": "arrived or left"})
        return Response(QuorumSerializer(selectors.meeting_quorum(meeting)).data)

    @extend_schema(responses=QuorumSerializer)
    @action(detail=True, methods=["get"])
    def quorum(self, request, pk=None):
        meeting, _pack = self._runner_meeting(request, pk)
        return Response(QuorumSerializer(selectors.meeting_quorum(meeting)).data)

    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        """Record the panel's decision on a case on this meeting (refused with 409 while inquorate)."""
        meeting, _pack = self._runner_meeting(request, pk)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = selectors.case_on_meeting(meeting, data.validated_data.get("case"))
        if case is None:
            raise ValidationError({"case": "No such case on this meeting"})
        decision = services.panel_decision_record(
            actor=request.user,
            meeting=meeting,
            case=case,
            **_decision_kwargs(data.validated_data),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MinutesSerializer)
    @action(detail=True, methods=["get"])
    def minutes(self, request, pk=None):
        meeting = selectors.meeting_by_id(pk)
        pack = selectors.pack_for(request.user, meeting)
        if not selectors.minutes_visible(pack):
            raise Http404("No minutes yet")
        minutes = selectors.minutes_for(meeting)
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=Action.VIEW,
                target=meeting,
                detail={
                    "page": "minutes",
                    "api": True,
                    "case_ids": [d.case_id for d in minutes.decisions],
                },
            )
        return Response(MinutesSerializer(minutes).data)


class PanelCaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelCaseSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        return selectors.cases_for(self.request.user)

    # A case names a family: each read is audited like any other family record.
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = self.get_serializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=PANEL_CASE_LABEL,
            detail={"count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        data = self.get_serializer(case).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=case, detail={"page": "api_detail"}
        )
        return Response(data)

    @extend_schema(request=AgencyResponseInputSerializer, responses=AgencyResponseSerializer)
    @action(detail=True, methods=["post"])
    def responses(self, request, pk=None):
        user = request.user
        case = selectors.case_with_meeting(pk)
        _case, pack = selectors.get_case_for_member(user, case.meeting, case.pk)
        require(
            "panel.respond_for_agency",
            user,
            pack.seats[0],
            "Only a member of that seat can record its agency's response",
        )
        data = AgencyResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.agency_response_record(
            actor=user,
            case=case,
            seat=pack.seats[0],
            known=data.validated_data["known"],
            information=data.validated_data["information"],
            expected_version=data.validated_data["version"],
        )
        code = status.HTTP_201_CREATED if response.version == 1 else status.HTTP_200_OK
        return Response(AgencyResponseSerializer(response).data, status=code)

    def _case_after(self, request, pk):
        return selectors.get_case_after(request.user, pk)

    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"], url_path="extraordinary-decision")
    def extraordinary_decision(self, request, pk=None):
        """The chair's extraordinary decision between meetings."""
        case, _roles = self._case_after(request, pk)
        require(
            "panel.decide_between_meetings",
            request.user,
            case.panel,
            "Only the panel's chair or deputy can do this",
        )
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.panel_extraordinary_decision_record(
            actor=request.user,
            case=case,
            **_decision_kwargs(data.validated_data),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AllocationInputSerializer, responses={201: AllocationSerializer})
    @action(detail=True, methods=["post"])
    def allocation(self, request, pk=None):
        """The lead agency names the lead professional."""
        case, _roles = self._case_after(request, pk)
        require(
            "panel.allocate",
            request.user,
            case,
            "Only the lead agency or business support can allocate",
        )
        data = AllocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = selectors.staff_member(data.validated_data["lead_professional"])
        if person is None:
            raise ValidationError({"lead_professional": "No such member of staff"})
        allocation = services.lead_professional_allocate(
            actor=request.user,
            case=case,
            lead_professional=person,
        )
        return Response(AllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClosureDecisionInputSerializer, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="closure-decision")
    def closure_decision(self, request, pk=None):
        """The panel confirms the pending closure (the case closes) or returns it with a reason."""
        case, _roles = self._case_after(request, pk)
        require(
            "panel.decide_closure",
            request.user,
            case.panel,
            "Only the panel's chair or deputy can do this",
        )
        closure = selectors.pending_closure(case)
        if closure is None:
            raise ConflictError("No case closure form is waiting for the panel")
        data = ClosureDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = data.validated_data["change"]
        if change == "confirm":
            closure = services.closure_confirm(actor=request.user, closure=closure)
        elif change == "return":
            closure = services.closure_return(
                actor=request.user,
                closure=closure,
                reason=data.validated_data["reason"],
            )
        else:
            raise ValidationError({"change": "confirm or return"})
        return Response(ClosureSerializer(closure).data)


def register(router) -> None:
    router.register("panels", PanelViewSet, basename="panel")
    router.register("panel-meetings", PanelMeetingViewSet, basename="panel-meeting")
    router.register("panel-cases", PanelCaseViewSet, basename="panel-case")
