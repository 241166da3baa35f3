"""The council pack's ``neglect`` section: the licensed graded-care tools the council uses.

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``NeglectConfig.ready``)::

    neglect:
      graded_care_tools:
        - code: gcp2
          name: Graded Care Profile 2 (GCP2)
          areas: [Physical care, Care of safety, Love and care, Stimulation and education]
          grades: [1, 2, 3, 4, 5]

Only the tool's name, the names of the areas it grades and its scale: never its descriptors or
questions, which are licensed. A tool left out of the pack is no longer offered, but stays for
the results already recorded with it.
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from neglect.models import GradedCareTool

SECTION = "neglect"
KINDS = ("graded-care tools",)


def register() -> None:
    council_pack.register_section(SECTION, read=read_neglect, load=load_neglect, kinds=KINDS)


def _names(node: Node, key: str) -> list[str]:
    value = node.value(key)
    if not isinstance(value, list) or not value:
        raise PackError(f"{node.at(key)}: expected a non-empty list of names")
    names = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise PackError(f"{node.at(key)}[{index}]: expected a name")
        if item.strip() in names:
            raise PackError(f"{node.at(key)}[{index}]: '{item.strip()}' is listed twice")
        names.append(item.strip())
    return names


def _grades(node: Node, key: str) -> list[int]:
    value = node.value(key)
    if not isinstance(value, list) or len(value) < 2:
        raise PackError(f"{node.at(key)}: expected a list of at least two whole numbers")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in value):
        raise PackError(f"{node.at(key)}: expected whole numbers, got {value!r}")
    if len(set(value)) != len(value):
        raise PackError(f"{node.at(key)}: a grade is listed twice")
    return list(value)


def read_neglect(root: Node, plan: Plan) -> list[Values]:
    if root.value(SECTION) is None:
        return []
    section = root.child(SECTION)
    tools: list[Values] = []
    seen: set[str] = set()
    for index, node in section.items("graded_care_tools", required=False):
        code = node.text("code")
        if code in seen:
            raise PackError(f"{node.at('code')}: '{code}' is listed twice")
        seen.add(code)
        tools.append(
            {
                "code": code,
                "name": node.text("name"),
                "areas": _names(node, "areas"),
                "grades": _grades(node, "grades"),
                "sort_order": index,
            }
        )
        node.done()
    section.done()
    return tools


def load_neglect(tools: list[Values], loaded: Loaded) -> None:
    result = loaded.result
    listed = set()
    for values in tools:
        listed.add(values["code"])
        upsert(
            GradedCareTool,
            lookup={"code": values["code"]},
            values={**values, "in_pack": True},
            result=result,
            kind=KINDS[0],
        )
    # Results refer to their tool, so one left out of the pack is only no longer offered.
    removed = (
        GradedCareTool.objects.exclude(code__in=listed).filter(in_pack=True).update(in_pack=False)
    )
    result.removed[KINDS[0]] += removed
