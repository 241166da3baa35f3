from datetime import UTC, datetime

import pytest
import time_machine

# Thursday 3 December 2026, mid-morning in London.
FROZEN_AT = datetime(2026, 12, 3, 10, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield
