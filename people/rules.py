"""Who may search people's records (django-rules; loaded by rules' autodiscovery).

The search asks this before it runs, and the page and API ask it earlier, before the search
terms are read, so a role with no case access is refused (403) whatever it sent.
"""

import rules

from core import scope


@rules.predicate
def has_case_access(user) -> bool:
    """A role that works with case records (``core.scope.CASE_ROLES``)."""
    return scope.can_see_case_records(user)


rules.add_perm("people.search_people", has_case_access)
