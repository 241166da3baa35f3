"""The family page's notice (``core.notices``): the family's referrals and signposts to services
in the offer, and the way to refer or signpost them. Only for those who may refer; the
referrals counted are those the reader may read. One query for any number of families."""

from __future__ import annotations

from collections import Counter

import rules
from django.db.models import Count
from django.urls import reverse

from core.notices import Notice
from offer import selectors
from offer.models import Referral


def family(user, families: list) -> dict:
    if not rules.has_perm("offer.refer", user) or not families:
        return {}
    counted: dict = {}
    rows = (
        selectors.referrals_readable(user)
        .filter(family__in=[f.pk for f in families])
        .values("family_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counted.setdefault(row["family_id"], Counter())[row["status"]] += row["n"]
    found: dict = {}
    for item in families:
        by_status = counted.get(item.pk, Counter())
        lines = tuple(
            f"{label}: {by_status[status]}"
            for status, label in Referral.Status.choices
            if by_status[status]
        ) or ("No referrals or signposts to services yet.",)
        found[item.pk] = [
            Notice(
                key="offer_referrals",
                title="Services and programmes",
                lines=lines,
                url=reverse("offer:refer_family", kwargs={"family_id": item.pk}),
                link_text="Refer or signpost this family to a service",
                kind="information",
            )
        ]
    return found
