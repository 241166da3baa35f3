"""The council pack's ``radar`` section: the drift and delay rules and their thresholds.

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``RadarConfig.ready``)::

    radar:
      - {code: no_contact_with_child, enabled: true, days: 28}
      - {code: was_not_brought, enabled: true, missed: 2, weeks: 12}

Each rule may appear once; a rule left out of the pack is switched off (its row goes, and the
next run clears its flags). Which threshold keys a rule takes is ``THRESHOLDS``.
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from radar.models import RadarRule, RuleCode

SECTION = "radar"
KINDS = ("radar rules",)

# Per rule: the key of its threshold and, for a rule with two numbers, the key of its window.
THRESHOLDS: dict[str, tuple[str, str | None]] = {
    RuleCode.TIME_IN_STAGE: ("days", None),
    RuleCode.NO_CONTACT_WITH_CHILD: ("days", None),
    RuleCode.NOT_SEEN_ALONE: ("days", None),
    RuleCode.REVIEW_OVERDUE: ("days", None),
    RuleCode.ACTION_OVERDUE: ("days", None),
    RuleCode.NO_PROGRESS: ("reviews", None),
    RuleCode.EPISODE_OPEN_LONG: ("months", None),
    RuleCode.NO_LEAD_PROFESSIONAL: ("days", None),
    RuleCode.REQUEST_REPLY_OVERDUE: ("days", None),
    RuleCode.WAS_NOT_BROUGHT: ("missed", "weeks"),
}

# The least a threshold may be (days may be 0: "as soon as it is late").
MINIMUM = {"reviews": 2, "missed": 1, "months": 1}


def register() -> None:
    council_pack.register_section(SECTION, read=read_radar, load=load_radar, kinds=KINDS)


def read_radar(root: Node, plan: Plan) -> list[Values]:
    rules: list[Values] = []
    seen: set[str] = set()
    for index, node in root.items(SECTION, required=False):
        code = node.text("code")
        if code not in RuleCode.values:
            raise PackError(
                f"{node.at('code')}: unknown radar rule '{code}'. "
                f"Use one of: {', '.join(RuleCode.values)}."
            )
        if code in seen:
            raise PackError(f"{node.at('code')}: '{code}' is listed twice")
        seen.add(code)
        enabled = node.value("enabled")
        if enabled is None:
            enabled = True
        elif not isinstance(enabled, bool):
            raise PackError(f"{node.at('enabled')}: expected true or false, got {enabled!r}")
        threshold_key, window_key = THRESHOLDS[code]
        threshold = node.number(threshold_key)
        least = MINIMUM.get(threshold_key, 0)
        if threshold < least:
            raise PackError(f"{node.at(threshold_key)}: must be at least {least}")
        window = None
        if window_key:
            window = node.number(window_key)
            if window < 1:
                raise PackError(f"{node.at(window_key)}: must be at least 1")
        node.done()
        rules.append(
            {
                "code": code,
                "enabled": enabled,
                "threshold": threshold,
                "window": window,
                "sort_order": index,
            }
        )
    return rules


def load_radar(rules: list[Values], loaded: Loaded) -> None:
    result = loaded.result
    listed = set()
    for values in rules:
        listed.add(values["code"])
        upsert(
            RadarRule,
            lookup={"code": values["code"]},
            values=values,
            result=result,
            kind="radar rules",
        )
    # Flags keep the rule's code, not a link to its row, so a rule left out of the pack can go:
    # without it the rule is off, and the next run clears its flags.
    removed, _ = RadarRule.objects.exclude(code__in=listed).delete()
    result.removed["radar rules"] += removed
