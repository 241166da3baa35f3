"""The demo's casework consultancy: two consultants among the demo logins, a request in every
state, and a second run that adds nothing."""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from consultancy import selectors
from consultancy.models import CaseworkConsultant, ConsultancyRequest
from core import clock
from core.council_pack import load_council_pack
from core.models import AuditEvent
from demo import consultancy_demo
from demo.generator import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_consultants_and_a_request_in_every_state():
    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    seed_demo(families=30, seed=2026)
    assert set(CaseworkConsultant.objects.values_list("user__username", flat=True)) == {
        "lead.professional",
        "practitioner2",
    }
    assert set(ConsultancyRequest.objects.values_list("status", flat=True)) == set(
        ConsultancyRequest.Status.values
    )
    lead = CaseworkConsultant.objects.get(user__username="lead.professional").user
    assert selectors.is_consultant_today(lead)
    requests, events = ConsultancyRequest.objects.count(), AuditEvent.objects.count()
    counts = Counter()
    consultancy_demo.seed(today=clock.today(), counts=counts)
    assert (ConsultancyRequest.objects.count(), AuditEvent.objects.count()) == (requests, events)
    assert counts == Counter()
