"""DRF endpoints for episodes, registered on the shared /api/v1/ router by register().

The same rules as the pages, because the same code: episodes come only from
``casework.selectors`` (out of scope is 404), and every change goes through
``casework.services`` (which guard, write history and audit).

* ``GET /api/v1/episodes/`` (``?family=<uuid>``, ``?caseload=mine``) and ``GET /api/v1/episodes/{id}/``
* ``POST /api/v1/episodes/{id}/stage|need-level|lead-professional|step-up|step-down|closure/``
* ``GET|POST /api/v1/episodes/{id}/contacts/`` and ``GET|POST /api/v1/episodes/{id}/taf-meetings/``
* ``GET|POST /api/v1/episodes/{id}/oversight/``: management oversight notes and agreements

No ChoiceFields named status, kind or stage (other apps publish enums under those names): the
values are listed in help_text.
"""

from __future__ import annotations

import uuid

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
from rest_framework.response import Response

from accounts.selectors import user_by_id
from casework import oversight as management_oversight
from casework import selectors, services
from casework.models import Contact, Episode, EpisodeHistory, EpisodeOversight
from core.api import BAD_REQUEST, UUID_LOOKUP, FamilyQuerySerializer, IdField, query_params, require
from core.audit import Action, audit_record
from core.selectors import agency_by_code, need_level_by_level
from people.selectors import family_professionals, get_family

EPISODE_LABEL = "casework.episode"
NOT_FOUND = OpenApiResponse(
    response=inline_serializer("EpisodeNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
FORBIDDEN = OpenApiResponse(
    description="Only the lead professional, their manager or the early support service."
)
FAMILY_FILTER = OpenApiParameter(
    "family", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="Only this family's episodes."
)
CASELOAD_FILTER = OpenApiParameter(
    "caseload",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="`mine`: only episodes you lead.",
)


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.") from None


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


# --- Serializers -------------------------------------------------------------------


class EpisodeQuerySerializer(FamilyQuerySerializer):
    caseload = serializers.ChoiceField(choices=["mine"], required=False)


class EpisodeHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    change = serializers.CharField(help_text=_choices(EpisodeHistory.Change.values))
    from_value = serializers.CharField()
    to_value = serializers.CharField()
    reason = serializers.CharField()

    def get_actor(self, row) -> str:
        return _user_name(row.actor)


class EpisodeSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    family = serializers.UUIDField(source="family_id")
    need_level = serializers.IntegerField(
        source="need_level.level", help_text="The CoNR level number."
    )
    offer = serializers.CharField(help_text=_choices(Episode.Offer.values))
    lead_agency = serializers.CharField(
        source="lead_agency.code", help_text="The lead agency's code."
    )
    lead_professional = serializers.IntegerField(source="lead_professional_id")
    lead_professional_name = serializers.SerializerMethodField()
    episode_stage = serializers.IntegerField(
        source="stage", help_text="1 to 4: " + "; ".join(Episode.Stage.labels)
    )
    episode_status = serializers.CharField(
        source="status", help_text=_choices(Episode.Status.values)
    )
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(
        allow_blank=True, help_text="Blank while open; else " + _choices(Episode.EndReason.values)
    )
    previous = serializers.UUIDField(source="previous_id", allow_null=True)
    panel_case = serializers.IntegerField(source="panel_case_id", allow_null=True)
    version = serializers.IntegerField()

    def get_lead_professional_name(self, episode) -> str:
        return _user_name(episode.lead_professional)


class EpisodeDetailSerializer(EpisodeSummarySerializer):
    next_episode = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_next_episode(self, episode) -> uuid.UUID | None:
        return selectors.next_episode_id(episode)

    @extend_schema_field(EpisodeHistorySerializer(many=True))
    def get_history(self, episode) -> list[dict]:
        return EpisodeHistorySerializer(episode.history.select_related("actor"), many=True).data


class StageChangeSerializer(serializers.Serializer):
    to_stage = serializers.IntegerField(min_value=1, max_value=4, help_text="1 to 4.")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed to skip or go back."
    )


class NeedLevelChangeSerializer(serializers.Serializer):
    need_level = serializers.IntegerField(help_text="The CoNR level number.")
    reason = serializers.CharField()


class LeadProfessionalChangeSerializer(serializers.Serializer):
    lead_professional = IdField(help_text="The user id of the new lead professional.")
    reason = serializers.CharField()


class StepUpSerializer(serializers.Serializer):
    reason = serializers.CharField()
    social_care_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )


class StepDownSerializer(serializers.Serializer):
    lead_professional = IdField()
    lead_agency = serializers.CharField(help_text="The lead agency's code.")
    need_level = serializers.IntegerField(help_text="The CoNR level number.")
    offer = serializers.CharField(help_text=_choices(Episode.Offer.values))
    started_on = serializers.DateField()
    reason = serializers.CharField()
    carry_plan = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Carry the previous plan's unfinished outcomes and open actions over.",
    )
    starting_stage = serializers.IntegerField(
        required=False,
        default=Episode.Stage.ENGAGEMENT,
        help_text=f"The stage the new episode starts at: {_choices(Episode.Stage.values)}.",
    )


class ClosureSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_choices(services.CLOSURE_REASONS))
    outcomes_achieved = serializers.CharField(allow_blank=True)
    exit_plan = serializers.CharField(allow_blank=True)
    support_after = serializers.CharField(required=False, allow_blank=True, default="")
    family_view = serializers.CharField(required=False, allow_blank=True, default="")


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    happened_on = serializers.DateField()
    contact_kind = serializers.CharField(source="kind", help_text=_choices(Contact.Kind.values))
    seen = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, help_text="Person ids."
    )
    seen_alone = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        help_text="Person ids; each also in seen.",
    )
    not_brought = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        help_text="Was not brought only: ids of the family's children who were not brought.",
    )
    appointment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Was not brought only: the appointment missed, e.g. 'Health visitor check'.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    next_planned_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the next contact is planned, after this one; null if none is.",
    )

    def to_representation(self, contact):
        return {
            "id": contact.pk,
            "happened_on": contact.happened_on.isoformat(),
            "contact_kind": contact.kind,
            "seen": [str(p.pk) for p in contact.seen.all()],
            "seen_alone": [str(p.pk) for p in contact.seen_alone.all()],
            "not_brought": [str(p.pk) for p in contact.not_brought.all()],
            "appointment": contact.appointment,
            "notes": contact.notes,
            "next_planned_on": (
                contact.next_planned_on.isoformat() if contact.next_planned_on else None
            ),
        }


class TafMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    held_on = serializers.DateField()
    family_attendees = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list
    )
    lead_professional_attended = serializers.BooleanField(required=False, default=False)
    professional_attendees = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Ids of the professionals involved with the family (the people API's)",
    )
    agency_attendees = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Anyone else who came, not on the record: one per line, name and agency",
    )
    apologies = serializers.CharField(required=False, allow_blank=True, default="")
    child_views = serializers.CharField(required=False, allow_blank=True, default="")
    parent_views = serializers.CharField(required=False, allow_blank=True, default="")
    decisions = serializers.CharField(required=False, allow_blank=True, default="")
    next_meeting_on = serializers.DateField(required=False, allow_null=True, default=None)

    def to_representation(self, meeting):
        return {
            "id": meeting.pk,
            "held_on": meeting.held_on.isoformat(),
            "family_attendees": [str(p.pk) for p in meeting.family_attendees.all()],
            "lead_professional_attended": meeting.lead_professional_attended,
            "professional_attendees": [p.pk for p in meeting.professional_attendees.all()],
            "agency_attendees": meeting.agency_attendees,
            "apologies": meeting.apologies,
            "child_views": meeting.child_views,
            "parent_views": meeting.parent_views,
            "decisions": meeting.decisions,
            "next_meeting_on": meeting.next_meeting_on.isoformat()
            if meeting.next_meeting_on
            else None,
        }


# --- The viewset -------------------------------------------------------------------


def _found(obj, error_field):
    """What a selector looked up by the id in the body; a 400 on that field if there is none."""
    if obj is None:
        raise serializers.ValidationError({error_field: ["Not found"]})
    return obj


class OversightSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    oversight_kind = serializers.ChoiceField(
        source="kind",
        choices=EpisodeOversight.Kind.choices,
        required=False,
        default=EpisodeOversight.Kind.NOTE,
        help_text=_choices(EpisodeOversight.Kind.values),
    )
    text = serializers.CharField(max_length=5000)
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(read_only=True)
    used_at = serializers.DateTimeField(read_only=True, allow_null=True)
    used_for = serializers.UUIDField(source="used_for_id", read_only=True, allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_by(self, note) -> str:
        return _user_name(note.by)


OVERSIGHT_FORBIDDEN = OpenApiResponse(
    description="Only a manager of the lead professional's team or an early support team leader."
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("EpisodeConflict", {"detail": serializers.CharField()}),
    description="The episode's status does not allow this now (it has ended, or awaits the panel).",
)
ACTION_RESPONSES = {
    200: EpisodeDetailSerializer,
    400: BAD_REQUEST,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


@extend_schema(tags=["casework"])
@extend_schema_view(
    list=extend_schema(
        summary="Episodes in your scope",
        parameters=[FAMILY_FILTER, CASELOAD_FILTER],
        responses={200: EpisodeSummarySerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One episode, with its history",
        responses={200: EpisodeDetailSerializer, 404: NOT_FOUND},
    ),
)
class EpisodeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Early help episodes: the same services as the pages."""

    serializer_class = EpisodeSummarySerializer
    lookup_value_regex = UUID_LOOKUP
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation only
            return selectors.no_episodes()
        return (
            selectors.episodes_for(self.request.user)
            .select_related("need_level", "lead_agency", "lead_professional")
            .order_by("-started_on", "-created_at")
        )

    def _get(self, pk) -> Episode:
        return selectors.get_episode(self.request.user, _uuid_or_404(pk))

    def _changer(self, pk, perm="casework.change_episode") -> Episode:
        """The episode, once the caller may change it: 404 out of scope, then 403, before the
        body is read."""
        episode = self._get(pk)
        require(perm, self.request.user, episode, FORBIDDEN.description)
        return episode

    def _detail(self, episode: Episode, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.get_episode(self.request.user, episode.pk)
        return Response(EpisodeDetailSerializer(fresh).data, status=code)

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        wanted = query_params(request, EpisodeQuerySerializer)
        if "family" in wanted:
            queryset = queryset.filter(family=get_family(request.user, wanted["family"]))
        if wanted.get("caseload") == "mine":
            queryset = queryset.filter(lead_professional=request.user)
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = EpisodeSummarySerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=EPISODE_LABEL,
            detail={"count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        episode = self._get(kwargs["pk"])
        data = EpisodeDetailSerializer(episode).data
        audit_record(
            actor=request.user, action=Action.VIEW, target=episode, detail={"page": "api_detail"}
        )
        return Response(data)

    # --- changes

    @extend_schema(
        summary="Change the stage", request=StageChangeSerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        episode = self._changer(pk)
        s = StageChangeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.episode_change_stage(actor=request.user, episode=episode, **s.validated_data)
        return self._detail(episode)

    @extend_schema(
        summary="Change the level of need",
        request=NeedLevelChangeSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="need-level")
    def need_level(self, request, pk=None):
        episode = self._changer(pk)
        s = NeedLevelChangeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        level = _found(need_level_by_level(s.validated_data["need_level"]), "need_level")
        services.episode_change_need_level(
            actor=request.user,
            episode=episode,
            need_level=level,
            reason=s.validated_data["reason"],
        )
        return self._detail(episode)

    @extend_schema(
        summary="Change the lead professional",
        request=LeadProfessionalChangeSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="lead-professional")
    def lead_professional(self, request, pk=None):
        episode = self._changer(pk)
        s = LeadProfessionalChangeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        user = _found(user_by_id(s.validated_data["lead_professional"]), "lead_professional")
        services.episode_change_lead_professional(
            actor=request.user,
            episode=episode,
            lead_professional=user,
            reason=s.validated_data["reason"],
        )
        return self._detail(episode)

    @extend_schema(
        summary="Step up to children's social care",
        request=StepUpSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="step-up")
    def step_up(self, request, pk=None):
        episode = self._changer(pk)
        s = StepUpSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.episode_step_up(actor=request.user, episode=episode, **s.validated_data)
        return self._detail(episode)

    @extend_schema(
        summary="Step down into a new episode",
        description="From a stepped-up or closed episode; answers with the new episode (201).",
        request=StepDownSerializer,
        responses={
            201: EpisodeDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="step-down")
    def step_down(self, request, pk=None):
        episode = self._changer(pk, "casework.step_down_episode")
        s = StepDownSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        lead = _found(user_by_id(d["lead_professional"]), "lead_professional")
        agency = _found(agency_by_code(d["lead_agency"]), "lead_agency")
        level = _found(need_level_by_level(d["need_level"]), "need_level")
        new = services.episode_step_down(
            actor=request.user,
            from_episode=episode,
            lead_professional=lead,
            lead_agency=agency,
            need_level=level,
            offer=d["offer"],
            started_on=d["started_on"],
            reason=d["reason"],
            carry_plan=d["carry_plan"],
            stage=d["starting_stage"],
        )
        return self._detail(new, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send the closure form",
        description=(
            "The one way an episode ends other than a step up (ADR 0016). An episode with a panel "
            "case waits for the panel to confirm (status closure_requested); any other closes now."
        ),
        request=ClosureSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="closure")
    def closure(self, request, pk=None):
        episode = self._changer(pk)
        s = ClosureSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.episode_send_closure(actor=request.user, episode=episode, **s.validated_data)
        return self._detail(episode)

    # --- contacts and TAF meetings

    def _professionals(self, episode, ids):
        """The professionals involved with the family, by id (as the page offers them)."""
        known = {p.pk: p for p in family_professionals(episode.family)}
        if any(i not in known for i in ids):
            raise serializers.ValidationError(
                {"professional_attendees": ["Choose professionals involved with this family"]}
            )
        return [known[i] for i in dict.fromkeys(ids)]

    def _people(self, episode, ids, field):
        members = {
            p.pk: p for p in (m.person for m in episode.family.members.select_related("person"))
        }
        missing = [i for i in ids if i not in members]
        if missing:
            raise serializers.ValidationError({field: ["Choose people in this family"]})
        return [members[i] for i in ids]

    @extend_schema(
        methods=["GET"],
        summary="The episode's contacts",
        request=None,
        responses={200: ContactSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a contact",
        request=ContactSerializer,
        responses={
            201: ContactSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def contacts(self, request, pk=None):
        episode = self._get(pk)
        if request.method == "GET":
            rows = list(episode.contacts.prefetch_related("seen", "seen_alone", "not_brought"))
            audit_record(
                actor=request.user,
                action=Action.VIEW,
                target=episode,
                detail={"page": "api_contacts", "count": len(rows)},
            )
            return Response(ContactSerializer(rows, many=True).data)
        require("casework.change_episode", request.user, episode, FORBIDDEN.description)
        s = ContactSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        contact = services.contact_record(
            actor=request.user,
            episode=episode,
            happened_on=d["happened_on"],
            kind=d["kind"],
            seen=self._people(episode, d["seen"], "seen"),
            seen_alone=self._people(episode, d["seen_alone"], "seen_alone"),
            notes=d["notes"],
            not_brought=self._people(episode, d["not_brought"], "not_brought"),
            appointment=d["appointment"],
            next_planned_on=d["next_planned_on"],
        )
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The episode's TAF meetings",
        request=None,
        responses={200: TafMeetingSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a TAF meeting",
        request=TafMeetingSerializer,
        responses={
            201: TafMeetingSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="taf-meetings", pagination_class=None)
    def taf_meetings(self, request, pk=None):
        episode = self._get(pk)
        if request.method == "GET":
            rows = list(
                episode.taf_meetings.prefetch_related("family_attendees", "professional_attendees")
            )
            audit_record(
                actor=request.user,
                action=Action.VIEW,
                target=episode,
                detail={"page": "api_taf_meetings", "count": len(rows)},
            )
            return Response(TafMeetingSerializer(rows, many=True).data)
        require("casework.change_episode", request.user, episode, FORBIDDEN.description)
        s = TafMeetingSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        d["family_attendees"] = self._people(episode, d["family_attendees"], "family_attendees")
        d["professional_attendees"] = self._professionals(episode, d["professional_attendees"])
        meeting = services.taf_meeting_record(actor=request.user, episode=episode, **d)
        return Response(TafMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The episode's management oversight notes",
        request=None,
        responses={200: OversightSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a management oversight note, or a manager's agreement to a step",
        description=(
            "Only a team manager of the lead professional's team or an early support team "
            "leader. `oversight_kind` agree_step_up needs an open episode; agree_step_down an "
            "ended one with no episode after it (409 otherwise). A step up or step down uses one "
            "unused agreement."
        ),
        request=OversightSerializer,
        responses={
            201: OversightSerializer,
            400: BAD_REQUEST,
            403: OVERSIGHT_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def oversight(self, request, pk=None):
        episode = self._get(pk)
        if request.method == "GET":
            rows = list(selectors.episode_oversight(episode))
            audit_record(
                actor=request.user,
                action=Action.VIEW,
                target=episode,
                detail={"page": "api_oversight", "count": len(rows)},
            )
            return Response(OversightSerializer(rows, many=True).data)
        require("casework.oversee_episode", request.user, episode, OVERSIGHT_FORBIDDEN.description)
        s = OversightSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        note = management_oversight.episode_oversight_record(
            actor=request.user,
            episode=episode,
            kind=s.validated_data["kind"],
            text=s.validated_data["text"],
        )
        return Response(OversightSerializer(note).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("episodes", EpisodeViewSet, basename="episode")
