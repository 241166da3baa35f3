"""Writes to requests for support, split by sub-domain. Each is one transaction with its audit.

- ``public``: a member of the public's request, and how often one address may send one;
- ``practitioner``: a practitioner's request and a step-down from MASH;
- ``triage``: triage, its decision and the safeguarding stop it may raise;
- ``workflow``: which status may follow which, and the one helper that moves a request;
- ``follow``: the request following the family's case after triage (called by the apps above).

Callers import this package (``from support_requests import services``): the names below are
its public face. The reads the pages need as well (a pending stop) are selectors, named here
too so the pages and the API keep one spelling.
"""

from support_requests.selectors import (
    pending_stop,
    pending_submission_stop,
    recent_submissions_from,
)
from support_requests.services.errors import (
    NotAllowedToRequest,
    NotAllowedToTriage,
    SafeguardingStopRequired,
    TooManySubmissions,
    TransitionNotAllowed,
)
from support_requests.services.follow import support_request_follow_case
from support_requests.services.intake import (
    AGE_DOES_NOT_MATCH_DATE_OF_BIRTH,
    DATE_OF_BIRTH_IN_FUTURE,
    ENTER_A_REAL_POSTCODE,
    MAX_CHILD_AGE,
    REFERENCE_PREFIX,
    WHAT_IS_HAPPENING_MAX_CHARACTERS,
    WHAT_IS_HAPPENING_TOO_LONG,
    ChildDetails,
    check_age_matches_date_of_birth,
    check_what_is_happening,
    new_reference,
    town_or_postcode,
)
from support_requests.services.practitioner import (
    PRACTITIONER_REQUEST_MESSAGES,
    submission_stop_record_next_step,
    support_request_record_step_down,
    support_request_submit_practitioner,
)
from support_requests.services.public import (
    SUBMISSIONS_PER_HOUR,
    support_request_submit_public,
)
from support_requests.services.triage import (
    SERVICE_NOT_IN_DIRECTORY,
    TriageAnswers,
    safeguarding_stop_record_next_step,
    stop_trigger,
    support_request_close,
    support_request_set_area,
    support_request_start_triage,
    triage_raise_safeguarding_stop,
    triage_record_decision,
    triage_save_draft,
    triage_submit,
)
from support_requests.services.workflow import (
    FOLLOW_TARGETS,
    REQUEST_WORKFLOW,
    TRIAGE_OUTCOMES,
    Status,
)

__all__ = [
    "AGE_DOES_NOT_MATCH_DATE_OF_BIRTH",
    "DATE_OF_BIRTH_IN_FUTURE",
    "ENTER_A_REAL_POSTCODE",
    "FOLLOW_TARGETS",
    "MAX_CHILD_AGE",
    "PRACTITIONER_REQUEST_MESSAGES",
    "REFERENCE_PREFIX",
    "REQUEST_WORKFLOW",
    "SUBMISSIONS_PER_HOUR",
    "TRIAGE_OUTCOMES",
    "WHAT_IS_HAPPENING_MAX_CHARACTERS",
    "WHAT_IS_HAPPENING_TOO_LONG",
    "ChildDetails",
    "NotAllowedToRequest",
    "NotAllowedToTriage",
    "SafeguardingStopRequired",
    "Status",
    "TooManySubmissions",
    "TransitionNotAllowed",
    "TriageAnswers",
    "SERVICE_NOT_IN_DIRECTORY",
    "check_age_matches_date_of_birth",
    "check_what_is_happening",
    "new_reference",
    "pending_stop",
    "pending_submission_stop",
    "recent_submissions_from",
    "safeguarding_stop_record_next_step",
    "stop_trigger",
    "submission_stop_record_next_step",
    "support_request_close",
    "support_request_follow_case",
    "support_request_record_step_down",
    "support_request_set_area",
    "support_request_start_triage",
    "support_request_submit_practitioner",
    "support_request_submit_public",
    "town_or_postcode",
    "triage_raise_safeguarding_stop",
    "triage_record_decision",
    "triage_save_draft",
    "triage_submit",
]
