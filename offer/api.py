"""DRF endpoints for the offer, registered on /api/v1/ by register(). The same services, rules
and scopes as the pages:

* ``GET /offer-programmes/`` (free places, waiting), ``GET /offer-programmes/{id}/``,
  ``GET /offer-programmes/{id}/waiting-list/`` (the programme's team and team leaders)
* ``POST /offer-groups/``, ``GET /offer-groups/{id}/`` (sessions, participants with attendance
  and impact measures), ``POST /offer-groups/{id}/sessions/``, ``POST /offer-groups/{id}/attendance/``
* ``GET|POST /offer-referrals/``, ``GET /offer-referrals/{id}/``, ``POST .../uptake/``,
  ``.../enrol/``, ``.../withdraw/``
* ``POST /offer-enrolments/{id}/complete/``, ``.../leave/``, ``.../impact/``
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import BAD_REQUEST, FORBIDDEN, ID_LOOKUP, IdField, require
from core.audit import Action, audit_record
from core.errors import ConflictError
from offer import selectors, services
from offer.models import Attendance, Enrolment, Programme, Referral
from people import selectors as people_selectors

NOT_FOUND = OpenApiResponse(
    response=inline_serializer("OfferNotFound", {"detail": serializers.CharField()}),
    description="No such record in your scope (the same answer whether or not it exists).",
)
CONFLICT = OpenApiResponse(
    response=inline_serializer("OfferConflict", {"detail": serializers.CharField()}),
    description="Full, a stale version, or a state that does not allow this now.",
)


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- programmes ----------------------------------------------------------------------


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.UUIDField(source="service_id", help_text="The directory service")
    name = serializers.CharField(source="service.name")
    kind = serializers.CharField(help_text=_choices(Programme.Kind.values))
    team = serializers.CharField(source="team.code")
    capacity = serializers.IntegerField(help_text="Places at once (a one-to-one service)")
    active = serializers.BooleanField(help_text="Taking referrals")
    not_running_reason = serializers.CharField(help_text="Why it is not taking referrals")
    version = serializers.IntegerField()
    places_free = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_places_free(self, programme) -> int:
        return self.context["places"][programme.pk].free

    @extend_schema_field(OpenApiTypes.INT)
    def get_waiting(self, programme) -> int:
        return self.context["places"][programme.pk].waiting


class RunningSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    running = serializers.BooleanField(help_text="Whether it takes referrals")
    reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why it stops (needed when stopping)",
    )


class WaitingRowSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    referral = serializers.IntegerField(source="referral.pk")
    family = serializers.SerializerMethodField(
        help_text="The family's id, or null when outside your scope"
    )
    family_reference = serializers.SerializerMethodField()
    priority = serializers.CharField(source="referral.priority")
    waiting_since = serializers.DateField(source="referral.waiting_since")
    weeks_waiting = serializers.IntegerField()
    flagged = serializers.BooleanField(help_text="Waiting beyond the council's threshold")

    @extend_schema_field(OpenApiTypes.UUID)
    def get_family(self, row):
        return str(row.referral.family_id) if row.visible else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_family_reference(self, row) -> str:
        return row.referral.family.reference if row.visible else ""


@extend_schema(tags=["offer"])
@extend_schema_view(
    list=extend_schema(summary="The offer's programmes and services, with free places"),
    retrieve=extend_schema(
        summary="One programme", responses={200: ProgrammeSerializer, 404: NOT_FOUND}
    ),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgrammeSerializer
    lookup_value_regex = ID_LOOKUP
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_programmes()
        return selectors.programmes(self.request.user)

    def list(self, request, *args, **kwargs):
        require("offer.view_offer", request.user)
        rows = list(self.get_queryset())
        places = selectors.places_for(rows)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="offer.programme",
            detail={"page": "api_list", "count": len(rows)},
        )
        return Response(ProgrammeSerializer(rows, many=True, context={"places": places}).data)

    def retrieve(self, request, *args, **kwargs):
        programme = selectors.get_programme(request.user, kwargs["pk"])
        places = selectors.places_for([programme])
        return Response(ProgrammeSerializer(programme, context={"places": places}).data)

    @extend_schema(
        summary="Stop the programme taking referrals, or start it again (team leaders)",
        request=RunningSerializer,
        responses={
            200: ProgrammeSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def running(self, request, pk=None):
        programme = selectors.get_programme(request.user, pk)
        require("offer.add_programme", request.user)
        s = RunningSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        programme = services.programme_set_running(
            actor=request.user,
            programme=programme,
            running=d["running"],
            reason=d["reason"],
            expected_version=d["version"],
        )
        places = selectors.places_for([programme])
        return Response(ProgrammeSerializer(programme, context={"places": places}).data)

    @extend_schema(
        summary="The programme's waiting list, in order",
        responses={200: WaitingRowSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="waiting-list")
    def waiting_list(self, request, pk=None):
        programme = selectors.get_programme(request.user, pk)
        require("offer.manage_programme", request.user, programme)
        rows = selectors.waiting_list(request.user, programme)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=programme,
            detail={"page": "api_waiting_list", "count": len(rows)},
        )
        return Response(WaitingRowSerializer(rows, many=True).data)


# --- groups ---------------------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    held_on = serializers.DateField()
    starts_at = serializers.TimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.TimeField(required=False, allow_null=True, default=None)


class AttendanceMarkSerializer(serializers.Serializer):
    enrolment = IdField()
    attendance = serializers.ChoiceField(choices=Attendance.Status.choices)


class AttendanceSerializer(serializers.Serializer):
    session = IdField()
    marks = AttendanceMarkSerializer(many=True, allow_empty=False)


class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.SerializerMethodField(help_text="null when outside your scope")
    name = serializers.SerializerMethodField()
    referral = serializers.IntegerField(source="referral_id")
    enrolment_status = serializers.CharField(source="status")
    completed_on = serializers.DateField(allow_null=True)
    left_on = serializers.DateField(allow_null=True)
    attendance = serializers.SerializerMethodField()
    impact_measures = serializers.SerializerMethodField()

    def _visible(self, enrolment) -> bool:
        return enrolment.person_id in self.context["visible"]

    @extend_schema_field(OpenApiTypes.UUID)
    def get_person(self, enrolment):
        return str(enrolment.person_id) if self._visible(enrolment) else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, enrolment) -> str:
        return enrolment.person.full_name if self._visible(enrolment) else ""

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_attendance(self, enrolment) -> dict:
        return {str(a.session_id): a.status for a in enrolment.attendance.all()}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_impact_measures(self, enrolment) -> list:
        return [
            {"measure": i.measure, "recorded_on": i.recorded_on.isoformat(), "note": i.note}
            for i in enrolment.impacts.all()
        ]


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    programme = IdField(source="programme_id")
    name = serializers.CharField(max_length=200)
    capacity = serializers.IntegerField(min_value=0, max_value=500)
    starts_on = serializers.DateField()
    venue_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    group_status = serializers.CharField(source="status", read_only=True)
    facilitators = serializers.ListField(
        child=IdField(), required=False, default=list, write_only=True
    )


class GroupDetailSerializer(GroupSerializer):
    sessions = SessionSerializer(many=True, read_only=True, source="session_rows")
    participants = ParticipantSerializer(many=True, read_only=True, source="participant_rows")


@extend_schema(tags=["offer"])
class GroupViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GroupSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_groups()
        return selectors.groups_for(self.request.user)

    def _group(self, pk, perm="offer.manage_programme"):
        group = selectors.get_group(self.request.user, pk)
        require(perm, self.request.user, group.programme if perm.endswith("programme") else group)
        return group

    def _detail(self, group, code=status.HTTP_200_OK):
        group.session_rows = list(group.sessions.all())
        group.participant_rows = selectors.group_enrolments(group)
        visible = selectors.visible_person_ids(
            self.request.user, {e.person_id for e in group.participant_rows}
        )
        audit_record(
            actor=self.request.user, action=Action.VIEW, target=group, detail={"page": "api"}
        )
        return Response(
            GroupDetailSerializer(group, context={"visible": visible}).data, status=code
        )

    @extend_schema(
        summary="One group: sessions, participants, attendance and impact",
        responses={200: GroupDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self._group(kwargs["pk"], "offer.record_attendance"))

    @extend_schema(
        summary="Add a group to a programme",
        request=GroupSerializer,
        responses={201: GroupDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        require("offer.manage_any_programme", request.user)
        s = GroupSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        programme = selectors.get_programme(request.user, d["programme_id"])
        require("offer.manage_programme", request.user, programme)
        staff = {u.pk: u for u in selectors.facilitator_choices(programme)}
        if any(f not in staff for f in d["facilitators"]):
            raise serializers.ValidationError({"facilitators": ["Choose staff of the team"]})
        group = services.group_create(
            actor=request.user,
            programme=programme,
            name=d["name"],
            capacity=d["capacity"],
            starts_on=d["starts_on"],
            venue_text=d["venue_text"],
            facilitators=[staff[f] for f in d["facilitators"]],
        )
        return self._detail(selectors.get_group(request.user, group.pk), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add the group's next session",
        request=SessionSerializer,
        responses={201: GroupDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        group = self._group(pk)
        s = SessionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.session_add(actor=request.user, group=group, **s.validated_data)
        return self._detail(group, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record attendance at one session",
        request=AttendanceSerializer,
        responses={200: GroupDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        group = self._group(pk, "offer.record_attendance")
        s = AttendanceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        session = group.sessions.filter(pk=d["session"]).first()
        if session is None:
            raise serializers.ValidationError({"session": ["Choose a session of this group"]})
        services.attendance_record(
            actor=request.user,
            session=session,
            marks={m["enrolment"]: m["attendance"] for m in d["marks"]},
        )
        return self._detail(group)


# --- referrals ------------------------------------------------------------------------


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    family = serializers.UUIDField(
        source="family_id",
        allow_null=True,
        help_text="The family; null only on a signpost at triage of a request with no family "
        "record yet (a new referral must name the family)",
    )
    people = serializers.ListField(
        child=serializers.UUIDField(), allow_empty=False, write_only=True, max_length=30
    )
    service = serializers.UUIDField(source="service_id", help_text="A directory service")
    programme = serializers.IntegerField(source="programme_id", read_only=True, allow_null=True)
    source = serializers.ChoiceField(
        choices=Referral.Source.choices, required=False, default=Referral.Source.DIRECT
    )
    source_type = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    source_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    handover_to = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    handover_on = serializers.DateField(required=False, allow_null=True, default=None)
    agreed_with_family = serializers.BooleanField(required=False, default=False)
    priority = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=5000)
    referral_status = serializers.CharField(
        source="status", read_only=True, help_text=_choices(Referral.Status.values)
    )
    made_on = serializers.DateField(read_only=True)
    made_by = serializers.SerializerMethodField()
    waiting_since = serializers.DateField(read_only=True, allow_null=True)
    uptake_note = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_made_by(self, referral) -> str:
        return _name(referral.made_by)

    def to_representation(self, referral):
        data = super().to_representation(referral)
        data["people"] = [str(p.pk) for p in referral.people.all()]
        return data


class ReferralDetailSerializer(ReferralSerializer):
    position = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_position(self, referral):
        return selectors.waiting_position(referral)


class UptakeSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    taken_up = serializers.BooleanField()
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class EnrolSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    group = IdField(required=False, allow_null=True, default=None)


class WithdrawSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(max_length=5000)


class OfferPlaceSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


@extend_schema(tags=["offer"])
@extend_schema_view(
    list=extend_schema(summary="Referrals you made, or on programmes you manage"),
)
class ReferralViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ReferralSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_referrals()
        return (
            selectors.referrals_readable(self.request.user)
            .select_related("made_by")
            .prefetch_related("people")
            .order_by("-made_on", "-id")
        )

    def list(self, request, *args, **kwargs):
        require("offer.view_offer", request.user)
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = ReferralSerializer(rows, many=True).data
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="offer.referral",
            detail={"page": "api_list", "count": len(rows)},
        )
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def _detail(self, referral, code=status.HTTP_200_OK):
        fresh = selectors.get_referral(self.request.user, referral.pk)
        audit_record(
            actor=self.request.user, action=Action.VIEW, target=fresh, detail={"page": "api"}
        )
        return Response(ReferralDetailSerializer(fresh).data, status=code)

    @extend_schema(
        summary="One referral", responses={200: ReferralDetailSerializer, 404: NOT_FOUND}
    )
    def retrieve(self, request, pk=None):
        return self._detail(selectors.get_referral(request.user, pk))

    @extend_schema(
        summary="Refer family members to a programme, or signpost the family to a service",
        request=ReferralSerializer,
        responses={
            201: ReferralDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request, *args, **kwargs):
        require("offer.refer", request.user)
        s = ReferralSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["family_id"] is None:
            raise serializers.ValidationError({"family": ["Choose the family"]})
        family = people_selectors.get_family(request.user, d["family_id"])
        service = selectors.pickable_service(d["service_id"])
        if service is None:
            raise serializers.ValidationError({"service": ["Choose a service from the directory"]})
        members = {p.pk: p for p in selectors.family_members(family)}
        if any(pk not in members for pk in d["people"]):
            raise serializers.ValidationError({"people": ["Choose people from this family"]})
        referral = services.referral_make(
            actor=request.user,
            family=family,
            service=service,
            people=[members[pk] for pk in d["people"]],
            source=d["source"],
            source_type=d["source_type"],
            source_id=d["source_id"],
            handover_to=d["handover_to"],
            handover_on=d["handover_on"],
            agreed_with_family=d["agreed_with_family"],
            priority=d["priority"],
            reason=d["reason"],
        )
        return self._detail(referral, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record whether the family took up a signpost",
        request=UptakeSerializer,
        responses={
            200: ReferralDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def uptake(self, request, pk=None):
        referral = selectors.get_referral(request.user, pk)
        require("offer.change_referral", request.user, referral)
        s = UptakeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        services.referral_uptake_record(
            actor=request.user,
            referral=referral,
            taken_up=d["taken_up"],
            note=d["note"],
            expected_version=d["version"],
        )
        return self._detail(referral)

    def _place_referral(self, request, pk) -> Referral:
        """A referral to a programme whose places the reader manages (a signpost has none: 409)."""
        referral = selectors.get_referral(request.user, pk)
        if referral.programme is None:
            raise ConflictError("A signpost has no place to give or offer")
        require("offer.manage_programme", request.user, referral.programme)
        return referral

    @extend_schema(
        summary="Enrol in a group (group programme) or take on (one-to-one service)",
        request=EnrolSerializer,
        responses={
            200: ReferralDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        referral = self._place_referral(request, pk)
        s = EnrolSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if referral.programme.runs_groups:
            group = selectors.groups_for(request.user).filter(pk=d["group"]).first()
            if group is None:
                raise serializers.ValidationError({"group": ["Choose a group of this programme"]})
            services.referral_enrol(
                actor=request.user, referral=referral, group=group, expected_version=d["version"]
            )
        else:
            services.referral_take_on(
                actor=request.user, referral=referral, expected_version=d["version"]
            )
        return self._detail(referral)

    @extend_schema(
        summary="Offer a free place to a family on the waiting list (held until enrolled)",
        request=OfferPlaceSerializer,
        responses={
            200: ReferralDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="offer-place")
    def offer_place(self, request, pk=None):
        referral = self._place_referral(request, pk)
        s = OfferPlaceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.referral_offer_place(
            actor=request.user,
            referral=referral,
            note=s.validated_data["note"],
            expected_version=s.validated_data["version"],
        )
        return self._detail(referral)

    @extend_schema(
        summary="Withdraw a referral (off the waiting list)",
        request=WithdrawSerializer,
        responses={
            200: ReferralDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        referral = selectors.get_referral(request.user, pk)
        require("offer.change_referral", request.user, referral)
        s = WithdrawSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.referral_withdraw(
            actor=request.user,
            referral=referral,
            reason=s.validated_data["reason"],
            expected_version=s.validated_data["version"],
        )
        return self._detail(referral)


# --- enrolments -----------------------------------------------------------------------


class FinishSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None)


class ImpactSerializer(serializers.Serializer):
    measure = serializers.CharField(max_length=60)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.IntegerField(source="group_id")
    referral = serializers.IntegerField(source="referral_id")
    enrolment_status = serializers.CharField(
        source="status", help_text=_choices(Enrolment.Status.values)
    )
    completed_on = serializers.DateField(allow_null=True)
    left_on = serializers.DateField(allow_null=True)


@extend_schema(tags=["offer"])
class EnrolmentViewSet(viewsets.GenericViewSet):
    serializer_class = EnrolmentSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        return selectors.no_enrolments()

    def _enrolment(self, pk):
        enrolment = selectors.get_enrolment_for(self.request.user, pk)
        require("offer.manage_programme", self.request.user, enrolment.group.programme)
        return enrolment

    def _finish(self, request, pk, run):
        enrolment = self._enrolment(pk)
        s = FinishSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        done = run(enrolment, s.validated_data["on"])
        return Response(EnrolmentSerializer(done).data)

    @extend_schema(
        summary="The participant completed the programme",
        request=FinishSerializer,
        responses={
            200: EnrolmentSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._finish(
            request,
            pk,
            lambda e, on: services.enrolment_complete(
                actor=request.user, enrolment=e, completed_on=on
            ),
        )

    @extend_schema(
        summary="The participant left early (the place frees)",
        request=FinishSerializer,
        responses={
            200: EnrolmentSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        return self._finish(
            request,
            pk,
            lambda e, on: services.enrolment_leave(actor=request.user, enrolment=e, left_on=on),
        )

    @extend_schema(
        summary="Record an impact measure the participant reported",
        request=ImpactSerializer,
        responses={
            201: inline_serializer(
                "OfferImpact",
                {"id": serializers.IntegerField(), "measure": serializers.CharField()},
            ),
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def impact(self, request, pk=None):
        enrolment = self._enrolment(pk)
        s = ImpactSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        impact = services.impact_record(actor=request.user, enrolment=enrolment, **s.validated_data)
        return Response(
            {"id": impact.pk, "measure": impact.measure}, status=status.HTTP_201_CREATED
        )


def register(router) -> None:
    router.register("offer-programmes", ProgrammeViewSet, basename="offer-programme")
    router.register("offer-groups", GroupViewSet, basename="offer-group")
    router.register("offer-referrals", ReferralViewSet, basename="offer-referral")
    router.register("offer-enrolments", EnrolmentViewSet, basename="offer-enrolment")
