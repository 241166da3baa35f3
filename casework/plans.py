"""The family plan, its reviews and the family's copy: services and scoped reads.

Every change goes through a service here: guarded by the casework.change_episode rule (only the
lead professional, their manager or the early support service), refused on a closed episode, checked
against the plan's version (StaleVersionError), and leaving an EpisodeHistory row (change=PLAN) and
an audit event that names fields only, never what was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from casework import chronology, selectors
from casework.models import Episode, EpisodeHistory, FamilyPlan, PlanAction, PlanOutcome, PlanReview
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock, lock_first
from core.errors import ConflictError
from directory.models import Service
from offer import selectors as offer_selectors
from offer import services as offer_services
from offer.models import Referral
from people import selectors as people_selectors
from people.models import FamilyMember, Person, ProfessionalInvolvement

__all__ = [
    "StaleVersionError",
    "plan_start",
    "plan_update_contingency",
    "plan_outcome_add",
    "plan_outcome_update",
    "plan_outcome_remove",
    "plan_action_add",
    "plan_action_update",
    "plan_action_complete",
    "Signpost",
    "SIGNPOST_SOURCE_TYPE",
    "action_referrals",
    "reviews_schedule",
    "review_record",
    "suggested_needs",
    "plan_for",
    "next_review",
    "overdue_reviews",
    "overdue_actions",
    "plan_people",
    "PlanPeople",
    "doer_name",
    "doer_token",
    "family_copy",
    "child_copy",
    "plan_rows",
]

OUTCOME_FIELDS = (
    "need",
    "outcome_family_words",
    "outcome_practitioner_words",
    "progress",
    "concerns",
    "outcome_child_words",
)
ACTION_FIELDS = (
    "what",
    "doer",
    "who",
    "by_when",
    "status",
    "concerns",
    "agency",
    "what_child_words",
)

# The words for each refusal, said alike by the page's form and the API.
DOER_MISSING = "Select who will do it"
WHO_MISSING = "Enter who will do it"
WHO_TOO_LONG = "This must be 200 characters or fewer"
CONCERNS_NOT_MEMBERS = "Select people in this family"
# The words a child's copy shows instead of the family's: short enough for a child to read.
CHILD_WORDS_MAX = 1000
OUTCOME_CHILD_WORDS_TOO_LONG = (
    "The outcome in words the child can read must be 1,000 characters or fewer"
)
ACTION_CHILD_WORDS_TOO_LONG = (
    "The action in words the child can read must be 1,000 characters or fewer"
)

# How a doer is chosen, on the page and in the API: one token per person on the record.
LEAD = "lead_professional"
SOMEONE_ELSE = "someone_else"
PERSON_PREFIX = "person:"
PROFESSIONAL_PREFIX = "professional:"


# ---------------------------------------------------------------- the plan's people


@dataclass
class PlanPeople:
    """Who a plan can name: the family's members, its lead professional and the professionals
    involved with the family on the record (current ones, each once)."""

    episode: Episode
    members: list[FamilyMember]
    professionals: list[ProfessionalInvolvement]
    # Every current professional's record by id, the same person on two children's records too.
    professional_records: dict[str, ProfessionalInvolvement] = field(default_factory=dict)

    @property
    def lead_name(self) -> str:
        lead = self.episode.lead_professional
        return lead.get_full_name() or lead.username

    @property
    def people(self) -> dict[str, Person]:
        return {str(m.person_id): m.person for m in self.members}

    @property
    def children(self) -> list[Person]:
        return [m.person for m in self.members if m.person.kind in ("child", "unborn")]

    def doer_choices(self) -> list[tuple[str, str]]:
        lead = self.episode.lead_professional
        choices = [(LEAD, f"{self.lead_name} (lead professional, {self.episode.lead_agency.name})")]
        choices += [
            (f"{PERSON_PREFIX}{m.person_id}", f"{m.person.full_name} ({m.get_role_display()})")
            for m in self.members
        ]
        choices += [
            (f"{PROFESSIONAL_PREFIX}{p.pk}", professional_label(p))
            for p in self.professionals
            if not _same_name(p.name, lead.get_full_name())
        ]
        choices.append((SOMEONE_ELSE, "Someone else, not on the record"))
        return choices

    def concern_choices(self) -> list[tuple[str, str]]:
        return [
            (str(m.person_id), f"{m.person.full_name} ({m.get_role_display()})")
            for m in self.members
        ]


def _same_name(a: str, b: str) -> bool:
    return bool(a and b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def same_person_as_lead(professional: ProfessionalInvolvement, episode: Episode) -> bool:
    """The lead professional also listed among the professionals involved (one person)."""
    return _same_name(professional.name, episode.lead_professional.get_full_name())


def professional_label(professional: ProfessionalInvolvement) -> str:
    where = professional.organisation_name
    role = ", ".join(part for part in (professional.role, where) if part)
    return f"{professional.name} ({role})" if role else professional.name


def plan_people(episode: Episode) -> PlanPeople:
    """The family's members (children first, youngest last) and its current professionals."""
    order = {"child": 0, "parent_carer": 1, "other_adult": 2, "significant": 3}
    members = sorted(
        episode.family.members.select_related("person"),
        key=lambda m: (order.get(m.role, 9), m.person.date_of_birth or date.max, m.pk),
    )
    professionals: list[ProfessionalInvolvement] = []
    records: dict[str, ProfessionalInvolvement] = {}
    seen: set[tuple] = set()
    for professional in people_selectors.family_professionals(episode.family).filter(
        ended_on__isnull=True
    ):
        records[str(professional.pk)] = professional
        key = (
            " ".join(professional.name.split()).casefold(),
            professional.agency_id,
            professional.organisation.casefold(),
        )
        if key not in seen:
            seen.add(key)
            professionals.append(professional)
    return PlanPeople(
        episode=episode,
        members=members,
        professionals=professionals,
        professional_records=records,
    )


@dataclass(frozen=True)
class _Doer:
    doer: str
    person: Person | None
    professional: ProfessionalInvolvement | None
    who: str


def _resolve_doer(people: PlanPeople, doer: str, who: str) -> _Doer:
    """The doer from its token (raising ValidationError by field). A name typed with no choice
    made is someone else (the API's older clients send only ``who``)."""
    doer = (doer or "").strip()
    who = (who or "").strip()
    if not doer:
        if not who:
            raise ValidationError({"doer": DOER_MISSING})
        doer = SOMEONE_ELSE
    if doer == SOMEONE_ELSE:
        if not who:
            raise ValidationError({"who": WHO_MISSING})
        if len(who) > 200:
            raise ValidationError({"who": WHO_TOO_LONG})
        return _Doer(PlanAction.Doer.SOMEONE_ELSE, None, None, who)
    if doer == LEAD:
        return _Doer(PlanAction.Doer.LEAD_PROFESSIONAL, None, None, people.lead_name[:200])
    if doer.startswith(PERSON_PREFIX):
        person = people.people.get(doer.removeprefix(PERSON_PREFIX))
        if person is not None:
            return _Doer(PlanAction.Doer.FAMILY_MEMBER, person, None, person.full_name[:200])
    if doer.startswith(PROFESSIONAL_PREFIX):
        professional = people.professional_records.get(doer.removeprefix(PROFESSIONAL_PREFIX))
        if professional is not None:
            return _Doer(PlanAction.Doer.PROFESSIONAL, None, professional, professional.name[:200])
    raise ValidationError({"doer": DOER_MISSING})


def _resolve_concerns(people: PlanPeople, concerns: Iterable) -> list[Person]:
    wanted = {str(getattr(value, "pk", value)) for value in (concerns or ())}
    known = people.people
    if wanted - set(known):
        raise ValidationError({"concerns": CONCERNS_NOT_MEMBERS})
    return [person for pk, person in known.items() if pk in wanted]


def doer_token(action: PlanAction) -> str:
    """The token for an action's doer, as the page's form and the API name it."""
    if action.doer == PlanAction.Doer.LEAD_PROFESSIONAL:
        return LEAD
    if action.doer == PlanAction.Doer.FAMILY_MEMBER and action.doer_person_id:
        return f"{PERSON_PREFIX}{action.doer_person_id}"
    if action.doer == PlanAction.Doer.PROFESSIONAL and action.doer_professional_id:
        return f"{PROFESSIONAL_PREFIX}{action.doer_professional_id}"
    return SOMEONE_ELSE


def doer_name(action: PlanAction, episode: Episode) -> str:
    """Who does the action, as the plan shows it: the record's name now, else the name kept."""
    if action.doer == PlanAction.Doer.LEAD_PROFESSIONAL:
        lead = episode.lead_professional
        return lead.get_full_name() or lead.username
    if action.doer == PlanAction.Doer.FAMILY_MEMBER and action.doer_person is not None:
        return action.doer_person.full_name
    if action.doer == PlanAction.Doer.PROFESSIONAL and action.doer_professional is not None:
        return professional_label(action.doer_professional)
    return action.who


# ---------------------------------------------------------------- guards


def _guard(actor, episode: Episode) -> None:
    if not rules.has_perm("casework.change_episode", actor, episode):
        raise PermissionDenied(
            "Only the lead professional, their manager or the early support service can change the plan"
        )
    if not episode.is_open:
        raise ConflictError("This episode is closed. Its plan can no longer be changed.")


def _bump(actor, plan: FamilyPlan, expected_version: int | None) -> None:
    """Move the plan on one version, only if nobody saved it since ``expected_version``."""
    qs = FamilyPlan.objects.filter(pk=plan.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if qs.update(version=F("version") + 1, updated_by=actor, updated_at=clock.now()) == 0:
        raise StaleVersionError("The plan was changed by someone else since you opened it")
    plan.refresh_from_db(fields=["version", "updated_by", "updated_at"])


def _check_version(plan: FamilyPlan, expected_version: int | None) -> None:
    """An edit that changes nothing still must not pass a stale version, nor make others' edits stale."""
    if (
        expected_version is not None
        and not FamilyPlan.objects.filter(pk=plan.pk, version=expected_version).exists()
    ):
        raise StaleVersionError("The plan was changed by someone else since you opened it")


def _history(actor, episode: Episode, to_value: str, reason: str = "") -> EpisodeHistory:
    return EpisodeHistory.objects.create(
        episode=episode,
        actor=actor,
        change=EpisodeHistory.Change.PLAN,
        to_value=to_value[:200],
        reason=reason,
    )


def _plan(episode: Episode) -> FamilyPlan:
    plan = lock_first(FamilyPlan.objects.filter(episode=episode))
    if plan is None:
        raise ValidationError("Start the family plan first")
    return plan


def _text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _child_words(value: str | None, *, field: str, message: str) -> str:
    """Optional words for a child's copy, stripped; refused (on that field) when too long."""
    value = (value or "").strip()
    if len(value) > CHILD_WORDS_MAX:
        raise ValidationError({field: message})
    return value


# ---------------------------------------------------------------- the plan


def suggested_needs(episode: Episode) -> list[dict]:
    """Needs the assessment behind the episode points to, offered as suggestions (never created)."""
    assessment = episode.assessment
    if assessment is None:
        return []
    suggestions: list[dict] = []
    rows = assessment.sections.select_related("child__person").filter(
        key__in=["analysis", "risks", "development"]
    )
    for row in sorted(
        rows, key=lambda r: ({"analysis": 0, "risks": 1, "development": 2}[r.key], r.pk)
    ):
        answers = row.answers or {}
        if row.key == "analysis" and answers.get("recommendations"):
            suggestions.append(
                {"source": "11. Recommendations and actions", "text": answers["recommendations"]}
            )
        elif row.key == "risks" and answers.get("risks"):
            suggestions.append({"source": "8. Risks", "text": answers["risks"]})
        elif row.key == "development" and row.child is not None:
            person = row.child.person
            name = person.preferred_name or person.first_name
            for key, label in (
                ("health", "Health"),
                ("education", "Education"),
                ("emotional", "Emotional and behavioural development"),
            ):
                if answers.get(key):
                    suggestions.append({"source": f"5. {label}: {name}", "text": answers[key]})
    return suggestions


@transaction.atomic
def plan_start(*, actor, episode: Episode, contingency: str = "") -> FamilyPlan:
    _guard(actor, episode)
    if FamilyPlan.objects.filter(episode=episode).exists():
        raise ValidationError("This episode already has a family plan")
    plan = FamilyPlan.objects.create(
        episode=episode, contingency=contingency.strip(), updated_by=actor
    )
    _history(actor, episode, "plan started")
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=plan,
        detail={"fields": ["contingency"] if plan.contingency else []},
    )
    reviews_schedule(episode)
    return plan


@transaction.atomic
def plan_update_contingency(
    *, actor, plan: FamilyPlan, expected_version: int, contingency: str, reason: str = ""
) -> FamilyPlan:
    _guard(actor, plan.episode)
    contingency = contingency.strip()
    if contingency == plan.contingency:
        if not FamilyPlan.objects.filter(pk=plan.pk, version=expected_version).exists():
            raise StaleVersionError("The plan was changed by someone else since you opened it")
        return plan
    _bump(actor, plan, expected_version)
    FamilyPlan.objects.filter(pk=plan.pk).update(contingency=contingency)
    plan.contingency = contingency
    _history(actor, plan.episode, "contingency plan changed", reason)
    audit_record(actor=actor, action=Action.UPDATE, target=plan, detail={"fields": ["contingency"]})
    return plan


@transaction.atomic
def plan_outcome_add(
    *,
    actor,
    plan: FamilyPlan,
    expected_version: int,
    need: str,
    outcome_family_words: str,
    outcome_practitioner_words: str = "",
    outcome_child_words: str = "",
    concerns: Iterable = (),
    reason: str = "",
) -> PlanOutcome:
    """Add an outcome; ``concerns`` names the family members it is for (person ids);
    ``outcome_child_words`` is what a child's copy shows instead of the family's words."""
    _guard(actor, plan.episode)
    need = _text(need, field="need", message="Enter the need")
    family_words = _text(
        outcome_family_words,
        field="outcome_family_words",
        message="Enter the outcome in the family’s words",
    )
    child_words = _child_words(
        outcome_child_words,
        field="outcome_child_words",
        message=OUTCOME_CHILD_WORDS_TOO_LONG,
    )
    people = _resolve_concerns(plan_people(plan.episode), concerns)
    _bump(actor, plan, expected_version)
    last = plan.outcomes.order_by("-position").values_list("position", flat=True).first() or 0
    outcome = PlanOutcome.objects.create(
        plan=plan,
        position=last + 1,
        need=need,
        outcome_family_words=family_words,
        outcome_practitioner_words=(outcome_practitioner_words or "").strip(),
        outcome_child_words=child_words,
    )
    outcome.concerns.set(people)
    _history(actor, plan.episode, "outcome added", reason)
    fields = list(OUTCOME_FIELDS[:3])
    if child_words:
        fields.append("outcome_child_words")
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=outcome,
        detail={"fields": fields, "concerns": len(people)},
    )
    return outcome


@transaction.atomic
def plan_outcome_update(
    *, actor, outcome: PlanOutcome, expected_version: int, changes: dict, reason: str = ""
) -> PlanOutcome:
    plan = outcome.plan
    _guard(actor, plan.episode)
    unknown = set(changes) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown outcome fields: {sorted(unknown)}")
    changes = {
        k: (v.strip() if isinstance(v, str) and k != "progress" else v) for k, v in changes.items()
    }
    if "need" in changes:
        _text(changes["need"], field="need", message="Enter the need")
    if "outcome_family_words" in changes:
        _text(
            changes["outcome_family_words"],
            field="outcome_family_words",
            message="Enter the outcome in the family’s words",
        )
    if "outcome_child_words" in changes:
        changes["outcome_child_words"] = _child_words(
            changes["outcome_child_words"],
            field="outcome_child_words",
            message=OUTCOME_CHILD_WORDS_TOO_LONG,
        )
    if "progress" in changes and changes["progress"] not in PlanOutcome.Progress.values:
        raise ValidationError({"progress": "Select the progress"})
    people = None
    if "concerns" in changes:
        people = _resolve_concerns(plan_people(plan.episode), changes.pop("concerns"))
    changed = sorted(k for k, v in changes.items() if getattr(outcome, k) != v)
    concerns_changed = people is not None and {p.pk for p in people} != set(
        outcome.concerns.values_list("pk", flat=True)
    )
    if not changed and not concerns_changed:
        _check_version(plan, expected_version)
        return outcome
    _bump(actor, plan, expected_version)
    for name in changed:
        setattr(outcome, name, changes[name])
    if changed:
        outcome.save(update_fields=changed)
    if concerns_changed:
        outcome.concerns.set(people)
        changed = sorted([*changed, "concerns"])
    _history(actor, plan.episode, "outcome changed", reason)
    audit_record(actor=actor, action=Action.UPDATE, target=outcome, detail={"fields": changed})
    return outcome


@transaction.atomic
def plan_outcome_remove(*, actor, outcome: PlanOutcome, expected_version: int, reason: str) -> None:
    plan = outcome.plan
    _guard(actor, plan.episode)
    reason = _text(reason, field="reason", message="Enter why the outcome is being removed")
    _bump(actor, plan, expected_version)
    audit_record(
        actor=actor,
        action=Action.DELETE,
        target=outcome,
        detail={"actions": outcome.actions.count()},
    )
    outcome.delete()
    _history(actor, plan.episode, "outcome removed", reason)


# ---------------------------------------------------------------- signposting from an action

# The ``core.records`` type a referral made from a plan action names as its source.
SIGNPOST_SOURCE_TYPE = "plan_action"
ALREADY_REFERRED = "This action is already handed over to this service"
# Where the offer app's refusals show on the action's form and in the API.
_REFERRAL_FIELDS = {"people": "concerns", "reason": "what", "priority": "service"}


@dataclass(frozen=True)
class Signpost:
    """A directory service the action hands the family over to, and the handover."""

    service: Service
    handover_to: str = ""
    handover_on: date | None = None
    agreed_with_family: bool = False


def _signpost(*, actor, action: PlanAction, episode: Episode, signpost: Signpost) -> Referral:
    """Hand over to the offer app (one explicit call, in the caller's transaction): a referral
    for the people the action concerns (else its outcome's, else the whole family)."""
    if offer_selectors.pickable_service(getattr(signpost.service, "pk", None)) is None:
        raise ValidationError({"service": "Choose a service from the directory"})
    already = (
        offer_selectors.referrals_for_source(actor, SIGNPOST_SOURCE_TYPE, action.pk)
        .filter(service=signpost.service)
        .exclude(status=Referral.Status.WITHDRAWN)
    )
    if already.exists():
        raise ValidationError({"service": ALREADY_REFERRED})
    people = list(action.concerns.all()) or list(action.outcome.concerns.all())
    if not people:
        people = [m.person for m in episode.family.members.select_related("person")]
    try:
        return offer_services.referral_make(
            actor=actor,
            family=episode.family,
            service=signpost.service,
            people=people,
            source=Referral.Source.PLAN_ACTION,
            source_type=SIGNPOST_SOURCE_TYPE,
            source_id=str(action.pk),
            handover_to=signpost.handover_to,
            handover_on=signpost.handover_on,
            agreed_with_family=bool(signpost.agreed_with_family),
            reason=action.what,
        )
    except ValidationError as error:
        raise ValidationError(
            {_REFERRAL_FIELDS.get(k, k): v for k, v in error.message_dict.items()}
        ) from error


def action_referrals(user, outcomes: Iterable[PlanOutcome]) -> dict[int, list[Referral]]:
    """The referrals the actions of ``outcomes`` (from ``plan_rows``) made, those the reader may
    see, each waiting one with its place on the list (``waiting_position``), by action id."""
    action_ids = [str(a.pk) for outcome in outcomes for a in outcome.actions.all()]
    if not action_ids:
        return {}
    referrals = list(
        offer_selectors.referrals_readable(user)
        .filter(source_type=SIGNPOST_SOURCE_TYPE, source_id__in=action_ids)
        .select_related("service")
        .order_by("-made_on", "-id")
    )
    positions = offer_selectors.waiting_positions(referrals)
    found: dict[int, list[Referral]] = {}
    for referral in referrals:
        referral.waiting_position = positions.get(referral.pk)
        found.setdefault(int(referral.source_id), []).append(referral)
    return found


def _validate_action(
    people: PlanPeople,
    what: str,
    doer: str,
    who: str,
    by_when,
    concerns: Iterable,
    what_child_words: str = "",
) -> tuple[str, _Doer, list[Person]]:
    errors = {}
    if not (what or "").strip():
        errors["what"] = "Enter what will be done"
    if len((what_child_words or "").strip()) > CHILD_WORDS_MAX:
        errors["what_child_words"] = ACTION_CHILD_WORDS_TOO_LONG
    resolved = None
    try:
        resolved = _resolve_doer(people, doer, who)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if not by_when:
        errors["by_when"] = "Enter the date it will be done by"
    try:
        members = _resolve_concerns(people, concerns)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return what.strip(), resolved, members


@transaction.atomic
def plan_action_add(
    *,
    actor,
    outcome: PlanOutcome,
    expected_version: int,
    what: str,
    by_when: date,
    doer: str = "",
    who: str = "",
    concerns: Iterable = (),
    reason: str = "",
    agency=None,
    what_child_words: str = "",
    signpost: Signpost | None = None,
) -> PlanAction:
    """Add an action. ``doer`` is who does it, chosen from the record (see ``PlanPeople``:
    ``lead_professional``, ``person:<id>``, ``professional:<id>``) or ``someone_else`` with
    ``who`` typed; ``concerns`` names the family members it is for (empty: as its outcome);
    ``what_child_words`` is what a child's copy shows instead of ``what``. ``signpost``: a
    directory service the family is handed over to (the offer app's referral, see ``_signpost``)."""
    plan = outcome.plan
    _guard(actor, plan.episode)
    what, resolved, members = _validate_action(
        plan_people(plan.episode), what, doer, who, by_when, concerns, what_child_words
    )
    child_words = (what_child_words or "").strip()
    _bump(actor, plan, expected_version)
    action = PlanAction.objects.create(
        outcome=outcome,
        what=what,
        doer=resolved.doer,
        doer_person=resolved.person,
        doer_professional=resolved.professional,
        who=resolved.who,
        by_when=by_when,
        agency=agency,
        what_child_words=child_words,
    )
    action.concerns.set(members)
    referral = (
        _signpost(actor=actor, action=action, episode=plan.episode, signpost=signpost)
        if signpost is not None
        else None
    )
    _history(actor, plan.episode, "action added", reason)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=action,
        detail={
            "fields": ["what", "who", "by_when", *(["what_child_words"] if child_words else [])],
            "doer": resolved.doer,
            "concerns": len(members),
            **({"offer_referral": referral.pk} if referral is not None else {}),
        },
    )
    return action


def _set_status(action: PlanAction, status: str, on: date | None) -> list[str]:
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": "Select the action’s status"})
    if status == action.status:
        return []
    action.status = status
    action.done_on = (on or clock.today()) if status == PlanAction.Status.DONE else None
    return ["status", "done_on"]


@transaction.atomic
def plan_action_update(
    *,
    actor,
    action: PlanAction,
    expected_version: int,
    changes: dict,
    reason: str = "",
    signpost: Signpost | None = None,
) -> PlanAction:
    """Change an action (``changes``: some of ``ACTION_FIELDS``); ``signpost`` hands the family
    over to a directory service as well (a new referral; refused if this action already has a
    live one to that service)."""
    plan = action.outcome.plan
    _guard(actor, plan.episode)
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown action fields: {sorted(unknown)}")
    current_concerns = [str(pk) for pk in action.concerns.values_list("pk", flat=True)]
    # A name typed with no choice made is someone else; otherwise the doer stays as it was.
    current_doer = SOMEONE_ELSE if "who" in changes else doer_token(action)
    what, resolved, members = _validate_action(
        plan_people(plan.episode),
        changes.get("what", action.what),
        changes.get("doer") or current_doer,
        changes.get("who", action.who),
        changes.get("by_when", action.by_when),
        changes.get("concerns", current_concerns),
        changes.get("what_child_words", action.what_child_words),
    )
    merged = {
        "what": what,
        "doer": resolved.doer,
        "doer_person": resolved.person,
        "doer_professional": resolved.professional,
        "who": resolved.who,
        "by_when": changes.get("by_when", action.by_when),
        "agency": changes.get("agency", action.agency),
        "what_child_words": (
            changes.get("what_child_words", action.what_child_words) or ""
        ).strip(),
    }
    changed = sorted(k for k, v in merged.items() if getattr(action, k) != v)
    for name in changed:
        setattr(action, name, merged[name])
    if "status" in changes:
        changed += _set_status(action, changes["status"], None)
    concerns_changed = {str(p.pk) for p in members} != set(current_concerns)
    if not changed and not concerns_changed and signpost is None:
        _check_version(plan, expected_version)
        return action
    _bump(actor, plan, expected_version)
    if changed:
        action.save(update_fields=sorted(set(changed)))
    if concerns_changed:
        action.concerns.set(members)
        changed.append("concerns")
    referral = (
        _signpost(actor=actor, action=action, episode=plan.episode, signpost=signpost)
        if signpost is not None
        else None
    )
    _history(actor, plan.episode, "action changed", reason)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=action,
        detail={
            "fields": sorted(set(changed)),
            **({"offer_referral": referral.pk} if referral is not None else {}),
        },
    )
    return action


@transaction.atomic
def plan_action_complete(
    *, actor, action: PlanAction, expected_version: int, done_on: date | None = None
) -> PlanAction:
    plan = action.outcome.plan
    _guard(actor, plan.episode)
    if done_on and done_on > clock.today():
        raise ValidationError({"done_on": "The date it was done must be today or in the past"})
    changed = _set_status(action, PlanAction.Status.DONE, done_on)
    if not changed:
        _check_version(plan, expected_version)
    else:
        _bump(actor, plan, expected_version)
        action.save(update_fields=changed)
        _history(actor, plan.episode, "action done")
        audit_record(actor=actor, action=Action.UPDATE, target=action, detail={"fields": changed})
    return action


# ---------------------------------------------------------------- reviews


def _next_due(episode: Episode) -> date:
    last = (
        episode.reviews.filter(held_on__isnull=False)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    return (last or episode.started_on) + timedelta(weeks=episode.review_every_weeks)


def reviews_schedule(episode: Episode) -> PlanReview | None:
    """Make sure the next review exists (one outstanding at a time) while the episode is open.

    Due the episode's cadence after the last review held, or after the episode started."""
    if not episode.is_open:
        return None
    pending = episode.reviews.filter(held_on__isnull=True).order_by("due_on").first()
    if pending is not None:
        return pending
    return PlanReview.objects.create(episode=episode, due_on=_next_due(episode))


@transaction.atomic
def review_record(
    *,
    actor,
    review: PlanReview,
    held_on: date,
    family_views: str = "",
    children_views: dict | None = None,
    progress: dict | None = None,
    action_status: dict | None = None,
    progress_notes: str = "",
    what_changes: str = "",
    expected_version: int | None = None,
) -> PlanReview:
    episode = review.episode
    _guard(actor, episode)
    review = lock(PlanReview, review.pk)
    if review.held_on is not None:
        raise ValidationError("This review has already been recorded")
    if not held_on:
        raise ValidationError({"held_on": "Enter the date the review was held"})
    if held_on > clock.today():
        raise ValidationError(
            {"held_on": "The date the review was held must be today or in the past"}
        )
    plan = _plan(episode)
    outcomes = {o.pk: o for o in plan.outcomes.all()}
    actions = {a.pk: a for a in PlanAction.objects.filter(outcome__plan=plan)}
    child_ids = {
        str(m.person_id)
        for m in episode.family.members.filter(person__kind__in=["child", "unborn"])
    }
    children_views = {
        str(k): (v or "").strip() for k, v in (children_views or {}).items() if (v or "").strip()
    }
    if set(children_views) - child_ids:
        raise ValidationError(
            {"children_views": "Views can only be recorded for the family’s children"}
        )
    _bump(actor, plan, expected_version)
    for key, value in (progress or {}).items():
        outcome = outcomes.get(int(key))
        if outcome is None:
            raise ValidationError({"progress": "That outcome is not part of this plan"})
        if value not in PlanOutcome.Progress.values:
            raise ValidationError({"progress": "Select the progress for each outcome"})
        if outcome.progress != value:
            outcome.progress = value
            outcome.save(update_fields=["progress"])
    for key, value in (action_status or {}).items():
        action = actions.get(int(key))
        if action is None:
            raise ValidationError({"action_status": "That action is not part of this plan"})
        changed = _set_status(action, value, held_on)
        if changed:
            action.save(update_fields=changed)
    review.held_on = held_on
    review.family_views = (family_views or "").strip()
    review.children_views = children_views
    review.progress_notes = (progress_notes or "").strip()
    review.what_changes = (what_changes or "").strip()
    review.progress = {str(pk): outcome.progress for pk, outcome in outcomes.items()}
    review.recorded_by = actor
    review.save()
    _history(actor, episode, "review recorded")
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=review,
        detail={
            "fields": [
                "held_on",
                "family_views",
                "children_views",
                "progress_notes",
                "what_changes",
            ],
            "outcomes": len(progress or {}),
            "actions": len(action_status or {}),
            "children": len(children_views),
        },
    )
    chronology.episode_event(
        actor=actor,
        episode=episode,
        event="review",
        summary="Family plan reviewed",
        occurred_on=held_on,
    )
    reviews_schedule(episode)
    return review


# ---------------------------------------------------------------- reads


def plan_for(user, episode: Episode) -> FamilyPlan | None:
    """The episode's plan, when the user can see the episode (404 otherwise, through get_episode)."""
    episode = selectors.get_episode(user, episode.pk)
    return (
        FamilyPlan.objects.filter(episode=episode)
        .select_related("episode", "updated_by")
        .prefetch_related("outcomes__actions")
        .first()
    )


def next_review(episode: Episode) -> PlanReview | None:
    return episode.reviews.filter(held_on__isnull=True).order_by("due_on").first()


def overdue_reviews(episode: Episode, today: date | None = None):
    today = today or clock.today()
    return episode.reviews.filter(held_on__isnull=True, due_on__lt=today).order_by("due_on")


def overdue_actions(episode: Episode, today: date | None = None):
    today = today or clock.today()
    return (
        PlanAction.objects.filter(
            outcome__plan__episode=episode, status=PlanAction.Status.OPEN, by_when__lt=today
        )
        .select_related("outcome")
        .order_by("by_when", "id")
    )


def overdue_for(user, today: date | None = None) -> dict:
    """Overdue reviews and actions on the episodes a lead professional leads or a manager oversees."""
    today = today or clock.today()
    episodes = selectors.episodes_for(user).filter(
        status__in=[Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED]
    )
    mine = episodes.filter(lead_professional=user) | episodes.filter(
        lead_professional__team__in=user.managed_teams.all()
    )
    return {
        "reviews": PlanReview.objects.filter(
            episode__in=mine, held_on__isnull=True, due_on__lt=today
        ).select_related("episode__family"),
        "actions": PlanAction.objects.filter(
            outcome__plan__episode__in=mine, status=PlanAction.Status.OPEN, by_when__lt=today
        ).select_related("outcome__plan__episode__family"),
    }


# ---------------------------------------------------------------- the family's and a child's copy


def _open(actions) -> list[PlanAction]:
    return sorted(
        (a for a in actions if a.status == PlanAction.Status.OPEN), key=lambda a: (a.by_when, a.pk)
    )


def _plan_rows(plan: FamilyPlan) -> list[PlanOutcome]:
    """The plan's outcomes with their actions, whom each concerns and who does it (few queries)."""
    return list(
        plan.outcomes.prefetch_related(
            "concerns",
            "actions__concerns",
            "actions__doer_person",
            "actions__doer_professional__agency",
            "actions__agency",
        )
    )


def plan_rows(plan: FamilyPlan) -> list[PlanOutcome]:
    """The plan's outcomes for its page: each outcome and action labelled with whom it is for
    (``for_label``) and each action with who does it (``doer_label``)."""
    outcomes = _plan_rows(plan)
    for outcome in outcomes:
        outcome.for_label = ", ".join(p.full_name for p in outcome.concerns.all())
        for action in outcome.actions.all():
            action.doer_label = doer_name(action, plan.episode)
            action.for_label = ", ".join(p.full_name for p in action.concerns.all())
    return outcomes


def concerns_of(action: PlanAction) -> set:
    """Whom an action concerns: its own people, or else its outcome's."""
    own = {p.pk for p in action.concerns.all()}
    return own or {p.pk for p in action.outcome.concerns.all()}


@dataclass
class Helper:
    """One person helping, named once, with the open actions they will do."""

    name: str
    is_lead: bool = False
    detail: str = ""
    actions: list[PlanAction] = field(default_factory=list)


@dataclass
class FamilyCopy:
    outcomes: list[PlanOutcome]
    helpers: list[Helper]
    lead: Helper


def _name_key(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def _helpers(episode: Episode, actions: list[PlanAction]) -> tuple[Helper, list[Helper]]:
    """The lead professional, then everyone else who does an open action, each person once.

    The same person chosen two ways (the lead also listed among the professionals, or typed as
    someone else) is one person: the record's identity first, then the name."""
    lead_user = episode.lead_professional
    lead = Helper(
        name=lead_user.get_full_name() or lead_user.username,
        is_lead=True,
        detail=episode.lead_agency.name,
    )
    by_key: dict[tuple, Helper] = {}
    by_name: dict[str, Helper] = {_name_key(lead.name): lead}
    order: list[Helper] = []
    for action in actions:
        if action.doer == PlanAction.Doer.LEAD_PROFESSIONAL:
            lead.actions.append(action)
            continue
        if action.doer == PlanAction.Doer.FAMILY_MEMBER and action.doer_person is not None:
            key, name, detail = ("person", action.doer_person_id), action.doer_person.full_name, ""
        elif action.doer == PlanAction.Doer.PROFESSIONAL and action.doer_professional is not None:
            professional = action.doer_professional
            key, name = ("professional", professional.pk), professional.name
            detail = ", ".join(p for p in (professional.role, professional.organisation_name) if p)
        else:
            key, name, detail = ("name", _name_key(action.who)), action.who, ""
        helper = by_key.get(key) or by_name.get(_name_key(name))
        if helper is None:
            helper = Helper(name=name, detail=detail)
            order.append(helper)
            by_name[_name_key(name)] = helper
        by_key[key] = helper
        helper.actions.append(action)
    return lead, order


def family_copy(plan: FamilyPlan) -> FamilyCopy:
    """The family's copy: the outcomes in the family's words, and who is helping (each person
    once, the lead professional first) with what they will do."""
    outcomes = _plan_rows(plan)
    lead, others = _helpers(plan.episode, _open(a for o in outcomes for a in o.actions.all()))
    return FamilyCopy(outcomes=outcomes, helpers=others, lead=lead)


# Wording for a child's copy by age: under 8, 8 to 12, 13 and over.
CHILD_COPY_WORDING = {
    "young": {
        "title": "Hello {name}. This is your plan.",
        "intro": "This plan is about you. It says what the grown-ups are going to do to help.",
        "outcomes": "What we’re going to do",
        "none_yet": "We are still deciding.",
        "next_steps": "Here are the next steps:",
        "helpers": "The grown-ups helping you",
        "lead": "{lead} is helping you. You can talk to them about anything in this plan.",
        "meet": "When we’ll meet",
    },
    "middle": {
        "title": "{name}’s plan",
        "intro": "This is your part of the plan. It says what we are working on with you.",
        "outcomes": "What we are working on",
        "none_yet": "We have not decided yet. We will talk to you about it.",
        "next_steps": "What happens next:",
        "helpers": "People helping you",
        "lead": "{lead} is the main person helping you. You can ask them about this plan.",
        "meet": "When we will meet",
    },
    "teen": {
        "title": "Your plan, {name}",
        "intro": (
            "This is the part of your family’s plan that is about you. "
            "If something is wrong or missing, tell us."
        ),
        "outcomes": "What we’re working on together",
        "none_yet": "Nothing is agreed yet. We want to hear what you think.",
        "next_steps": "Next steps:",
        "helpers": "Who’s helping",
        "lead": "{lead} is your lead professional. Talk to them about anything in this plan.",
        "meet": "When we meet next",
    },
}


def age_on(person: Person, today: date) -> int | None:
    born = person.date_of_birth
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def age_band(person: Person, today: date | None = None) -> str:
    age = age_on(person, today or clock.today())
    if age is None or age < 8:
        return "young"
    return "middle" if age < 13 else "teen"


@dataclass
class ChildCopy:
    child: Person
    band: str
    words: dict
    outcomes: list[PlanOutcome]
    actions: list[PlanAction]
    lead: Helper
    helpers: list[Helper]


def child_copy(plan: FamilyPlan, child: Person, today: date | None = None) -> ChildCopy:
    """A child's copy: only the outcomes and open actions that concern this child (never a
    brother's or sister's, never the adults' own), in words for the child's age.

    Each outcome and action carries ``child_text``: the words written for a child to read where
    there are some, else the family's words. An outcome or action that names no one is not
    shown: it may be anyone's."""
    rows = _plan_rows(plan)
    outcomes = [o for o in rows if child.pk in {p.pk for p in o.concerns.all()}]
    actions = _open(a for o in rows for a in o.actions.all() if child.pk in concerns_of(a))
    for outcome in outcomes:
        outcome.child_text = outcome.outcome_child_words or outcome.outcome_family_words
    for action in actions:
        action.child_text = action.what_child_words or action.what
    lead, helpers = _helpers(plan.episode, actions)
    band = age_band(child, today)
    name = child.preferred_name or child.first_name or "there"
    words = {
        key: text.format(name=name, lead=lead.name)
        for key, text in CHILD_COPY_WORDING[band].items()
    }
    return ChildCopy(
        child=child,
        band=band,
        words=words,
        outcomes=outcomes,
        actions=actions,
        lead=lead,
        helpers=helpers,
    )
