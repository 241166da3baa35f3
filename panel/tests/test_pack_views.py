"""The inbox, the meeting page, the pack, members' responses and the API, as users see them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, AreaFactory
from panel import services
from panel.models import AgencyResponse, PanelCase, PanelMeeting
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, panel_referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BEFORE_CUTOFF = datetime(2026, 12, 30, 11, 0, tzinfo=LONDON)
AFTER_CUTOFF = datetime(2026, 12, 30, 13, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT], first_name="Bea", last_name="Support")


@pytest.fixture
def panel(staff):
    panel = PanelFactory(name="Batley panel", area=AreaFactory())
    services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    return panel


@pytest.fixture
def seats(panel):
    police = PanelSeatMemberFactory(
        seat__panel=panel,
        seat__agency=AgencyFactory(name="West Yorkshire Police"),
        user__first_name="Asha",
        user__last_name="Begum",
        user__roles=[Role.PANEL_MEMBER],
    )
    health = PanelSeatMemberFactory(
        seat__panel=panel,
        seat__agency=AgencyFactory(name="0-19 Health"),
        user__first_name="Tom",
        user__last_name="Hale",
        user__roles=[Role.PANEL_MEMBER],
    )
    return police, health


@pytest.fixture
def outsider():
    return PanelSeatMemberFactory(user__roles=[Role.PANEL_MEMBER]).user


def _client(user):
    from django.test import Client

    return sign_in_verified(Client(), user)


def _urls(meeting, case=None):
    kw = {"panel_id": meeting.panel_id, "meeting_id": meeting.pk}
    urls = {
        "detail": reverse("panel:meeting_detail", kwargs=kw),
        "pack": reverse("panel:meeting_pack", kwargs=kw),
        "publish": reverse("panel:meeting_publish", kwargs=kw),
    }
    if case:
        urls["response"] = reverse("panel:case_response", kwargs={**kw, "case_id": case.pk})
    return urls


def test_the_issue_scenario(panel, staff, seats):
    """Three referrals logged (one late goes to the next meeting), pack published, a member
    cannot open it before publication nor edit it after, two members add agency information."""
    police, health = seats
    referrals = [
        panel_referral(panel, BEFORE_CUTOFF),
        panel_referral(panel, BEFORE_CUTOFF, referrer_continues=False),
        panel_referral(panel, AFTER_CUTOFF),
    ]
    business = _client(staff)
    inbox = business.get(reverse("panel:inbox"))
    html = inbox.content.decode()
    assert inbox.status_code == 200
    assert "Log and give an ESMAP number" in html and "No, plans to close" in html
    assert inbox["Cache-Control"].startswith("no-store")
    for referral in referrals:
        response = business.post(reverse("panel:inbox_log", kwargs={"referral_id": referral.pk}))
        assert response.status_code == 302
    page = business.get(reverse("panel:inbox")).content.decode()
    assert "No referrals are waiting" in page
    assert "ESMAP-2027-0001" in page and "ESMAP-2027-0003" in page
    cases = list(PanelCase.objects.order_by("sequence"))
    assert [c.meeting.date for c in cases] == [date(2027, 1, 6)] * 2 + [date(2027, 1, 20)]
    meeting = cases[0].meeting
    urls = _urls(meeting, cases[0])

    member = _client(police.user)
    before = member.get(urls["pack"])
    assert before.status_code == 200
    body = before.content.decode()
    assert "not published yet" in body
    assert "ESMAP-2027-0001" not in body and "Presenting reason" not in body
    assert member.get(urls["response"]).status_code == 404
    assert member.post(urls["publish"]).status_code == 403

    assert business.post(urls["publish"]).status_code == 302
    meeting.refresh_from_db()
    assert meeting.pack_published_by == staff

    after = member.get(urls["pack"])
    body = after.content.decode()
    assert after.status_code == 200
    assert "ESMAP-2027-0001" in body and "ESMAP-2027-0002" in body
    assert "ESMAP-2027-0003" not in body  # on the next meeting
    assert "Needs are beyond what school alone can offer." in body
    # The watermark's styles and the print block are in app.scss under this class (ADR 0010).
    assert '<body class="govuk-template__body app-member-pack">' in body
    assert 'class="pack-watermark"' in body
    assert body.count("Asha Begum") > 10  # the watermark, across the page
    content = body.split("Pack for the meeting on", 2)[-1]
    assert "<textarea" not in content and 'type="radio"' not in content and "<form" not in content
    assert "download" not in body.split("data-agenda")[-1].lower()
    assert after["Cache-Control"].startswith("no-store")

    # Read-only: no way to change the pack.
    assert member.post(urls["pack"]).status_code == 405
    assert member.post(urls["detail"]).status_code == 405

    # Two members add their agency's information.
    for seat_member, data in (
        (police, {"known": "yes", "information": "Two call-outs"}),
        (health, {"known": "no"}),
    ):
        client = _client(seat_member.user)
        form = client.get(urls["response"])
        assert form.status_code == 200
        assert "Is this family known to your agency?" in form.content.decode()
        saved = client.post(urls["response"], {**data, "version": 0})
        assert saved.status_code == 302, saved.content.decode()
    assert AgencyResponse.objects.filter(case=cases[0]).count() == 2
    pack = member.get(urls["pack"]).content.decode()
    assert "Two call-outs" in pack and "Not known to us" in pack


def test_members_cannot_write_anything_but_their_response(panel, staff, seats):
    police, _health = seats
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    waiting = panel_referral(panel, BEFORE_CUTOFF)
    member = _client(police.user)
    urls = _urls(case.meeting, case)
    kw = {"panel_id": panel.pk, "meeting_id": case.meeting_id}
    assert (
        member.post(reverse("panel:inbox_log", kwargs={"referral_id": waiting.pk})).status_code
        == 403
    )
    assert member.get(reverse("panel:inbox")).status_code == 403
    assert (
        member.post(reverse("panel:meeting_cancel", kwargs=kw), {"reason": "x"}).status_code == 403
    )
    assert member.post(urls["publish"]).status_code == 403
    assert member.post(urls["pack"]).status_code == 405
    assert (
        member.post("/api/v1/panel-cases/", {}).status_code == 405
    )  # the collection is read-only for everyone
    assert member.get(f"/api/v1/panel-cases/{case.pk}/").status_code == 404
    response = member.post(
        f"/api/v1/panel-cases/{case.pk}/responses/",
        {"known": False},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["known"] is False


def test_member_of_another_panel_gets_404(panel, staff, seats, outsider):
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    urls = _urls(case.meeting, case)
    client = _client(outsider)
    assert client.get(urls["pack"]).status_code == 404
    assert client.get(urls["detail"]).status_code == 404
    assert client.get(urls["response"]).status_code == 404
    assert client.post(urls["response"], {"known": "no"}).status_code == 404
    assert client.get(f"/api/v1/panel-meetings/{case.meeting_id}/agenda/").status_code == 404
    api = client.post(
        f"/api/v1/panel-cases/{case.pk}/responses/",
        {"known": False},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert not AgencyResponse.objects.exists()


def test_every_pack_view_is_audited(panel, staff, seats):
    police, _health = seats
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    urls = _urls(case.meeting)
    member = _client(police.user)
    for _ in range(2):
        assert member.get(urls["pack"]).status_code == 200
    assert _client(staff).get(urls["pack"]).status_code == 200
    views = AuditEvent.objects.filter(
        action="view", record_type="panel.panelmeeting", record_id=str(case.meeting_id)
    ).order_by("id")
    pack_views = [e for e in views if e.detail["page"] == "pack"]
    assert len(pack_views) == 3
    assert [e.actor_id for e in pack_views] == [police.user_id, police.user_id, staff.pk]
    assert pack_views[0].detail["case_ids"] == [case.pk] and pack_views[0].detail["as_member"]
    family_views = AuditEvent.objects.filter(
        action="view", record_type="people.family", record_id=str(case.referral.family_id)
    )
    assert family_views.count() == 3


def test_chair_sees_who_has_not_responded(panel, staff, seats):
    police, health = seats
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    panel.chair = chair
    panel.save()
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    services.meeting_publish_pack(actor=chair, meeting=case.meeting)
    services.agency_response_record(actor=police.user, case=case, seat=police.seat, known=False)
    page = _client(chair).get(_urls(case.meeting)["detail"]).content.decode()
    assert f"{case.esmap_number}: 1 seat not yet responded" in page
    assert "Not known to us" in page and "Not yet responded" in page
    # Members do not see the tracker.
    member_page = _client(health.user).get(_urls(case.meeting)["detail"]).content.decode()
    assert "not yet responded" not in member_page.lower()


def test_response_form_requires_information_when_known(panel, staff, seats):
    police, _health = seats
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    response = _client(police.user).post(_urls(case.meeting, case)["response"], {"known": "yes"})
    assert response.status_code == 200
    assert "Enter what your agency knows about the family" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_api_agenda_and_cases(panel, staff, seats):
    police, _health = seats
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    url = f"/api/v1/panel-meetings/{case.meeting_id}/agenda/"
    member = _client(police.user)
    before = member.get(url).json()
    assert before["published"] is False and before["sections"] == []
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    after = member.get(url).json()
    assert [s["number"] for s in after["sections"]] == [1, 2, 3, 4, 5, 6]
    assert after["sections"][1]["cases"][0]["esmap_number"] == case.esmap_number
    listing = _client(staff).get("/api/v1/panel-cases/").json()
    assert listing["results"][0]["esmap_number"] == case.esmap_number
    assert listing["results"][0]["status"] == "logged"
    assert member.get("/api/v1/panel-cases/").json()["results"] == []


def test_cancelled_meeting_page_still_opens(panel, staff):
    meeting = PanelMeeting.objects.get(panel=panel, date=date(2027, 1, 6))
    services.meeting_cancel(actor=staff, meeting=meeting, reason="Snow")
    page = _client(staff).get(_urls(meeting)["detail"])
    assert page.status_code == 200
    assert "Publish the pack" not in page.content.decode()
