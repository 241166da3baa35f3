"""The offer's demo data: the seed's programmes in the directory and the offer, a full programme
with a waiting list (one family beyond the threshold), attendance, completion and an impact; a
second run adds nothing."""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from core import clock
from core.council_pack import load_council_pack
from demo import offer_demo
from demo.generator import seed_demo
from directory.models import Service
from offer import selectors
from offer.models import Attendance, ImpactMeasure, Programme, Referral

pytestmark = pytest.mark.django_db


def test_the_demo_offer():
    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    seed_demo(families=40, seed=2026)
    names = sorted(Programme.objects.values_list("service__name", flat=True))
    assert names == sorted(name for name, *_ in offer_demo.PROGRAMMES)
    assert Service.objects.filter(pk__in=[offer_demo._id("service", n) for n in names]).count() == 6
    freedom = Programme.objects.get(service__name="Freedom")
    places = selectors.programme_places(freedom)
    assert (places.free, places.waiting) == (0, 2)
    leader = freedom.team.members.get(username="team.leader")
    rows = selectors.waiting_list(leader, freedom)
    assert [r.flagged for r in rows] == [False, True]  # urgent first; the other waited 9 weeks
    assert Attendance.objects.filter(status="absent").count() == 1
    assert ImpactMeasure.objects.count() == 1
    assert Referral.objects.filter(status=Referral.Status.TAKEN_UP).count() == 1
    # A member of the public's request signposted at triage: a referral naming no family.
    (signposted,) = Referral.objects.filter(family__isnull=True)
    assert (signposted.source, signposted.status) == ("triage", Referral.Status.HANDED_OVER)
    # Today's sessions of Steps and Freedom wait for their facilitator's attendance.
    due = selectors.sessions_awaiting_attendance(leader)
    assert sorted(s.group.programme.service.name for s in due) == ["Freedom", "Steps"]
    assert {s.held_on for s in due} == {clock.today()}
    before = (Programme.objects.count(), Referral.objects.count(), Attendance.objects.count())
    offer_demo.seed(today=clock.today(), counts=Counter())
    assert (
        Programme.objects.count(),
        Referral.objects.count(),
        Attendance.objects.count(),
    ) == before
