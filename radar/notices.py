"""The radar's notices on the episode page (``core.notices``): the episode's open flags, each
with its rule and reasons in words. The page has already read the episode through casework's
scope, so its flags are the reader's to see; one query however many episodes are asked about."""

from __future__ import annotations

from django.urls import reverse

from core import clock
from core.notices import Notice
from radar import selectors
from radar.models import RadarFlag, RuleCode
from radar.reasons import reasons


def episode(user, records) -> dict:
    today = clock.today()
    found: dict = {}
    flags = list(selectors.open_flags_for_episodes(records))
    # Anyone who sees the episode sees its flags; the flag's own page is for those whose radar
    # it is on (its lead professional and managers).
    linked = (
        set(
            selectors.flags_for(user)
            .filter(pk__in=[f.pk for f in flags])
            .values_list("pk", flat=True)
        )
        if flags
        else set()
    )
    for flag in flags:
        state = " (acknowledged)" if flag.status == RadarFlag.Status.ACKNOWLEDGED else ""
        found.setdefault(flag.episode_id, []).append(
            Notice(
                key=f"radar_{flag.rule}",
                title=f"On the radar: {RuleCode(flag.rule).label}{state}",
                lines=(reasons(flag, today),),
                url=reverse("radar:flag_detail", kwargs={"flag_id": flag.pk})
                if flag.pk in linked
                else "",
                link_text="See the flag" if flag.pk in linked else "",
            )
        )
    return found
