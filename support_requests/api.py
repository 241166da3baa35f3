"""DRF endpoints for requests for support, registered on the shared /api/v1/ router by register().

Authentication is the API's (see people.api). Requests come only from
support_requests.selectors, exactly as on the pages:

* ``support-requests``: the early support queue's scope (``selectors.requests_for``): team
  leaders and business support of the early support service, for their area plus requests
  whose area is not known. Anyone else gets an empty list and 404s.
* ``my-support-requests``: the requests the caller made (``selectors.requests_submitted_by``);
  anyone else's is a 404.

Every read writes one VIEW audit event in the request's transaction; writes go through
support_requests.services, which audit themselves. A service's ValidationError is a 400
with errors by field; a role that may not do something is a 403; a change the request's
status no longer allows is a 409. CIN or child protection concerns in triage stop the early
help path: the stop is recorded and the answer is a 409 that says to contact the duty team.

The keyed hash of a public requester's address (``submitted_ip_hash``) is never exposed.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
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

from core.api import BAD_REQUEST, FORBIDDEN, UUID_LOOKUP, require
from core.api import conflict as _conflict
from core.api import duty_team_contact as _duty_team
from core.audit import Action, audit_record
from core.models import Area
from offer import selectors as offer_selectors
from people.selectors import families_for
from people.selectors import get_family as get_family_in_scope
from support_requests import selectors, services
from support_requests.models import SafeguardingStop, SupportRequest, Triage
from support_requests.presenters import own_request_status

REQUEST_LABEL = SupportRequest._meta.label_lower
TRIAGE = "support_requests.triage"
TRIAGE_ONLY = "Only early support team leaders can triage requests"
TAGS = ["requests"]

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("SupportRequestNotFound", {"detail": serializers.CharField()}),
    description="No such request in your scope (the same answer whether or not it exists).",
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("SupportRequestConflict", {"detail": serializers.CharField()}),
    description="The request's status does not allow this (someone may have changed it).",
)
STATUS_FILTER = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Only requests with this status: " + ", ".join(SupportRequest.Status.values),
)


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _stop_payload(stop: SafeguardingStop, detail: str) -> dict:
    return {
        "detail": detail,
        "safeguarding_stop": {
            "id": stop.pk,
            "trigger": stop.trigger,
            "trigger_label": stop.get_trigger_display(),
            "next_step": stop.next_step,
            "at": stop.at,
        },
        "duty_team": _duty_team(),
    }


STOP_DETAIL = (
    "You recorded concerns that a child is in need or at risk of significant harm. This is "
    "not early help: contact the duty team now, then record what you did."
)


# --- Serializers -------------------------------------------------------------------


class SupportRequestAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name"]


class SupportRequestChildSerializer(serializers.Serializer):
    first_name = serializers.CharField(read_only=True)
    age_years = serializers.IntegerField(read_only=True, allow_null=True)
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)


class SupportRequestDutyTeamSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    out_of_hours_phone = serializers.CharField()


class SupportRequestStopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    trigger = serializers.CharField(help_text="Why the early help path was stopped.")
    trigger_label = serializers.CharField()
    next_step = serializers.CharField(help_text="Blank until what was done next is recorded.")
    at = serializers.DateTimeField()


class SupportRequestStopResponseSerializer(serializers.Serializer):
    # A 409 is the safeguarding stop (with the stop and the duty team), or another conflict such
    # as a request already triaged (its detail alone).
    detail = serializers.CharField()
    safeguarding_stop = SupportRequestStopSerializer(required=False)
    duty_team = SupportRequestDutyTeamSerializer(required=False)


class SupportRequestTriageSerializer(serializers.ModelSerializer):
    """Triage as the queue sees it (the team leader's notes included)."""

    need_level = serializers.CharField(source="need_level.name", read_only=True, allow_null=True)
    triage_decision = serializers.CharField(source="decision", read_only=True)
    triage_decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    single_agency = serializers.CharField(
        source="single_agency.name", read_only=True, allow_null=True
    )
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Triage
        fields = [
            "conversation_date",
            "conversation_with",
            "conversation_summary",
            "cin_cp_concern",
            "need_level",
            "targeted_indicators",
            "triage_decision",
            "triage_decision_label",
            "signpost_to",
            "handover_contact",
            "handover_date",
            "signpost_service",
            "agreed_with_family",
            "single_agency",
            "decided_at",
            "decided_by",
        ]
        read_only_fields = fields

    def get_decided_by(self, triage: Triage) -> str:
        return _user_name(triage.decided_by)


class SupportRequestSerializer(serializers.ModelSerializer):
    """A request as the early support queue sees it. Choice values are plain strings."""

    source = serializers.CharField(
        read_only=True, help_text="public, practitioner or mash_step_down"
    )
    # A member of the public may give no email address, and only a practitioner's request has a
    # route: both are blank ("") then, which an email format or the route's choices would refuse.
    requester_email = serializers.CharField(read_only=True, help_text="An email address, or blank")
    route = serializers.CharField(read_only=True, help_text="key_contact, mash, or blank")
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    request_status = serializers.CharField(
        source="status",
        read_only=True,
        help_text="One of: " + ", ".join(SupportRequest.Status.values),
    )
    request_status_label = serializers.CharField(source="get_status_display", read_only=True)
    area = SupportRequestAreaSerializer(read_only=True, allow_null=True)
    family = serializers.UUIDField(source="family_id", read_only=True, allow_null=True)
    requester_relationship = serializers.CharField(read_only=True)
    consent_to_contact_agencies = serializers.CharField(read_only=True)
    requester_team = serializers.CharField(
        source="requester_team.name", read_only=True, allow_null=True
    )
    requester_agency = serializers.CharField(
        source="requester_agency.name", read_only=True, allow_null=True
    )
    key_contact_team = serializers.CharField(
        source="key_contact_team.name", read_only=True, allow_null=True
    )
    children = SupportRequestChildSerializer(many=True, read_only=True)
    triage = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "reference",
            "source",
            "source_label",
            "request_status",
            "request_status_label",
            "area",
            "location_given",
            "requester_name",
            "requester_relationship",
            "requester_phone",
            "requester_email",
            "can_call",
            "can_leave_message",
            "safe_to_write",
            "contact_best_times",
            "contact_safety_notes",
            "what_is_happening",
            "help_wanted",
            "consent_to_contact_agencies",
            "family",
            "requester_team",
            "requester_agency",
            "key_contact_team",
            "route",
            "single_agency_support_tried",
            "family_knows_and_consents",
            "safeguarding_concern",
            "social_care_reference",
            "step_down_reason",
            "allocation_meeting_date",
            "social_care_history",
            "social_worker_name",
            "social_worker_contact",
            "children",
            "triage",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SupportRequestTriageSerializer(allow_null=True))
    def get_triage(self, support_request: SupportRequest):
        triage = getattr(support_request, "triage", None)
        return SupportRequestTriageSerializer(triage).data if triage is not None else None


class SupportRequestListSerializer(serializers.ModelSerializer):
    """A row of the queue: no contact details."""

    source = serializers.CharField(read_only=True)
    request_status = serializers.CharField(source="status", read_only=True)
    request_status_label = serializers.CharField(source="get_status_display", read_only=True)
    area = SupportRequestAreaSerializer(read_only=True, allow_null=True)
    area_known = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "reference",
            "source",
            "request_status",
            "request_status_label",
            "area",
            "area_known",
            "location_given",
            "created_at",
        ]
        read_only_fields = fields

    def get_area_known(self, support_request: SupportRequest) -> bool:
        return support_request.area_id is not None


class MyTriageOutcomeSerializer(serializers.Serializer):
    """What the person who made the request sees of triage: never the team leader's notes."""

    triage_decision = serializers.CharField(source="decision")
    triage_decision_label = serializers.CharField(source="get_decision_display")
    signpost_to = serializers.CharField()
    single_agency = serializers.CharField(source="single_agency.name", allow_null=True)
    need_level = serializers.CharField(source="need_level.name", allow_null=True)
    decided_at = serializers.DateTimeField()


class MyAssessmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    assessment_status = serializers.CharField(source="status")
    assessment_status_label = serializers.CharField(source="get_status_display")


class MyLeadProfessionalSerializer(serializers.Serializer):
    name = serializers.CharField()
    agency = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class MySupportRequestSerializer(serializers.ModelSerializer):
    """One of the caller's own requests, with where it has got to and what happens next."""

    source = serializers.CharField(read_only=True)
    request_status = serializers.CharField(source="status", read_only=True)
    request_status_label = serializers.CharField(source="get_status_display", read_only=True)
    status_summary = serializers.SerializerMethodField()
    what_happens_next = serializers.SerializerMethodField()
    area = SupportRequestAreaSerializer(read_only=True, allow_null=True)
    family = serializers.UUIDField(source="family_id", read_only=True, allow_null=True)
    key_contact_team = serializers.CharField(
        source="key_contact_team.name", read_only=True, allow_null=True
    )
    children = SupportRequestChildSerializer(many=True, read_only=True)
    triage_outcome = serializers.SerializerMethodField()
    assessments = serializers.SerializerMethodField()
    pending_safeguarding_stop = serializers.SerializerMethodField()
    route = serializers.CharField(read_only=True, help_text="key_contact, mash, or blank")
    lead_professional = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "reference",
            "source",
            "request_status",
            "request_status_label",
            "status_summary",
            "what_happens_next",
            "area",
            "family",
            "key_contact_team",
            "children",
            "what_is_happening",
            "single_agency_support_tried",
            "family_knows_and_consents",
            "safeguarding_concern",
            "triage_outcome",
            "assessments",
            "pending_safeguarding_stop",
            "route",
            "lead_professional",
            "created_at",
        ]
        read_only_fields = fields

    def get_status_summary(self, support_request: SupportRequest) -> str:
        return own_request_status(support_request.status)["summary"]

    def get_what_happens_next(self, support_request: SupportRequest) -> str:
        return own_request_status(support_request.status)["next_step"]

    @extend_schema_field(MyLeadProfessionalSerializer(allow_null=True))
    def get_lead_professional(self, support_request: SupportRequest):
        """Who the panel's lead agency allocated, and their work contact; null until then."""
        lead = support_request.lead_professional
        if lead is None:
            return None
        return {
            "name": lead.get_full_name() or lead.username,
            "agency": support_request.lead_agency.name if support_request.lead_agency else "",
            "email": lead.email,
            "phone": lead.phone,
        }

    @extend_schema_field(MyTriageOutcomeSerializer(allow_null=True))
    def get_triage_outcome(self, support_request: SupportRequest):
        triage = getattr(support_request, "triage", None)
        if triage is None or not triage.decision:
            return None
        return MyTriageOutcomeSerializer(triage).data

    @extend_schema_field(MyAssessmentSerializer(many=True))
    def get_assessments(self, support_request: SupportRequest):
        """Only when the caller can see the family: otherwise an empty list."""
        user = self.context.get("user")
        if user is None or not support_request.family_id:
            return []
        if not families_for(user).filter(pk=support_request.family_id).exists():
            return []
        return MyAssessmentSerializer(
            support_request.assessments.order_by("-number"), many=True
        ).data

    @extend_schema_field(SupportRequestStopSerializer(allow_null=True))
    def get_pending_safeguarding_stop(self, support_request: SupportRequest):
        user = self.context.get("user")
        if user is None:
            return None
        stop = selectors.pending_submission_stop(actor=user, support_request=support_request)
        if stop is None:
            return None
        return _stop_payload(stop, "")["safeguarding_stop"]


class MySupportRequestListSerializer(serializers.ModelSerializer):
    source = serializers.CharField(read_only=True)
    request_status = serializers.CharField(source="status", read_only=True)
    request_status_label = serializers.CharField(source="get_status_display", read_only=True)
    area = SupportRequestAreaSerializer(read_only=True, allow_null=True)
    family = serializers.UUIDField(source="family_id", read_only=True, allow_null=True)

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "reference",
            "source",
            "request_status",
            "request_status_label",
            "area",
            "family",
            "created_at",
        ]
        read_only_fields = fields


class ChildInputSerializer(serializers.Serializer):
    # Blank or missing is the service's refusal, worded as the request pages word it.
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    age_years = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    date_of_birth = serializers.DateField(required=False, allow_null=True)


class PractitionerRequestCreateSerializer(serializers.Serializer):
    """Only the shape is checked here; what a request needs is support_requests.services' rule."""

    family = serializers.UUIDField(
        required=False, allow_null=True, help_text="A family in your scope, if there is a record."
    )
    children = ChildInputSerializer(
        many=True, required=False, help_text="Needed when no family is given."
    )
    area = serializers.IntegerField(
        allow_null=True, help_text="Id of the area the family lives in."
    )
    what_is_happening = serializers.CharField(allow_blank=True)
    single_agency_support_tried = serializers.CharField(allow_blank=True)
    family_knows_and_consents = serializers.BooleanField(allow_null=True)
    safeguarding_concern = serializers.BooleanField(
        allow_null=True,
        help_text="Concerns that a child is in need or at risk of significant harm. "
        "True: the request is referred to the duty team, not early help.",
    )
    route = serializers.CharField(
        required=False,
        default=SupportRequest.Route.KEY_CONTACT,
        help_text="key_contact (the area's early support team, the default) or mash (through "
        "the MASH, which passes it on to the same team).",
    )


class TriageInputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=[("draft", "Save as a draft"), ("decide", "Record the decision")],
        help_text="draft: save what is known so far. decide: record the early help decision.",
    )
    conversation_date = serializers.DateField(required=False, allow_null=True)
    conversation_with = serializers.CharField(required=False, allow_blank=True, default="")
    conversation_summary = serializers.CharField(required=False, allow_blank=True, default="")
    cin_cp_concern = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Concerns that a child is in need or at risk of significant harm. True stops "
        "the early help path (409).",
    )
    need_level = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of the level of need."
    )
    targeted_indicators = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Codes of the indicators for a targeted offer.",
    )
    decision = serializers.ChoiceField(
        choices=Triage.Decision.choices, required=False, allow_blank=True, default=""
    )
    signpost_to = serializers.CharField(required=False, allow_blank=True, default="")
    handover_contact = serializers.CharField(required=False, allow_blank=True, default="")
    handover_date = serializers.DateField(required=False, allow_null=True, default=None)
    signpost_service = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of a directory service to signpost to (instead of typing signpost_to).",
    )
    agreed_with_family = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="The handover was agreed."
    )
    single_agency = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of the agency giving single-agency support."
    )

    def validate_signpost_service(self, value):
        if value is None:
            return None
        service = offer_selectors.pickable_service(value)
        if service is None:
            raise serializers.ValidationError(services.SERVICE_NOT_IN_DIRECTORY)
        return service

    def validate_need_level(self, value):
        if value is None:
            return None
        level = selectors.need_level(value)
        if level is None:
            raise serializers.ValidationError("Select a level of need from the list")
        return level

    def validate_single_agency(self, value):
        if value is None:
            return None
        agency = selectors.agency(value)
        if agency is None:
            raise serializers.ValidationError("Select an agency from the list")
        return agency

    def answers(self) -> services.TriageAnswers:
        data = self.validated_data
        return services.TriageAnswers(
            conversation_date=data.get("conversation_date"),
            conversation_with=data.get("conversation_with", ""),
            conversation_summary=data.get("conversation_summary", ""),
            cin_cp_concern=data.get("cin_cp_concern"),
            need_level=data.get("need_level"),
            targeted_indicators=tuple(data.get("targeted_indicators") or ()),
            decision=data.get("decision", ""),
            signpost_to=data.get("signpost_to", ""),
            handover_contact=data.get("handover_contact", ""),
            handover_date=data.get("handover_date"),
            signpost_service=data.get("signpost_service"),
            agreed_with_family=data.get("agreed_with_family"),
            single_agency=data.get("single_agency"),
        )


class NextStepInputSerializer(serializers.Serializer):
    next_step = serializers.ChoiceField(choices=SafeguardingStop.NextStep.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when you were wrong about the concerns.",
    )


class SetAreaInputSerializer(serializers.Serializer):
    area = serializers.IntegerField(help_text="Id of the area the family lives in.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_area(self, value):
        area = selectors.area(value)
        if area is None:
            raise serializers.ValidationError("Select the area the family lives in")
        return area


class StartTriageInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- Views -------------------------------------------------------------------------


def _audited_list(viewset, request, queryset, *, page_name: str):
    page = viewset.paginate_queryset(queryset)
    rows = page if page is not None else list(queryset)
    data = viewset.get_serializer(rows, many=True).data
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        target=REQUEST_LABEL,
        detail={"page": page_name, "count": len(rows)},
    )
    if page is not None:
        return viewset.get_paginated_response(data)
    return Response(data)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="Requests for support in your queue's scope",
        description="Early support team leaders and business support: requests for their "
        "area and those whose area is not known (every area for a central team). Oldest "
        "first. Paginated. Anyone else gets an empty list.",
        parameters=[STATUS_FILTER],
        responses={200: SupportRequestListSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One request for support",
        responses={200: SupportRequestSerializer, 404: NOT_FOUND},
    ),
)
class SupportRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The early support queue: triage goes through support_requests.services."""

    serializer_class = SupportRequestSerializer
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = UUID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_requests()
        return selectors.requests_for(self.request.user).order_by("created_at", "reference")

    def get_serializer_class(self):
        if self.action == "list":
            return SupportRequestListSerializer
        return SupportRequestSerializer

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset().select_related("area")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in SupportRequest.Status.values:
                raise serializers.ValidationError({"status": ["Select a status from the list"]})
            queryset = queryset.filter(status=wanted)
        return _audited_list(self, request, queryset, page_name="queue")

    def retrieve(self, request, *args, **kwargs):
        support_request = selectors.request_detail(request.user, kwargs["pk"])
        data = SupportRequestSerializer(support_request).data
        audit_record(actor=request.user, action=Action.VIEW, target=support_request)
        return Response(data)

    def _fresh(self, request, pk) -> Response:
        return Response(SupportRequestSerializer(selectors.request_detail(request.user, pk)).data)

    @extend_schema(
        summary="Start triage of a request",
        request=StartTriageInputSerializer,
        responses={200: SupportRequestSerializer, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="start-triage")
    def start_triage(self, request, pk=None):
        support_request = selectors.get_request(request.user, pk)
        require(TRIAGE, request.user, message="Only early support team leaders can start triage")
        serializer = StartTriageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.support_request_start_triage(
            actor=request.user,
            support_request=support_request,
            reason=serializer.validated_data["reason"],
        )
        return self._fresh(request, pk)

    @extend_schema(
        summary="Save triage as a draft, or record its decision",
        description="Early support team leaders only. CIN or child protection concerns (or a "
        "statutory level of need) are never an early help decision: whatever the mode, the "
        "safeguarding stop is recorded and the answer is 409 with the duty team's contact. "
        "Record what you did next with safeguarding-stop.",
        request=TriageInputSerializer,
        responses={
            200: SupportRequestSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                response=SupportRequestStopResponseSerializer,
                description="A safeguarding stop (or the request is not in triage: "
                "then only detail is given).",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="triage")
    def triage(self, request, pk=None):
        support_request = selectors.get_request(request.user, pk)
        require(TRIAGE, request.user, message=TRIAGE_ONLY)
        serializer = TriageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = serializer.answers()
        pending = selectors.pending_stop(support_request)
        if pending is not None:
            return Response(_stop_payload(pending, STOP_DETAIL), status=status.HTTP_409_CONFLICT)
        # A stop is returned, not raised: the answer is a 409 but the stop must stay saved.
        stop = services.triage_submit(
            actor=request.user,
            support_request=support_request,
            answers=answers,
            mode=serializer.validated_data["mode"],
        )
        if stop is not None:
            return Response(_stop_payload(stop, STOP_DETAIL), status=status.HTTP_409_CONFLICT)
        return self._fresh(request, pk)

    @extend_schema(
        summary="Record what you did after a safeguarding stop in triage",
        description="Phoned the duty team, or will refer to MASH: the request is referred to the "
        "duty team. 'was_wrong' (with a reason): the concern is cleared and triage goes on; "
        "the stop is kept.",
        request=NextStepInputSerializer,
        responses={
            200: SupportRequestSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="safeguarding-stop")
    def safeguarding_stop(self, request, pk=None):
        support_request = selectors.get_request(request.user, pk)
        require(TRIAGE, request.user, message=TRIAGE_ONLY)
        serializer = NextStepInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stop = selectors.pending_stop(support_request)
        if stop is None:
            return _conflict("No safeguarding stop is waiting for what you did next")
        services.safeguarding_stop_record_next_step(
            actor=request.user, stop=stop, **serializer.validated_data
        )
        return self._fresh(request, pk)

    @extend_schema(
        summary="Set the area of an open request",
        description="Early support team leaders only, while the request is received or in "
        "triage: for a member of the public who was not sure of their area. The request then "
        "appears in that area's queue (and may leave yours: the answer is then 204).",
        request=SetAreaInputSerializer,
        responses={
            200: SupportRequestSerializer,
            204: OpenApiResponse(description="Set; the request is now outside your scope."),
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="set-area")
    def set_area(self, request, pk=None):
        support_request = selectors.get_request(request.user, pk)
        require(
            TRIAGE,
            request.user,
            message="Only early support team leaders can set a request's area",
        )
        serializer = SetAreaInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.support_request_set_area(
            actor=request.user, support_request=support_request, **serializer.validated_data
        )
        if not selectors.requests_for(request.user).filter(pk=support_request.pk).exists():
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self._fresh(request, pk)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="Requests you made",
        description="Newest first. Paginated.",
        responses={200: MySupportRequestListSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One request you made, with where it has got to",
        description="The triage outcome (never the team leader's notes), and any assessment "
        "started from it when you can see the family.",
        responses={200: MySupportRequestSerializer, 404: NOT_FOUND},
    ),
)
class MySupportRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A practitioner's own requests for early support."""

    serializer_class = MySupportRequestSerializer
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = UUID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_requests()
        return selectors.my_requests(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return MySupportRequestListSerializer
        if self.action == "create":
            return PractitionerRequestCreateSerializer
        return MySupportRequestSerializer

    def _one(self, request, pk) -> SupportRequest:
        return get_object_or_404(
            selectors.requests_submitted_by(request.user)
            .select_related(
                "area",
                "key_contact_team",
                "triage__need_level",
                "triage__single_agency",
                "lead_professional",
                "lead_agency",
            )
            .prefetch_related("children"),
            pk=pk,
        )

    def _data(self, request, support_request) -> dict:
        return MySupportRequestSerializer(support_request, context={"user": request.user}).data

    def list(self, request, *args, **kwargs):
        return _audited_list(self, request, self.get_queryset(), page_name="my_requests")

    def retrieve(self, request, *args, **kwargs):
        support_request = self._one(request, kwargs["pk"])
        data = self._data(request, support_request)
        audit_record(
            actor=request.user, action=Action.VIEW, target=support_request, detail={"page": "mine"}
        )
        return Response(data)

    @extend_schema(
        summary="Ask for early support for a family",
        description="Goes to the area's early support team (the key contact). With concerns "
        "that a child is in need or at risk of significant harm it is never queued for early "
        "help: it is saved as referred to the duty team with a safeguarding stop, shown in "
        "pending_safeguarding_stop; record what you did with safeguarding-stop.",
        request=PractitionerRequestCreateSerializer,
        responses={
            201: MySupportRequestSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request, *args, **kwargs):
        # The role first, before the body is read: 403, then 400.
        require(
            "support_requests.make_request",
            request.user,
            message="Only practitioners and lead professionals make requests",
        )
        serializer = PractitionerRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        family = None
        if data.get("family"):
            family = get_family_in_scope(request.user, data["family"])
        area = None
        if data.get("area") is not None:
            area = selectors.area(data["area"])
            if area is None:
                raise serializers.ValidationError({"area": ["Select the area the family lives in"]})
        children = [
            services.ChildDetails(
                first_name=child["first_name"],
                age_years=child.get("age_years"),
                date_of_birth=child.get("date_of_birth"),
            )
            for child in data.get("children") or []
        ]
        support_request, _stop = services.support_request_submit_practitioner(
            actor=request.user,
            family=family,
            children=children,
            area=area,
            what_is_happening=data["what_is_happening"],
            single_agency_support_tried=data["single_agency_support_tried"],
            family_knows_and_consents=data["family_knows_and_consents"],
            safeguarding_concern=data["safeguarding_concern"],
            route=data["route"],
        )
        return Response(
            self._data(request, self._one(request, support_request.pk)),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Record what you did after the safeguarding stop on your request",
        description="The request stays referred to the duty team whatever the answer.",
        request=NextStepInputSerializer,
        responses={
            200: MySupportRequestSerializer,
            400: BAD_REQUEST,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="safeguarding-stop")
    def safeguarding_stop(self, request, pk=None):
        support_request = self._one(request, pk)
        serializer = NextStepInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stop = selectors.pending_submission_stop(
            actor=request.user, support_request=support_request
        )
        if stop is None:
            return _conflict("No safeguarding stop is waiting for what you did next")
        services.submission_stop_record_next_step(
            actor=request.user, stop=stop, **serializer.validated_data
        )
        return Response(self._data(request, self._one(request, pk)))


def register(router) -> None:
    router.register("support-requests", SupportRequestViewSet, basename="support-request")
    router.register("my-support-requests", MySupportRequestViewSet, basename="my-support-request")
