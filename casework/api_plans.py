"""DRF endpoints for the family plan, through the same services as the pages (casework.plans).

GET  /api/v1/episode-plans/{episode_id}/           the plan, its outcomes, actions and next review
POST /api/v1/episode-plans/{episode_id}/outcomes/  add an outcome
POST /api/v1/episode-plans/{episode_id}/actions/   add an action to an outcome
POST /api/v1/episode-plans/{episode_id}/reviews/   record the outstanding review
"""

from __future__ import annotations

import rules
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from casework import plans, selectors
from casework.models import PlanOutcome
from core.api import BAD_REQUEST, UUID_LOOKUP, IdField, require
from core.audit import Action, audit_record
from core.errors import ConflictError
from core.selectors import agency_by_code
from offer import selectors as offer_selectors

PROGRESS_HELP = "One of: " + ", ".join(PlanOutcome.Progress.values)
ACTION_STATUS_HELP = "One of: open, done, dropped"


CHILD_WORDS_HELP = (
    "For a child's copy: the words a child can read, shown on the copy of each child it "
    "concerns instead of {words} (optional, at most 1,000 characters)"
)
DOER_HELP = (
    "Who does it, chosen from the record: lead_professional, person:<family member's id>, "
    "professional:<id of a professional involved>, or someone_else (then say who in `who`)"
)


class ActionReferralSerializer(serializers.Serializer):
    """A referral the action made to a directory service (the offer app holds it)."""

    id = serializers.IntegerField(help_text="The referral (GET /api/v1/offer-referrals/{id}/)")
    service = serializers.UUIDField(source="service_id")
    service_name = serializers.CharField(source="service.name")
    status = serializers.CharField(
        help_text="handed_over, taken_up, not_taken_up, referred, waiting, enrolled …"
    )
    waiting_position = serializers.IntegerField(allow_null=True)
    handover_to = serializers.CharField()
    handover_on = serializers.DateField(allow_null=True)
    agreed_with_family = serializers.BooleanField()


class PlanActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    what = serializers.CharField()
    what_child_words = serializers.CharField(
        allow_blank=True, help_text=CHILD_WORDS_HELP.format(words="`what`")
    )
    doer = serializers.CharField(source="doer_token", help_text=DOER_HELP)
    doer_name = serializers.CharField(
        source="doer_label", help_text="Who does it, as the plan shows it"
    )
    who = serializers.CharField(help_text="Someone else's name and role, or the name when chosen")
    concerns = serializers.ListField(
        child=serializers.UUIDField(),
        source="concern_ids",
        help_text="The family members it is for; empty means the same as its outcome",
    )
    by_when = serializers.DateField()
    agency = serializers.SerializerMethodField(
        help_text="The code of the agency responsible, if any"
    )
    status = serializers.CharField(read_only=True, help_text=ACTION_STATUS_HELP)
    done_on = serializers.DateField(read_only=True, allow_null=True)
    referrals = ActionReferralSerializer(
        many=True,
        read_only=True,
        help_text="Referrals the action made to directory services, those you may see",
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_agency(self, action) -> str | None:
        return action.agency.code if action.agency_id else None


class PlanOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    need = serializers.CharField()
    outcome_family_words = serializers.CharField()
    outcome_practitioner_words = serializers.CharField(allow_blank=True)
    outcome_child_words = serializers.CharField(
        allow_blank=True, help_text=CHILD_WORDS_HELP.format(words="`outcome_family_words`")
    )
    progress = serializers.CharField(read_only=True, help_text=PROGRESS_HELP)
    concerns = serializers.ListField(
        child=serializers.UUIDField(),
        source="concern_ids",
        help_text="The family members it is for",
    )
    actions = PlanActionSerializer(many=True, read_only=True)


class PlanReviewRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_on = serializers.DateField()
    held_on = serializers.DateField(allow_null=True)


class FamilyPlanSerializer(serializers.Serializer):
    episode_id = serializers.UUIDField(source="episode.pk")
    version = serializers.IntegerField()
    contingency = serializers.CharField()
    can_change = serializers.BooleanField()
    outcomes = PlanOutcomeSerializer(many=True)
    next_review = PlanReviewRefSerializer(allow_null=True)
    overdue_reviews = serializers.IntegerField()
    overdue_actions = serializers.IntegerField()


# Text and dates the service requires are optional here: the service says what is missing, in the
# same words as the page's form.
def _text(max_length: int = 5000, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": f"This must be {max_length:,} characters or fewer"},
        **kwargs,
    )


def _date() -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, default=None)


def _people() -> serializers.ListField:
    # Ids as text: the service says when one is not a member of the family, as the page does.
    return serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        help_text="Ids of the family members it is for",
    )


class OutcomeCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    need = _text()
    outcome_family_words = _text()
    outcome_practitioner_words = _text()
    # Its length is the service's rule (it refuses on this field, as the page does).
    outcome_child_words = _text(help_text=CHILD_WORDS_HELP.format(words="`outcome_family_words`"))
    concerns = _people()


class ActionCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    outcome_id = IdField()
    what = _text()
    # Its length is the service's rule (it refuses on this field, as the page does).
    what_child_words = _text(help_text=CHILD_WORDS_HELP.format(words="`what`"))
    doer = _text(max_length=100, help_text=DOER_HELP)
    who = _text(max_length=200)
    concerns = _people()
    by_when = _date()
    agency = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=50,
        help_text="The code of the agency responsible (optional)",
    )
    service = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A directory service the family is handed over to (optional): the offer "
        "app's referral holds the handover and, later, the uptake",
    )
    handover_to = _text(max_length=200, help_text="Who at the service (with `service`)")
    handover_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="When (with `service`)"
    )
    agreed_with_family = serializers.BooleanField(
        required=False, default=False, help_text="The handover is agreed with the family"
    )

    def validate_service(self, value):
        if value is None:
            return None
        service = offer_selectors.pickable_service(value)
        if service is None:
            raise serializers.ValidationError("Choose a service from the directory")
        return service


class ReviewCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    held_on = _date()
    family_views = serializers.CharField(required=False, allow_blank=True, default="")
    children_views = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="Person id -> the child's views",
    )
    progress = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        default=dict,
        help_text="Outcome id -> progress. " + PROGRESS_HELP,
    )
    action_status = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        default=dict,
        help_text="Action id -> status. " + ACTION_STATUS_HELP,
    )
    progress_notes = serializers.CharField(required=False, allow_blank=True, default="")
    what_changes = serializers.CharField(required=False, allow_blank=True, default="")


class PlanConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _int_keys(values: dict, field: str) -> dict:
    try:
        return {int(k): v for k, v in values.items()}
    except (TypeError, ValueError):
        raise DjangoValidationError({field: "Keys must be ids"}) from None


def _outcomes(plan, user) -> list:
    """The plan's outcomes as the page shows them, with whom each is for and who does what."""
    outcomes = plans.plan_rows(plan)
    referrals = plans.action_referrals(user, outcomes)
    for outcome in outcomes:
        outcome.concern_ids = [p.pk for p in outcome.concerns.all()]
        for row in outcome.actions.all():
            row.doer_token = plans.doer_token(row)
            row.concern_ids = [p.pk for p in row.concerns.all()]
            row.referrals = referrals.get(row.pk, [])
    return outcomes


ERRORS = {
    400: BAD_REQUEST,
    403: OpenApiResponse(description="Cannot change this plan"),
    404: OpenApiResponse(description="Not found"),
    409: OpenApiResponse(
        response=PlanConflictSerializer,
        description="The plan changed since you read it, or the episode is closed.",
    ),
}


@extend_schema(tags=["casework"])
class FamilyPlanViewSet(viewsets.ViewSet):
    lookup_field = "episode_id"
    lookup_value_regex = UUID_LOOKUP

    def _load(self, request, episode_id):
        episode = selectors.get_episode(request.user, episode_id)
        plan = plans.plan_for(request.user, episode)
        if plan is None:
            raise NotFound("This episode has no family plan")
        return episode, plan

    def _data(self, request, episode, plan):
        return FamilyPlanSerializer(
            {
                "episode": episode,
                "version": plan.version,
                "contingency": plan.contingency,
                "can_change": rules.has_perm("casework.change_episode", request.user, episode)
                and episode.is_open,
                "outcomes": _outcomes(plan, request.user),
                "next_review": plans.next_review(episode),
                "overdue_reviews": plans.overdue_reviews(episode).count(),
                "overdue_actions": plans.overdue_actions(episode).count(),
            }
        ).data

    @extend_schema(responses={200: FamilyPlanSerializer, 404: ERRORS[404]})
    def retrieve(self, request, episode_id=None):
        episode, plan = self._load(request, episode_id)
        audit_record(
            actor=request.user, action=Action.VIEW, target=plan, detail={"page": "api_plan"}
        )
        return Response(self._data(request, episode, plan))

    def _post(self, request, episode_id, serializer_class, make_call):
        episode, plan = self._load(request, episode_id)
        # Who may change the plan is settled before the body is read (403, then 400).
        require("casework.change_episode", request.user, episode, "Cannot change this plan")
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        make_call(episode, plan, serializer.validated_data)
        plan.refresh_from_db()
        return Response(self._data(request, episode, plan), status=status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeCreateSerializer, responses={201: FamilyPlanSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="outcomes")
    def outcomes(self, request, episode_id=None):
        def call(episode, plan, data):
            plans.plan_outcome_add(
                actor=request.user,
                plan=plan,
                expected_version=data["version"],
                need=data["need"],
                outcome_family_words=data["outcome_family_words"],
                outcome_practitioner_words=data["outcome_practitioner_words"],
                outcome_child_words=data["outcome_child_words"],
                concerns=data["concerns"],
            )

        return self._post(request, episode_id, OutcomeCreateSerializer, call)

    @extend_schema(request=ActionCreateSerializer, responses={201: FamilyPlanSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, episode_id=None):
        def call(episode, plan, data):
            outcome = plan.outcomes.filter(pk=data["outcome_id"]).first()
            if outcome is None:
                raise DjangoValidationError({"outcome_id": "That outcome is not part of this plan"})
            plans.plan_action_add(
                actor=request.user,
                outcome=outcome,
                expected_version=data["version"],
                what=data["what"],
                doer=data["doer"],
                who=data["who"],
                concerns=data["concerns"],
                by_when=data["by_when"],
                agency=_agency(data["agency"]),
                what_child_words=data["what_child_words"],
                signpost=(
                    plans.Signpost(
                        service=data["service"],
                        handover_to=data["handover_to"],
                        handover_on=data["handover_on"],
                        agreed_with_family=data["agreed_with_family"],
                    )
                    if data["service"] is not None
                    else None
                ),
            )

        return self._post(request, episode_id, ActionCreateSerializer, call)

    @extend_schema(request=ReviewCreateSerializer, responses={201: FamilyPlanSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="reviews")
    def reviews(self, request, episode_id=None):
        def call(episode, plan, data):
            review = plans.reviews_schedule(episode)
            if review is None:
                raise ConflictError("This episode is closed")
            plans.review_record(
                actor=request.user,
                review=review,
                held_on=data["held_on"],
                family_views=data["family_views"],
                children_views=data["children_views"],
                progress=_int_keys(data["progress"], "progress"),
                action_status=_int_keys(data["action_status"], "action_status"),
                progress_notes=data["progress_notes"],
                what_changes=data["what_changes"],
                expected_version=data["version"],
            )

        return self._post(request, episode_id, ReviewCreateSerializer, call)


def _agency(code: str):
    """The agency responsible, by its code (blank: none); an unknown code is a 400."""
    if not code:
        return None
    agency = agency_by_code(code)
    if agency is None:
        raise DjangoValidationError({"agency": "No agency has that code"})
    return agency


def register(router) -> None:
    router.register("episode-plans", FamilyPlanViewSet, basename="episode-plan")
