"""Outcomes tests run at one fixed moment, so 'in the future' means the same every run."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.tests.factories import EpisodeFactory, team_manager_for
from outcomes.tests.factories import (
    FrameworkOutcomeFactory,
    OutcomeScaleFactory,
    held_review,
    plan_outcome_for,
)

# Monday 2 November 2026, mid-morning in London.
FROZEN_AT = datetime(2026, 11, 2, 10, tzinfo=UTC)
TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield


@pytest.fixture
def scale(db):
    return OutcomeScaleFactory()


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL])


@pytest.fixture
def episode(lead, scale):
    return EpisodeFactory(lead_professional=lead)


@pytest.fixture
def manager_of(episode):
    return team_manager_for(episode)


@pytest.fixture
def plan_outcome(episode):
    return plan_outcome_for(episode)


@pytest.fixture
def review(episode):
    return held_review(episode)


@pytest.fixture
def framework_outcome(db):
    return FrameworkOutcomeFactory()


@pytest.fixture
def outsider(other_team):
    """A lead professional in another team: the episode's family is not in their scope."""
    return UserFactory(team=other_team, roles=[Role.LEAD_PROFESSIONAL])


@pytest.fixture
def business_support(team):
    return UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
