"""The authorisation matrix: every URL pattern, as every role, with ids in and out of scope.

The expected statuses below are a table written from the product's rules (who sees which
families, who may act on them: the README, core/scope.py's docstring and each app's rules.py),
not read back from the code:

* out of scope is always 404, as if the record did not exist; a role with no case access at
  all (panel chair, panel member, strategic lead, administrator) has no family in scope, so
  a family's record is 404 for them too; a page that lists or creates case records is 403 for
  a role that can never have any;
* practitioners, lead professionals and team managers see their (managed) teams' families; the
  early support service (team leaders, business support) sees every family, but requests for
  support only in their team's area;
* panel members read the pack of their own panel's published meetings, read-only; the chair
  and deputy run their own panel; business support and team leaders run every panel;
* administrators see configuration only;
* the public "ask for help" pages need no sign-in; any other page sends an anonymous visitor to
  sign in (302) and the API answers 401.

Notation: each URL's GET and POST row is ``"ROLES=STATUS ..."``, read left to right, first
match wins; ``*`` is every role not yet named; ``200/404`` is in scope / out of scope (one
number: both). Roles: AN anonymous, PR practitioner, TL early support team leader, BS business
support, PC panel chair, PM panel member, LP lead professional, TM team manager, SL strategic
lead, AD system administrator.

A POST is sent with an empty body. A role that may not write must be refused with the exact
status and change nothing (row counts of every table per request, and a digest of every table's
rows over the whole POST phase); a role that may write gets the form back with an error (200),
a 400 from the API, or, for a one-button action or a journey step, whatever the action answers
(a redirect, a 409 from the API) — never a 500. Each POST that may write runs in a savepoint
rolled back afterwards, so every request sees the same world.

Where the code answers differently from the rules, the cell keeps the rule's status and the
answer is listed in KNOWN_DEVIATIONS with why: each is a finding for the lead engineer, and the
test fails when one disappears (so the list is pruned when it is fixed).

The run ends with a one-line summary (printed by the root conftest's pytest_terminal_summary).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix_world import ROLES, World, build_world, fill

CODES = {
    "AN": "anonymous",
    "PR": "practitioner",
    "TL": "team_leader",
    "BS": "business_support",
    "PC": "panel_chair",
    "PM": "panel_member",
    "LP": "lead_professional",
    "TM": "team_manager",
    "SL": "strategic_lead",
    "AD": "admin",
}
# Patterns left out of the matrix, and why.
EXCLUDED_PREFIXES = {
    "django-admin/": "Django's own admin: staff-only (is_staff) by Django, and our users are never "
    "is_staff; tested by Django itself, and summarised by one cell below (django-admin index).",
}

# ---------------------------------------------------------------------------------------------
# Role groups, and the rows most pages share.

SIGNED_IN = "AN=302"
# A family's record: narrow roles by team, the early support service every family, others none.
FAMILY_READ = "AN=302 PR,LP,TM=200/404 TL,BS=200 *=404"
# Writing to a family's record (people): anyone who may see it (business support keep records).
FAMILY_WRITE_FORM = FAMILY_READ
# Which teams work with a family: managers and team leaders (the people.change_family_teams rule).
TEAM_CHANGE = "AN=302 TM=200/404 TL=200 PR,LP=403/404 BS=403 *=404"
# A list or search of case records: only roles with case access.
CASE_LIST = "AN=302 PR,LP,TM,TL,BS=200 *=403"
# A list that is simply empty for a role with no case access (nothing to show, nothing to hide).
SCOPED_LIST = "AN=302 *=200"
# The directory's staff pages (directory.edit): its keepers; an unknown record is 404 to them.
DIRECTORY_KEEP = "AN=302 TL,BS,AD=200 *=403"
DIRECTORY_KEEP_ID = "AN=302 TL,BS,AD=200/404 *=403"

API_FAMILY_READ = "AN=401 PR,LP,TM=200/404 TL,BS=200 *=404"
API_CASE_LIST = "AN=401 *=200"

REQUESTER = "AN=302 PR,LP=200 *=404"
# A later step of the journey before the earlier ones: back to the start.
REQUESTER_EARLY = "AN=302 PR,LP=302 *=404"
# Writing an assessment: not business support (they keep records), nor anyone without case access.
ASSESS_WRITE = "AN=302 PR,LP,TM=200/404 TL=200 BS=403 *=404"
# An action the draft's state does not allow yet: back to the assessment (302) / 409 from the API.
ASSESS_ACTION = "AN=302 PR,LP,TM=302/404 TL=302 BS=403 *=404"
API_ASSESS_CONFLICT = "AN=401 PR,LP,TM=409/404 TL=409 BS=403 *=404"
# Signing off (and returning to the worker) is a manager's or team leader's.
ASSESS_SIGN_OFF = "AN=302 TM=302/404 TL=302 PR,LP=403/404 BS=403 *=404"
API_ASSESS_SIGN_OFF = "AN=401 TM=409/404 TL=409 PR,LP=403/404 BS=403 *=404"
API_ASSESS_RETURN = "AN=401 TM=400/404 TL=400 PR,LP=403/404 BS=403 *=404"
API_ASSESS_WRITE = "AN=401 PR,LP,TM=400/404 TL=400 BS=403 *=404"
# Recording consent: anyone who works with the family; overriding it: managers and team leaders.
CONSENT_RECORD = "AN=302 PR,LP,TM=200/404 TL=200 BS=403 *=403"
CONSENT_OVERRIDE = "AN=302 TM=200/404 TL=200 PR,LP=403/404 BS=403 *=403"
# Changing an episode or its plan: its lead professional, their manager, the early support service.
EPISODE_WRITE = "AN=302 LP,TM=200/404 TL=200 PR=403/404 BS=403 *=404"
# Disguised compliance: the episode's lead professional and their manager only.
DC_WRITE = "AN=302 LP,TM=200/404 PR=403/404 TL,BS=403 *=404"
API_EPISODE_WRITE = "AN=401 LP,TM=400/404 TL=400 PR=403/404 BS=403 *=404"
API_CASE_WRITE_400 = "AN=401 PR,LP,TM,TL,BS=400 *=403"
# A meeting's agenda and pack: intake staff for every panel, the chair and members for their own.
PACK_READ = "AN=302 TL,BS=200 PC,PM=200/404 *=404"
API_PACK_READ = "AN=401 TL,BS=200 PC,PM=200/404 *=404"
# Cancelling or moving a meeting: intake staff, or the panel's own chair (the calendar is public
# to staff, so someone else's meeting is forbidden, not hidden).
MEETING_MANAGE = "AN=302 TL,BS=200 PC=200/403 *=403"
# Running a meeting (attendance, decisions, closures, minutes): intake staff or the chair.
MEETING_RUN = "AN=302 TL,BS=200 PC=200/404 PM=403/404 *=404"
# Closing a case and extraordinary decisions between meetings: the chair (or deputy) only.
EXTRAORDINARY = "AN=302 PC=200/404 TL,BS=403 PR,LP,TM,PM=403/404 *=404"
API_MEETING_RUN = "AN=401 TL,BS=400 PC=400/404 PM=403/404 *=404"
# Registering a child at a children's centre, recording a contact, ending a registration: the
# early support service (its team leader here), for a child in scope; readers and others who see
# the child may not (403); no one else sees the child (404).
CENTRE_RECORD = "AN=302 TL=200 TM,PR,LP=403/404 BS=403 *=404"
# Setting a panel up: the council's administrators and business support, for every panel (the
# seats and calendars are public to staff, so anyone else is forbidden, not hidden).
PANEL_SETUP = "AN=302 AD,BS=200 *=403"

# The offer: referring (practitioners, lead professionals, managers, team leaders); managing a
# programme (its team, here the practitioner's, the lead professional's and the manager's, and
# team leaders); a referral (its referrer and the programme's managers, on a family in scope).
OFFER_REFER = "AN=302 PR,LP,TM,TL=200 *=403"
OFFER_REFER_ID = "AN=302 PR,LP,TM,TL=200/404 BS=403/404 *=404"
OFFER_REFER_FAMILY = "AN=302 PR,LP,TM=200/404 TL=200 *=403"
OFFER_MANAGE = "AN=302 PR,LP,TM,TL=200/404 BS=403/404 *=404"
OFFER_REFERRAL = "AN=302 PR,LP,TM=200/404 TL=200 *=404"
# Whether a programme takes referrals: team leaders only (the others who see it: forbidden).
OFFER_PAUSE = "AN=302 TL=200/404 PR,LP,TM,BS=403/404 *=404"

# fmt: off
TABLE: dict[str, tuple[str, str]] = {
    # key: (GET row, POST row)
    "/":                                   ("*=302", "*=302"),
    "healthz":                             ("*=200", "*=405"),
    "favicon":                             ("*=302", "*=405"),
    "django-admin:index":                  ("AN=302 *=302", "*=302"),
    # core
    "core:home":                           ("AN=302 *=200", "AN=302 *=200"),
    # One kind of work waiting for you, in full: only those it waits for (the rest: nothing waits).
    "core:waiting_section":                ("AN=302 TL,BS=200/404 *=404", "AN=302 *=405"),
    "core:configuration":                  ("AN=302 AD=200 *=403", "AN=302 AD=200 *=403"),
    # The service's background work (scheduled jobs, message deliveries): administrators only.
    "core:background_work":                ("AN=302 AD=200 *=403", "AN=302 *=405"),
    # Data protection (system administrators): the retention schedule and its runs; subject access
    # requests, which cover every team's records, so in and out of scope alike; rectification notes.
    "dataprotection:retention":            ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "dataprotection:subject_search":       ("AN=302 AD=200 *=403", "AN=302 AD=200 *=403"),
    "dataprotection:subject_detail":       ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "dataprotection:subject_json":         ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "dataprotection:subject_pdf":          ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "dataprotection:rectification_add":    ("AN=302 AD=200 *=403", "AN=302 AD=200 *=403"),
    "core:message_send_again":             ("AN=302 *=405", "AN=302 AD=302 *=403"),
    # The council's values and their history: system administrators only (core.change_council_values).
    "core:council_values":                 ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "core:council_values_change":          ("AN=302 AD=200/404 *=403", "AN=302 AD=200/404 *=403"),
    "core:council_values_history":         ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "core:accessibility":                  ("*=200", "*=200"),
    "core:privacy":                        ("*=200", "*=200"),
    "core:readyz":                         ("*=200", "*=405"),
    # accounts
    "accounts:login":                      ("AN=200 *=302", "AN=200 *=302"),
    "accounts:verify":                     ("*=302", "*=302"),
    "accounts:setup_mfa":                  ("*=302", "*=302"),
    # Single sign-on (ADR 0021): not configured here, so 404 whoever asks (accounts/tests/test_oidc.py).
    "accounts:oidc_start":                 ("*=404", "*=404"),
    "accounts:oidc_callback":              ("*=404", "*=404"),
    "accounts:oidc_refused":               ("*=404", "*=405"),
    "accounts:resume":                     ("*=302", "AN=302 *=405"),
    "accounts:resume_discard":             ("AN=302 *=405", "AN=302 *=302"),
    "accounts:logout":                     ("*=405", "*=302"),
    "accounts:api_tokens":                 ("AN=302 *=200", "AN=302 *=405"),
    "accounts:api_token_create":           ("AN=302 *=200", "AN=302 *=200"),
    "accounts:api_token_revoke":           ("AN=302 PR=200/404 AD=200 *=404", "AN=302 PR=302/404 AD=302 *=404"),
    "accounts:api_tokens_all":             ("AN=302 AD=200 *=403", "AN=302 *=405"),
    # Staff accounts: system administrators only (accounts.manage_staff); every account is theirs.
    "accounts:staff_list":                 ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "accounts:staff_create":               ("AN=302 AD=200 *=403", "AN=302 AD=200 *=403"),
    "accounts:staff_detail":               ("AN=302 AD=200 *=403", "AN=302 *=405"),
    **{f"accounts:staff_{n}": ("AN=302 AD=200 *=403", "AN=302 AD=200 *=403") for n in (
        "change", "disable", "enable", "authenticator_reset", "temporary_password")},
    # Teams: system administrators only (accounts.manage_teams); every team is theirs.
    "accounts:team_list":                  ("AN=302 AD=200 *=403", "AN=302 *=405"),
    "accounts:team_detail":                ("AN=302 AD=200 *=403", "AN=302 *=405"),
    **{f"accounts:team_{n}": ("AN=302 AD=200 *=403", "AN=302 AD=200 *=403") for n in (
        "create", "change", "managers")},
    # Your own password: every member of staff (an empty form comes back with its errors).
    "accounts:password_change":            ("AN=302 *=200", "AN=302 *=200"),
    # people
    "people:index":                        ("AN=302 *=302", "AN=302 *=405"),
    "people:search":                       (CASE_LIST, CASE_LIST),
    # (search before create: the new-person page first sends you to search)
    "people:person_new":                   ("AN=302 PR,LP,TM,TL,BS=302 *=403", "AN=302 PR,LP,TM,TL,BS=302 *=403"),
    "people:family_list":                  (SCOPED_LIST, "AN=302 *=405"),
    "people:family_detail":                (FAMILY_READ, "AN=302 *=405"),
    "people:family_access_log":            ("AN=302 TM=200/404 TL=200 *=404", "AN=302 *=405"),
    "people:family_member_add":            (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:household_add":                (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:household_members":            (FAMILY_WRITE_FORM, "AN=302 PR,LP,TM=302/404 TL,BS=302 *=404"),
    "people:family_team_add":              (TEAM_CHANGE, TEAM_CHANGE),
    "people:family_team_end":              (TEAM_CHANGE, "AN=302 TM=302/404 TL=302 PR,LP=403/404 BS=403 *=404"),
    "people:person_detail":                (FAMILY_READ, "AN=302 *=405"),
    "people:person_edit":                  (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:person_access_log":            ("AN=302 TM=200/404 TL=200 *=404", "AN=302 *=405"),
    "people:chronology_add":               (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:professional_add":             (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:address_add":                  (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:address_end":                  (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:other_name_add":               (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:relationship_add":             (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:parental_responsibility_add":  (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    "people:parental_responsibility_end":  (FAMILY_WRITE_FORM, FAMILY_WRITE_FORM),
    # support_requests: a practitioner's requests (practitioners and lead professionals)
    # (a page of a journey that is not the user's to take is "not found", like a record)
    **{f"support_requests:{n}": (REQUESTER, REQUESTER) for n in (
        "new_family", "new_area", "new_route", "new_happening", "new_concern", "new_consent")},
    # (the duty team's contact after a "yes" to the concerns question; before it, back there)
    "support_requests:new_duty_team":      (REQUESTER_EARLY, "AN=302 *=405"),
    "support_requests:new_start":          (REQUESTER, "AN=302 *=405"),
    "support_requests:new_consent_needed": (REQUESTER, "AN=302 *=405"),
    "support_requests:new_children":       (REQUESTER_EARLY, REQUESTER_EARLY),
    "support_requests:new_check":          (REQUESTER_EARLY, REQUESTER_EARLY),
    "support_requests:new_sent":           (REQUESTER_EARLY, "AN=302 *=405"),
    # (their own requests: an empty list for the early support service, 404 for a manager)
    "support_requests:my_requests":        ("AN=302 PR,LP,TL,BS=200 *=404", "AN=302 *=405"),
    "support_requests:my_request":         ("AN=302 PR=200/404 *=404", "AN=302 *=405"),
    "support_requests:my_request_stop":    ("AN=302 PR=302/404 *=404", "AN=302 PR=302/404 *=404"),
    # support_requests: the early support service's queue (its area's requests) and triage
    "support_requests:step_down_new":      ("AN=302 TL,BS=200 *=404", "AN=302 TL,BS=200 *=404"),
    "support_requests:queue":              ("AN=302 TL,BS=200 *=404", "AN=302 *=405"),
    "support_requests:detail":             ("AN=302 TL,BS=200/404 *=404", "AN=302 *=405"),
    "support_requests:start_triage":       ("AN=302 *=405", "AN=302 TL=302/404 BS=403/404 *=404"),
    "support_requests:triage":             ("AN=302 TL=302/404 BS=403/404 *=404", "AN=302 TL=302/404 BS=403/404 *=404"),
    "support_requests:set_area":           ("AN=302 *=405", "AN=302 TL=302/404 BS=403/404 *=404"),
    "support_requests:safeguarding_stop":  ("AN=302 TL=302/404 BS=403/404 *=404", "AN=302 TL=302/404 BS=403/404 *=404"),
    # assessments: read with the family; written by practitioners, lead professionals, managers
    # and team leaders (business support keep records, panel members only read packs)
    "assessments:family_assessments":      (FAMILY_READ, "AN=302 *=405"),
    "assessments:start":                   (ASSESS_WRITE, ASSESS_WRITE),
    "assessments:detail":                  (FAMILY_READ, "AN=302 *=405"),
    "assessments:section(assessment_id,key)": (ASSESS_WRITE, ASSESS_WRITE),
    "assessments:section(assessment_id,key,child_id)": (ASSESS_WRITE, ASSESS_WRITE),
    "assessments:safeguarding_stop":       (ASSESS_ACTION, ASSESS_ACTION),
    "assessments:submit":                  (ASSESS_WRITE, ASSESS_WRITE),
    "assessments:sign_off":                (ASSESS_SIGN_OFF, ASSESS_SIGN_OFF),
    "assessments:new_version":             (ASSESS_WRITE, ASSESS_WRITE),
    "assessments:consultation":            (ASSESS_ACTION, ASSESS_ACTION),
    "assessments:refer":                   (ASSESS_WRITE, ASSESS_WRITE),
    "assessments:pdf":                     (FAMILY_READ, "AN=302 *=405"),
    # consent (a role with no case access at all gets 403 here but 404 on the other apps' record
    # pages: the same answer for every id, so nothing leaks; reported as an inconsistency)
    "consent:family":                      ("AN=302 PR,LP,TM=200/404 TL,BS=200 *=403", "AN=302 *=405"),
    "consent:record":                      (CONSENT_RECORD, CONSENT_RECORD),
    "consent:override":                    (CONSENT_OVERRIDE, CONSENT_OVERRIDE),
    # panel: calendars and seats are for every member of staff; cases, agendas and packs only
    # for those with a part in that panel
    "panel:panel_list":                    ("AN=302 *=200", "AN=302 *=405"),
    "panel:recording_sheet":               ("AN=302 TL,BS,SL=200 *=404", "AN=302 *=405"),
    # reporting: the partnership's reports, for strategic leads and the early support service
    "reporting:index":                     ("AN=302 TL,SL,TM=200 *=404", "AN=302 *=405"),
    "reporting:annex_a_list_2":            ("AN=302 TL,SL=200 *=404", "AN=302 *=405"),
    "reporting:supporting_families":       ("AN=302 TL,SL=200 *=404", "AN=302 *=405"),
    # the dashboard and report cards (counts only) for team managers too; the neglect booklet is
    # read by strategic leads and the early support service, and issued by strategic leads
    "reporting:dashboard":                 ("AN=302 TL,SL,TM=200 *=404", "AN=302 *=405"),
    "reporting:report_card":               ("AN=302 TL,SL,TM=200 *=404", "AN=302 *=405"),
    # An empty POST names no report: nothing to work out, for anyone.
    "reporting:figures_refresh":           ("AN=302 *=405", "AN=302 *=404"),
    "reporting:booklets":                  ("AN=302 TL,SL=200 *=404", "AN=302 *=405"),
    "reporting:booklet_draft":             ("AN=302 *=405", "AN=302 TL,SL=200 *=404"),
    "reporting:booklet_issue":             ("AN=302 *=405", "AN=302 SL=200 *=404"),
    "reporting:booklet_pdf":               ("AN=302 TL,SL=200 *=404", "AN=302 *=405"),
    "reporting:booklet_xlsx":              ("AN=302 TL,SL=200 *=404", "AN=302 *=405"),
    # a background run of the booklet is its requester's only: the world's "in" run is the
    # strategic lead's finished draft, the "out" run another strategic lead's
    "reporting:booklet_run":               ("AN=302 SL=200/404 *=404", "AN=302 *=405"),
    "reporting:booklet_run_status":        ("AN=302 SL=200/404 *=404", "AN=302 *=405"),
    "reporting:booklet_run_file":          ("AN=302 SL=200/404 *=404", "AN=302 *=405"),
    # The Open Referral UK read API: public and read-only; an unknown id is 404 for everyone.
    "directory:oruk_index":                ("*=200", "*=405"),
    "directory:oruk_services":             ("*=200", "*=405"),
    "directory:oruk_service":              ("*=200/404", "*=405"),
    "directory:oruk_services_at_locations": ("*=200", "*=405"),
    "directory:oruk_service_at_location":  ("*=200/404", "*=405"),
    "directory:oruk_taxonomies":           ("*=200", "*=405"),
    "directory:oruk_taxonomy":             ("*=200/404", "*=405"),
    "directory:oruk_taxonomy_terms":       ("*=200", "*=405"),
    "directory:oruk_taxonomy_term":        ("*=200/404", "*=405"),
    # The public find support pages: no sign-in; an unknown (or defunct) service is 404.
    "directory:find_support":              ("*=200", "*=405"),
    "directory:find_support_service":      ("*=200/404", "*=405"),
    # The staff pages that keep the directory: administrators, early support team leaders and
    # business support (directory.edit); importing a feed: administrators (directory.import_feed).
    # An empty POST gets the form back with its errors (or a conflict: no version was sent).
    "directory:staff_index":               (DIRECTORY_KEEP, "AN=302 *=405"),
    "directory:staff_service_add":         (DIRECTORY_KEEP, DIRECTORY_KEEP),
    "directory:staff_service":             (DIRECTORY_KEEP_ID, "AN=302 *=405"),
    "directory:staff_service_change":      (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_service_terms":       (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_part_add":            (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_part_change":         (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_part_remove":         (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_subpart_add":         (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_subpart_change":      (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_subpart_remove":      (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_organizations":       (DIRECTORY_KEEP, "AN=302 *=405"),
    "directory:staff_organization_add":    (DIRECTORY_KEEP, DIRECTORY_KEEP),
    "directory:staff_organization_change": (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_terms":               (DIRECTORY_KEEP, "AN=302 *=405"),
    "directory:staff_term_add":            (DIRECTORY_KEEP, DIRECTORY_KEEP),
    "directory:staff_term_change":         (DIRECTORY_KEEP_ID, DIRECTORY_KEEP_ID),
    "directory:staff_import":              ("AN=302 AD=200 *=403", "AN=302 AD=200 *=403"),
    # Import with no checked feed held: back to the import page.
    "directory:staff_import_confirm":      ("AN=302 *=405", "AN=302 AD=302 *=403"),
    "panel:recording_sheet_xlsx":          ("AN=302 TL,BS,SL=200 *=404", "AN=302 *=405"),
    "panel:recording_sheet_csv":           ("AN=302 TL,BS,SL=200 *=404", "AN=302 *=405"),
    "panel:panel_detail":                  ("AN=302 *=200", "AN=302 *=405"),
    "panel:panel_schedule":                ("AN=302 *=405", "AN=302 TL,BS=302 PC=302/403 *=403"),
    # Setting a panel up (seats, members, chair and deputy): administrators and business support.
    "panel:panel_seats":                   (PANEL_SETUP, "AN=302 *=405"),
    "panel:panel_seat_add":                (PANEL_SETUP, PANEL_SETUP),
    "panel:panel_seat_remove":             (PANEL_SETUP, PANEL_SETUP),
    "panel:panel_seat_member_add":         (PANEL_SETUP, PANEL_SETUP),
    "panel:panel_seat_member_remove":      (PANEL_SETUP, "AN=302 AD,BS=302 *=403"),
    "panel:panel_chair":                   (PANEL_SETUP, PANEL_SETUP),
    # Adding a panel, its settings (and retiring it), moving a member to another panel: the same.
    "panel:panel_add":                     (PANEL_SETUP, PANEL_SETUP),
    "panel:panel_settings":                (PANEL_SETUP, PANEL_SETUP),
    "panel:panel_seat_member_move":        (PANEL_SETUP, PANEL_SETUP),
    "panel:panel_calendar_ics":            ("AN=302 *=200", "AN=302 *=405"),
    "panel:panel_calendar_csv":            ("AN=302 *=200", "AN=302 *=405"),
    "panel:meeting_cancel":                (MEETING_MANAGE, MEETING_MANAGE),
    "panel:meeting_move":                  (MEETING_MANAGE, MEETING_MANAGE),
    "panel:inbox":                         ("AN=302 TL,BS=200 *=403", "AN=302 *=405"),
    "panel:inbox_log":                     ("AN=302 *=405", "AN=302 TL,BS=302 *=403"),
    "panel:meeting_detail":                (PACK_READ, "AN=302 *=405"),
    "panel:meeting_publish":               ("AN=302 *=405", "AN=302 TL,BS=302 PC=302/404 PM=403/404 *=404"),
    "panel:meeting_pack":                  (PACK_READ, "AN=302 *=405"),
    "panel:case_response":                 ("AN=302 PM=200/404 *=404", "AN=302 PM=200/404 *=404"),
    "panel:meeting_attendance":            ("AN=302 *=405", "AN=302 TL,BS=404 PC=404 PM=403/404 *=404"),
    "panel:case_decision":                 (MEETING_RUN, MEETING_RUN),
    "panel:closure_decide":                (MEETING_RUN, "AN=302 PC=200/404 TL,BS=403 PM=403/404 *=404"),
    "panel:meeting_minutes":               ("AN=302 TL,BS=200 PC=200/404 PM=404 *=404", "AN=302 *=405"),
    "panel:case_overview":                 ("AN=302 TL,BS=200 PC,PM,PR,LP,TM=200/404 *=404", "AN=302 *=405"),
    "panel:case_allocate":                 ("AN=302 BS=200 PR,LP,TM=200/404 TL=403 PC,PM=403/404 *=404", "AN=302 BS=200 PR,LP,TM=200/404 TL=403 PC,PM=403/404 *=404"),
    # The panel's closure link leads its lead professional to the case's open episode (ADR 0016).
    "panel:case_closure":                  ("AN=302 LP=302/404 TL,BS=403 PR,TM,PC,PM=403/404 *=404", "AN=302 *=405"),
    "panel:case_extraordinary":            (EXTRAORDINARY, EXTRAORDINARY),
    # casework: read with the family; changed by the lead professional, their manager or the
    # early support service (never business support or panel members)
    "casework:episode_detail":             (FAMILY_READ, "AN=302 *=405"),
    **{f"casework:{n}": (EPISODE_WRITE, EPISODE_WRITE) for n in (
        "episode_stage", "episode_need_level", "episode_review_cadence", "episode_lead_professional",
        "episode_contact_new", "episode_taf_meeting_new", "episode_closure", "episode_step_up",
        "episode_step_down", "plan_contingency", "plan_outcome_add", "plan_outcome_edit",
        "plan_outcome_remove", "plan_action_add", "plan_action_edit", "plan_review")},
    "casework:plan_start":                 ("AN=302 *=405", "AN=302 LP,TM=302/404 TL=302 PR=403/404 BS=403 *=404"),
    "casework:plan_action_complete":       ("AN=302 *=405", "AN=302 LP,TM=302/404 TL=302 PR=403/404 BS=403 *=404"),
    "casework:family_episodes":            (FAMILY_READ, "AN=302 *=405"),
    # management oversight of a case: the lead professional's team manager or a team leader
    "casework:episode_oversight":          ("AN=302 TM=200/404 TL=200 PR,LP=403/404 BS=403 *=404", "AN=302 TM=200/404 TL=200 PR,LP=403/404 BS=403 *=404"),
    # supervision: managers and team leaders supervise their teams' workers; a worker reads their own
    # (the matrix's worker is the practitioner, in the team manager's team)
    "oversight:index":                     ("AN=302 PR,LP,TM,TL=200 *=403", "AN=302 *=405"),
    "oversight:worker":                    ("AN=302 PR,TM=200/404 LP,TL=404 *=403", "AN=302 *=405"),
    "oversight:record":                    ("AN=302 TM=200/404 PR=403/404 LP,TL=404 *=403", "AN=302 TM=200/404 PR=403/404 LP,TL=404 *=403"),
    "oversight:detail":                    ("AN=302 PR,TM=200/404 *=404", "AN=302 *=405"),
    "oversight:action_done":               ("AN=302 *=405", "AN=302 PR,TM=302/404 *=404"),
    # professional challenge: raised and moved on by whoever changes or oversees the episode
    "oversight:escalations":               ("AN=302 PR,LP,TM,TL=200 *=403", "AN=302 *=405"),
    "oversight:escalation_new":            (EPISODE_WRITE, EPISODE_WRITE),
    "oversight:escalation":                (FAMILY_READ, "AN=302 *=405"),
    "oversight:escalation_move_on":        (EPISODE_WRITE, EPISODE_WRITE),
    "oversight:escalation_resolve":        (EPISODE_WRITE, EPISODE_WRITE),
    # the offer (offer/rules.py): everyone with case records sees the programmes; the programme's
    # team (the practitioner's and lead professional's, which the manager manages) and team
    # leaders manage it;
    # referrers refer; a referral is read by its referrer and the programme's managers, and only
    # on a family in the reader's scope (else 404).
    "offer:index":                         (CASE_LIST, "AN=302 *=405"),
    "offer:mine":                          (OFFER_REFER, "AN=302 *=405"),
    "offer:programme_new":                 ("AN=302 TL=200 *=403", "AN=302 TL=200 *=403"),
    "offer:programme":                     ("AN=302 PR,LP,TM,TL,BS=200/404 *=404", "AN=302 *=405"),
    "offer:programme_capacity":            (OFFER_MANAGE, OFFER_MANAGE),
    "offer:group_new":                     (OFFER_MANAGE, OFFER_MANAGE),
    "offer:refer_programme":               (OFFER_REFER_ID, OFFER_REFER_ID),
    "offer:group":                         (OFFER_MANAGE, "AN=302 *=405"),
    "offer:group_change":                  (OFFER_MANAGE, OFFER_MANAGE),
    "offer:session_new":                   (OFFER_MANAGE, OFFER_MANAGE),
    "offer:attendance":                    (OFFER_MANAGE, OFFER_MANAGE),
    "offer:enrolment_finish":              (OFFER_MANAGE, OFFER_MANAGE),
    "offer:impact_new":                    (OFFER_MANAGE, OFFER_MANAGE),
    "offer:refer_family":                  (OFFER_REFER_FAMILY, OFFER_REFER_FAMILY),
    "offer:referral":                      (OFFER_REFERRAL, "AN=302 *=405"),
    **{f"offer:referral_{n}": (OFFER_REFERRAL, OFFER_REFERRAL) for n in ("uptake", "withdraw", "enrol", "finish", "offer_place")},
    "offer:programme_running":             (OFFER_PAUSE, OFFER_PAUSE),
    "casework:episode_open":               ("AN=302 TL=200 PR,LP,TM=403/404 BS=403 *=404", "AN=302 TL=200 PR,LP,TM=403/404 BS=403 *=404"),
    "casework:caseload":                   (SCOPED_LIST, "AN=302 *=405"),
    "casework:team_caseload":              ("AN=302 TM,TL=200 *=403", "AN=302 *=405"),
    "casework:plan":                       (FAMILY_READ, "AN=302 *=405"),
    "casework:plan_family_copy":           (FAMILY_READ, "AN=302 *=405"),
    "casework:plan_child_copy":            (FAMILY_READ, "AN=302 *=405"),
    # risk and vulnerability factors: read with the family; recorded and ended by those who work
    # with it (not business support); revisited at a plan review by whoever may change the episode
    "risk_factors:family":                 (FAMILY_READ, "AN=302 *=405"),
    **{f"risk_factors:{n}": (ASSESS_WRITE, ASSESS_WRITE) for n in ("add", "end")},
    "risk_factors:accept":                 ("AN=302 *=405", "AN=302 PR,LP,TM=302/404 TL=302 BS=403 *=404"),
    "risk_factors:review":                 (EPISODE_WRITE, EPISODE_WRITE),
    # patterns: read with the family; disguised compliance recorded and withdrawn by the episode's
    # lead professional and their manager only (not the early support service, nor colleagues)
    "patterns:episode":                    (FAMILY_READ, "AN=302 *=405"),
    "patterns:injuries":                   (FAMILY_READ, "AN=302 *=405"),
    **{f"patterns:{n}": (DC_WRITE, DC_WRITE) for n in ("dc_add", "dc_withdraw")},
    # the radar: lead professionals their families' flags, managers their teams' (the team leader
    # every team's); running it now is for managers
    "radar:radar":                         ("AN=302 PR,LP,TM,TL=200 *=403", "AN=302 *=405"),
    "radar:run":                           ("AN=302 *=405", "AN=302 TM,TL=302 *=403"),
    "radar:flag_detail":                   ("AN=302 LP,TM=200/404 TL=200 *=404", "AN=302 *=405"),
    "radar:flag_acknowledge":              ("AN=302 LP,TM=200/404 TL=200 *=404", "AN=302 LP,TM=200/404 TL=200 *=404"),
    # neglect: read with the child's family; recorded and changed by those who work with it (not
    # business support, who keep records); the chronology's link redirects to the child's page
    "neglect:child":                       (FAMILY_READ, "AN=302 *=405"),
    "neglect:concern":                     ("AN=302 PR,LP,TM=302/404 TL,BS=302 *=404", "AN=302 *=405"),
    **{f"neglect:{n}": (ASSESS_WRITE, ASSESS_WRITE) for n in (
        "concern_record", "tool_result_add", "observation_add", "concern_change", "concern_end")},
    # outcomes: read with the episode's family; mapped and scored by whoever may change the
    # episode; the sustained check answered by the lead professional and their manager only
    "outcomes:episode":                    (FAMILY_READ, "AN=302 *=405"),
    "outcomes:check":                      (FAMILY_READ, "AN=302 *=405"),
    **{f"outcomes:{n}": (EPISODE_WRITE, EPISODE_WRITE) for n in (
        "link_add", "link_remove", "score_record")},
    "outcomes:check_answer":               (DC_WRITE, DC_WRITE),
    # children's centres: the reach figures for team leaders, team managers and strategic leads
    # (and the early support service's practitioners, none of whom the matrix has); a child's
    # registrations and contacts read with the child by those readers; registering and recording
    # by the early support service (the team leader here); the population loaded by team leaders
    # and administrators. The "out" centre is a hub, which is no children's centre.
    "children_centres:index":              ("AN=302 TL,TM,SL=200 *=403", "AN=302 *=405"),
    "children_centres:reach_csv":          ("AN=302 TL,TM,SL=200 *=403", "AN=302 *=405"),
    "children_centres:centre":             ("AN=302 TL,TM,SL=200/404 *=403", "AN=302 *=405"),
    "children_centres:child":              ("AN=302 TL=200 TM=200/404 PR,LP=403/404 BS=403 *=404", "AN=302 *=405"),
    **{f"children_centres:{n}": (CENTRE_RECORD, CENTRE_RECORD) for n in (
        "register", "contact_new", "registration_end")},
    "children_centres:population":         ("AN=302 TL,AD=200 *=403", "AN=302 TL,AD=200 *=403"),
    # the API: the same rules; 401 without credentials, 405 for a method a route has not
    # The API's description and its documentation hold no one's data and are published like any
    # open API's, so integrators can read them before they have an account.
    "api-schema":                          ("*=200", "*=405"),
    "api-docs":                            ("*=200", "*=405"),
    "api:person-list":                     (API_CASE_LIST, API_CASE_WRITE_400),
    "api:person-search":                   ("AN=401 *=405", API_CASE_WRITE_400),
    "api:person-detail":                   (API_FAMILY_READ, "AN=401 *=405"),
    "api:person-chronology":               (API_FAMILY_READ, "AN=401 *=405"),
    "api:family-list":                     (API_CASE_LIST, "AN=401 *=405"),
    "api:family-detail":                   (API_FAMILY_READ, "AN=401 *=405"),
    "api:assessment-list":                 (API_CASE_LIST, "AN=401 PR,LP,TM,TL=400 *=403"),
    "api:assessment-detail":               (API_FAMILY_READ, "AN=401 *=405"),
    **{f"api:assessment-{n}": ("AN=401 *=405", API_ASSESS_WRITE) for n in (
        "new-version", "safeguarding-stop")},
    # Submitting a draft with sections still to do: its state refuses it (409).
    "api:assessment-submit":               ("AN=401 *=405", API_ASSESS_CONFLICT),
    "api:assessment-consultation":         ("AN=401 *=405", API_ASSESS_CONFLICT),
    "api:assessment-refer-to-panel":       ("AN=401 *=405", API_ASSESS_CONFLICT),
    "api:assessment-sign-off":             ("AN=401 *=405", API_ASSESS_SIGN_OFF),
    "api:assessment-return-to-worker":     ("AN=401 *=405", API_ASSESS_RETURN),
    "api:assessment-section":              ("AN=401 *=405", "AN=401 *=405"),
    "api:assessment-child-section":        ("AN=401 *=405", "AN=401 *=405"),
    "api:assessment-pdf":                  (API_FAMILY_READ, "AN=401 *=405"),
    "api:episode-list":                    (API_CASE_LIST, "AN=401 *=405"),
    "api:episode-detail":                  (API_FAMILY_READ, "AN=401 *=405"),
    "api:episode-contacts":                (API_FAMILY_READ, API_EPISODE_WRITE),
    "api:episode-taf-meetings":            (API_FAMILY_READ, API_EPISODE_WRITE),
    **{f"api:episode-{n}": ("AN=401 *=405", API_EPISODE_WRITE) for n in (
        "closure", "lead-professional", "need-level", "stage", "step-down", "step-up")},
    "api:episode-oversight":               (API_FAMILY_READ, "AN=401 TM=400/404 TL=400 PR,LP=403/404 BS=403 *=404"),
    "api:episode-plan-detail":             (API_FAMILY_READ, "AN=401 *=405"),
    "api:supervision-list":                ("AN=401 PR,LP,TM,TL=200 *=403", "AN=401 TM,TL=400 *=403"),
    "api:supervision-detail":              ("AN=401 PR,TM=200/404 *=404", "AN=401 *=405"),
    "api:supervision-action-done":         ("AN=401 *=405", "AN=401 PR,TM=400/404 *=404"),
    "api:escalation-list":                 ("AN=401 PR,LP,TM,TL=200 *=403", "AN=401 PR,LP,TM,TL=400 *=403"),
    "api:escalation-detail":               (API_FAMILY_READ, "AN=401 *=405"),
    **{f"api:escalation-{n}": ("AN=401 *=405", API_EPISODE_WRITE) for n in ("move-on", "resolve")},
    "api:offer-programme-list":            ("AN=401 PR,LP,TM,TL,BS=200 *=403", "AN=401 *=405"),
    "api:offer-programme-detail":          ("AN=401 PR,LP,TM,TL,BS=200/404 *=404", "AN=401 *=405"),
    "api:offer-programme-waiting-list":    ("AN=401 PR,LP,TM,TL=200/404 BS=403/404 *=404", "AN=401 *=405"),
    "api:offer-group-list":                ("AN=401 *=405", "AN=401 PR,LP,TM,TL=400 *=403"),
    "api:offer-group-detail":              ("AN=401 PR,LP,TM,TL=200/404 BS=403/404 *=404", "AN=401 *=405"),
    **{f"api:offer-group-{n}": ("AN=401 *=405", "AN=401 PR,LP,TM,TL=400/404 BS=403/404 *=404") for n in ("sessions", "attendance")},
    "api:offer-referral-list":             ("AN=401 PR,LP,TM,TL,BS=200 *=403", "AN=401 PR,LP,TM,TL=400 *=403"),
    "api:offer-referral-detail":           ("AN=401 PR,LP,TM=200/404 TL=200 *=404", "AN=401 *=405"),
    **{f"api:offer-referral-{n}": ("AN=401 *=405", "AN=401 PR,LP,TM=400/404 TL=400 *=404") for n in ("uptake", "enrol", "withdraw", "offer-place")},
    "api:offer-programme-running":         ("AN=401 *=405", "AN=401 TL=400/404 PR,LP,TM,BS=403/404 *=404"),
    # Completing or leaving takes no required field: the participant completes (rolled back).
    **{f"api:offer-enrolment-{n}": ("AN=401 *=405", "AN=401 PR,LP,TM,TL=200/404 BS=403/404 *=404") for n in ("complete", "leave")},
    "api:offer-enrolment-impact":          ("AN=401 *=405", "AN=401 PR,LP,TM,TL=400/404 BS=403/404 *=404"),
    **{f"api:episode-plan-{n}": ("AN=401 *=405", API_EPISODE_WRITE) for n in ("actions", "outcomes", "reviews")},
    "api:consent-decision-list":           (API_CASE_LIST, "AN=401 PR,LP,TM,TL=400 *=403"),
    "api:consent-decision-panel-referral-permission": (API_FAMILY_READ, "AN=401 *=405"),
    "api:consent-decision-detail":         (API_FAMILY_READ, "AN=401 *=405"),
    "api:consent-override-list":           (API_CASE_LIST, "AN=401 TM,TL=400 *=403"),
    "api:consent-override-detail":         (API_FAMILY_READ, "AN=401 *=405"),
    "api:panel-list":                      ("AN=401 *=200", "AN=401 *=405"),
    "api:panel-detail":                    ("AN=401 *=200", "AN=401 *=405"),
    "api:panel-meeting-list":              ("AN=401 *=200", "AN=401 *=405"),
    "api:panel-meeting-detail":            ("AN=401 *=200", "AN=401 *=405"),
    "api:panel-meeting-agenda":            (API_PACK_READ, "AN=401 *=405"),
    "api:panel-meeting-minutes":           ("AN=401 TL,BS=200 PC=200/404 PM=404 *=404", "AN=401 *=405"),
    "api:panel-meeting-quorum":            ("AN=401 TL,BS=200 PC=200/404 PM=403/404 *=404", "AN=401 *=405"),
    "api:panel-meeting-attendance":        ("AN=401 *=405", API_MEETING_RUN),
    "api:panel-meeting-decisions":         ("AN=401 *=405", API_MEETING_RUN),
    "api:panel-case-list":                 ("AN=401 *=200", "AN=401 *=405"),
    # (the API shows a case only to intake staff; the page also to its chair, members, lead
    # agency and lead professional: reported as an inconsistency, the API being the narrower)
    "api:panel-case-detail":               ("AN=401 TL,BS=200 *=404", "AN=401 *=405"),
    "api:panel-case-allocation":           ("AN=401 *=405", "AN=401 BS=400 PR,LP,TM=400/404 TL=403 PC,PM=403/404 *=404"),
    "api:panel-case-closure-decision":     ("AN=401 *=405", "AN=401 PC=400/404 TL,BS=403 PR,LP,TM,PM=403/404 *=404"),
    "api:panel-case-extraordinary-decision": ("AN=401 *=405", "AN=401 PC=400/404 TL,BS=403 PR,LP,TM,PM=403/404 *=404"),
    "api:panel-case-responses":            ("AN=401 *=405", "AN=401 PM=400/404 *=404"),
    "api:risk-factor-list":                (API_CASE_LIST, "AN=401 PR,LP,TM,TL=400 *=403"),
    "api:risk-factor-detail":              (API_FAMILY_READ, "AN=401 *=405"),
    **{f"api:risk-factor-{n}": ("AN=401 *=405", API_ASSESS_WRITE) for n in ("end", "confirm")},
    "api:support-request-list":            ("AN=401 *=200", "AN=401 *=405"),
    "api:radar-flag-list":                 ("AN=401 *=200", "AN=401 *=405"),
    "api:neglect-concern-list":            (API_CASE_LIST, "AN=401 PR,LP,TM,TL=400 *=403"),
    "api:neglect-concern-detail":          (API_FAMILY_READ, "AN=401 *=405"),
    "api:neglect-concern-counts":          ("AN=401 *=400", "AN=401 *=405"),
    **{f"api:neglect-concern-{n}": ("AN=401 *=405", API_ASSESS_WRITE) for n in (
        "observations", "lived-experience", "end")},
    "api:neglect-tool-result-list":        (API_CASE_LIST, "AN=401 PR,LP,TM,TL=400 *=403"),
    **{f"api:outcome-{n}-list": ("AN=401 *=400", "AN=401 PR,LP,TM,TL=400 *=403") for n in (
        "score", "link")},
    "api:outcome-link-remove":             ("AN=401 *=405", API_EPISODE_WRITE),
    "api:outcome-sustained-check-list":    (API_CASE_LIST, "AN=401 *=405"),
    "api:outcome-sustained-check-answer":  ("AN=401 *=405", "AN=401 LP,TM=400/404 PR=403/404 TL,BS=403 *=404"),
    "api:disguised-compliance-list":       (API_FAMILY_READ, "AN=401 PR,LP,TM=400 *=403"),
    "api:disguised-compliance-detail":     (API_FAMILY_READ, "AN=401 *=405"),
    "api:disguised-compliance-withdraw":   ("AN=401 *=405", "AN=401 LP,TM=400/404 PR=403/404 TL,BS=403 *=404"),
    "api:support-request-repeats-detail":  ("AN=401 TL,BS=200/404 *=404", "AN=401 *=405"),
    "api:episode-repeats-detail":          (API_FAMILY_READ, "AN=401 *=405"),
    "api:child-injuries-detail":           (API_FAMILY_READ, "AN=401 *=405"),
    "api:radar-flag-detail":               ("AN=401 LP,TM=200/404 TL=200 *=404", "AN=401 *=405"),
    "api:radar-flag-acknowledge":          ("AN=401 *=405", "AN=401 LP,TM=400/404 TL=400 *=404"),
    "api:radar-flag-run":                  ("AN=401 *=405", "AN=401 TM,TL=200 *=403"),
    "api:support-request-detail":          ("AN=401 TL,BS=200/404 *=404", "AN=401 *=405"),
    **{f"api:support-request-{n}": ("AN=401 *=405", "AN=401 TL=400/404 BS=403/404 *=404") for n in (
        "safeguarding-stop", "set-area", "triage")},
    "api:support-request-start-triage":    ("AN=401 *=405", "AN=401 TL=200/404 BS=403/404 *=404"),
    "api:my-support-request-list":         ("AN=401 *=200", "AN=401 PR,LP=400 *=403"),
    "api:my-support-request-detail":       ("AN=401 PR=200/404 *=404", "AN=401 *=405"),
    "api:my-support-request-safeguarding-stop": ("AN=401 *=405", "AN=401 PR=400/404 *=404"),
    "api:centre-registration-list":        ("AN=401 TL,TM,SL=200 *=403", "AN=401 TL=400 *=403"),
    "api:centre-registration-detail":      ("AN=401 TL=200 TM=200/404 PR,LP=403/404 BS=403 *=404", "AN=401 *=405"),
    "api:centre-registration-end":         ("AN=401 *=405", "AN=401 TL=400 TM,PR,LP=403/404 BS=403 *=404"),
    "api:centre-contact-list":             ("AN=401 TL,TM,SL=200 *=403", "AN=401 TL=400 *=403"),
    "api:centre-reach-list":               ("AN=401 TL,TM,SL=200 *=403", "AN=401 *=405"),
    # casework consultancy: practitioners and lead professionals ask; casework consultants (the
    # demo's lead professional is one) pick up waiting requests and answer their own; early support
    # team leaders see and manage every request. The world's "in" request is the practitioner's,
    # assigned to the lead professional; "out" is practitioner2's, accepted by another consultant.
    "consultancy:index":                   ("AN=302 PR,LP,TL=200 *=403", "AN=302 *=405"),
    "consultancy:ask":                     ("AN=302 PR,LP=200 *=403", "AN=302 PR,LP=200 *=403"),
    "consultancy:detail":                  ("AN=302 PR,LP=200/404 TL=200 *=404", "AN=302 *=405"),
    "consultancy:pick_up":                 ("AN=302 *=405", "AN=302 PR=403/404 LP=400/404 TL=403 *=404"),
    "consultancy:assign":                  ("AN=302 TL=200 PR,LP=403/404 *=404", "AN=302 TL=200 PR,LP=403/404 *=404"),
    **{f"consultancy:{n}": ("AN=302 PR=403/404 LP=200/404 TL=200 *=404",) * 2 for n in (
        "accept", "decline", "complete")},
    "consultancy:withdraw":                ("AN=302 PR=200/404 LP=403/404 TL=403 *=404",) * 2,
    "consultancy:consultants":             ("AN=302 TL=200 *=403", "AN=302 TL=200 *=403"),
    "consultancy:consultant_end":          ("AN=302 TL=200 *=403", "AN=302 TL=200 *=403"),
    "consultancy:counts":                  ("AN=302 TL=200 *=403", "AN=302 *=405"),
    "api:consultancy-request-list":        ("AN=401 PR,LP,TL=200 *=403", "AN=401 PR,LP=400 *=403"),
    "api:consultancy-request-detail":      ("AN=401 PR,LP=200/404 TL=200 *=404", "AN=401 *=405"),
    "api:consultancy-request-counts":      ("AN=401 TL=200 *=403", "AN=401 *=405"),
    "api:consultancy-request-pick-up":     ("AN=401 *=405", "AN=401 PR=403/404 LP=400/404 TL=403 *=404"),
    "api:consultancy-request-assign":      ("AN=401 *=405", "AN=401 TL=400 PR,LP=403/404 *=404"),
    **{f"api:consultancy-request-{n}": ("AN=401 *=405", "AN=401 PR=403/404 LP=400/404 TL=400 *=404") for n in (
        "accept", "decline", "complete")},
    "api:consultancy-request-withdraw":    ("AN=401 *=405", "AN=401 PR=400/404 LP=403/404 TL=403 *=404"),
    "api:casework-consultant-list":        ("AN=401 TL=200 *=403", "AN=401 TL=400 *=403"),
    "api:casework-consultant-end":         ("AN=401 *=405", "AN=401 TL=400 *=403"),
}
# fmt: on

# Known deviations: where the code answers differently from the rule above. Each is a finding
# reported to the lead engineer; the cell passes only with exactly this status, and the test
# fails when one is fixed (remove it from here then). (method, key, roles, variant) -> (status, why)
KNOWN_DEVIATIONS: dict[tuple[str, str, str, str], tuple[int, str]] = {}


def _known(method, key, codes, variant, status, why):
    for code in codes.split(","):
        for v in ("in", "out") if variant == "*" else (variant,):
            KNOWN_DEVIATIONS[(method, key, CODES[code], v)] = (status, why)


# Ask for help: public, the same for everyone (a signed-in member of staff may use it too).
for _name in (
    "ask_start",
    "ask_area",
    "ask_location",
    "ask_who",
    "ask_children",
    "ask_child_add",
    "ask_child_change",
    "ask_child_remove",
    "ask_happening",
    "ask_help",
    "ask_name",
    "ask_contact",
    "ask_consent",
    "ask_check",
    "ask_sent",
):
    TABLE[f"support_requests:{_name}"] = ("*=200", "*=200")
# Steps that need an earlier answer first send the visitor back (302); a child not in the
# visitor's own answers is not found (404).
TABLE["support_requests:ask_start"] = ("*=200", "*=405")
TABLE["support_requests:ask_children"] = ("*=302", "*=302")
TABLE["support_requests:ask_child_change"] = ("*=404", "*=404")
TABLE["support_requests:ask_child_remove"] = ("*=405", "*=404")
TABLE["support_requests:ask_help"] = ("*=200", "*=302")
TABLE["support_requests:ask_check"] = ("*=302", "*=302")
TABLE["support_requests:ask_sent"] = ("*=302", "*=405")


# Routes whose record is named in the query string: (parameter, record kind).
QUERY = {
    "api:consent-decision-panel-referral-permission": ("family", "family"),
    "api:disguised-compliance-list": ("episode", "episode"),
}

# ---------------------------------------------------------------------------------------------
# The URL patterns.


@dataclass(frozen=True)
class Route:
    key: str
    name: str | None
    route: str
    kwargs: tuple[str, ...]


def _walk(patterns, prefix="", namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = ":".join(namespaces + (pattern.name,)) if pattern.name else None
            kwargs = tuple(pattern.pattern.regex.groupindex)
            yield prefix + str(pattern.pattern), name, kwargs


def project_routes() -> list[Route]:
    seen: dict[str, int] = {}
    found = []
    for route, name, kwargs in _walk(get_resolver().url_patterns):
        if any(route.startswith(p) for p in EXCLUDED_PREFIXES):
            continue
        found.append((route, name, kwargs))
        seen[name] = seen.get(name, 0) + 1
    routes = []
    for route, name, kwargs in found:
        key = name or route or "/"
        if name and seen[name] > 1:
            key = f"{name}({','.join(kwargs)})"
        routes.append(Route(key=key, name=name, route=route, kwargs=kwargs))
    # One cell for the whole Django admin (see EXCLUDED_PREFIXES).
    routes.append(
        Route(key="django-admin:index", name="admin:index", route="django-admin/", kwargs=())
    )
    return routes


def parse_row(row: str) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for token in row.split():
        roles, _, value = token.partition("=")
        inside, _, outside = value.partition("/")
        status = (int(inside), int(outside or inside))
        codes = list(CODES) if roles == "*" else roles.split(",")
        for code in codes:
            out.setdefault(CODES[code], status)
    missing = set(ROLES) - set(out)
    assert not missing, f"row {row!r} leaves out {missing}"
    return out


# ---------------------------------------------------------------------------------------------
# Checksums: every table's rows, so a refused write that changed anything is caught.

_NOT_DATA = {"django_session", "core_auditevent"}


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t not in _NOT_DATA)


def row_counts(tables) -> tuple:
    with connection.cursor() as cursor:
        counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()


def content_checksums(tables) -> dict[str, str]:
    """Each table's rows, digested: catches a refused write that updated a row in place."""
    sums = {}
    with connection.cursor() as cursor:
        for table in tables:
            digest = hashlib.sha256()
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
            if table == "accounts_user":
                drop = columns.index("last_login")
                rows = [r[:drop] + r[drop + 1 :] for r in rows]
            for row in sorted(rows, key=repr):
                digest.update(repr(row).encode())
            sums[table] = digest.hexdigest()
    return sums


# ---------------------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_table():
    keys = {route.key for route in project_routes()}
    missing = sorted(keys - set(TABLE))
    stale = sorted(set(TABLE) - keys)
    assert not missing, (
        f"URL patterns with no row in the authorisation matrix (add them): {missing}"
    )
    assert not stale, (
        f"rows in the authorisation matrix for URL patterns that no longer exist: {stale}"
    )


def _clients(world: World) -> dict[str, Client]:
    from accounts.tests.factories import sign_in_verified

    clients = {"anonymous": Client()}
    for role, user in world.users.items():
        clients[role] = sign_in_verified(Client(), user)
    return clients


def _url(world: World, route: Route, variant: str) -> str:
    if route.key == "/":
        return "/"
    url = reverse(route.name, kwargs=fill(world, route.name, list(route.kwargs), variant))
    if route.key in QUERY:
        parameter, kind = QUERY[route.key]
        url += f"?{parameter}={world.get(kind, variant)}"
    return url


def _variants(route: Route) -> tuple[str, ...]:
    return ("in", "out") if route.kwargs or route.key in QUERY else ("in",)


def _is_refusal(route: Route, role: str, status: int) -> bool:
    """Whether this answer to a POST means "not you": then it must have written nothing."""
    if status in (401, 403, 404, 405):
        return True
    # Anonymous visitors are sent to sign in, except on the public pages, whose redirects are
    # the journey's own.
    return (
        status == 302 and role == "anonymous" and not route.key.startswith("support_requests:ask_")
    )


@pytest.mark.django_db
def test_authorisation_matrix(record_property, settings):
    began = time.monotonic()
    world = build_world()
    clients = _clients(world)
    routes = [r for r in project_routes() if r.key in TABLE]
    tables = _tables()
    unexpected: list[str] = []
    known_hit: set[tuple[str, str, str, str]] = set()
    requests = 0

    def check(method, route, role, variant, status, expected):
        if status == expected:
            return
        cell = (method, route.key, role, variant)
        if cell in KNOWN_DEVIATIONS and KNOWN_DEVIATIONS[cell][0] == status:
            known_hit.add(cell)
            return
        unexpected.append(
            f"{method} {route.key} [{variant}] as {role}: {status}, expected {expected}"
        )

    def request(client, method, url, api):
        extra = {"HTTP_ACCEPT": "application/json"} if api else {}
        if method == "GET":
            return client.get(url, **extra)
        if api:
            return client.post(url, data={}, content_type="application/json", **extra)
        return client.post(url, data={})

    # GETs first: they change nothing the next request depends on.
    for route in routes:
        row = parse_row(TABLE[route.key][0])
        api = route.route.startswith("api/v1/")
        for variant in _variants(route):
            url = _url(world, route, variant)
            for role in ROLES:
                response = request(clients[role], "GET", url, api)
                requests += 1
                expected = row[role][0 if variant == "in" else 1]
                check("GET", route, role, variant, response.status_code, expected)

    # POSTs. One that may write runs in a savepoint rolled back afterwards, so every request sees
    # the same world; one that must be refused runs for real and must change nothing: no row
    # added or removed (checked per request) and no row changed (every table's digest, checked
    # over the whole phase).
    checksums_before = content_checksums(tables)
    for route in routes:
        row = parse_row(TABLE[route.key][1])
        api = route.route.startswith("api/v1/")
        for variant in _variants(route):
            url = _url(world, route, variant)
            for role in ROLES:
                expected = row[role][0 if variant == "in" else 1]
                refused = _is_refusal(route, role, expected) and (
                    ("POST", route.key, role, variant) not in KNOWN_DEVIATIONS
                )
                cookie = clients[role].cookies.get(settings.SESSION_COOKIE_NAME)
                if refused:
                    before = row_counts(tables)
                    response = request(clients[role], "POST", url, api)
                    if row_counts(tables) != before:
                        unexpected.append(
                            f"POST {route.key} [{variant}] as {role}: refused but added or removed rows"
                        )
                else:
                    with transaction.atomic():
                        response = request(clients[role], "POST", url, api)
                        transaction.set_rollback(True)
                requests += 1
                if cookie is not None:
                    # The rollback restored the session row; signing out or cycling the key must
                    # not sign this client out of the rest of the matrix.
                    clients[role].cookies[settings.SESSION_COOKIE_NAME] = cookie.value
                check("POST", route, role, variant, response.status_code, expected)

    checksums_after = content_checksums(tables)
    changed = sorted(t for t in tables if checksums_before[t] != checksums_after[t])
    if changed:
        unexpected.append(f"refused POSTs changed rows in place in: {changed}")
    for cell in sorted(set(KNOWN_DEVIATIONS) - known_hit):
        unexpected.append(
            f"known deviation no longer seen (fixed? remove it from KNOWN_DEVIATIONS): {cell}"
        )
    seconds = time.monotonic() - began
    summary = (
        f"authorisation matrix: {len(routes)} URLs x {len(ROLES)} roles = {requests:,} requests "
        f"(GET and POST, in and out of scope), {len(unexpected)} unexpected, "
        f"{len(known_hit)} known deviations, {seconds:.0f}s"
    )
    record_property("authorisation_matrix", summary)
    assert not unexpected, summary + "\n" + "\n".join(unexpected)
