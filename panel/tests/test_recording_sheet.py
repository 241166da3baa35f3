"""Part 8: the data recording sheet (XLSX and CSV), built from real cases through the services."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, TeamFactory
from panel import recording_sheet, services
from panel.models import MeetingAttendance, PanelMeeting, PanelSeat
from panel.tests.factories import PanelFactory, demo_panel, panel_referral
from people.models import Family, Person

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
M = MeetingAttendance.Role
# Submitted late on 30 December in London: still 30 December, though 31 December in no zone.
REFERRED = datetime(2026, 12, 30, 11, 0, tzinfo=LONDON)
CHILD_FIRST, CHILD_LAST, FAMILY_NAME = "Zephyrine", "Quillfeather", "Quillfeather family"


class Clock:
    """The moment every module sees (time-machine), frozen until ``set`` moves it."""

    def __init__(self, traveller):
        self.traveller = traveller

    def set(self, moment):
        self.traveller.move_to(moment)


@pytest.fixture
def clock():
    with time_machine.travel(datetime.now(tz=LONDON), tick=False) as traveller:
        yield Clock(traveller)


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def agencies():
    names = ["Police", "0-19 Health", "School", "Housing", "Youth Justice"]
    return [AgencyFactory(name=name, panel_seat=True) for name in names]


@pytest.fixture
def panel(clock, agencies):
    chair = UserFactory(roles=[Role.PANEL_CHAIR], first_name="Carol", last_name="Chairperson")
    clock.set(datetime(2026, 11, 1, 9, tzinfo=LONDON))
    return demo_panel(agencies=agencies, chair=chair)


def log_case(panel, staff, clock, submitted_at=REFERRED, **referral_kwargs):
    clock.set(datetime(2027, 1, 2, 9, tzinfo=LONDON))
    referral = panel_referral(panel, submitted_at, **referral_kwargs)
    # Distinctive names, to prove they never reach the files.
    Person.objects.filter(pk__in=referral.family.members.values("person")).update(
        first_name=CHILD_FIRST, last_name=CHILD_LAST
    )
    Family.objects.filter(pk=referral.family_id).update(name=FAMILY_NAME)
    return services.panel_case_log(actor=staff, referral=referral)


def make_quorate(panel, meeting, actor):
    services.attendance_record_arrival(actor=actor, meeting=meeting, user=panel.chair, role=M.CHAIR)
    for seat in PanelSeat.objects.filter(panel=panel).order_by("pk")[:4]:
        user = seat.members.get(is_substitute=False).user
        services.attendance_record_arrival(
            actor=actor, meeting=meeting, user=user, role=M.MEMBER, seat=seat
        )


@pytest.fixture
def story(panel, staff, clock, agencies):
    """Three cases: decided at the meeting and allocated; not yet decided; an extraordinary step up."""
    lead, support = agencies[0], agencies[1]
    decided = log_case(panel, staff, clock, referrer_continues=False)
    waiting = log_case(panel, staff, clock)
    extraordinary = log_case(panel, staff, clock)

    clock.set(datetime(2027, 1, 5, 15, tzinfo=LONDON))
    services.panel_extraordinary_decision_record(
        actor=panel.chair, case=extraordinary, kind="step_up", reason="Significant harm concerns"
    )

    m1 = PanelMeeting.objects.get(panel=panel, date=date(2027, 1, 6))
    clock.set(datetime(2027, 1, 6, 10, 0, tzinfo=LONDON))
    make_quorate(panel, m1, staff)
    services.panel_decision_record(
        actor=staff,
        meeting=m1,
        case=decided,
        kind="lead_agency",
        lead_agency=lead,
        supporting_agencies=[support, agencies[3]],
    )

    team = TeamFactory(agency=lead, area=decided.referral.family.area)
    manager = UserFactory(team=team, agency=lead, roles=[Role.TEAM_MANAGER])
    worker = UserFactory(
        team=TeamFactory(agency=lead),
        agency=lead,
        roles=[Role.PRACTITIONER],
        first_name="Wendy",
        last_name="Workerbee",
    )
    clock.set(datetime(2027, 1, 12, 11, tzinfo=LONDON))
    services.lead_professional_allocate(actor=manager, case=decided, lead_professional=worker)
    return {"decided": decided, "waiting": waiting, "extraordinary": extraordinary}


def by_number(rows):
    return {row["esmap_number"]: row for row in rows}


def test_rows_and_day_counts(panel, story, agencies):
    rows = recording_sheet.rows()
    decided, waiting, extraordinary = story["decided"], story["waiting"], story["extraordinary"]
    assert [r["esmap_number"] for r in rows] == sorted(
        [decided.esmap_number, waiting.esmap_number, extraordinary.esmap_number]
    )
    rows = by_number(rows)

    row = rows[decided.esmap_number]
    assert row["panel"] == panel.name
    assert row["family_reference"] == decided.referral.family.reference
    assert row["area"] == decided.referral.family.area.name
    assert row["referred_on"] == date(2026, 12, 30)
    assert row["logged_on"] == date(2027, 1, 2)
    assert row["meeting_on"] == date(2027, 1, 6)
    assert row["referrer_continues"] == "No"
    assert row["consent_basis"] == "Consent"
    assert row["decision"] == "Lead agency for the Team Around the Family"
    assert row["decided_on"] == date(2027, 1, 6)
    assert row["extraordinary"] == "No"
    assert row["lead_agency"] == "Police"
    assert row["supporting_agencies"] == "0-19 Health; Housing"
    assert row["allocated_on"] == date(2027, 1, 12)
    assert row["days_to_decision"] == 7
    assert row["days_to_allocation"] == 13
    assert row["status"] == "Lead professional allocated"
    assert row["closed_on"] is None
    assert row["referrer_agency"] == (
        decided.referral.submitted_by.agency.name if decided.referral.submitted_by.agency else ""
    )

    row = rows[waiting.esmap_number]
    assert row["referrer_continues"] == "Yes"
    assert row["decision"] == "" and row["decided_on"] is None and row["extraordinary"] == ""
    assert row["lead_agency"] == "" and row["supporting_agencies"] == ""
    assert row["allocated_on"] is None
    assert row["days_to_decision"] is None and row["days_to_allocation"] is None
    assert row["status"] == "Logged" and row["closed_on"] is None

    row = rows[extraordinary.esmap_number]
    assert row["decision"] == "Step up to children's social care"
    assert row["extraordinary"] == "Yes"
    assert row["decided_on"] == date(2027, 1, 5)
    assert row["days_to_decision"] == 6 and row["days_to_allocation"] is None
    assert row["status"] == "Closed" and row["closed_on"] == date(2027, 1, 5)


def test_filters_by_panel_and_year(panel, story, agencies):
    assert len(recording_sheet.rows(panel=panel, year=2027)) == 3
    assert recording_sheet.rows(year=2026) == []
    other = PanelFactory(council=panel.council)
    assert recording_sheet.rows(panel=other) == []


def _assert_no_names(text: str):
    for name in (CHILD_FIRST, CHILD_LAST, FAMILY_NAME, "Workerbee", "Chairperson"):
        assert name not in text


def test_csv_parses_and_holds_no_names(story):
    content = recording_sheet.as_csv(recording_sheet.rows())
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    _assert_no_names(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    row = next(r for r in rows if r["ESMAP number"] == story["decided"].esmap_number)
    assert row["Date referred"] == "2026-12-30"
    assert row["Days from referral to decision"] == "7"
    assert row["Days from referral to allocation"] == "13"
    assert row["Lead agency"] == "Police"
    waiting = next(r for r in rows if r["ESMAP number"] == story["waiting"].esmap_number)
    assert waiting["Days from referral to decision"] == "" and waiting["Decision"] == ""


def test_xlsx_opens_with_header_dates_and_no_names(story):
    content = recording_sheet.as_xlsx(recording_sheet.rows())
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Data recording sheet"]
    assert [c.value for c in sheet[1]] == recording_sheet.HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 4
    header = recording_sheet.HEADERS
    values = {
        row[0]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    row = values[story["decided"].esmap_number]
    assert row["Date referred"] == datetime(2026, 12, 30)  # a real Excel date
    assert row["Days from referral to allocation"] == 13
    assert values[story["waiting"].esmap_number]["Decision date"] is None
    every_value = " ".join(
        str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None
    )
    _assert_no_names(every_value)


def test_constant_queries(panel, staff, clock, story, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        assert len(recording_sheet.rows()) == 3
    for _ in range(27):
        log_case(panel, staff, clock)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(recording_sheet.rows()) == 30


# ---------------------------------------------------------------- pages and downloads


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.PANEL_CHAIR, Role.TEAM_MANAGER])
def test_others_get_404(client, role):
    sign_in_verified(client, UserFactory(roles=[role]))
    for name in ("recording_sheet", "recording_sheet_xlsx", "recording_sheet_csv"):
        assert client.get(reverse(f"panel:{name}")).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize(
    "role", [Role.BUSINESS_SUPPORT, Role.EARLY_SUPPORT_TEAM_LEADER, Role.STRATEGIC_LEAD]
)
def test_page_for_intake_staff_and_strategic_leads(client, panel, role):
    sign_in_verified(client, UserFactory(roles=[role]))
    response = client.get(reverse("panel:recording_sheet"), {"panel": panel.pk, "year": 2027})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{reverse('panel:recording_sheet_xlsx')}?panel={panel.pk}&amp;year=2027" in html
    assert f"{reverse('panel:recording_sheet_csv')}?panel={panel.pk}&amp;year=2027" in html


def test_unknown_panel_is_404(client):
    sign_in_verified(client, UserFactory(roles=[Role.BUSINESS_SUPPORT]))
    assert client.get(reverse("panel:recording_sheet_csv"), {"panel": 999999}).status_code == 404
    assert client.get(reverse("panel:recording_sheet_csv"), {"panel": "x"}).status_code == 404


def test_downloads_are_audited(client, panel, story):
    user = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    sign_in_verified(client, user)
    response = client.get(reverse("panel:recording_sheet_xlsx"), {"panel": panel.pk, "year": 2027})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="data-recording-sheet-2027.xlsx"'
    )
    assert load_workbook(io.BytesIO(response.content))["Data recording sheet"].max_row == 4
    response = client.get(reverse("panel:recording_sheet_csv"), {"year": 2027})
    assert response["Content-Disposition"] == 'attachment; filename="data-recording-sheet-2027.csv"'
    assert response.content.decode("utf-8-sig").count("ESMAP-") == 3
    _assert_no_names(response.content.decode("utf-8-sig"))
    events = AuditEvent.objects.filter(action="export", record_type="panel.panelcase").order_by(
        "pk"
    )
    assert [(e.actor_id, e.detail["format"], e.detail["rows"]) for e in events] == [
        (user.pk, "xlsx", 3),
        (user.pk, "csv", 3),
    ]


def test_meeting_dates_are_the_meetings_that_decided(panel, staff, clock, story):
    """Decided on 6 January, the case's closure is listed for 20 January; that meeting is
    cancelled, so the closure is confirmed on 3 February. The case's meeting date stays the
    meeting that decided it, and the closure's is the meeting that confirmed it, not the one it
    was listed on."""
    decided = story["decided"]
    lead = decided.allocations.get().lead_professional
    clock.set(datetime(2027, 1, 13, 10, tzinfo=LONDON))
    closure = services.closure_request_submit(actor=lead, case=decided, summary="Work is done")
    listed_on = PanelMeeting.objects.get(panel=panel, date=date(2027, 1, 20))
    assert closure.meeting == listed_on
    services.meeting_cancel(actor=staff, meeting=listed_on, reason="Room flooded")
    m3 = PanelMeeting.objects.get(panel=panel, date=date(2027, 2, 3))
    clock.set(datetime(2027, 2, 3, 10, tzinfo=LONDON))
    make_quorate(panel, m3, staff)
    services.closure_confirm(actor=panel.chair, closure=closure)
    closure.refresh_from_db()
    assert (closure.meeting, closure.decided_at_meeting) == (listed_on, m3)

    row = by_number(recording_sheet.rows())[decided.esmap_number]
    assert row["meeting_on"] == date(2027, 1, 6)
    assert row["decided_on"] == date(2027, 1, 6)
    assert row["status"] == "Closed"
    assert row["closed_on"] == date(2027, 2, 3)
    assert row["closure_meeting_on"] == date(2027, 2, 3)
    # Decided between meetings: no meeting decided it. Not decided yet: the meeting it is on.
    rows = by_number(recording_sheet.rows())
    assert rows[story["extraordinary"].esmap_number]["meeting_on"] is None
    assert rows[story["waiting"].esmap_number]["meeting_on"] == date(2027, 1, 6)
    assert rows[story["waiting"].esmap_number]["closure_meeting_on"] is None

    text = recording_sheet.as_csv(recording_sheet.rows()).decode("utf-8-sig")
    csv_row = next(
        r for r in csv.DictReader(io.StringIO(text)) if r["ESMAP number"] == decided.esmap_number
    )
    assert (csv_row["Meeting date"], csv_row["Closure decided at meeting"]) == (
        "2027-01-06",
        "2027-02-03",
    )
