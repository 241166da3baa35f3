"""The council pack's ``offer`` section: how long a family may wait for a programme before the
waiting list flags it, the priorities a referral may have (most urgent first: the waiting list's
order), and the impact measures recorded per participant (the report's §3.32)::

    offer:
      waiting_flag_weeks: 6
      priorities:
        - {code: urgent, name: Urgent}
      impact_measures:
        - {code: plan-closed, name: "The CPP/CIN/TAF plan has been closed"}

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``OfferConfig.ready``). Without the section the defaults apply
(``selectors.DEFAULT_*``).
"""

from __future__ import annotations

from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert
from offer.models import OfferPolicy

SECTION = "offer"
KINDS = ("offer policy",)


def register() -> None:
    council_pack.register_section(SECTION, read=read_offer, load=load_offer, kinds=KINDS)


def _coded(node: Node, key: str) -> list[dict]:
    out = []
    seen: set[str] = set()
    for _, item in node.items(key):
        code = item.text("code")
        if code in seen:
            raise PackError(f"{item.at('code')}: '{code}' is listed twice")
        seen.add(code)
        out.append({"code": code, "name": item.text("name")})
        item.done()
    return out


def read_offer(root: Node, plan: Plan) -> Values | None:
    if root.value(SECTION) is None:
        return None
    node = root.child(SECTION)
    weeks = node.number("waiting_flag_weeks")
    if not 1 <= weeks <= 104:
        raise PackError(f"{node.at('waiting_flag_weeks')}: expected 1 to 104 weeks, got {weeks}")
    values = {
        "waiting_flag_weeks": weeks,
        "priorities": _coded(node, "priorities"),
        "impact_measures": _coded(node, "impact_measures"),
    }
    node.done()
    return values


def load_offer(values: Values | None, loaded: Loaded) -> None:
    if values is None:
        return
    # One policy for the installation: the first row, whatever it holds.
    upsert(OfferPolicy, lookup={}, values=values, result=loaded.result, kind="offer policy")
