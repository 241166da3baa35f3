"""A strategic lead learns from their home page that a quarter's neglect booklet is waiting to
be issued, reaches it in one click, and it leaves the tray once issued; the home page links the
partnership's reports for everyone who may read them."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from reporting import services
from reporting.tray import tray

pytestmark = pytest.mark.django_db

# 3 December 2026: the last quarter to have ended is July to September.
DECEMBER = datetime(2026, 12, 3, 10, tzinfo=UTC)


@time_machine.travel(DECEMBER, tick=False)
def test_the_booklet_to_issue_is_in_the_strategic_leads_tray_until_issued():
    lead = UserFactory(roles=[Role.STRATEGIC_LEAD])

    (section,) = tray(lead)

    assert (section.key, section.count) == ("booklet_to_issue", 1)
    (item,) = section.items
    assert item.text == "Neglect performance indicator booklet, July to September 2026"
    assert item.url == reverse("reporting:booklets")
    # Due six weeks after the quarter ended (30 September + 42 days), so overdue on 3 December.
    assert item.hint == "For the board by 11 November 2026" and item.overdue is True

    services.booklet_issue(actor=lead, year=2026, quarter=3, commentary="")

    assert tray(lead) == []


@time_machine.travel(DECEMBER, tick=False)
@pytest.mark.parametrize("role", [Role.EARLY_SUPPORT_TEAM_LEADER, Role.TEAM_MANAGER])
def test_only_strategic_leads_are_asked_to_issue_it(role):
    assert tray(UserFactory(roles=[role])) == []


@time_machine.travel(DECEMBER, tick=False)
def test_the_home_page_links_the_reports_and_the_booklet_waiting():
    client = sign_in_verified(Client(), UserFactory(roles=[Role.STRATEGIC_LEAD]))

    html = client.get(reverse("core:home")).content.decode()

    assert f'href="{reverse("reporting:dashboard")}"' in html
    assert f'href="{reverse("reporting:report_card")}"' in html
    assert "Neglect booklet to issue" in html
    practitioner = sign_in_verified(Client(), UserFactory(roles=[Role.PRACTITIONER]))
    assert (
        f'href="{reverse("reporting:dashboard")}"'
        not in practitioner.get(reverse("core:home")).content.decode()
    )
