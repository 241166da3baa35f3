"""Who may see the retention schedule and its runs, and answer a subject access request.

Both are the council's data protection work, done by its system administrators. A subject access
request covers everything held about a person, in every team's scope, so it is not limited by the
case-record scopes (ADR 0019): the permission is narrow instead, and every export is audited.
"""

import rules

from core.rules import is_system_administrator

# The retention schedule, its runs, and legal holds on a family's records.
rules.add_perm("dataprotection.manage_retention", is_system_administrator)
# Finding a person for a subject access request, exporting what is held, rectification notes.
rules.add_perm("dataprotection.subject_access", is_system_administrator)
