"""Script typed into any consultancy text field is shown escaped on every consultancy page (the
project-wide probe, tests/test_hostile_text.py, covers these too; this one runs on its own)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from consultancy.models import CaseworkConsultant, ConsultancyRequest, ConsultancyRequestHistory
from consultancy.tests.factories import ConsultancyRequestFactory, consultant_user
from core.tests.factories import AgencyFactory, TeamFactory
from people.tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PAYLOAD = '<script>xss("{}")</script>"><img src=x onerror=xss(1)>'


def test_every_text_field_is_escaped_on_every_page():
    agency = AgencyFactory(name=PAYLOAD.format("agency"))
    team = TeamFactory(agency=agency, name=PAYLOAD.format("team"))
    asker = UserFactory(team=team, roles=[Role.PRACTITIONER], first_name=PAYLOAD.format("first"))
    family = FamilyFactory(team=team, name=PAYLOAD.format("family"))
    consultant = consultant_user()
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    items = [
        ConsultancyRequestFactory(requested_by=asker, family=family),
        ConsultancyRequestFactory(requested_by=asker, consultant=consultant, completed=True),
        ConsultancyRequestFactory(requested_by=asker, declined=True),
    ]
    for item in items:
        ConsultancyRequestHistory.objects.create(
            request=item,
            actor=asker,
            event="asked",
            to_status=item.status,
            note=PAYLOAD.format("note"),
        )
    texts = ("help_wanted", "preferred_dates", "decline_reason", "what_was_done", "outcome_note")
    ConsultancyRequest.objects.update(
        **{f: PAYLOAD.format(f)[: 500 if f == "preferred_dates" else None] for f in texts},
        coaching_sessions=2,
        co_working_from=date(2026, 10, 1),
        co_working_to=date(2026, 10, 2),
    )
    urls = [reverse(f"consultancy:{n}") for n in ("index", "ask", "consultants", "counts")]
    for item in items:
        urls += [
            reverse(f"consultancy:{n}", kwargs={"request_id": item.pk})
            for n in ("detail", "assign", "accept", "decline", "complete", "withdraw")
        ]
    urls += [
        reverse("consultancy:consultant_end", kwargs={"consultant_id": pk})
        for pk in CaseworkConsultant.objects.values_list("pk", flat=True)
    ]
    shown = set()
    for user in (asker, consultant, leader):
        client = sign_in_verified(Client(), user)
        for url in urls:
            response = client.get(url)
            html = response.content.decode()
            assert "<script>xss(" not in html and "<img src=x" not in html, url
            if response.status_code == 200:
                shown.update(
                    f for f in (*texts, "note", "family", "agency") if f"xss(&quot;{f}" in html
                )
    assert shown == {*texts, "note", "family", "agency"}
