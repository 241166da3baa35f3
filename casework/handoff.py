"""Casework's side of the panel's hand-offs (registered in ``casework.apps``; see ``panel.handoffs``).

The panel allocates a lead professional and decides closures; casework reacts by opening the
family's targeted episode, or closing or reopening it. An episode exists only for a case the
panel allocated, so a closure decided on a case without one (an older case) changes nothing here.
"""

from __future__ import annotations

from casework import services


def case_allocated(*, actor, case, lead_professional, lead_agency) -> None:
    services.episode_open_from_allocation(
        actor=actor, case=case, lead_professional=lead_professional, lead_agency=lead_agency
    )


def closure_confirmed(*, actor, case) -> None:
    episode = getattr(case, "episode", None)
    if episode is not None:
        services.episode_close_confirmed(actor=actor, episode=episode)


def closure_returned(*, actor, case, reason: str) -> None:
    episode = getattr(case, "episode", None)
    if episode is not None:
        services.episode_closure_returned(actor=actor, episode=episode, reason=reason)
