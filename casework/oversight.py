"""Management oversight of a case (seed 001 §9, issue 12): a manager's notes on an episode, and
their recorded agreement to a step up or a step down.

Only a team manager of the lead professional's team or an early support team leader oversees an
episode (the ``casework.oversee_episode`` rule). A step up or step down goes ahead only with such a
manager's agreement: either the manager steps the family themselves (their agreement is recorded
with their reason in the same transaction), or an agreement they recorded earlier, not yet used,
is used by the step (``used_at``, ``used_for``), so each agreement is used once. Each note is
written on the children's chronology in the service's own words (the note's text stays on the
episode).
"""

from __future__ import annotations

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casework import chronology
from casework.models import Episode, EpisodeOversight
from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock, lock_all
from core.errors import ConflictError
from core.roles import Role

Kind = EpisodeOversight.Kind
MAX_TEXT = 5000
ENDED = (Episode.Status.STEPPED_UP, Episode.Status.CLOSED)
STEP_WORDS = {Kind.AGREE_STEP_UP: "step up", Kind.AGREE_STEP_DOWN: "step down"}
CHRONOLOGY_WORDS = {
    Kind.NOTE: "Management oversight note recorded",
    Kind.AGREE_STEP_UP: "A manager agreed to a step up to children’s social care",
    Kind.AGREE_STEP_DOWN: "A manager agreed to a step down",
}


def _name(user) -> str:
    return user.get_full_name() or user.username


def step_managers(episode: Episode) -> str:
    """Whom to ask for agreement, in words: the lead professional's team managers by name, or
    an early support team leader."""
    team_id = episode.lead_professional.team_id
    names = []
    if team_id:
        managers = (
            get_user_model()
            .objects.filter(
                managed_teams=team_id, is_active=True, role_grants__role=Role.TEAM_MANAGER
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        names = [_name(m) for m in managers[:5]]
    if names:
        return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return "an early support team leader"


def _check_state(episode: Episode, kind: str) -> None:
    if kind == Kind.AGREE_STEP_UP and episode.status != Episode.Status.OPEN:
        raise ConflictError("Only an open episode can be stepped up")
    if kind == Kind.AGREE_STEP_DOWN and (
        episode.status not in ENDED or Episode.objects.filter(previous=episode).exists()
    ):
        raise ConflictError("Only an ended episode with no episode after it can be stepped down")


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the note"})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"The note must be {MAX_TEXT} characters or fewer"})
    return text


def _create(*, actor, episode: Episode, kind: str, text: str, used_for=None) -> EpisodeOversight:
    now = clock.now()
    note = EpisodeOversight.objects.create(
        episode=episode,
        kind=kind,
        text=text,
        by=actor,
        at=now,
        used_at=now if used_for is not None else None,
        used_for=used_for,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=note,
        detail={"fields": ["kind", "text"], "kind": kind, "used": used_for is not None},
    )
    chronology.episode_event(
        actor=actor,
        episode=episode,
        event=f"oversight_{kind}",
        summary=f"{CHRONOLOGY_WORDS[Kind(kind)]} by {_name(actor)}",
        occurred_on=clock.local(now).date(),
    )
    return note


@transaction.atomic
def episode_oversight_record(
    *, actor, episode: Episode, kind: str = Kind.NOTE, text: str
) -> EpisodeOversight:
    """A manager's oversight note on an episode, or their agreement to a step up (open episode)
    or a step down (ended episode with nothing after it)."""
    episode = lock(Episode, episode.pk, select_related=("lead_professional", "family"))
    if not rules.has_perm("casework.oversee_episode", actor, episode):
        raise PermissionDenied(
            "Only a manager of the lead professional’s team or an early support team leader can "
            "record management oversight"
        )
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose what kind of note this is"})
    text = _text(text)
    _check_state(episode, kind)
    return _create(actor=actor, episode=episode, kind=kind, text=text)


def step_agreement(
    *, actor, episode: Episode, kind: str, reason: str, used_for: Episode | None = None
) -> EpisodeOversight:
    """The manager's agreement a step needs, used by it (called inside the step's transaction,
    with ``episode`` locked). A manager stepping the family records their own agreement with
    their reason; anyone else needs an unused agreement by a manager, and the oldest is used.
    Otherwise the step is refused (400), naming whom to ask."""
    used_for = used_for or episode
    if rules.has_perm("casework.oversee_episode", actor, episode):
        return _create(
            actor=actor, episode=episode, kind=kind, text=reason or "Agreed", used_for=used_for
        )
    waiting = lock_all(
        EpisodeOversight.objects.filter(episode=episode, kind=kind, used_at__isnull=True).order_by(
            "at", "id"
        )
    )
    for agreement in waiting:
        # An agreement counts only while its author still oversees the episode.
        if rules.has_perm("casework.oversee_episode", agreement.by, episode):
            agreement.used_at = clock.now()
            agreement.used_for = used_for
            agreement.save(update_fields=["used_at", "used_for"])
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                target=agreement,
                detail={"fields": ["used_at", "used_for"]},
            )
            return agreement
    raise ValidationError(
        f"A manager must agree to the {STEP_WORDS[Kind(kind)]} first: ask {step_managers(episode)}"
    )


def step_agreement_check(*, actor, episode: Episode, kind: str) -> None:
    """Refuse early, before anything is written, when a step would have no agreement."""
    if rules.has_perm("casework.oversee_episode", actor, episode):
        return
    for agreement in EpisodeOversight.objects.filter(
        episode=episode, kind=kind, used_at__isnull=True
    ).select_related("by"):
        if rules.has_perm("casework.oversee_episode", agreement.by, episode):
            return
    raise ValidationError(
        f"A manager must agree to the {STEP_WORDS[Kind(kind)]} first: ask {step_managers(episode)}"
    )
