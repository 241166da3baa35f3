"""Casework tests run at one fixed moment, so a date the rules compare with today (a review
overdue, a contact in the future, the day an episode ended) means the same on every run."""

from datetime import UTC, datetime

import pytest
import time_machine

# Monday 2 November 2026, mid-morning in London: after the factories' episodes started (September).
FROZEN_AT = datetime(2026, 11, 2, 10, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield
