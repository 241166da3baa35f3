"""The council pack's ``retention`` section: the council's retention schedule.

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``DataprotectionConfig.ready``)::

    retention:
      - {record_type: casework, after: closed, years: 6, action: anonymise}
      - {record_type: people, after: youngest_child_born, years: 25, action: anonymise}
      - {record_type: audit, action: keep}

Each record type may appear once. ``after`` and ``years`` are required unless the action is
``keep``; which events and actions a record type allows is ``models.ALLOWED``. A record type left
out of the pack is kept (its row is removed, and keeping is what an absent rule means).
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from dataprotection.models import ALLOWED, RecordType, RetentionAction, RetentionRule

SECTION = "retention"
KINDS = ("retention rules",)


def register() -> None:
    council_pack.register_section(SECTION, read=read_retention, load=load_retention, kinds=KINDS)


def read_retention(root: Node, plan: Plan) -> list[Values]:
    rules: list[Values] = []
    seen: set[str] = set()
    for index, node in root.items(SECTION, required=False):
        record_type = node.text("record_type")
        if record_type not in RecordType.values:
            raise PackError(
                f"{node.at('record_type')}: unknown record type '{record_type}'. "
                f"Use one of: {', '.join(RecordType.values)}."
            )
        if record_type in seen:
            raise PackError(f"{node.at('record_type')}: '{record_type}' is listed twice")
        seen.add(record_type)
        afters, actions = ALLOWED[record_type]
        action = node.text("action")
        if action not in actions:
            raise PackError(
                f"{node.at('action')}: '{record_type}' may only be {' or '.join(actions)}, "
                f"not '{action}'"
            )
        after, years = "", None
        if action != RetentionAction.KEEP:
            after = node.text("after")
            if after not in afters:
                raise PackError(
                    f"{node.at('after')}: '{record_type}' counts from {' or '.join(afters)}, "
                    f"not '{after}'"
                )
            years = node.number("years")
        node.done()
        rules.append(
            {
                "record_type": record_type,
                "after": after,
                "years": years,
                "action": action,
                "sort_order": index,
            }
        )
    return rules


def load_retention(rules: list[Values], loaded: Loaded) -> None:
    result = loaded.result
    listed = set()
    for values in rules:
        listed.add(values["record_type"])
        upsert(
            RetentionRule,
            lookup={"record_type": values["record_type"]},
            values=values,
            result=result,
            kind="retention rules",
        )
    # Nothing refers to a rule, so one left out of the pack goes: without a rule, records are kept.
    removed, _ = RetentionRule.objects.exclude(record_type__in=listed).delete()
    result.removed["retention rules"] += removed
