"""Writes for episodes (keyword-only, transactional, audited): opening, stages, level, lead
professional, step up and step down, contacts, TAF meetings and the closure hand-off to the panel.

Every change of stage, level of need, lead professional or status is one guarded service that
writes one append-only ``EpisodeHistory`` row (who, when, from, to, why) and one audit event
(field names only). A status moves only as ``EPISODE_WORKFLOW`` allows, through ``_move``; a move
it does not hold, or a change to an episode in the wrong state, is a conflict (409). Only the
lead professional, their manager or the early support service may change an episode (the
``casework.change_episode`` rule); anyone else gets PermissionDenied.

Stages run in order (1 to 4). Moving forward by one needs no reason; skipping a stage or going
back needs a recorded reason.
"""

from __future__ import annotations

from datetime import date, timedelta

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casework import chronology
from casework import oversight as management_oversight
from casework.models import Closure, Contact, Episode, EpisodeHistory, EpisodeOversight, TafMeeting
from casework.plan_carry import plan_carry_over
from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock, lock_first
from core.errors import ConflictError
from core.models import Council, NeedLevel
from core.workflow import TransitionNotAllowed, Workflow
from panel import services as panel_services
from people.selectors import family_children
from people.services import family_team_link
from support_requests.models import SupportRequest
from support_requests.services import support_request_follow_case

MAX_REASON = 1000
MAX_TEXT = 5000
History = EpisodeHistory.Change
Status = Episode.Status

# The moves an episode's status makes. An open episode ends by closing (no panel case), by
# stepping up, or waits for the panel to confirm its closure; the panel either confirms (closed)
# or returns it (open again). The panel may also confirm a closure sent from its own case page
# while the episode is still open. An ended episode never reopens: stepping down opens a new one.
EPISODE_WORKFLOW = Workflow(
    noun="episode",
    choices=Status,
    initial=frozenset({Status.OPEN}),
    table={
        Status.OPEN: frozenset({Status.CLOSURE_REQUESTED, Status.CLOSED, Status.STEPPED_UP}),
        Status.CLOSURE_REQUESTED: frozenset({Status.OPEN, Status.CLOSED}),
        Status.CLOSED: frozenset(),
        Status.STEPPED_UP: frozenset(),
    },
)


def _reason(reason: str, *, required: bool, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({field: "Enter why"})
    if len(reason) > MAX_REASON:
        raise ValidationError({field: f"The reason must be {MAX_REASON} characters or fewer"})
    return reason


def _text(value: str, *, field: str, required: bool = False, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or "Enter this"})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"This must be {MAX_TEXT} characters or fewer"})
    return value


def _require_changer(actor, episode: Episode) -> None:
    if not rules.has_perm("casework.change_episode", actor, episode):
        raise PermissionDenied(
            "Only the lead professional, their manager or the early support service can change this episode"
        )


def _state_message(episode: Episode) -> str:
    return f"This episode is {episode.get_status_display().lower()}: it cannot be changed now"


def _lock(episode: Episode, *, open_only: bool = True, status=None) -> Episode:
    """Lock the episode; refuse (409) unless it is in one of the ``status`` given (by default,
    open)."""
    locked = lock(Episode, episode.pk, select_related=("lead_professional", "family", "need_level"))
    allowed = status or ((Episode.Status.OPEN,) if open_only else None)
    if allowed and locked.status not in allowed:
        raise ConflictError(_state_message(locked))
    return locked


def _check_move(episode: Episode, to_status: str, message: str = "") -> None:
    """Refuse a status move the workflow does not allow, before anything else is written."""
    if not EPISODE_WORKFLOW.can_move(episode.status, to_status):
        raise TransitionNotAllowed(message or _state_message(episode))


def _status_history(*, record, actor, from_status, to_status, reason) -> EpisodeHistory:
    return _history(
        actor=actor,
        episode=record,
        change=History.STATUS,
        from_value=Status(from_status).label,
        to_value=Status(to_status).label,
        reason=reason,
    )


def _move(
    episode: Episode, to_status: str, *, actor, reason: str, fields=(), audit_detail=None
) -> Episode:
    """Every change of an episode's status: checked against the workflow, saved with a new
    version, an EpisodeHistory row (from and to as their labels) and an audit row."""
    EPISODE_WORKFLOW.check(episode.status, to_status)
    episode.version += 1
    EPISODE_WORKFLOW.move(
        episode,
        to_status,
        actor=actor,
        reason=reason,
        history=_status_history,
        fields=("version", *fields),
        audit_detail=audit_detail,
    )
    return episode


def _history(*, actor, episode, change, from_value="", to_value="", reason="") -> EpisodeHistory:
    return EpisodeHistory.objects.create(
        episode=episode,
        actor=actor,
        change=change,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
        reason=reason,
    )


def _save(episode: Episode, fields: list[str]) -> None:
    episode.version += 1
    episode.save(update_fields=[*fields, "version"])


def _family_person_ids(family) -> set:
    return set(family.members.values_list("person_id", flat=True))


# ---------------------------------------------------------------- opening


def _let_lead_professional_see(*, actor, episode: Episode) -> None:
    """The lead professional's team starts working with the family, so the family is in their scope."""
    family_team_link(
        actor=actor,
        family=episode.family,
        team=episode.lead_professional.team,
        reason="lead professional's episode opened",
    )


@transaction.atomic
def episode_open(
    *,
    actor,
    family,
    lead_professional,
    lead_agency,
    need_level,
    offer: str,
    started_on: date,
    panel_case=None,
    assessment=None,
    previous: Episode | None = None,
    reason: str = "",
) -> Episode:
    """Open an episode of early help for a family: one open episode per family at a time."""
    from people.models import Family

    lock_first(Family.objects.filter(pk=family.pk))  # one opener at a time
    errors = {}
    if Episode.objects.filter(
        family=family, status__in=(Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED)
    ).exists():
        raise ValidationError("This family already has an open episode")
    if offer not in Episode.Offer.values:
        errors["offer"] = "Choose the offer"
    if need_level is None:
        errors["need_level"] = "Choose the level of need"
    elif need_level.is_statutory:
        errors["need_level"] = "This level is children’s social care, not early help"
    if lead_professional is None:
        errors["lead_professional"] = "Choose the lead professional"
    if lead_agency is None:
        errors["lead_agency"] = "Choose the lead agency"
    if started_on is None:
        errors["started_on"] = "Enter the start date"
    elif started_on > clock.today():
        errors["started_on"] = "The start date must be today or in the past"
    if previous is not None:
        if previous.family_id != family.pk:
            errors["previous"] = "The previous episode is another family’s"
        elif previous.is_open:
            errors["previous"] = "The previous episode is still open"
        elif Episode.objects.filter(previous=previous).exists():
            errors["previous"] = "The previous episode already has a next episode"
    if errors:
        raise ValidationError(errors)
    reason = _reason(reason, required=False)
    council = Council.objects.first()
    episode = Episode(
        review_every_weeks=council.plan_review_weeks if council else 6,
        family=family,
        panel_case=panel_case,
        assessment=assessment,
        previous=previous,
        need_level=need_level,
        offer=offer,
        lead_agency=lead_agency,
        lead_professional=lead_professional,
        started_on=started_on,
    )
    episode.full_clean(exclude=["panel_case", "assessment", "previous"])
    episode.save()
    _let_lead_professional_see(actor=actor, episode=episode)
    _history(
        actor=actor,
        episode=episode,
        change=History.OPENED,
        to_value=Episode.Stage(episode.stage).label,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=episode,
        detail={
            "fields": [
                "family",
                "lead_professional",
                "lead_agency",
                "need_level",
                "offer",
                "started_on",
            ],
            "panel_case": panel_case.pk if panel_case else None,
            "previous": str(previous.pk) if previous else None,
        },
    )
    chronology.opened(actor=actor, episode=episode)
    return episode


# ---------------------------------------------------------------- changes


@transaction.atomic
def episode_change_stage(*, actor, episode: Episode, to_stage: int, reason: str = "") -> Episode:
    """Move to another stage. Forward by one: no reason needed. Skipping or going back: a reason."""
    episode = _lock(episode)
    _require_changer(actor, episode)
    try:
        to_stage = Episode.Stage(int(to_stage))
    except (TypeError, ValueError):
        raise ValidationError({"to_stage": "Choose a stage"}) from None
    from_stage = episode.stage
    if to_stage == from_stage:
        raise ValidationError({"to_stage": "The episode is already at this stage"})
    needs_reason = to_stage != from_stage + 1
    if needs_reason and not (reason or "").strip():
        message = (
            "Enter why the episode goes back a stage"
            if to_stage < from_stage
            else "Enter why the episode skips a stage"
        )
        raise ValidationError({"reason": message})
    reason = _reason(reason, required=needs_reason)
    episode.stage = to_stage
    _save(episode, ["stage"])
    _history(
        actor=actor,
        episode=episode,
        change=History.STAGE,
        from_value=Episode.Stage(from_stage).label,
        to_value=to_stage.label,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=episode,
        detail={"fields": ["stage"], "from": int(from_stage), "to": int(to_stage)},
    )
    chronology.episode_event(
        actor=actor,
        episode=episode,
        event="stage",
        summary=f"Episode moved to {chronology.stage_words(to_stage)}",
    )
    return episode


@transaction.atomic
def episode_change_need_level(*, actor, episode: Episode, need_level, reason: str) -> Episode:
    """Change the level of need (Continuum of Need and Response), with why."""
    episode = _lock(episode)
    _require_changer(actor, episode)
    if need_level is None:
        raise ValidationError({"need_level": "Choose the level of need"})
    if need_level.pk == episode.need_level_id:
        raise ValidationError({"need_level": "The episode is already at this level"})
    if need_level.is_statutory:
        raise ValidationError(
            {"need_level": "This level is children’s social care: step the family up instead"}
        )
    reason = _reason(reason, required=True)
    old = episode.need_level
    episode.need_level = need_level
    _save(episode, ["need_level"])
    _history(
        actor=actor,
        episode=episode,
        change=History.NEED_LEVEL,
        from_value=old,
        to_value=need_level,
        reason=reason,
    )
    audit_record(
        actor=actor, action=Action.UPDATE, target=episode, detail={"fields": ["need_level"]}
    )
    return episode


@transaction.atomic
def episode_change_review_cadence(*, actor, episode: Episode, weeks: int, reason: str) -> Episode:
    """How often the family plan is reviewed, with why; the review not yet held moves with it."""
    from casework.models import PlanReview

    episode = _lock(episode)
    _require_changer(actor, episode)
    if not isinstance(weeks, int) or not 1 <= weeks <= 26:
        raise ValidationError({"weeks": "Enter a number of weeks from 1 to 26"})
    if weeks == episode.review_every_weeks:
        raise ValidationError({"weeks": f"Reviews are already every {weeks} weeks"})
    reason = _reason(reason, required=True)
    old = episode.review_every_weeks
    episode.review_every_weeks = weeks
    _save(episode, ["review_every_weeks"])
    last_held = (
        PlanReview.objects.filter(episode=episode, held_on__isnull=False)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    PlanReview.objects.filter(episode=episode, held_on__isnull=True).update(
        due_on=(last_held or episode.started_on) + timedelta(weeks=weeks)
    )
    _history(
        actor=actor,
        episode=episode,
        change=History.PLAN,
        from_value=f"reviews every {old} weeks",
        to_value=f"reviews every {weeks} weeks",
        reason=reason,
    )
    audit_record(
        actor=actor, action=Action.UPDATE, target=episode, detail={"fields": ["review_every_weeks"]}
    )
    return episode


@transaction.atomic
def episode_change_lead_professional(
    *, actor, episode: Episode, lead_professional, reason: str, lead_agency=None
) -> Episode:
    """Hand the episode to another lead professional (and lead agency, if it changes), with why.

    The new lead professional's team starts working with the family so they can see it.
    """
    episode = _lock(episode)
    _require_changer(actor, episode)
    if lead_professional is None:
        raise ValidationError({"lead_professional": "Choose the lead professional"})
    if lead_professional.pk == episode.lead_professional_id and (
        lead_agency is None or lead_agency.pk == episode.lead_agency_id
    ):
        raise ValidationError({"lead_professional": "They are already the lead professional"})
    if not lead_professional.is_active:
        raise ValidationError({"lead_professional": "Choose someone whose account is active"})
    reason = _reason(reason, required=True)
    old = episode.lead_professional
    fields = ["lead_professional"]
    episode.lead_professional = lead_professional
    if lead_agency is not None and lead_agency.pk != episode.lead_agency_id:
        episode.lead_agency = lead_agency
        fields.append("lead_agency")
    _save(episode, fields)
    _let_lead_professional_see(actor=actor, episode=episode)
    if episode.panel_case_id and episode.panel_case.status == "allocated":
        # The panel's record follows, so the new lead professional can send the closure form.
        panel_services.lead_professional_handover(
            actor=actor,
            case=episode.panel_case,
            lead_professional=lead_professional,
            agency=lead_agency,
        )
    _history(
        actor=actor,
        episode=episode,
        change=History.LEAD_PROFESSIONAL,
        from_value=old.get_full_name() or old.username,
        to_value=lead_professional.get_full_name() or lead_professional.username,
        reason=reason,
    )
    audit_record(actor=actor, action=Action.UPDATE, target=episode, detail={"fields": fields})
    return episode


def _end(*, actor, episode: Episode, status, end_reason, ended_on: date, reason: str) -> Episode:
    _check_move(episode, status)
    episode.end_reason = end_reason
    episode.ended_on = ended_on
    moved = _move(
        episode,
        status,
        actor=actor,
        reason=reason,
        fields=("end_reason", "ended_on"),
        audit_detail={"end_reason": end_reason},
    )
    chronology.ended(actor=actor, episode=episode)
    return moved


@transaction.atomic
def episode_step_up(
    *, actor, episode: Episode, reason: str, social_care_reference: str = ""
) -> Episode:
    """Step up to children's social care: the episode ends (STEPPED_UP) and each child's
    chronology records it, so it follows them. It needs a manager's agreement
    (``casework.oversight.step_agreement``): refused (400) without one."""
    episode = _lock(episode, open_only=False)
    _check_move(episode, Status.STEPPED_UP)
    _require_changer(actor, episode)
    reason = _reason(reason, required=True)
    reference = (social_care_reference or "").strip()[:100]
    full_reason = (
        f"{reason} (children’s social care reference {reference})" if reference else reason
    )
    # A manager's recorded agreement (seed 001 §9): theirs now, or one recorded earlier, used once.
    management_oversight.step_agreement(
        actor=actor, episode=episode, kind=EpisodeOversight.Kind.AGREE_STEP_UP, reason=reason
    )
    _level_follows_step_up(actor=actor, episode=episode)
    _end(
        actor=actor,
        episode=episode,
        status=Episode.Status.STEPPED_UP,
        end_reason=Episode.EndReason.STEP_UP,
        ended_on=clock.today(),
        reason=full_reason,
    )
    case = episode.panel_case
    if case is not None and case.status == case.Status.ALLOCATED:
        # The panel's case waits for the family, with its history, rather than staying
        # "allocated" to a lead professional who no longer has an open episode (ADR 0016).
        panel_services.panel_case_step_up(actor=actor, case=case, reason=reason)
    chronology.episode_event(
        actor=actor,
        episode=episode,
        event="step_up",
        summary="Stepped up to children’s social care",
        category=chronology.Category.SAFEGUARDING,
        occurred_on=episode.ended_on,
    )
    return episode


ENDED = (Episode.Status.STEPPED_UP, Episode.Status.CLOSED)


def _level_follows_step_up(*, actor, episode: Episode) -> None:
    """A stepped-up family's needs are statutory: the episode's level says so (the lowest
    statutory level of the council's pack), with a history row, instead of staying at the early
    help level it had. A council with no statutory level keeps the level as it was."""
    statutory = NeedLevel.objects.filter(is_statutory=True).order_by("level").first()
    if statutory is None or episode.need_level_id == statutory.pk:
        return
    old = episode.need_level
    episode.need_level = statutory
    _save(episode, ["need_level"])
    _history(
        actor=actor,
        episode=episode,
        change=History.NEED_LEVEL,
        from_value=str(old),
        to_value=str(statutory),
        reason="Stepped up to children’s social care",
    )


def _case_to_step_down(from_episode: Episode):
    """The panel case a step down carries on: the one the stepped-up episode left waiting.
    After a closure (or with no panel case) the new episode starts without one."""
    case = from_episode.panel_case
    if (
        case is not None
        and from_episode.status == Status.STEPPED_UP
        and case.status == case.Status.STEPPED_UP
    ):
        return case
    return None


@transaction.atomic
def episode_step_down(
    *,
    actor,
    from_episode: Episode,
    lead_professional,
    lead_agency,
    need_level,
    offer: str,
    started_on: date,
    reason: str,
    carry_plan: bool = False,
    stage: int = Episode.Stage.ENGAGEMENT,
) -> Episode:
    """A new episode following an ended one (e.g. social care steps the family down into early
    help): the chain is kept through ``previous``, and nothing has to start again (ADR 0016):

    - the panel case a step up left waiting is allocated again, to the new lead professional, so
      the new episode's closure goes to the same panel case;
    - the assessment behind the work stays linked, so its needs are offered for the plan;
    - the previous plan's unfinished outcomes and actions are carried over when asked
      (``carry_plan``), and the episode may start at a later stage than engagement."""
    from_episode = _lock(from_episode, status=ENDED)
    if not rules.has_perm("casework.step_down_episode", actor, from_episode):
        raise PermissionDenied(
            "Only the early support service or the last lead professional can step a family down"
        )
    reason = _reason(reason, required=True)
    if stage not in Episode.Stage.values:
        raise ValidationError({"stage": "Choose the stage the work starts at"})
    if carry_plan and not hasattr(from_episode, "plan"):
        raise ValidationError({"carry_plan": "The previous episode has no plan to carry over"})
    management_oversight.step_agreement_check(
        actor=actor, episode=from_episode, kind=EpisodeOversight.Kind.AGREE_STEP_DOWN
    )
    case = _case_to_step_down(from_episode)
    episode = episode_open(
        actor=actor,
        family=from_episode.family,
        lead_professional=lead_professional,
        lead_agency=lead_agency,
        need_level=need_level,
        offer=offer,
        started_on=started_on,
        panel_case=case,
        assessment=from_episode.assessment,
        previous=from_episode,
        reason=f"Stepped down: {reason}",
    )
    management_oversight.step_agreement(
        actor=actor,
        episode=from_episode,
        kind=EpisodeOversight.Kind.AGREE_STEP_DOWN,
        reason=reason,
        used_for=episode,
    )
    if case is not None:
        panel_services.panel_case_step_down(
            actor=actor,
            case=case,
            lead_professional=lead_professional,
            lead_agency=lead_agency,
            reason=reason,
        )
    if carry_plan:
        plan_carry_over(actor=actor, from_episode=from_episode, to_episode=episode)
    if stage != episode.stage:
        episode.stage = stage
        _save(episode, ["stage"])
        _history(
            actor=actor,
            episode=episode,
            change=History.STAGE,
            from_value=Episode.Stage(Episode.Stage.ENGAGEMENT).label,
            to_value=Episode.Stage(stage).label,
            reason="Stepped down: the work carries on from the previous episode",
        )
    return episode


# ---------------------------------------------------------------- contacts and TAF meetings


@transaction.atomic
def contact_record(
    *,
    actor,
    episode: Episode,
    happened_on: date,
    kind: str,
    seen=(),
    seen_alone=(),
    notes: str = "",
    not_brought=(),
    appointment: str = "",
    next_planned_on: date | None = None,
) -> Contact:
    """A visit or contact with the family. Seen alone is a subset of seen; everyone named is a
    member of the family. 'Was not brought' and 'no one in' have no one seen. 'Was not brought'
    names the children who were not brought and the appointment they missed, and goes on those
    children's chronology. The next contact, if planned, is after this one; it is what the lead
    professional's work tray counts down to."""
    episode = _lock(episode, status=(Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED))
    _require_changer(actor, episode)
    errors = {}
    seen = list(seen or [])
    seen_alone = list(seen_alone or [])
    seen_ids = {p.pk for p in seen}
    alone_ids = {p.pk for p in seen_alone}
    if kind not in Contact.Kind.values:
        errors["kind"] = "Choose the type of contact"
    if happened_on is None:
        errors["happened_on"] = "Enter the date of the contact"
    elif happened_on > clock.today():
        errors["happened_on"] = "The date of the contact must be today or in the past"
    elif happened_on < episode.started_on:
        errors["happened_on"] = "The date of the contact must be on or after the episode started"
    members = _family_person_ids(episode.family)
    if (seen_ids | alone_ids) - members:
        errors["seen"] = "Choose people in this family"
    elif not alone_ids <= seen_ids:
        errors["seen_alone"] = "Someone seen alone must also be ticked as seen"
    if (
        kind in (Contact.Kind.WAS_NOT_BROUGHT, Contact.Kind.NO_ACCESS)
        and seen_ids
        and "kind" not in errors
    ):
        errors["seen"] = "No one is seen at a missed appointment or a visit where no one was in"
    not_brought, appointment = _not_brought_errors(
        errors, episode=episode, kind=kind, not_brought=not_brought, appointment=appointment
    )
    if next_planned_on is not None and happened_on is not None:
        if next_planned_on <= happened_on:
            errors["next_planned_on"] = "The next contact must be after the date of this contact"
        elif next_planned_on > happened_on + timedelta(days=NEXT_CONTACT_WITHIN_DAYS):
            errors["next_planned_on"] = (
                f"The next contact must be within {NEXT_CONTACT_WITHIN_DAYS} days of this one"
            )
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(
        episode=episode,
        happened_on=happened_on,
        kind=kind,
        appointment=appointment,
        notes=_text(notes, field="notes"),
        next_planned_on=next_planned_on,
        recorded_by=actor,
    )
    contact.not_brought.set(not_brought)
    contact.seen.set(seen)
    contact.seen_alone.set(seen_alone)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=contact,
        detail={
            "episode": str(episode.pk),
            "kind": kind,
            "seen": len(seen_ids),
            "seen_alone": len(alone_ids),
            "not_brought": len(not_brought),
            "next_planned_on": next_planned_on.isoformat() if next_planned_on else None,
        },
    )
    if not_brought:
        chronology.episode_event(
            actor=actor,
            episode=episode,
            event="was_not_brought",
            summary=f"Was not brought to {appointment[:1].lower()}{appointment[1:]}",
            category=chronology.Category.WAS_NOT_BROUGHT,
            people=not_brought,
            occurred_on=happened_on,
        )
    return contact


# A plan further off than a season is not a plan for the next contact (a mistyped year, usually).
NEXT_CONTACT_WITHIN_DAYS = 92

WAS_NOT_BROUGHT_MESSAGES = {
    "not_brought": "Choose the child who was not brought",
    "not_brought_child": "Choose children in this family",
    "appointment": "Enter the appointment the child was not brought to",
    "only_missed": "Only a missed appointment names who was not brought",
}


def _not_brought_errors(errors: dict, *, episode, kind, not_brought, appointment):
    """A missed appointment names the children of the family who were not brought and the
    appointment; no other kind of contact does."""
    not_brought = list(not_brought or [])
    appointment = (appointment or "").strip()
    if kind != Contact.Kind.WAS_NOT_BROUGHT:
        if not_brought:
            errors["not_brought"] = WAS_NOT_BROUGHT_MESSAGES["only_missed"]
        if appointment:
            errors["appointment"] = WAS_NOT_BROUGHT_MESSAGES["only_missed"]
        return [], ""
    children = {p.pk for p in family_children(episode.family)}
    if not not_brought:
        errors["not_brought"] = WAS_NOT_BROUGHT_MESSAGES["not_brought"]
    elif {p.pk for p in not_brought} - children:
        errors["not_brought"] = WAS_NOT_BROUGHT_MESSAGES["not_brought_child"]
    if not appointment:
        errors["appointment"] = WAS_NOT_BROUGHT_MESSAGES["appointment"]
    elif len(appointment) > 200:
        errors["appointment"] = "The appointment must be 200 characters or fewer"
    return not_brought, appointment


@transaction.atomic
def taf_meeting_record(
    *,
    actor,
    episode: Episode,
    held_on: date,
    family_attendees=(),
    lead_professional_attended: bool = False,
    professional_attendees=(),
    agency_attendees: str = "",
    apologies: str = "",
    child_views: str = "",
    parent_views: str = "",
    decisions: str = "",
    next_meeting_on: date | None = None,
) -> TafMeeting:
    """A Team Around the Family meeting: who came (family members, the lead professional and the
    professionals involved, from the record; ``agency_attendees`` only for others not on it),
    apologies, the child's and parents' views, decisions and the next meeting."""
    episode = _lock(episode, status=(Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED))
    _require_changer(actor, episode)
    errors = {}
    attendees = list(family_attendees or [])
    professionals = list(professional_attendees or [])
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    elif held_on > clock.today():
        errors["held_on"] = "The date of the meeting must be today or in the past"
    if next_meeting_on is not None and held_on is not None and next_meeting_on <= held_on:
        errors["next_meeting_on"] = "The next meeting must be after this one"
    if {p.pk for p in attendees} - _family_person_ids(episode.family):
        errors["family_attendees"] = "Choose people in this family"
    if {p.person_id for p in professionals} - _family_person_ids(episode.family):
        errors["professional_attendees"] = "Choose professionals involved with this family"
    came = attendees or professionals or lead_professional_attended
    if not came and not (agency_attendees or "").strip():
        errors["family_attendees"] = errors.get("family_attendees") or "Say who came to the meeting"
    if errors:
        raise ValidationError(errors)
    meeting = TafMeeting.objects.create(
        episode=episode,
        held_on=held_on,
        lead_professional_attended=bool(lead_professional_attended),
        agency_attendees=_text(agency_attendees, field="agency_attendees"),
        apologies=_text(apologies, field="apologies"),
        child_views=_text(child_views, field="child_views"),
        parent_views=_text(parent_views, field="parent_views"),
        decisions=_text(decisions, field="decisions"),
        next_meeting_on=next_meeting_on,
        recorded_by=actor,
    )
    meeting.family_attendees.set(attendees)
    meeting.professional_attendees.set(professionals)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=meeting,
        detail={
            "episode": str(episode.pk),
            "family_attendees": len(attendees),
            "lead_professional_attended": bool(lead_professional_attended),
            "professional_attendees": len(professionals),
            "next_meeting": bool(next_meeting_on),
        },
    )
    return meeting


# ---------------------------------------------------------------- closure

NO_PANEL_CASE_REASON = "No panel case: closed by the lead professional"
CLOSURE_REASONS = [c for c in Episode.EndReason.values if c != Episode.EndReason.STEP_UP]
# A family that moved away before anyone met them, or an episode opened in error ("other", with
# the reason in the form), may close with nothing recorded; any other closure describes work, so
# the record must show some: a contact (a missed one counts) or a TAF meeting.
CLOSURE_WITHOUT_WORK = frozenset({Episode.EndReason.MOVED_AWAY, Episode.EndReason.OTHER})
NO_WORK_RECORDED = (
    "No contact or Team Around the Family meeting is recorded for this episode. Record the work "
    "done before closing it, or choose ‘Moved out of the area’ or ‘Other’"
)


def _work_recorded(episode: Episode) -> bool:
    return episode.contacts.exists() or episode.taf_meetings.exists()


def _request_follows_closure(*, actor, episode: Episode) -> None:
    """The request for support behind the work (through its assessment) says support ended once
    the episode has closed (ADR 0016); a request that led elsewhere is left as it is."""
    assessment = episode.assessment
    if assessment is None and episode.panel_case_id:
        assessment = episode.panel_case.referral.assessment
    support_request_follow_case(
        actor=actor,
        support_request=assessment.support_request if assessment else None,
        to_status=SupportRequest.Status.SUPPORT_ENDED,
        reason="Early support ended: the episode closed",
    )


@transaction.atomic
def episode_send_closure(
    *,
    actor,
    episode: Episode,
    reason: str,
    outcomes_achieved: str,
    exit_plan: str,
    support_after: str = "",
    family_view: str = "",
) -> Closure:
    """The closure form. From a panel case it goes to the panel's 'cases closed' (the episode
    closes when the panel confirms); otherwise the episode closes now."""
    episode = _lock(episode, open_only=False)
    if episode.status != Status.OPEN:  # the form is sent once, from an open episode
        raise TransitionNotAllowed(_state_message(episode))
    _require_changer(actor, episode)
    errors = {}
    if reason not in CLOSURE_REASONS:
        errors["reason"] = "Choose why the work is ending (to step up, use ‘Step up’)"
    elif reason not in CLOSURE_WITHOUT_WORK and not _work_recorded(episode):
        errors["reason"] = NO_WORK_RECORDED
    texts = {}
    for name, value, message in (
        ("outcomes_achieved", outcomes_achieved, "Enter the outcomes achieved"),
        ("exit_plan", exit_plan, "Enter the exit plan"),
        ("support_after", support_after, ""),
        ("family_view", family_view, ""),
    ):
        try:
            texts[name] = _text(value, field=name, required=bool(message), message=message)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    outcomes_achieved, exit_plan = texts["outcomes_achieved"], texts["exit_plan"]
    support_after, family_view = texts["support_after"], texts["family_view"]
    # A closure returned by the panel is sent again: the form is updated, not duplicated.
    closure, _ = Closure.objects.update_or_create(
        episode=episode,
        defaults={
            "reason": reason,
            "outcomes_achieved": outcomes_achieved,
            "exit_plan": exit_plan,
            "support_after": support_after,
            "family_view": family_view,
            "sent_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=closure,
        detail={"episode": str(episode.pk), "reason": reason, "panel_case": episode.panel_case_id},
    )
    if episode.panel_case_id:
        summary = (
            f"{Episode.EndReason(reason).label}.\n\nOutcomes achieved:\n{outcomes_achieved}\n\n"
            f"Exit plan:\n{exit_plan}"
        )
        if support_after:
            summary += f"\n\nWho supports the family after:\n{support_after}"
        panel_services.closure_request_submit(
            actor=actor, case=episode.panel_case, summary=summary[:MAX_TEXT]
        )
        _move(
            episode,
            Status.CLOSURE_REQUESTED,
            actor=actor,
            reason="Case closure form sent to the panel",
        )
    else:
        _end(
            actor=actor,
            episode=episode,
            status=Status.CLOSED,
            end_reason=reason,
            ended_on=clock.today(),
            reason=NO_PANEL_CASE_REASON,
        )
        _request_follows_closure(actor=actor, episode=episode)
    return closure


@transaction.atomic
def episode_close_confirmed(*, actor, episode: Episode) -> Episode:
    """The panel confirmed the closure: the episode closes (through casework.handoff)."""
    # From OPEN too: a closure sent from the panel's own case page before ADR 0016 (there is no
    # such page now) may still be on an agenda.
    episode = _lock(episode, open_only=False)
    closure = Closure.objects.filter(episode=episode).first()
    _end(
        actor=actor,
        episode=episode,
        status=Status.CLOSED,
        end_reason=closure.reason if closure else Episode.EndReason.OTHER,
        ended_on=clock.today(),
        reason="Closure confirmed by the panel",
    )
    _request_follows_closure(actor=actor, episode=episode)
    return episode


@transaction.atomic
def episode_closure_returned(*, actor, episode: Episode, reason: str) -> Episode:
    """The panel returned the closure: the episode is open again (through casework.handoff)."""
    episode = _lock(episode, open_only=False)
    if episode.status == Status.OPEN:  # sent from the panel's own case page: nothing to undo
        return episode
    _check_move(
        episode, Status.OPEN, "This episode is not waiting for the panel to confirm its closure"
    )
    reason = _reason(reason, required=True)
    return _move(
        episode, Status.OPEN, actor=actor, reason=f"Closure returned by the panel: {reason}"
    )


# ---------------------------------------------------------------- from the panel


def need_level_for_case(case):
    """The level of need for an episode opened from a panel allocation: the triage level of the
    support request behind the assessment when it was set and is early help; otherwise the highest
    non-statutory level (a panel case is targeted early help)."""
    from core.models import NeedLevel

    assessment = getattr(case.referral, "assessment", None)
    request = getattr(assessment, "support_request", None) if assessment else None
    triage = getattr(request, "triage", None) if request else None
    level = getattr(triage, "need_level", None) if triage else None
    if level is not None and not level.is_statutory:
        return level
    return NeedLevel.objects.filter(is_statutory=False).order_by("-level").first()


def episode_open_from_allocation(*, actor, case, lead_professional, lead_agency) -> Episode:
    """The panel allocated a lead professional (through casework.handoff): the family's targeted
    episode starts."""
    referral = case.referral
    return episode_open(
        actor=actor,
        family=referral.family,
        lead_professional=lead_professional,
        lead_agency=lead_agency,
        need_level=need_level_for_case(case),
        offer=Episode.Offer.TARGETED,
        started_on=clock.today(),
        panel_case=case,
        assessment=referral.assessment,
        reason=f"Lead professional allocated by the panel ({case.esmap_number})",
    )
