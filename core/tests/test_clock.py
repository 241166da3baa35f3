from datetime import UTC, date, datetime

import time_machine

from core import clock


def test_today_is_the_date_in_london_not_utc():
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    with time_machine.travel(datetime(2027, 7, 1, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2027, 7, 2)
        assert clock.now() == datetime(2027, 7, 1, 23, 30, tzinfo=UTC)
        assert clock.local(clock.now()).hour == 0


def test_in_winter_london_is_utc():
    with time_machine.travel(datetime(2027, 1, 1, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2027, 1, 1)
