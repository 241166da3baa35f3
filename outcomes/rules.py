"""Who may map plan outcomes and record their scores, and who answers a sustained check
(django-rules; loaded by rules' autodiscovery).

Seeing an episode's outcomes is scope: whoever may see the episode's family reads them, and out
of scope is a 404 before any of these is asked. Recording is for whoever may change the episode
(its lead professional, their team manager, the early support service: ``casework.change_episode``).
The sustained check is the lead agency's: the episode's lead professional or a team manager of
their team.
"""

import rules

from casework.rules import (
    CASEWORK_ROLES,
    changes_episode,
    is_lead_professional,
    manages_lead_professional,
)
from casework.selectors import episodes_for


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _in_scope(user, episode) -> bool:
    return episodes_for(user).filter(pk=episode.pk).exists()


@rules.predicate
def records_any_outcomes(user) -> bool:
    """Of a role that may change an episode (whichever): business support keep records only."""
    return _active(user) and user.has_role(*CASEWORK_ROLES)


@rules.predicate
def records_outcomes(user, episode) -> bool:
    if episode is None or not _active(user):
        return False
    return bool(changes_episode(user, episode) and _in_scope(user, episode))


@rules.predicate
def answers_sustained_check(user, episode) -> bool:
    if episode is None or not _active(user):
        return False
    return bool(
        (is_lead_professional(user, episode) or manages_lead_professional(user, episode))
        and _in_scope(user, episode)
    )


# Asked with the episode: mapping plan outcomes to framework outcomes and recording scores.
rules.add_perm("outcomes.record_scores", records_outcomes)
# Whether to take a score or mapping at all, before its body names the episode (the API).
rules.add_perm("outcomes.record_any", records_any_outcomes)
# Asked with the episode: answering its sustained check.
rules.add_perm("outcomes.answer_sustained_check", answers_sustained_check)
