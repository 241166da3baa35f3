"""Every API read of a record writes exactly one audit event: a walk of every GET route on the
router (lists, records and their read actions), as a member of staff in each role.

A new viewset or read action is walked without being listed here; only the routes that hold
no one's personal data are named, and they must write nothing.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments.tests.factories import AssessmentFactory
from casework import plans
from casework.tests.factories import ContactFactory, EpisodeFactory, TafMeetingFactory
from consent.tests.factories import ConsentDecisionFactory, ConsentOverrideFactory
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, TeamFactory
from earlyhelp.api_urls import router
from panel import services as panel_services
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, panel_referral
from people.tests.factories import family_with_members
from support_requests.tests.factories import SupportRequestFactory

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db

# Panels, their seats, meeting calendars and the quorum: no family's record.
NOT_A_RECORD = {
    "api:panel-list",
    "api:panel-detail",
    "api:panel-meeting-list",
    "api:panel-meeting-detail",
    "api:panel-meeting-quorum",  # counts of who is in the room
}
# Read only for a given family (?family=), walked with each family the caller can see.
FAMILY_QUERY = {"api:consent-decision-panel-referral-permission"}
# Reads the walk must reach, so the walk cannot quietly shrink to nothing.
MUST_BE_WALKED = {
    "api:person-list",
    "api:person-detail",
    "api:person-chronology",
    "api:family-list",
    "api:family-detail",
    "api:support-request-list",
    "api:support-request-detail",
    "api:my-support-request-list",
    "api:my-support-request-detail",
    "api:assessment-list",
    "api:assessment-detail",
    "api:assessment-pdf",
    "api:consent-decision-list",
    "api:consent-decision-detail",
    "api:consent-decision-panel-referral-permission",
    "api:panel-case-list",
    "api:panel-case-detail",
    "api:panel-meeting-agenda",
    "api:episode-list",
    "api:episode-detail",
    "api:episode-contacts",
    "api:episode-taf-meetings",
    "api:episode-plan-detail",
}


@pytest.fixture
def people(time_machine):
    """One of every kind of record, and a member of staff in every role that reads them."""
    # The panel's records are made on a day the 2027 meetings are still to come.
    time_machine.move_to(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False)
    # The early support service's team: its leaders and business support see the request queue.
    team = TeamFactory(agency=AgencyFactory(is_early_support_service=True))
    practitioner = UserFactory(team=team, roles=[Role.PRACTITIONER])
    leader = UserFactory(team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(team)
    business = UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    family = family_with_members(team=team, children=1, adults=1)
    episode = EpisodeFactory(lead_professional=practitioner, family=family)
    ContactFactory(episode=episode)
    TafMeetingFactory(episode=episode)
    plans.plan_start(actor=practitioner, episode=episode)
    AssessmentFactory(worker=practitioner, family=family)
    ConsentDecisionFactory(family=family, recorded_by=practitioner)
    ConsentOverrideFactory(family=family, authorised_by=leader)
    SupportRequestFactory(area=team.area, requester=practitioner, family=family)
    panel = PanelFactory(area=team.area, chair=UserFactory(roles=[Role.PANEL_CHAIR]))
    member = PanelSeatMemberFactory(seat__panel=panel, user__roles=[Role.PANEL_MEMBER]).user
    panel_services.panel_schedule_year(actor=business, panel=panel, year=2027)
    case = panel_services.panel_case_log(
        actor=business, referral=panel_referral(panel, datetime(2026, 12, 30, 11, 0, tzinfo=LONDON))
    )
    panel_services.meeting_publish_pack(actor=business, meeting=case.meeting)
    return [practitioner, leader, manager, business, panel.chair, member]


def _get_routes():
    """(route name, url template) for every GET route; {id} stands for the record's id."""
    for prefix, viewset, basename in router.registry:
        yield f"api:{basename}-list", f"/api/v1/{prefix}/"
        yield f"api:{basename}-detail", f"/api/v1/{prefix}/{{id}}/"
        for extra in viewset.get_extra_actions():
            if "get" in extra.mapping:
                name = f"api:{basename}-{extra.url_name}"
                if extra.detail:
                    yield name, f"/api/v1/{prefix}/{{id}}/{extra.url_path}/"
                else:
                    yield name, f"/api/v1/{prefix}/{extra.url_path}/"


def _ids(rows) -> list:
    if isinstance(rows, dict):
        rows = rows.get("results", [])
    return [row.get("id", row.get("episode_id")) for row in rows if isinstance(row, dict)]


def _expect_one(api, url, name, walked, **params):
    before = AuditEvent.objects.count()
    response = api.get(url, params)
    if response.status_code != 200:
        return None
    written = AuditEvent.objects.count() - before
    expected = 0 if name in NOT_A_RECORD else 1
    assert written == expected, f"{name} wrote {written} audit events"
    walked.add(name)
    return response


def test_every_api_read_writes_exactly_one_audit_event(people):
    routes = list(_get_routes())
    assert {name for name, _ in routes} >= MUST_BE_WALKED  # the route names are still these
    walked: set[str] = set()
    for user in people:
        api = sign_in_verified(APIClient(), user)
        families = _ids(api.get("/api/v1/families/").json())
        ids_by_prefix = {}
        for name, url in routes:
            if "{id}" in url or name in FAMILY_QUERY:
                continue
            response = _expect_one(api, url, name, walked)
            if response is not None:
                ids_by_prefix[url] = _ids(response.json())[:3]
        # The family plan has no list: its ids are the episodes'.
        ids_by_prefix["/api/v1/episode-plans/"] = ids_by_prefix.get("/api/v1/episodes/", [])
        for name, url in routes:
            if name in FAMILY_QUERY:
                for family in families[:3]:
                    _expect_one(api, url, name, walked, family=family)
                continue
            if "{id}" not in url:
                continue
            prefix = url.split("{id}")[0]
            for record_id in ids_by_prefix.get(prefix, []):
                _expect_one(api, url.format(id=record_id), name, walked)
    assert MUST_BE_WALKED <= walked, sorted(MUST_BE_WALKED - walked)
