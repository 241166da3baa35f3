"""The offer's pages: each persona against each page with the exact status, the flow through
the pages (refer → waiting list → place frees → enrol → attendance → completion → impact), the
work tray, the API (200/201/400/403/404/409) and the query counts at two sizes."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.worktray import tray_for
from directory.tests.factories import ServiceFactory
from offer.models import Attendance, Enrolment, ImpactMeasure, Referral
from offer.tests.factories import (
    EnrolmentFactory,
    GroupSessionFactory,
    OfferPolicyFactory,
    OneToOneServiceFactory,
    ProgrammeFactory,
    ProgrammeGroupFactory,
    ReferralFactory,
    member_of,
)
from people.tests.factories import FamilyFactory, FamilyTeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = Referral.Status


class World:
    def __init__(self):
        OfferPolicyFactory()
        self.programme = ProgrammeFactory(service=ServiceFactory(name="Steps"))
        team = self.programme.team
        self.group = ProgrammeGroupFactory(
            programme=self.programme, capacity=1, name="Steps Dewsbury"
        )
        self.session = GroupSessionFactory(group=self.group, number=1, held_on=date(2026, 10, 26))
        self.sitting = EnrolmentFactory(group=self.group)
        self.leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
        self.member = UserFactory(team=team, roles=[Role.PRACTITIONER])
        self.facilitator = UserFactory(roles=[Role.PRACTITIONER])
        self.group.facilitators.add(self.facilitator)
        self.outsider = UserFactory(roles=[Role.PRACTITIONER])
        self.clerk = UserFactory(roles=[Role.BUSINESS_SUPPORT])
        self.admin = UserFactory(team=None, roles=[Role.SYSTEM_ADMINISTRATOR])
        # The outsider's own family, referred by them and waiting.
        self.family = FamilyFactory(team=self.outsider.team)
        # As referral_make does: the programme's team now works with the family.
        FamilyTeamFactory(family=self.family, team=team)
        self.waiting = ReferralFactory(
            programme=self.programme, family=self.family, made_by=self.outsider
        )


@pytest.fixture
def world():
    return World()


def _client(user):
    return sign_in_verified(Client(), user) if user else Client()


def _pages(w):
    g, r = w.group.pk, w.waiting.pk
    e = w.sitting.pk
    return {
        "index": reverse("offer:index"),
        "mine": reverse("offer:mine"),
        "programme": reverse("offer:programme", kwargs={"programme_id": w.programme.pk}),
        "programme_new": reverse("offer:programme_new"),
        "group_new": reverse("offer:group_new", kwargs={"programme_id": w.programme.pk}),
        "refer_programme": reverse(
            "offer:refer_programme", kwargs={"programme_id": w.programme.pk}
        ),
        "group": reverse("offer:group", kwargs={"group_id": g}),
        "group_change": reverse("offer:group_change", kwargs={"group_id": g}),
        "session_new": reverse("offer:session_new", kwargs={"group_id": g}),
        "attendance": reverse(
            "offer:attendance", kwargs={"group_id": g, "session_id": w.session.pk}
        ),
        "enrolment_finish": reverse(
            "offer:enrolment_finish", kwargs={"group_id": g, "enrolment_id": e}
        ),
        "impact_new": reverse("offer:impact_new", kwargs={"group_id": g, "enrolment_id": e}),
        "refer_family": reverse("offer:refer_family", kwargs={"family_id": w.family.pk}),
        "referral": reverse("offer:referral", kwargs={"referral_id": r}),
        "referral_withdraw": reverse("offer:referral_withdraw", kwargs={"referral_id": r}),
        "referral_enrol": reverse("offer:referral_enrol", kwargs={"referral_id": r}),
        "referral_offer_place": reverse("offer:referral_offer_place", kwargs={"referral_id": r}),
        "programme_running": reverse(
            "offer:programme_running", kwargs={"programme_id": w.programme.pk}
        ),
    }


# persona -> page -> status (GET)
EXPECTED = {
    "leader": {
        "index": 200, "mine": 200, "programme": 200, "programme_new": 200, "group_new": 200,
        "refer_programme": 200, "group": 200, "group_change": 200, "session_new": 200,
        "attendance": 200, "enrolment_finish": 200, "impact_new": 200, "refer_family": 200,
        "referral": 200, "referral_withdraw": 200, "referral_enrol": 200,
        "referral_offer_place": 200, "programme_running": 200,
    },
    "member": {
        "index": 200, "mine": 200, "programme": 200, "programme_new": 403, "group_new": 200,
        "refer_programme": 200, "group": 200, "group_change": 200, "session_new": 200,
        "attendance": 200, "enrolment_finish": 200, "impact_new": 200, "refer_family": 200,
        "referral": 200, "referral_withdraw": 200, "referral_enrol": 200,
        "referral_offer_place": 200, "programme_running": 403,
    },
    "facilitator": {
        "index": 200, "mine": 200, "programme": 200, "programme_new": 403, "group_new": 403,
        "refer_programme": 200, "group": 200, "group_change": 403, "session_new": 403,
        "attendance": 200, "enrolment_finish": 403, "impact_new": 403, "refer_family": 404,
        "referral": 404, "referral_withdraw": 404, "referral_enrol": 404,
        "referral_offer_place": 404, "programme_running": 403,
    },
    "outsider": {
        "index": 200, "mine": 200, "programme": 200, "programme_new": 403, "group_new": 403,
        "refer_programme": 200, "group": 403, "group_change": 403, "session_new": 403,
        "attendance": 403, "enrolment_finish": 403, "impact_new": 403, "refer_family": 200,
        "referral": 200, "referral_withdraw": 200, "referral_enrol": 403,
        "referral_offer_place": 403, "programme_running": 403,
    },
    "clerk": {
        "index": 200, "mine": 403, "programme": 200, "programme_new": 403, "group_new": 403,
        "refer_programme": 403, "group": 403, "group_change": 403, "session_new": 403,
        "attendance": 403, "enrolment_finish": 403, "impact_new": 403, "refer_family": 403,
        "referral": 404, "referral_withdraw": 404, "referral_enrol": 404,
        "referral_offer_place": 404, "programme_running": 403,
    },
    "admin": {
        "index": 403, "mine": 403, "programme": 404, "programme_new": 403, "group_new": 404,
        "refer_programme": 404, "group": 404, "group_change": 404, "session_new": 404,
        "attendance": 404, "enrolment_finish": 404, "impact_new": 404, "refer_family": 403,
        "referral": 404, "referral_withdraw": 404, "referral_enrol": 404,
        "referral_offer_place": 404, "programme_running": 404,
    },
}  # fmt: skip


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_gets_the_exact_status_on_each_page(world, persona):
    client = _client(getattr(world, persona))
    got = {name: client.get(url).status_code for name, url in _pages(world).items()}
    assert got == EXPECTED[persona]


def test_signed_out_visitors_are_sent_to_sign_in(world):
    for url in _pages(world).values():
        assert Client().get(url).status_code == 302


def test_the_flow_through_the_pages(world):
    w = world
    leader = _client(w.leader)
    # The programme page: full, one waiting, flagged? added 1 Oct = 4 weeks: not flagged.
    page = leader.get(_pages(w)["programme"]).content.decode()
    assert "0 places free" in page and "1 waiting" in page
    assert w.family.reference in page
    # The sitting participant leaves: a place frees and the first on the list is named.
    response = leader.post(_pages(w)["enrolment_finish"], {"outcome": "left"})
    assert response.status_code == 302
    page = leader.get(_pages(w)["programme"]).content.decode()
    assert f"1 place free — first on the waiting list: {w.family.reference}" in page
    (section,) = [s for s in tray_for(w.leader) if s.key == "offer_places_free"]
    assert section.count == 1
    # Enrol from the list.
    response = leader.post(
        _pages(w)["referral_enrol"], {"group": w.group.pk, "version": w.waiting.version}
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(referral=w.waiting)
    # Attendance, completion and an impact measure.
    response = leader.post(
        _pages(w)["attendance"], {f"enrolment_{enrolment.pk}": "was_not_brought"}
    )
    assert response.status_code == 302
    assert Attendance.objects.get(enrolment=enrolment).status == "was_not_brought"
    group_url = _pages(w)["group"]
    finish = reverse(
        "offer:enrolment_finish", kwargs={"group_id": w.group.pk, "enrolment_id": enrolment.pk}
    )
    assert leader.post(finish, {"outcome": "completed"}).status_code == 302
    impact = reverse(
        "offer:impact_new", kwargs={"group_id": w.group.pk, "enrolment_id": enrolment.pk}
    )
    assert leader.post(impact, {"measure": "employment", "note": "Job"}).status_code == 302
    assert ImpactMeasure.objects.get().measure == "employment"
    page = leader.get(group_url).content.decode()
    assert "Was not brought" in page and "Found employment" in page
    w.waiting.refresh_from_db()
    assert w.waiting.status == Status.COMPLETED


def test_a_form_error_keeps_what_was_typed(world):
    client = _client(world.outsider)
    person = member_of(world.family)
    response = client.post(
        _pages(world)["refer_family"],
        {"service": world.programme.service_id, "people": [str(person.pk)], "reason": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter the reason for the referral" in page
    assert "checked" in page


def test_referring_from_the_programme_page_finds_the_family_by_reference(world):
    client = _client(world.outsider)
    response = client.post(_pages(world)["refer_programme"], {"reference": world.family.reference})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?service={world.programme.service_id}")
    response = client.post(_pages(world)["refer_programme"], {"reference": "FAM-NOPE"})
    assert "No family you work with has this reference" in response.content.decode()


def test_a_referrer_sees_position_and_weeks_on_their_referrals(world):
    page = _client(world.outsider).get(_pages(world)["mine"]).content.decode()
    assert world.family.reference in page and "On the waiting list" in page


def test_signposts_waiting_for_uptake_are_in_the_referrers_tray(world):
    signpost = ReferralFactory(signpost=True, made_by=world.outsider, family=world.family)
    (section,) = [s for s in tray_for(world.outsider) if s.key == "offer_signposts"]
    assert section.count == 1
    client = _client(world.outsider)
    url = reverse("offer:referral_uptake", kwargs={"referral_id": signpost.pk})
    assert client.post(url, {"taken_up": "yes", "version": 1}).status_code == 302
    assert not [s for s in tray_for(world.outsider) if s.key == "offer_signposts"]


def test_sessions_held_without_attendance_are_in_the_facilitators_tray(world):
    # The session of 26 October was held, the group has a participant, nothing is recorded.
    (section,) = [s for s in tray_for(world.facilitator) if s.key == "offer_attendance_due"]
    assert (section.count, section.title) == (1, "Attendance to record")
    assert section.items[0].url == _pages(world)["attendance"]
    assert section.items[0].text == "Steps: Steps Dewsbury, session 1"
    # A later session not yet held is not due; nor is anyone else's group.
    GroupSessionFactory(group=world.group, number=2, held_on=date(2026, 11, 9))
    assert not [s for s in tray_for(world.outsider) if s.key == "offer_attendance_due"]
    response = _client(world.facilitator).post(
        _pages(world)["attendance"], {f"enrolment_{world.sitting.pk}": "attended"}
    )
    assert response.status_code == 302
    assert not [s for s in tray_for(world.facilitator) if s.key == "offer_attendance_due"]


def test_offering_the_place_holds_it_until_enrolment(world):
    w = world
    leader = _client(w.leader)
    assert leader.post(_pages(w)["enrolment_finish"], {"outcome": "left"}).status_code == 302
    page = leader.get(_pages(w)["programme"]).content.decode()
    assert "Offer them the place" in page
    response = leader.post(_pages(w)["referral_offer_place"], {"version": w.waiting.version})
    assert response.status_code == 302
    w.waiting.refresh_from_db()
    assert w.waiting.status == Status.REFERRED
    page = leader.get(_pages(w)["programme"]).content.decode()
    # The place is held: none free, and the family is listed under the places offered.
    assert "0 places free" in page and "Places offered" in page and w.family.reference in page
    response = leader.post(
        _pages(w)["referral_enrol"], {"group": w.group.pk, "version": w.waiting.version}
    )
    assert response.status_code == 302
    w.waiting.refresh_from_db()
    assert w.waiting.status == Status.ENROLLED


def test_offering_a_place_when_none_is_free_is_an_error_on_the_page(world):
    response = _client(world.leader).post(
        _pages(world)["referral_offer_place"], {"version": world.waiting.version}
    )
    assert response.status_code == 200
    assert "No place to offer: 0 free, 1 needed" in response.content.decode()
    world.waiting.refresh_from_db()
    assert world.waiting.status == Status.WAITING


def test_a_team_leader_stops_and_starts_a_programme_taking_referrals(world):
    w = world
    leader = _client(w.leader)
    url = _pages(w)["programme_running"]
    version = w.programme.version
    # Someone is waiting: refused, with the reason on the page.
    response = leader.post(
        url, {"running": "no", "reason": "Facilitator on leave", "version": version}
    )
    assert response.status_code == 200
    assert "1 family is waiting or offered a place" in response.content.decode()
    w.waiting.status = Status.WITHDRAWN
    w.waiting.save()
    response = leader.post(url, {"running": "no", "reason": "", "version": version})
    assert "Enter why it is no longer taking referrals" in response.content.decode()
    response = leader.post(
        url, {"running": "no", "reason": "Facilitator on leave", "version": version}
    )
    assert response.status_code == 302
    w.programme.refresh_from_db()
    assert (w.programme.active, w.programme.not_running_reason) == (False, "Facilitator on leave")
    page = leader.get(_pages(w)["programme"]).content.decode()
    assert "Not taking referrals: Facilitator on leave" in page
    assert "Refer a family to this programme" not in page
    # A referral to it is refused on the form.
    person = member_of(w.family)
    response = _client(w.outsider).post(
        _pages(w)["refer_family"],
        {
            "service": w.programme.service_id,
            "people": [str(person.pk)],
            "priority": "standard",
            "reason": "Help",
        },
    )
    assert "This programme is not taking referrals at the moment" in response.content.decode()
    response = leader.post(url, {"running": "yes", "reason": "", "version": version + 1})
    assert response.status_code == 302
    w.programme.refresh_from_db()
    assert (w.programme.active, w.programme.not_running_reason) == (True, "")


def test_long_waits_are_in_the_managers_tray(world):
    ReferralFactory(programme=world.programme, waiting_since=date(2026, 9, 1))
    (section,) = [s for s in tray_for(world.leader) if s.key == "offer_long_waits"]
    assert (section.count, section.title) == (1, "Waiting beyond 6 weeks")
    assert not [s for s in tray_for(world.outsider) if s.key == "offer_long_waits"]


# ---------------------------------------------------------------- query counts


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n):
    for _ in range(n):
        ReferralFactory(programme=world.programme)
        group = ProgrammeGroupFactory(programme=world.programme)
        GroupSessionFactory(group=group)
        EnrolmentFactory(group=group)


def test_the_programme_page_and_waiting_list_cost_the_same_at_two_sizes(world):
    client = _client(world.leader)
    url = _pages(world)["programme"]
    _grow(world, 1)
    client.get(url)
    few = _count(client, url)
    _grow(world, 6)
    assert _count(client, url) == few


def test_the_group_page_costs_the_same_at_two_sizes(world):
    client = _client(world.leader)
    url = _pages(world)["group"]
    client.get(url)
    few = _count(client, url)
    for _ in range(5):
        EnrolmentFactory(group=world.group)
        GroupSessionFactory(group=world.group)
    assert _count(client, url) == few


def test_the_api_lists_cost_the_same_at_two_sizes(world):
    api = sign_in_verified(APIClient(), world.leader)
    urls = [
        reverse("api:offer-programme-list"),
        reverse("api:offer-referral-list"),
        reverse("api:offer-programme-waiting-list", kwargs={"pk": world.programme.pk}),
    ]
    _grow(world, 1)
    for url in urls:
        api.get(url)
    few = [_count(api, url) for url in urls]
    _grow(world, 6)
    for _ in range(3):
        ProgrammeFactory()
    assert [_count(api, url) for url in urls] == few


# ---------------------------------------------------------------- API


def test_the_api_refers_enrols_and_records(world):
    api = sign_in_verified(APIClient(), world.leader)
    person = member_of(world.family)
    body = {
        "family": str(world.family.pk),
        "people": [str(person.pk)],
        "service": str(world.programme.service_id),
        "reason": "Behaviour at home",
        "priority": "urgent",
    }
    response = api.post(reverse("api:offer-referral-list"), body, format="json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["referral_status"], made["position"]) == ("waiting", 1)  # urgent: first
    # Full: enrolling is a 409; a bad group is a 400; a stranger's referral is a 404.
    enrol = reverse("api:offer-referral-enrol", kwargs={"pk": made["id"]})
    response = api.post(enrol, {"version": 1, "group": world.group.pk}, format="json")
    assert response.status_code == 409
    assert api.post(enrol, {"version": 1, "group": 999999}, format="json").status_code == 400
    assert api.post(enrol, {"version": "x"}, format="json").status_code == 400
    stranger = sign_in_verified(APIClient(), UserFactory(roles=[Role.PRACTITIONER]))
    assert (
        stranger.get(reverse("api:offer-referral-detail", kwargs={"pk": made["id"]})).status_code
        == 404
    )
    assert (
        api.post(
            reverse("api:offer-referral-list"), {**body, "reason": ""}, format="json"
        ).status_code
        == 400
    )
    # A place frees: the sitting participant leaves; then enrol.
    leave = reverse("api:offer-enrolment-leave", kwargs={"pk": world.sitting.pk})
    assert api.post(leave, {}, format="json").status_code == 200
    assert api.post(leave, {}, format="json").status_code == 409
    response = api.post(enrol, {"version": 1, "group": world.group.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["referral_status"] == "enrolled"
    group = api.get(reverse("api:offer-group-detail", kwargs={"pk": world.group.pk})).json()
    mine = [p for p in group["participants"] if p["referral"] == made["id"]][0]
    attendance = reverse("api:offer-group-attendance", kwargs={"pk": world.group.pk})
    marks = {
        "session": world.session.pk,
        "marks": [{"enrolment": mine["id"], "attendance": "attended"}],
    }
    assert api.post(attendance, marks, format="json").status_code == 200
    bad = {"session": world.session.pk, "marks": [{"enrolment": mine["id"], "attendance": "late"}]}
    assert api.post(attendance, bad, format="json").status_code == 400
    impact = reverse("api:offer-enrolment-impact", kwargs={"pk": mine["id"]})
    assert api.post(impact, {"measure": "nope"}, format="json").status_code == 400
    assert api.post(impact, {"measure": "employment"}, format="json").status_code == 201
    assert api.post(impact, {"measure": "employment"}, format="json").status_code == 409
    waiting = api.get(
        reverse("api:offer-programme-waiting-list", kwargs={"pk": world.programme.pk})
    )
    assert waiting.status_code == 200 and len(waiting.json()) == 1  # the fixture's referral
    outsider = sign_in_verified(APIClient(), world.outsider)
    assert (
        outsider.get(
            reverse("api:offer-programme-waiting-list", kwargs={"pk": world.programme.pk})
        ).status_code
        == 403
    )
    assert api.get(reverse("api:offer-programme-detail", kwargs={"pk": 999999})).status_code == 404


def test_the_api_records_a_signposts_uptake(world):
    api = sign_in_verified(APIClient(), world.outsider)
    signpost = ReferralFactory(signpost=True, made_by=world.outsider, family=world.family)
    url = reverse("api:offer-referral-uptake", kwargs={"pk": signpost.pk})
    assert api.post(url, {"version": 1}, format="json").status_code == 400
    assert api.post(url, {"version": 1, "taken_up": True}, format="json").status_code == 200
    assert api.post(url, {"version": 2, "taken_up": True}, format="json").status_code == 409


def test_the_api_offers_a_place_and_pauses_a_programme(world):
    api = sign_in_verified(APIClient(), world.leader)
    offer = reverse("api:offer-referral-offer-place", kwargs={"pk": world.waiting.pk})
    # No place is free yet: 409; bad input: 400; someone outside the team: 403.
    assert api.post(offer, {"version": 1}, format="json").status_code == 409
    assert api.post(offer, {"version": "x"}, format="json").status_code == 400
    outsider = sign_in_verified(APIClient(), world.outsider)
    assert outsider.post(offer, {"version": 1}, format="json").status_code == 403
    world.sitting.status = Enrolment.Status.LEFT
    world.sitting.save()
    response = api.post(offer, {"version": 1, "note": "Phoned Mum"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["referral_status"] == "referred"
    assert api.post(offer, {"version": 2}, format="json").status_code == 409
    running = reverse("api:offer-programme-running", kwargs={"pk": world.programme.pk})
    body = {"version": 1, "running": False, "reason": "Funding ended"}
    # The offered place is still held: 409 until it is withdrawn.
    assert api.post(running, body, format="json").status_code == 409
    withdraw = reverse("api:offer-referral-withdraw", kwargs={"pk": world.waiting.pk})
    assert (
        api.post(withdraw, {"version": 2, "reason": "Declined"}, format="json").status_code == 200
    )
    assert api.post(running, {"version": 1, "running": False}, format="json").status_code == 400
    assert outsider.post(running, body, format="json").status_code == 403
    response = api.post(running, body, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["not_running_reason"]) == (
        False,
        "Funding ended",
    )
    assert api.post(running, body, format="json").status_code == 409  # stale version


def test_a_one_to_one_service_on_the_index(world):
    OneToOneServiceFactory(service=ServiceFactory(name="Intensive key work"), capacity=4)
    page = _client(world.member).get(reverse("offer:index")).content.decode()
    assert "Intensive key work" in page and "One-to-one service" in page


def test_the_family_page_counts_the_familys_referrals_and_offers_to_refer(world):
    """A referrer reads, on the family's own page, what the family was referred to (those
    referrals they may read) and reaches the referral form in one click; business support, who
    see the family but do not refer, get no notice."""
    ReferralFactory(signpost=True, family=world.family, made_by=world.outsider)
    url = reverse("people:family_detail", kwargs={"family_id": world.family.pk})
    page = _client(world.outsider).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "On the waiting list: 1" in html and "Handed over: 1" in html
    refer = reverse("offer:refer_family", kwargs={"family_id": world.family.pk})
    assert f'href="{refer}"' in html
    assert "Refer or signpost this family to a service" in html
    clerk = _client(world.clerk).get(url)
    assert clerk.status_code == 200
    assert "Refer or signpost this family to a service" not in clerk.content.decode()
