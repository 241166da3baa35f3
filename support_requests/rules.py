"""Who may ask the early support service for help (django-rules; loaded by rules' autodiscovery).

The service asks this before writing, and the API asks it earlier, before the body is read, so a
role that may not make requests is refused (403) whatever it sent.
"""

import rules

from support_requests import selectors


@rules.predicate
def makes_requests(user) -> bool:
    """Practitioners and lead professionals of any agency (``selectors.REQUESTER_ROLES``)."""
    return selectors.can_make_requests(user)


rules.add_perm("support_requests.make_request", makes_requests)
