"""One way to move a record through its workflow.

Each workflow (a request, an assessment, a panel case, an episode) declares its statuses as a
``TextChoices`` and the moves it allows as a table. ``Workflow.move`` is the only code that
changes such a status: it refuses a move the table does not hold, saves the new status, writes
the workflow's append-only history row (who, when, from, to, why) and the audit row, all in the
caller's transaction. A state no move can reach is a design error, caught by ``unreachable``
(each app's tests assert it is empty).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models

from core.audit import Action, audit_record
from core.errors import ConflictError


class TransitionNotAllowed(ConflictError):
    """The record cannot move to that status from where it is now (someone may have moved it
    first). 409 in the API; a message on the page."""


# Writes the workflow's history row: (record, actor, from_status, to_status, reason).
HistoryWriter = Callable[..., object]


@dataclass(frozen=True)
class Workflow:
    """The statuses of one kind of record, and the moves between them."""

    noun: str  # "request", "assessment": how a refusal names the record
    choices: type[models.TextChoices]
    initial: frozenset[str]
    table: Mapping[str, frozenset[str]]
    status_field: str = "status"
    terminal: frozenset[str] = field(init=False)

    def __post_init__(self):
        known = set(self.choices.values)
        unknown = (set(self.table) | set().union(*self.table.values()) | set(self.initial)) - known
        if unknown:
            raise ValueError(f"{self.noun} workflow names unknown statuses: {sorted(unknown)}")
        missing = known - set(self.table)
        if missing:
            raise ValueError(f"{self.noun} workflow has no row for: {sorted(missing)}")
        object.__setattr__(
            self, "terminal", frozenset(s for s, moves in self.table.items() if not moves)
        )

    def allowed(self, from_status: str) -> frozenset[str]:
        return self.table.get(from_status, frozenset())

    def can_move(self, from_status: str, to_status: str) -> bool:
        return to_status in self.allowed(from_status)

    def check(self, from_status: str, to_status: str) -> None:
        if not self.can_move(from_status, to_status):
            article = "An" if self.noun[:1].lower() in "aeiou" else "A"
            raise TransitionNotAllowed(
                f"{article} {self.noun} that is {self.label(from_status).lower()} cannot become "
                f"{self.label(to_status).lower()}"
            )

    def label(self, status: str) -> str:
        return str(self.choices(status).label)

    def unreachable(self) -> set[str]:
        """Statuses no sequence of moves reaches from a starting status."""
        seen = set(self.initial)
        frontier = list(self.initial)
        while frontier:
            for following in self.allowed(frontier.pop()):
                if following not in seen:
                    seen.add(following)
                    frontier.append(following)
        return set(self.choices.values) - seen

    def move(
        self,
        record: models.Model,
        to_status: str,
        *,
        actor,
        reason: str,
        history: HistoryWriter,
        fields: Iterable[str] = (),
        audit_detail: Mapping | None = None,
    ) -> str:
        """Move ``record`` (already locked by the caller) to ``to_status``.

        ``fields`` names other columns the caller set on ``record`` for this move (an end date,
        say); they are saved with the status. ``history`` writes the workflow's own history row.
        Returns the status the record moved from.
        """
        from_status = getattr(record, self.status_field)
        self.check(from_status, to_status)
        setattr(record, self.status_field, to_status)
        update_fields = [self.status_field, *fields]
        if any(f.name == "updated_at" for f in record._meta.concrete_fields):
            update_fields.append("updated_at")
        record.save(update_fields=update_fields)
        history(
            record=record,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=record,
            detail={
                "fields": sorted({self.status_field, *fields}),
                "from_status": from_status,
                "status": to_status,
                **(audit_detail or {}),
            },
        )
        return from_status
