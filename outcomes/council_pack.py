"""The council pack's ``outcomes`` section: the scale scores are on, and the outcome frameworks.

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``OutcomesConfig.ready``)::

    outcomes:
      scoring: {lowest: 0, highest: 10, lowest_words: Not met at all, highest_words: Fully met}
      frameworks:
        - code: stronger-families
          name: Stronger Families outcomes
          source: Early Help Strategy §3.5
          sustained_after_months: 6
          outcomes:
            - code: safe-at-home
              title: Children remain safely living with their family
              indicators:
                - {code: no-cic, name: No child became looked after, evidence_source: Social care records}

Every score is on the one ``scoring`` scale, whatever framework the plan outcome maps to, so
scores compare and distance travelled adds up. A council adds its own framework by adding it
here. A framework, outcome or indicator left out of the pack is no longer offered, but stays for
the links and scores already recorded against it.
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from outcomes.models import FrameworkOutcome, OutcomeFramework, OutcomeIndicator, OutcomeScale

SECTION = "outcomes"
KINDS = ("outcome scale", "outcome frameworks", "framework outcomes", "outcome indicators")
DEFAULT_SCALE = {
    "lowest": 0,
    "highest": 10,
    "lowest_words": "Not met at all",
    "highest_words": "Fully met",
}


def register() -> None:
    council_pack.register_section(SECTION, read=read_outcomes, load=load_outcomes, kinds=KINDS)


def _scale(section: Node) -> Values:
    if section.value("scoring") is None:
        return dict(DEFAULT_SCALE)
    node = section.child("scoring")
    scale = {
        "lowest": node.number("lowest"),
        "highest": node.number("highest"),
        "lowest_words": node.text("lowest_words"),
        "highest_words": node.text("highest_words"),
    }
    if scale["highest"] <= scale["lowest"]:
        raise PackError(f"{node.at('highest')}: must be more than lowest ({scale['lowest']})")
    node.done()
    return scale


def _code(node: Node, seen: set[str]) -> str:
    code = node.text("code")
    if code in seen:
        raise PackError(f"{node.at('code')}: '{code}' is listed twice")
    seen.add(code)
    return code


def _indicators(node: Node) -> list[Values]:
    indicators = []
    seen: set[str] = set()
    for index, item in node.items("indicators"):
        indicators.append(
            {
                "code": _code(item, seen),
                "name": item.text("name"),
                "evidence_source": item.text("evidence_source"),
                "sort_order": index,
            }
        )
        item.done()
    return indicators


def _outcomes(node: Node) -> list[Values]:
    outcomes = []
    seen: set[str] = set()
    for index, item in node.items("outcomes"):
        outcomes.append(
            {
                "code": _code(item, seen),
                "title": item.text("title"),
                "sort_order": index,
                "indicators": _indicators(item),
            }
        )
        item.done()
    return outcomes


def read_outcomes(root: Node, plan: Plan) -> Values | None:
    if root.value(SECTION) is None:
        return None
    section = root.child(SECTION)
    scale = _scale(section)
    frameworks = []
    seen: set[str] = set()
    for index, node in section.items("frameworks", required=False):
        months = node.number("sustained_after_months")
        if months < 1:
            raise PackError(f"{node.at('sustained_after_months')}: must be at least 1 month")
        frameworks.append(
            {
                "code": _code(node, seen),
                "name": node.text("name"),
                "source": node.text("source", required=False),
                "sustained_after_months": months,
                "sort_order": index,
                "outcomes": _outcomes(node),
            }
        )
        node.done()
    section.done()
    return {"scale": scale, "frameworks": frameworks}


def _retire(queryset, listed_pks: set[int], result, kind: str) -> None:
    # Links and scores refer to these rows, so one left out of the pack is only no longer offered.
    result.removed[kind] += (
        queryset.exclude(pk__in=listed_pks).filter(in_pack=True).update(in_pack=False)
    )


def load_outcomes(values: Values | None, loaded: Loaded) -> None:
    if values is None:
        return
    result = loaded.result
    upsert(OutcomeScale, lookup={"pk": 1}, values=values["scale"], result=result, kind=KINDS[0])
    frameworks: set[int] = set()
    outcomes: set[int] = set()
    indicators: set[int] = set()
    for framework_values in values["frameworks"]:
        fields = {k: v for k, v in framework_values.items() if k != "outcomes"}
        framework = upsert(
            OutcomeFramework,
            lookup={"code": fields["code"]},
            values={**fields, "in_pack": True},
            result=result,
            kind=KINDS[1],
        )
        frameworks.add(framework.pk)
        for outcome_values in framework_values["outcomes"]:
            fields = {k: v for k, v in outcome_values.items() if k != "indicators"}
            outcome = upsert(
                FrameworkOutcome,
                lookup={"framework": framework, "code": fields["code"]},
                values={**fields, "in_pack": True},
                result=result,
                kind=KINDS[2],
            )
            outcomes.add(outcome.pk)
            for indicator_values in outcome_values["indicators"]:
                indicator = upsert(
                    OutcomeIndicator,
                    lookup={"outcome": outcome, "code": indicator_values["code"]},
                    values={**indicator_values, "in_pack": True},
                    result=result,
                    kind=KINDS[3],
                )
                indicators.add(indicator.pk)
    _retire(OutcomeFramework.objects.all(), frameworks, result, KINDS[1])
    _retire(FrameworkOutcome.objects.all(), outcomes, result, KINDS[2])
    _retire(OutcomeIndicator.objects.all(), indicators, result, KINDS[3])
