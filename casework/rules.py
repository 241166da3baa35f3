"""Who may change an episode and its plan (django-rules; loaded by rules' autodiscovery).

The services ask these before writing, and the pages and API ask them earlier, before a form or
body is read, so a role that may not is refused (403) whatever it sent. The judgement itself is
``casework.selectors.can_change_episode`` (also used to show or hide buttons).
"""

import rules

from casework import selectors


@rules.predicate
def changes_episode(user, episode) -> bool:
    """The episode's lead professional, their manager or the early support service (issue 5)."""
    return episode is not None and selectors.can_change_episode(user, episode)


@rules.predicate
def is_early_support_service(user) -> bool:
    return user.is_authenticated and user.is_active and selectors.is_early_support_service(user)


rules.add_perm("casework.change_episode", changes_episode)
# Stepping a family down from an ended episode: also the early support service when the last
# lead professional has moved on.
rules.add_perm("casework.step_down_episode", changes_episode | is_early_support_service)
