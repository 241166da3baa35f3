"""Ofsted's Annex A List 2 on a small hand-built set of assessments around the six months to
31 March 2027 (1 October 2026 to 31 March 2027, both included; British Summer Time starts on
28 March 2027, so that last day ends at 23:00 UTC), and its page and downloads: who may, the exact
columns, the codes, the audit."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments.models import Assessment
from assessments.tests.factories import AssessmentFactory
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, TeamFactory
from people.tests.factories import PersonFactory
from reporting import annex_a

pytestmark = pytest.mark.django_db

AS_AT = date(2027, 3, 31)
HEADER = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Assessment start date",
    "Assessment completion date",
    "Organisation completing assessment",
]


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2027, 4, 20, 10, tzinfo=UTC), tick=False):
        yield


def _assessment(child, *, started: datetime, completed: datetime | None = None):
    worker = UserFactory(team=TeamFactory(agency=AgencyFactory(name="Springfield Primary")))
    assessment = AssessmentFactory(worker=worker, children=[child])
    Assessment.objects.filter(pk=assessment.pk).update(created_at=started, completed_at=completed)
    return assessment


@pytest.fixture
def world(frozen):
    """Who is in, who is out, and why (each worked out from the window by hand)."""
    adult_at_18 = PersonFactory(date_of_birth=date(2009, 3, 31), gender="1", ethnicity="WBRI")
    seventeen = PersonFactory(date_of_birth=date(2009, 4, 1), gender="2", ethnicity="APKN")
    unborn = PersonFactory(
        kind="unborn", date_of_birth=None, expected_date_of_delivery=date(2027, 5, 1)
    )
    done_before = PersonFactory()
    too_late = PersonFactory()
    return {
        # Completed on 30 September at 23:00 BST (22:00 UTC): before the six months began: out.
        "done_before": _assessment(
            done_before,
            started=datetime(2026, 9, 1, 9, tzinfo=UTC),
            completed=datetime(2026, 9, 30, 22, tzinfo=UTC),
        ),
        # Completed on 1 October, the first day: in.
        "first_day": _assessment(
            adult_at_18,
            started=datetime(2026, 9, 1, 9, tzinfo=UTC),
            completed=datetime(2026, 10, 1, 8, tzinfo=UTC),
        ),
        # Started at 23:30 on 31 March, London time (22:30 UTC): in, and never completed.
        "last_minute": _assessment(seventeen, started=datetime(2027, 3, 31, 22, 30, tzinfo=UTC)),
        # Started at 00:30 on 1 April, London time (23:30 UTC on 31 March): out.
        "too_late": _assessment(too_late, started=datetime(2027, 3, 31, 23, 30, tzinfo=UTC)),
        # An unborn baby's assessment running through the window: in, with no age.
        "unborn": _assessment(unborn, started=datetime(2026, 12, 1, 12, tzinfo=UTC)),
        "people": (adult_at_18, seventeen, unborn),
    }


def test_the_window_is_the_six_months_before_the_day_included():
    assert annex_a.Window(date(2027, 3, 31)).starts == date(2026, 10, 1)
    assert annex_a.Window(date(2027, 8, 31)).starts == date(2027, 3, 1)  # 28 Feb + 1
    assert annex_a.Window(date(2027, 6, 15)).starts == date(2026, 12, 16)


def test_list_2_has_the_children_of_assessments_running_in_the_six_months(world):
    adult_at_18, seventeen, unborn = world["people"]
    rows = annex_a.list_2(as_at=AS_AT)
    assert rows == [
        {
            "child_id": str(adult_at_18.pk),
            "gender": "1",
            "ethnicity": "WBRI",
            "date_of_birth": date(2009, 3, 31),
            "age": 18,  # eighteen on the day
            "started_on": date(2026, 9, 1),
            "completed_on": date(2026, 10, 1),
            "organisation": "Springfield Primary",
        },
        {
            "child_id": str(unborn.pk),
            "gender": unborn.gender,
            "ethnicity": unborn.ethnicity,
            "date_of_birth": None,
            "age": None,
            "started_on": date(2026, 12, 1),
            "completed_on": None,
            "organisation": "Springfield Primary",
        },
        {
            "child_id": str(seventeen.pk),
            "gender": "2",
            "ethnicity": "APKN",
            "date_of_birth": date(2009, 4, 1),
            "age": 17,  # eighteen tomorrow
            "started_on": date(2027, 3, 31),
            "completed_on": None,
            "organisation": "Springfield Primary",
        },
    ]


def test_a_date_in_the_future_or_none_is_refused(frozen):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        annex_a.list_2(as_at=date(2027, 4, 21))
    assert refused.value.message_dict == {
        "as_at": ["The date the list runs to must be today or in the past"]
    }
    with pytest.raises(ValidationError):
        annex_a.list_2(as_at=None)


# ---------------------------------------------------------------- the page and the downloads


def _lead():
    return sign_in_verified(Client(), UserFactory(roles=[Role.STRATEGIC_LEAD]))


def _url(**query):
    from urllib.parse import urlencode

    return (
        f"{reverse('reporting:annex_a_list_2')}?{urlencode(query)}"
        if query
        else reverse("reporting:annex_a_list_2")
    )


DAY = {"as_at_0": "31", "as_at_1": "3", "as_at_2": "2027"}


def test_the_xlsx_has_ofsteds_columns_in_order_and_is_audited(world):
    response = _lead().get(_url(**DAY, fmt="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="annex-a-list-2-early-help-2027-03-31.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == HEADER
    assert len(values) == 4
    assert values[1][4] == 18 and values[1][3].date() == date(2009, 3, 31)
    event = AuditEvent.objects.get(action="export", record_type="assessments.assessmentchild")
    assert event.detail == {
        "report": "annex_a_list_2",
        "as_at": "2027-03-31",
        "format": "xlsx",
        "rows": 3,
    }


def test_the_csv_has_the_same_columns_and_day_month_year_dates(world):
    response = _lead().get(_url(**DAY, fmt="csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    adult_at_18 = world["people"][0]
    assert rows[1] == [
        str(adult_at_18.pk),
        "1",
        "WBRI",
        "31/03/2009",
        "18",
        "01/09/2026",
        "01/10/2026",
        "Springfield Primary",
    ]


def test_bad_dates_show_the_error_summary_and_keep_what_was_typed(frozen):
    response = _lead().get(_url(as_at_0="21", as_at_1="4", as_at_2="2027", fmt="csv"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The date the list runs to must be today or in the past" in html
    assert 'value="21"' in html
    response = _lead().get(_url(fmt="csv"))
    assert "Enter the date the list runs to" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.STRATEGIC_LEAD, 200),
        (Role.EARLY_SUPPORT_TEAM_LEADER, 200),
        (Role.PRACTITIONER, 404),
        (Role.TEAM_MANAGER, 404),
        (Role.SYSTEM_ADMINISTRATOR, 404),
    ],
)
def test_only_those_who_read_reports_reach_them(frozen, role, status):
    client = sign_in_verified(Client(), UserFactory(roles=[role]))
    # Team managers have the list of reports (for the dashboard and report cards), not this one.
    index = 200 if role == Role.TEAM_MANAGER else status
    assert client.get(reverse("reporting:index")).status_code == index
    assert client.get(_url()).status_code == status
    assert client.get(_url(**DAY, fmt="csv")).status_code == status


def test_reports_are_in_the_navigation_of_those_who_may(frozen):
    html = _lead().get(reverse("core:home")).content.decode()
    assert f'href="{reverse("reporting:index")}"' in html
    page = _lead().get(reverse("reporting:index")).content.decode()
    assert f'href="{reverse("reporting:annex_a_list_2")}"' in page
