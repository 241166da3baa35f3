"""The council pack's ``supervision`` section: how often supervision is due, and the questions
the supervision form asks (the lessons of serious case reviews, seed 003)::

    supervision:
      every_weeks: 4
      prompts:
        - {key: drift, question: "Drift and delay: ..."}

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``OversightConfig.ready``). Without the section the defaults apply
(``selectors.DEFAULT_EVERY_WEEKS`` and ``DEFAULT_PROMPTS``).
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from oversight.models import SupervisionPolicy

SECTION = "supervision"
KINDS = ("supervision policy",)


def register() -> None:
    council_pack.register_section(
        SECTION, read=read_supervision, load=load_supervision, kinds=KINDS
    )


def read_supervision(root: Node, plan: Plan) -> Values | None:
    if root.value(SECTION) is None:
        return None
    node = root.child(SECTION)
    every = node.number("every_weeks")
    if not 1 <= every <= 52:
        raise PackError(f"{node.at('every_weeks')}: expected 1 to 52 weeks, got {every}")
    prompts = []
    keys: set[str] = set()
    for _, item in node.items("prompts", required=False):
        key = item.text("key")
        if key in keys:
            raise PackError(f"{item.at('key')}: '{key}' is listed twice")
        keys.add(key)
        prompts.append({"key": key, "question": item.text("question")})
        item.done()
    node.done()
    return {"every_weeks": every, "prompts": prompts}


def load_supervision(values: Values | None, loaded: Loaded) -> None:
    if values is None:
        return
    # One policy for the installation: the first row, whatever it holds.
    upsert(
        SupervisionPolicy,
        lookup={},
        values=values,
        result=loaded.result,
        kind="supervision policy",
    )
