"""The council pack's ``children_centres`` section: the kinds of contact a children's centre
records, whether each counts as reach, the small number kept off the figures, and after how many
months without a contact counted as reach a registered child is in the centre staff's work tray::

    children_centres:
      small_number: 5          # counts of 1 to 4 read "Fewer than 5" (as the reports do)
      not_seen_months: 3       # the work tray's "not seen" threshold, 1 to 24 months
      contact_kinds:
        - {key: stay_and_play, name: "Stay and play", counts_as_reach: true}
        - {key: information_call, name: "Information by phone", counts_as_reach: false}

Core loads the pack but may not import this app, so this app reads and loads the section
(registered from ``ChildrenCentresConfig.ready``). Without the section the defaults apply
(``selectors.DEFAULT_CONTACT_KINDS``, a small number of 5, the reports' default, and 3 months).
"""

from __future__ import annotations

import re

from children_centres.models import DEFAULT_NOT_SEEN_MONTHS, DEFAULT_SMALL_NUMBER, CentreSettings
from core import council_pack
from core.council_pack import Loaded, Node, PackError, Plan, Values, upsert

SECTION = "children_centres"
KINDS = ("children's centre settings",)
KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def register() -> None:
    council_pack.register_section(SECTION, read=read_section, load=load_section, kinds=KINDS)


def read_section(root: Node, plan: Plan) -> Values | None:
    if root.value(SECTION) is None:
        return None
    node = root.child(SECTION)
    small = node.number("small_number", default=DEFAULT_SMALL_NUMBER)
    # One is "show everything"; beyond 20 a centre's figures would be blank (as the reports).
    if not 1 <= small <= 20:
        raise PackError(f"{node.at('small_number')}: expected between 1 and 20, got {small}")
    months = node.number("not_seen_months", default=DEFAULT_NOT_SEEN_MONTHS)
    if not 1 <= months <= 24:
        raise PackError(f"{node.at('not_seen_months')}: expected between 1 and 24, got {months}")
    kinds, keys = [], set()
    for _, item in node.items("contact_kinds"):
        key = item.text("key")
        if not KEY.match(key):
            raise PackError(
                f"{item.at('key')}: expected lower-case letters, digits and _, got {key!r}"
            )
        if key in keys:
            raise PackError(f"{item.at('key')}: '{key}' is listed twice")
        keys.add(key)
        kinds.append(
            {"key": key, "name": item.text("name"), "counts_as_reach": item.flag("counts_as_reach")}
        )
        item.done()
    node.done()
    return {"small_number": small, "not_seen_months": months, "contact_kinds": kinds}


def load_section(values: Values | None, loaded: Loaded) -> None:
    if values is None:
        return
    # One row for the installation: the first, whatever it holds.
    upsert(
        CentreSettings,
        lookup={},
        values=values,
        result=loaded.result,
        kind="children's centre settings",
    )
