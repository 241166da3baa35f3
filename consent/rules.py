"""Who may record consent and who may authorise going ahead without it (django-rules; loaded by
rules' autodiscovery).

The services ask these before writing, and the pages and API ask them earlier, before a form or
body is read, so a role that may not is refused (403) whatever it sent.
"""

import rules

from consent import services


@rules.predicate
def records_consent(user) -> bool:
    """Anyone who works with families (``services.RECORD_ROLES``); not business support."""
    return services.can_record_consent(user)


@rules.predicate
def overrides_consent(user) -> bool:
    """A manager's decision, never a practitioner's (``services.OVERRIDE_ROLES``)."""
    return services.can_override_consent(user)


rules.add_perm("consent.record_decision", records_consent)
rules.add_perm("consent.record_override", overrides_consent)
