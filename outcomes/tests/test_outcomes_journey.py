"""Browser journey for outcomes: a lead professional goes from the episode to its outcomes and
progress in one click, records a baseline (first sending the form with nothing in it, which
keeps them on the form with the GOV.UK error summary), maps the plan outcome to a framework
outcome, and sees the score in the table. axe-core checks every page visited."""

from datetime import date, datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from casework.tests.factories import EpisodeFactory
from core.tests.factories import AgencyFactory, AreaFactory, CouncilFactory, TeamFactory
from outcomes.models import OutcomeLink, OutcomeScore
from outcomes.tests.factories import FrameworkOutcomeFactory, OutcomeScaleFactory, plan_outcome_for
from panel.calendar import LONDON
from people.tests.factories import FamilyFactory
from tests.browser import assert_no_axe_violations, fill_date, sign_in, visit
from tests.test_panel_meeting_journey import Clock

MORNING = datetime(2027, 2, 1, 9, 30, tzinfo=LONDON)


@pytest.fixture
def clock():
    clock = Clock()
    yield clock
    clock.stop()


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_outcomes_journey(live_server, page, clock):
    clock.set(MORNING)
    CouncilFactory()
    OutcomeScaleFactory()
    FrameworkOutcomeFactory(title="Getting a good education")
    team = TeamFactory(agency=AgencyFactory(name="Family Help"), area=AreaFactory())
    worker = UserFactory(username="lead.professional", team=team, roles=[Role.LEAD_PROFESSIONAL])
    device = TOTPDeviceFactory(user=worker)
    episode = EpisodeFactory(
        lead_professional=worker,
        family=FamilyFactory(team=team),
        lead_agency=team.agency,
        started_on=date(2026, 11, 2),
    )
    plan_outcome_for(episode, outcome_family_words="The children go to school every day")

    visit(page, f"{live_server.url}/casework/episodes/{episode.pk}/")
    sign_in(page, worker, device)
    page.get_by_role("link", name="See outcomes and progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes and progress")
    assert_no_axe_violations(page, "outcomes page")

    page.get_by_role("link", name="Record a score").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a score")
    assert_no_axe_violations(page, "score form")
    page.get_by_role("button", name="Save the score").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what the score is for")
    assert_no_axe_violations(page, "score form with errors")

    page.get_by_label("Baseline").check()
    page.get_by_label("Score", exact=True).fill("3")
    page.get_by_label("What is the evidence?").fill("Attendance 81% last term")
    page.get_by_label("Where does the evidence come from?").fill("School attendance records")
    fill_date(page, "When is the evidence from", date(2026, 11, 2))
    page.get_by_role("button", name="Save the score").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes and progress")
    expect(page.locator("[data-kind=baseline]")).to_contain_text("Attendance 81% last term")

    page.get_by_role("link", name="Map to a framework outcome").click()
    assert_no_axe_violations(page, "map form")
    page.get_by_label("Which framework outcome does it count towards?").select_option(
        label="Stronger Families outcomes: Getting a good education"
    )
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_text("Stronger Families outcomes: Getting a good education")).to_be_visible()
    assert_no_axe_violations(page, "outcomes page with a score and a mapping")
    assert OutcomeScore.objects.get().score == 3
    assert OutcomeLink.objects.count() == 1
