"""The one workflow helper: a table of moves, checked, saved, with a history row and an audit row."""

import pytest
from django.db import models

from accounts.tests.factories import UserFactory
from core.models import AuditEvent, Council
from core.workflow import TransitionNotAllowed, Workflow


class Colour(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


FLOW = Workflow(
    noun="light",
    choices=Colour,
    initial=frozenset({Colour.RED}),
    table={
        Colour.RED: frozenset({Colour.AMBER}),
        Colour.AMBER: frozenset({Colour.GREEN, Colour.RED}),
        Colour.GREEN: frozenset(),
    },
)


def test_allowed_and_terminal():
    assert FLOW.allowed(Colour.RED) == {Colour.AMBER}
    assert FLOW.terminal == {Colour.GREEN}
    assert FLOW.can_move(Colour.AMBER, Colour.RED)
    assert not FLOW.can_move(Colour.GREEN, Colour.RED)


def test_a_move_not_in_the_table_is_refused_in_words():
    with pytest.raises(TransitionNotAllowed) as refused:
        FLOW.check(Colour.RED, Colour.GREEN)
    assert refused.value.messages == ["A light that is red cannot become green"]


def test_unreachable_statuses_are_found():
    flow = Workflow(
        noun="light",
        choices=Colour,
        initial=frozenset({Colour.RED}),
        table={
            Colour.RED: frozenset(),
            Colour.AMBER: frozenset({Colour.GREEN}),
            Colour.GREEN: frozenset(),
        },
    )
    assert flow.unreachable() == {Colour.AMBER, Colour.GREEN}
    assert FLOW.unreachable() == set()


def test_a_table_must_cover_every_status():
    with pytest.raises(ValueError, match="no row for"):
        Workflow(
            noun="light", choices=Colour, initial=frozenset({"red"}), table={"red": frozenset()}
        )
    with pytest.raises(ValueError, match="unknown statuses"):
        Workflow(
            noun="light",
            choices=Colour,
            initial=frozenset({"red"}),
            table={"red": frozenset({"blue"}), "amber": frozenset(), "green": frozenset()},
        )


@pytest.mark.django_db
def test_move_saves_writes_history_and_audits():
    """Exercised on a real model: the council's name stands in for a status column."""
    council = Council.objects.create(name="red")
    actor = UserFactory()
    rows = []
    flow = Workflow(
        noun="light",
        choices=Colour,
        initial=frozenset({Colour.RED}),
        table=FLOW.table,
        status_field="name",
    )

    came_from = flow.move(
        council,
        Colour.AMBER,
        actor=actor,
        reason="Ready",
        history=lambda **row: rows.append(row),
    )

    assert came_from == "red"
    council.refresh_from_db()
    assert council.name == "amber"
    assert rows == [
        {
            "record": council,
            "actor": actor,
            "from_status": "red",
            "to_status": "amber",
            "reason": "Ready",
        }
    ]
    event = AuditEvent.objects.get(record_type="core.council")
    assert event.detail == {"fields": ["name"], "from_status": "red", "status": "amber"}
    with pytest.raises(TransitionNotAllowed):
        flow.move(council, Colour.AMBER, actor=actor, reason="", history=lambda **row: None)
    council.refresh_from_db()
    assert council.name == "amber"
    assert len(rows) == 1


def test_a_refusal_reads_as_english_for_a_noun_with_a_vowel():
    flow = Workflow(noun="episode", choices=Colour, initial=FLOW.initial, table=FLOW.table)
    with pytest.raises(TransitionNotAllowed) as refused:
        flow.check(Colour.GREEN, Colour.RED)
    assert refused.value.messages == ["An episode that is green cannot become red"]
