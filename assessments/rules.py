"""Who may write assessments (django-rules; loaded by rules' autodiscovery).

The services ask this before writing, and the pages and API ask it earlier, before a form or body
is read, so a role that may not write is refused (403) whatever it sent.
"""

import rules

from assessments import selectors


@rules.predicate
def is_assessment_writer(user) -> bool:
    """Practitioners, lead professionals, team managers and early support team leaders: business
    support keep records and panel members only read packs (``selectors.WRITER_ROLES``)."""
    return user.is_authenticated and user.is_active and selectors.can_write(user)


rules.add_perm("assessments.write_assessment", is_assessment_writer)
