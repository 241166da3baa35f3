from datetime import UTC, datetime

import pytest
import time_machine

# Monday 2 November 2026, mid-morning in London.
FROZEN_AT = datetime(2026, 11, 2, 10, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield
