"""The strategic lead's home page (issue 10, measured item 5): the partnership's reports they may
open, each panel's data recording sheet, shown apart from the work waiting and not counted, in
the same number of queries however many panels there are."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core import worktray
from panel.tests.factories import PanelFactory

pytestmark = pytest.mark.django_db


def _home(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _sheet(panel=None) -> str:
    url = reverse("panel:recording_sheet")
    return f"{url}?panel={panel.pk}" if panel else url


def test_the_strategic_lead_home_lists_each_panels_recording_sheet_and_each_opens():
    panels = [PanelFactory(name="Huddersfield panel"), PanelFactory(name="Batley panel")]
    PanelFactory(name="Retired panel", active=False)
    lead = UserFactory(team=None, roles=[Role.STRATEGIC_LEAD])
    client = sign_in_verified(Client(), lead)

    html = _home(client)

    assert 'id="for-your-information"' in html and 'id="tray-reports"' in html
    assert "Reports you can open" in html
    for url in (_sheet(), *(_sheet(panel) for panel in panels)):
        assert f'href="{url}"' in html.replace("&amp;", "&")
        assert client.get(url).status_code == 200
    assert "Data recording sheet: Batley panel" in html
    assert "Retired panel" not in html
    # Something to open, not work waiting: the reports are not counted. The one thing waiting is
    # the last quarter's neglect booklet, not issued yet (the reporting app's part of the tray).
    waiting = [section.key for section in worktray.tray_for(lead) if not section.informational]
    assert waiting == ["booklet_to_issue"] and worktray.waiting_count(lead) == 1
    assert "Neglect booklet to issue" in html


def test_the_reports_are_only_for_who_may_open_the_recording_sheet():
    PanelFactory()
    for roles in ([Role.PRACTITIONER], [Role.PANEL_MEMBER], [Role.BUSINESS_SUPPORT]):
        user = UserFactory(roles=roles)
        keys = [section.key for section in worktray.tray_for(user)]
        assert "reports" not in keys, roles
    practitioner = UserFactory(roles=[Role.PRACTITIONER])
    assert sign_in_verified(Client(), practitioner).get(_sheet()).status_code == 404


def test_the_home_page_costs_the_same_queries_for_one_panel_as_for_several():
    lead = UserFactory(team=None, roles=[Role.STRATEGIC_LEAD])
    client = sign_in_verified(Client(), lead)
    PanelFactory()
    _home(client)
    with CaptureQueriesContext(connection) as one:
        _home(client)
    for _ in range(7):
        PanelFactory()
    with CaptureQueriesContext(connection) as eight:
        html = _home(client)
    assert len(one) == len(eight)
    assert "Choose a panel and a year on the data recording sheet" in html
