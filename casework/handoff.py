"""Casework's side of the panel's hand-offs (registered in ``casework.apps``; see ``panel.handoffs``).

The panel allocates a lead professional and decides closures; casework reacts by opening the
family's targeted episode, or closing or reopening it. A case keeps one chain of episodes through
a step up and a step down (ADR 0016); the panel's decision is about the episode of the chain that
is still open. An episode exists only for a case the panel allocated, so a closure decided on a
case without one (an older case) changes nothing here.
"""

from __future__ import annotations

from casework import services
from casework.selectors import open_episode_for_case


def case_allocated(*, actor, case, lead_professional, lead_agency) -> None:
    services.episode_open_from_allocation(
        actor=actor, case=case, lead_professional=lead_professional, lead_agency=lead_agency
    )


def closure_confirmed(*, actor, case) -> None:
    episode = open_episode_for_case(case)
    if episode is not None:
        services.episode_close_confirmed(actor=actor, episode=episode)


def closure_returned(*, actor, case, reason: str) -> None:
    episode = open_episode_for_case(case)
    if episode is not None:
        services.episode_closure_returned(actor=actor, episode=episode, reason=reason)
