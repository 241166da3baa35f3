"""Risk factor tests run at one fixed moment, so ages and "not in the future" mean the same on
every run."""

from datetime import UTC, datetime

import pytest
import time_machine

# Monday 2 November 2026, mid-morning in London.
FROZEN_AT = datetime(2026, 11, 2, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield
