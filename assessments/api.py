"""DRF endpoints for assessments, registered on the shared /api/v1/ router by register().

The same rules as the pages, because the same code: assessments come only from
``assessments.selectors`` (out of scope is 404, never 403; panel members and
administrators, who see no case records, get empty lists and 404s), every change goes
through ``assessments.services`` (which audit themselves), and section answers are
checked by the section's own form (``assessments.sections``), exactly as on the page.

* ``GET /api/v1/assessments/?family=<uuid>`` and ``GET /api/v1/assessments/{id}/``
* ``POST /api/v1/assessments/``: start one
* ``PUT /api/v1/assessments/{id}/sections/{key}/`` and
  ``PUT /api/v1/assessments/{id}/sections/{key}/children/{child_id}/``: save a section
* ``POST /api/v1/assessments/{id}/submit|sign-off|return|new-version|consultation|
  refer-to-panel|safeguarding-stop/``
* ``GET /api/v1/assessments/{id}/pdf/``: the assessment as a PDF (audited as an export)

Requests run in one transaction (``ATOMIC_REQUESTS``) and DRF rolls it back when a view
*raises*. Answers where something must still be kept (a section's draft saved alongside a
400, a safeguarding stop raised alongside a 409) are therefore returned, never raised.
"""

from __future__ import annotations

import re

from django.http import HttpResponse
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
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from assessments import presenters, selectors, services
from assessments.models import Assessment, AssessmentSection, PanelReferral
from assessments.pdf import assessment_pdf
from assessments.sections import SECTIONS, SECTIONS_BY_KEY, YES
from consent.services import ConsentRequired
from core.api import (
    BAD_REQUEST,
    FORBIDDEN,
    UUID_LOOKUP,
    FamilyQuerySerializer,
    query_params,
    require,
)
from core.api import conflict as _conflict
from core.api import duty_team_contact as _duty_team
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import GovDateField
from people.selectors import get_family, people_for
from support_requests.models import SafeguardingStop
from support_requests.selectors import requests_for

ASSESSMENT_LABEL = "assessments.assessment"
LOCKED_MESSAGE = services.LOCKED_MESSAGE
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("AssessmentNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
FAMILY_FILTER = OpenApiParameter(
    "family",
    OpenApiTypes.UUID,
    OpenApiParameter.QUERY,
    description="Only this family's assessments.",
)


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _require_writer(user) -> None:
    require("assessments.write_assessment", user, message="Your role may not change assessments.")


# --- Serializers -------------------------------------------------------------------
#
# No ChoiceFields named `status` or `decision`: other apps already publish enums under
# those names, so the values are listed in help_text instead.


class AssessmentChildRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        help_text="The child's id within this assessment (used in section URLs)."
    )
    person = serializers.UUIDField(help_text="The child's person record.")
    name = serializers.CharField()


class AssessmentSectionDataSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    child = serializers.IntegerField(
        allow_null=True, help_text="For per-child sections: the child's id."
    )
    section_status = serializers.CharField(
        help_text="One of: " + ", ".join(AssessmentSection.Status.values) + "."
    )
    version = serializers.IntegerField(
        help_text="Send this back when saving; 0 when the section has not been started."
    )
    answers = serializers.DictField(
        help_text="Answers by question name; dates are ISO 8601 (YYYY-MM-DD)."
    )


class AssessmentConsultationSerializer(serializers.Serializer):
    child_views = serializers.CharField(allow_blank=True)
    parent_views = serializers.CharField(allow_blank=True)
    shared_on = serializers.DateField(allow_null=True)
    copy_given_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


class AssessmentStopRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    trigger = serializers.CharField(
        help_text="One of: " + ", ".join(SafeguardingStop.Trigger.values) + "."
    )
    at = serializers.DateTimeField()


class AssessmentSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    family = serializers.UUIDField(source="family_id")
    number = serializers.IntegerField(help_text="The version number within the family (1, 2, …).")
    status = serializers.CharField(help_text="One of: " + ", ".join(Assessment.Status.values) + ".")
    decision = serializers.CharField(
        allow_blank=True,
        help_text="Blank until submitted; then one of: "
        + ", ".join(Assessment.Decision.values)
        + ".",
    )
    worker = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_worker(self, assessment) -> str:
        return _user_name(assessment.worker)


class AssessmentDetailSerializer(AssessmentSummarySerializer):
    """One assessment; needs an instance from selectors.get_assessment (prefetched)."""

    support_request = serializers.UUIDField(source="support_request_id", allow_null=True)
    children = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    signed_off_by = serializers.SerializerMethodField()
    signed_off_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    previous_version = serializers.UUIDField(source="previous_id", allow_null=True)
    next_version = serializers.SerializerMethodField()
    consultation = serializers.SerializerMethodField()
    panel_referral = serializers.SerializerMethodField()
    safeguarding_stop = serializers.SerializerMethodField(
        help_text="A safeguarding stop waiting for its next step: nothing can change until it is recorded."
    )

    @extend_schema_field(AssessmentChildRefSerializer(many=True))
    def get_children(self, assessment) -> list:
        return [
            {"id": c.pk, "person": c.person_id, "name": presenters.child_name(c.person)}
            for c in assessment.children.all()
        ]

    @extend_schema_field(AssessmentSectionDataSerializer(many=True))
    def get_sections(self, assessment) -> list:
        rows = {(row.key, row.child_id): row for row in assessment.sections.all()}
        children = list(assessment.children.all())
        items = []
        for section in SECTIONS:
            for child in children if section.per_child else [None]:
                row = rows.get((section.key, child.pk if child else None))
                items.append(_section_data(section.key, child.pk if child else None, row))
        return items

    def get_signed_off_by(self, assessment) -> str:
        return _user_name(assessment.signed_off_by)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_next_version(self, assessment) -> str | None:
        newer = selectors.newer_version(assessment)
        return str(newer.pk) if newer else None

    @extend_schema_field(AssessmentConsultationSerializer(allow_null=True))
    def get_consultation(self, assessment) -> dict | None:
        row = getattr(assessment, "consultation", None)
        return AssessmentConsultationSerializer(row).data if row is not None else None

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_panel_referral(self, assessment) -> str | None:
        referral = selectors.panel_referral_of(assessment)
        return str(referral.pk) if referral else None

    @extend_schema_field(AssessmentStopRefSerializer(allow_null=True))
    def get_safeguarding_stop(self, assessment) -> dict | None:
        stop = services.pending_stop(assessment)
        return AssessmentStopRefSerializer(stop).data if stop is not None else None


def _section_data(key: str, child_id: int | None, row: AssessmentSection | None) -> dict:
    spec = SECTIONS_BY_KEY[key]
    return {
        "key": key,
        "number": spec.number,
        "title": spec.title,
        "child": child_id,
        "section_status": row.status if row else AssessmentSection.Status.NOT_STARTED,
        "version": row.version if row else 0,
        "answers": dict(row.answers) if row else {},
    }


class AssessmentStartSerializer(serializers.Serializer):
    family = serializers.UUIDField(help_text="A family in your scope.")
    children = serializers.ListField(
        child=serializers.UUIDField(),
        allow_empty=False,
        help_text="Ids of the family's children (or unborn babies) the assessment is about.",
    )
    support_request = serializers.UUIDField(
        required=False, allow_null=True, help_text="The request for support it answers, if any."
    )


class AssessmentSectionSaveSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="Every answer to the section's questions, by question name (a question left out is "
        "saved as not answered). Dates as ISO 8601 (YYYY-MM-DD)."
    )
    completed = serializers.BooleanField(
        help_text="True to mark the section completed, which also applies its completion checks."
    )
    version = serializers.IntegerField(
        allow_null=True,
        min_value=0,
        help_text="The section's version you last read; null or 0 for a section not yet started. "
        "If someone has saved it since, nothing is saved and the answer is 409 Conflict.",
    )


class AssessmentSectionErrorSerializer(serializers.Serializer):
    # Either the answers failed the section's questions (errors by question name, with the draft as
    # saved) or the request itself was malformed (errors by request field, e.g. "version" missing).
    answers = serializers.JSONField(
        required=False,
        help_text="Errors by question name, or why the answers object itself was refused.",
    )
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
    section = AssessmentSectionDataSerializer(
        required=False,
        help_text="The section as saved: the answers that passed are kept as a draft.",
    )


class AssessmentConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField(required=False)


class DutyTeamSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class SafeguardingStopResponseSerializer(serializers.Serializer):
    # A 409 is either a safeguarding stop (with the stop and whom to call) or the assessment's state
    # refusing the change (a completed or stopped assessment): then only "detail".
    detail = serializers.CharField()
    safeguarding_stop = AssessmentStopRefSerializer(required=False)
    duty_team = DutyTeamSerializer(required=False)


class SubmitConflictSerializer(SafeguardingStopResponseSerializer):
    # Submitting also refuses (409) while sections are not completed: then the ones left to do.
    incomplete_sections = serializers.ListField(child=serializers.CharField(), required=False)


class AssessmentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class AssessmentConsultationSaveSerializer(serializers.Serializer):
    child_views = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10_000
    )
    parent_views = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10_000
    )
    shared_on = serializers.DateField(required=False, allow_null=True, default=None)
    copy_given_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        default=None,
        help_text="The consultation's version you last read; null or 0 when none is recorded.",
    )


class AssessmentPanelReferralSerializer(serializers.ModelSerializer):
    assessment = serializers.UUIDField(source="assessment_id")
    family = serializers.UUIDField(source="family_id")

    class Meta:
        model = PanelReferral
        fields = [
            "id",
            "assessment",
            "family",
            "presenting_reason",
            "referrer_continues",
            "consent_basis",
            "submitted_at",
        ]
        read_only_fields = fields


class SafeguardingNextStepSerializer(serializers.Serializer):
    next_step = serializers.CharField(
        help_text="What you have done: one of " + ", ".join(SafeguardingStop.NextStep.values) + "."
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=f"Required with {SafeguardingStop.NextStep.WAS_WRONG}: why there are no concerns.",
    )


# --- Helpers shared by the actions -------------------------------------------------


def _stop_response(stop: SafeguardingStop) -> Response:
    duty = _duty_team()
    contact = " ".join(part for part in (duty["name"], duty["phone"]) if part) or "the duty team"
    return _conflict(
        "Child in need or child protection concerns are not early help, so this assessment has "
        f"stopped. Contact the duty team now: {contact}. Then record what you did with "
        "POST safeguarding-stop/; nothing else can change until you do.",
        safeguarding_stop=AssessmentStopRefSerializer(stop).data,
        duty_team=duty,
    )


def _form_data(form, answers: dict, completed: bool) -> dict:
    """JSON answers as the section form's POST data: ISO dates become GOV.UK day/month/year."""
    data = {"completed": YES if completed else "no"}
    for name, field in form.fields.items():
        if name == "completed":
            continue
        value = answers.get(name)
        if isinstance(field, GovDateField):
            parts = ("", "", "")
            if value not in (None, ""):
                match = ISO_DATE.match(str(value))
                if match:
                    year, month, day = match.groups()
                    parts = (day, month, year)
                else:
                    # Not YYYY-MM-DD: the form's own check reports it as not a real date.
                    parts = ("x", "x", "x")
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = part
        else:
            data[name] = "" if value is None else value
    return data


# --- The viewset -------------------------------------------------------------------

SECTION_KEY = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[section.key for section in SECTIONS if not section.per_child],
    description="A family-level section.",
)
PER_CHILD_SECTION_KEY = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[section.key for section in SECTIONS if section.per_child],
    description="A section answered for each child.",
)
CHILD_ID = OpenApiParameter(
    "child_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The child's id within the assessment.",
)
SECTION_RESPONSES = {
    200: AssessmentSectionDataSerializer,
    400: OpenApiResponse(
        AssessmentSectionErrorSerializer,
        description="Some answers did not pass. The ones that did are saved as a draft (see `section`).",
    ),
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: OpenApiResponse(
        AssessmentConflictSerializer,
        description="Someone saved the section after you read it, the assessment is locked, or a "
        "safeguarding stop was raised (then with `safeguarding_stop` and `duty_team`).",
    ),
}


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # The PDF itself is returned as an HttpResponse; only errors come through here.
        if isinstance(data, bytes):
            return data
        # An error is JSON, and says so, even when a PDF was asked for (?format=pdf).
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


@extend_schema(tags=["assessments"])
@extend_schema_view(
    list=extend_schema(
        summary="Assessments in your scope",
        description="Newest first. Paginated.",
        parameters=[FAMILY_FILTER],
        responses={200: AssessmentSummarySerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One assessment, with every section's answers",
        responses={200: AssessmentDetailSerializer, 404: NOT_FOUND},
    ),
)
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Early Support Multi-Agency Assessments: the same services as the pages."""

    serializer_class = AssessmentSummarySerializer
    lookup_value_regex = UUID_LOOKUP
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_assessments()
        return (
            selectors.assessments_for(self.request.user)
            .select_related("worker")
            .order_by("-created_at")
        )

    def _get(self, pk) -> Assessment:
        # The router's lookup pattern (UUID_LOOKUP) lets only a well-formed id reach here.
        return selectors.get_assessment(self.request.user, pk)

    def _detail(self, assessment: Assessment, *, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.get_assessment(self.request.user, assessment.pk)
        return Response(AssessmentDetailSerializer(fresh).data, status=code)

    # --- reads

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        wanted = query_params(request, FamilyQuerySerializer)
        if "family" in wanted:
            queryset = queryset.filter(family=get_family(request.user, wanted["family"]))
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = AssessmentSummarySerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=ASSESSMENT_LABEL,
            detail={"count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        assessment = self._get(kwargs["pk"])
        data = AssessmentDetailSerializer(assessment).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=assessment, detail={"page": "api_detail"}
        )
        return Response(data)

    # --- start

    @extend_schema(
        summary="Start an assessment of a family",
        request=AssessmentStartSerializer,
        responses={
            201: AssessmentDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        # The role first, before the body (which names the family) is read: 403, then 400.
        _require_writer(user)
        serializer = AssessmentStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        family = get_family(user, data["family"])
        wanted = list(dict.fromkeys(data["children"]))
        found = {p.pk: p for p in people_for(user).filter(pk__in=wanted)}
        if len(found) != len(wanted):
            raise serializers.ValidationError(
                {"children": ["Select children who are members of this family"]}
            )
        support_request = None
        if data.get("support_request"):
            support_request = (
                requests_for(user).filter(pk=data["support_request"], family=family).first()
            )
            if support_request is None:
                raise serializers.ValidationError(
                    {"support_request": ["Select a request for support about this family"]}
                )
        assessment = services.assessment_start(
            actor=user,
            family=family,
            children=[found[pk] for pk in wanted],
            support_request=support_request,
        )
        return self._detail(assessment, code=status.HTTP_201_CREATED)

    # --- sections

    @extend_schema(
        summary="Save a family-level section",
        description="The section's own checks apply, as on the page: with `completed: false` only the "
        "format checks; with `completed: true` also the completion checks.",
        parameters=[SECTION_KEY],
        request=AssessmentSectionSaveSerializer,
        responses=SECTION_RESPONSES,
    )
    @action(detail=True, methods=["put"], url_path=r"sections/(?P<key>[a-z_]+)")
    def section(self, request, pk=None, key=None):
        return self._save_section(request, pk, key, None)

    @extend_schema(
        summary="Save a section for one child",
        parameters=[PER_CHILD_SECTION_KEY, CHILD_ID],
        request=AssessmentSectionSaveSerializer,
        responses=SECTION_RESPONSES,
    )
    @action(
        detail=True,
        methods=["put"],
        url_path=r"sections/(?P<key>[a-z_]+)/children/(?P<child_id>[1-9][0-9]{0,17})",
    )
    def child_section(self, request, pk=None, key=None, child_id=None):
        return self._save_section(request, pk, key, int(child_id))

    def _save_section(self, request, pk, key, child_id):
        user = request.user
        assessment = self._get(pk)
        spec = SECTIONS_BY_KEY.get(key)
        if spec is None or spec.per_child != (child_id is not None):
            raise NotFound("Not found.")
        child = None
        if child_id is not None:
            child = next((c for c in assessment.children.all() if c.pk == child_id), None)
            if child is None:
                raise NotFound("Not found.")
        _require_writer(user)
        serializer = AssessmentSectionSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payload = serializer.validated_data
        if assessment.is_locked:
            return _conflict(LOCKED_MESSAGE)
        stop = services.pending_stop(assessment)
        if stop is not None:
            return _stop_response(stop)

        context = selectors.section_context(assessment, child, key)
        blank = spec.form(context=context)
        unknown = sorted(set(payload["answers"]) - (set(blank.fields) - {"completed"}))
        if unknown:
            raise serializers.ValidationError(
                {"answers": {name: ["Not a question in this section"] for name in unknown}}
            )
        form = spec.form(
            data=_form_data(blank, payload["answers"], payload["completed"]), context=context
        )
        valid = form.is_valid()
        answers = form.answers_to_keep()
        completed = valid and form.marking_completed
        try:
            row = services.section_save(
                actor=user,
                assessment=assessment,
                key=key,
                child=child,
                answers=answers,
                completed=completed,
                expected_version=payload["version"] or None,
            )
        except StaleVersionError:
            # The 409 says which version is saved now, so the client can read it and reapply.
            current_version = selectors.section_version(assessment, key, child)
            return _conflict(
                "This section was changed by someone else since you read it, so nothing was saved. "
                f"Read it again (now version {current_version}) and reapply your answers.",
                current_version=current_version,
            )

        # CIN or CP concerns stop the early help path, whatever else was sent (as on the page).
        trigger = services.section_stop_trigger(key, answers)
        if trigger:
            stop = services.assessment_raise_safeguarding_stop(
                actor=user, assessment=assessment, trigger=trigger
            )
            return _stop_response(stop)

        saved = _section_data(key, child.pk if child else None, row)
        if not valid:
            errors = {
                name: list(messages) for name, messages in form.errors.items() if name != "__all__"
            }
            return Response(
                {
                    "answers": errors,
                    "non_field_errors": list(form.errors.get("__all__", [])),
                    "section": saved,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(saved)

    # --- submission and sign-off

    @extend_schema(
        summary="Submit the assessment",
        description="Every section must be completed. Goes to a manager to sign off where the council asks "
        "for it, otherwise it is completed and locked.",
        request=None,
        responses={
            200: AssessmentDetailSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                SubmitConflictSerializer,
                description="Sections not completed yet (`incomplete_sections`), locked, or a "
                "safeguarding stop: contact the duty team.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = self._get(pk)
        _require_writer(request.user)
        try:
            services.assessment_submit(actor=request.user, assessment=assessment)
        except services.SafeguardingStopRequired as error:
            # Returned, not raised: the request's transaction keeps the stop just saved.
            return _stop_response(error.stop)
        except services.NotReadyToSubmit as error:
            # The 409 lists what is left to do.
            return _conflict(error.message, incomplete_sections=error.incomplete)
        return self._detail(assessment)

    @extend_schema(
        summary="Sign off the assessment",
        description="A manager of the worker's team or an early support team leader; never the worker.",
        request=None,
        responses={
            200: AssessmentDetailSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: AssessmentConflictSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        assessment = self._get(pk)
        require(
            "assessments.sign_off_assessment",
            request.user,
            assessment,
            message="Only a manager of the worker’s team or an early support team leader can sign off",
        )
        services.assessment_sign_off(actor=request.user, assessment=assessment)
        return self._detail(assessment)

    @extend_schema(
        summary="Return the assessment to the worker",
        request=AssessmentReasonSerializer,
        responses={
            200: AssessmentDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: AssessmentConflictSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_worker(self, request, pk=None):
        assessment = self._get(pk)
        # The role first, before the body is read: 403, then 400.
        require(
            "assessments.sign_off_assessment",
            request.user,
            assessment,
            message="Only a manager of the worker’s team or an early support team leader can return it",
        )
        serializer = AssessmentReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assessment_return(
            actor=request.user,
            assessment=assessment,
            reason=serializer.validated_data["reason"],
        )
        return self._detail(assessment)

    @extend_schema(
        summary="Start a new version of a completed assessment",
        description="Copies the children and answers; the completed version stays as it was.",
        request=AssessmentReasonSerializer,
        responses={
            201: AssessmentDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: AssessmentConflictSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        assessment = self._get(pk)
        _require_writer(request.user)
        serializer = AssessmentReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = services.assessment_new_version(
            actor=request.user,
            assessment=assessment,
            reason=serializer.validated_data["reason"],
        )
        return self._detail(new, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the consultation after completion (section 13)",
        request=AssessmentConsultationSaveSerializer,
        responses={
            200: AssessmentConsultationSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: AssessmentConflictSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def consultation(self, request, pk=None):
        assessment = self._get(pk)
        _require_writer(request.user)
        serializer = AssessmentConsultationSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            row = services.consultation_save(
                actor=request.user,
                assessment=assessment,
                child_views=data["child_views"],
                parent_views=data["parent_views"],
                shared_on=data["shared_on"],
                copy_given_on=data["copy_given_on"],
                expected_version=data["version"] or None,
            )
        except StaleVersionError as error:
            # The 409 says which version is saved now, so the client can read it and reapply.
            return _conflict(
                f"{error.message}. Read it again and reapply your change.",
                current_version=selectors.consultation_version(assessment),
            )
        return Response(AssessmentConsultationSerializer(row).data)

    @extend_schema(
        summary="Refer the assessment to the early support multi-agency panel",
        description="At any stage of the assessment once section 2 (the referral) and section 14 "
        "(consent and signatures) are completed; the panel sees the assessment as it stands, with "
        "its status. Only with the family's consent to a panel referral, or an authorised decision "
        "to go ahead without it (see consent-decisions/panel-referral-permission/).",
        request=None,
        responses={
            201: AssessmentPanelReferralSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                AssessmentConflictSerializer,
                description="No consent (the explanation says what is missing), section 2 or 14 "
                "not completed (the message names it), stopped, or already referred.",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="refer-to-panel")
    def refer_to_panel(self, request, pk=None):
        assessment = self._get(pk)
        _require_writer(request.user)
        try:
            referral = services.panel_referral_submit(actor=request.user, assessment=assessment)
        except ConsentRequired as error:
            # The 409 explains what consent is missing.
            return _conflict(error.explanation)
        return Response(
            AssessmentPanelReferralSerializer(referral).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Record what you did after a safeguarding stop",
        description="Phoned the duty team or referring to MASH: the assessment stops. 'I was wrong' (with "
        "a reason): the answer that raised the stop is cleared and work goes on.",
        request=SafeguardingNextStepSerializer,
        responses={
            200: AssessmentDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                AssessmentConflictSerializer, description="No safeguarding stop is waiting."
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="safeguarding-stop")
    def safeguarding_stop(self, request, pk=None):
        assessment = self._get(pk)
        _require_writer(request.user)
        serializer = SafeguardingNextStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stop = services.pending_stop(assessment)
        if stop is None:
            return _conflict("There is no safeguarding stop waiting for what happened next")
        services.assessment_stop_record_next_step(
            actor=request.user,
            stop=stop,
            next_step=serializer.validated_data["next_step"],
            reason=serializer.validated_data["reason"],
        )
        return self._detail(assessment)

    # --- PDF

    @extend_schema(
        summary="The assessment as a PDF",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (404, "application/json"): NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        assessment = self._get(pk)
        audit_record(
            actor=request.user, action=Action.EXPORT, target=assessment, detail={"page": "api_pdf"}
        )
        response = HttpResponse(assessment_pdf(assessment), content_type="application/pdf")
        # The file name carries the family's reference and the version, never a name.
        response["Content-Disposition"] = (
            f'attachment; filename="assessment-{assessment.family.reference}-v{assessment.number}.pdf"'
        )
        return response


def register(router) -> None:
    router.register("assessments", AssessmentViewSet, basename="assessment")
