"""The demo's children's centre data: registrations, contacts and a population per centre, and a
second run writes nothing."""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from children_centres import selectors
from children_centres.models import CentreRegistration, ReachContact, UnderFivesPopulation
from core import clock
from core.council_pack import load_council_pack
from core.models import AuditEvent, Site
from demo import children_centres_demo, journeys
from demo.generator import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_registers_under_fives_and_a_second_run_writes_nothing(monkeypatch):
    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    # The demo's families and logins alone: the other journeys are their apps' to test.
    monkeypatch.setattr(journeys, "seed_journeys", lambda **kwargs: None)
    seed_demo(families=30, seed=2026)
    assert not CentreRegistration.objects.exists()
    children_centres_demo.seed(today=clock.today(), counts=Counter())
    centres = Site.objects.filter(kind=Site.Kind.CHILDRENS_CENTRE).count()
    assert CentreRegistration.objects.exists() and ReachContact.objects.exists()
    assert UnderFivesPopulation.objects.filter(centre__isnull=False).count() == centres
    table = selectors.reach_table(
        period=selectors.reach.Period.financial_year_of(clock.today()), today=clock.today()
    )
    assert table.council.registered.count > 0 and table.council.population
    before = (
        CentreRegistration.objects.count(),
        ReachContact.objects.count(),
        AuditEvent.objects.count(),
    )
    counts = Counter()
    children_centres_demo.seed(today=clock.today(), counts=counts)
    assert not counts
    assert before == (
        CentreRegistration.objects.count(),
        ReachContact.objects.count(),
        AuditEvent.objects.count(),
    )
