"""The services' rules (the same refusals through the form and the API), the API's statuses
(400, 403, 404, 409) and its answers, and the under-fives population load (page, command)."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.http import Http404
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified
from children_centres import services
from children_centres.models import CentreRegistration, ReachContact, UnderFivesPopulation
from children_centres.tests.factories import (
    CentreFactory,
    CentreRegistrationFactory,
    CentreSettingsFactory,
    ReachContactFactory,
    UnderFivesPopulationFactory,
    child_in_family,
    early_support_team,
    early_support_user,
)
from core.errors import ConflictError
from core.models import AuditEvent
from core.tests.factories import AreaFactory, SiteFactory, TeamFactory
from people.tests.factories import AdultFactory, FamilyMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def recorder(db):
    return early_support_user(Role.PRACTITIONER)


@pytest.fixture
def centre(db):
    return CentreFactory(code="chestnut")


@pytest.fixture
def child(db):
    return child_in_family(team=TeamFactory(), date_of_birth=date(2024, 6, 1))


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# ---------------------------------------------------------------- services


def test_only_the_early_support_service_registers(child, centre):
    outsider = UserFactory(team=TeamFactory(), roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    assert services.centre_registration_add(
        actor=outsider, child=child, centre=centre, registered_on=date(2026, 12, 1)
    )
    manager = UserFactory(team=early_support_team(), roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(manager.team)
    # A practitioner outside the early support agency: their team does not see the child.
    practitioner = UserFactory(team=TeamFactory(), roles=[Role.PRACTITIONER])
    with pytest.raises(Http404):
        services.centre_registration_add(
            actor=practitioner, child=child, centre=centre, registered_on=date(2026, 12, 1)
        )
    for actor in (manager, UserFactory(team=early_support_team(), roles=[Role.BUSINESS_SUPPORT])):
        with pytest.raises(PermissionDenied):
            services.reach_contact_record(
                actor=actor, child=child, centre=centre, seen_on=date(2026, 12, 1), kind="x"
            )


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("future", "registered_on", "The date of registration must be today or in the past"),
        ("before_birth", "registered_on", "on or after the child's date of birth"),
        ("five", "registered_on", "The child must be under five on this date"),
        ("adult", "registered_on", "Only a child with a date of birth"),
        ("hub", "centre", "Choose a children's centre"),
    ],
)
def test_a_registration_is_refused_with_the_reason_by_field(
    recorder, centre, child, case, field, message
):
    values = {"child": child, "centre": centre, "registered_on": date(2026, 12, 1)}
    if case == "future":
        values["registered_on"] = date(2026, 12, 4)
    elif case == "before_birth":
        values["registered_on"] = date(2024, 5, 31)
    elif case == "five":
        values["child"] = child_in_family(date_of_birth=date(2021, 12, 1))
    elif case == "adult":
        values["child"] = AdultFactory()
        FamilyMemberFactory(person=values["child"], role="parent_carer")
    elif case == "hub":
        values["centre"] = SiteFactory()
    with pytest.raises(ValidationError) as refused:
        services.centre_registration_add(actor=recorder, **values)
    assert message in " ".join(refused.value.message_dict[field])


def test_a_second_open_registration_at_the_same_centre_is_a_conflict_another_centre_is_not(
    recorder, centre, child
):
    first = services.centre_registration_add(
        actor=recorder, child=child, centre=centre, registered_on=date(2026, 1, 5)
    )
    with pytest.raises(ConflictError):
        services.centre_registration_add(
            actor=recorder, child=child, centre=centre, registered_on=date(2026, 2, 5)
        )
    assert services.centre_registration_add(
        actor=recorder, child=child, centre=CentreFactory(), registered_on=date(2026, 2, 5)
    )
    services.centre_registration_end(
        actor=recorder,
        registration=first,
        ended_on=date(2026, 3, 1),
        reason="moved_away",
        expected_version=1,
    )
    # Once ended, the child may be registered there again.
    assert services.centre_registration_add(
        actor=recorder, child=child, centre=centre, registered_on=date(2026, 6, 1)
    )
    assert CentreRegistration.objects.filter(child=child).count() == 3


def test_ending_checks_the_date_the_version_and_the_state(recorder, centre, child):
    registration = CentreRegistrationFactory(
        child=child, centre=centre, registered_on=date(2026, 1, 5)
    )

    def end(**kw):
        values = {"ended_on": date(2026, 3, 1), "reason": "left", "expected_version": 1}
        return services.centre_registration_end(
            actor=recorder, registration=registration, **{**values, **kw}
        )

    with pytest.raises(ValidationError) as refused:
        end(ended_on=date(2026, 1, 4))
    assert "ended_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        end(reason="bored")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ConflictError):
        end(expected_version=0)
    ended = end()
    assert (ended.ended_on, ended.ended_by, ended.version) == (date(2026, 3, 1), recorder, 2)
    with pytest.raises(ConflictError):
        end(expected_version=2)
    event = AuditEvent.objects.get(action="update", record_id=str(registration.pk))
    assert event.detail == {"fields": ["ended_on", "end_reason"], "reason": "left"}


def test_a_contact_needs_a_kind_from_the_pack_and_a_short_note_and_is_audited(
    recorder, centre, child
):
    CentreSettingsFactory()
    values = {"actor": recorder, "child": child, "centre": centre, "seen_on": date(2026, 12, 1)}
    with pytest.raises(ValidationError) as refused:
        services.reach_contact_record(**values, kind="tea_party")
    assert "kind" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.reach_contact_record(**values, kind="stay_and_play", note="x" * 501)
    assert "note" in refused.value.message_dict
    contact = services.reach_contact_record(**values, kind="information_call", note=" Phoned ")
    assert contact.note == "Phoned"
    event = AuditEvent.objects.get(record_type="children_centres.reachcontact")
    assert event.detail == {
        "centre": centre.pk,
        "kind": "information_call",
        "fields": ["seen_on", "kind", "note"],
    }


# ---------------------------------------------------------------- the API


def test_the_api_registers_lists_and_ends(recorder, centre, child):
    api = _api(recorder)
    url = reverse("api:centre-registration-list")
    response = api.post(
        url,
        {"child": str(child.pk), "centre": centre.pk, "registered_on": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["centre_name"] == centre.name
    pk = response.json()["id"]
    again = api.post(
        url,
        {"child": str(child.pk), "centre": centre.pk, "registered_on": "2026-12-02"},
        format="json",
    )
    assert again.status_code == 409
    listed = api.get(url, {"child": str(child.pk)})
    assert [row["id"] for row in listed.json()] == [pk]
    end = reverse("api:centre-registration-end", kwargs={"pk": pk})
    assert (
        api.post(
            end, {"ended_on": "2026-12-02", "reason": "left", "version": 0}, format="json"
        ).status_code
        == 409
    )
    response = api.post(
        end, {"ended_on": "2026-12-02", "reason": "left", "version": 1}, format="json"
    )
    assert response.status_code == 200 and response.json()["ended_on"] == "2026-12-02"
    assert (
        api.post(
            end, {"ended_on": "2026-12-02", "reason": "left", "version": 2}, format="json"
        ).status_code
        == 409
    )


def test_the_api_answers_400_for_bad_input_the_same_as_the_form(recorder, centre, child):
    api = _api(recorder)
    url = reverse("api:centre-registration-list")
    response = api.post(
        url,
        {"child": str(child.pk), "centre": centre.pk, "registered_on": "2026-12-04"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "registered_on": ["The date of registration must be today or in the past"]
    }
    hub = SiteFactory()
    response = api.post(
        url,
        {"child": str(child.pk), "centre": hub.pk, "registered_on": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 400 and "centre" in response.json()
    response = api.post(
        reverse("api:centre-contact-list"),
        {"child": str(child.pk), "centre": centre.pk, "seen_on": "2026-12-01", "kind": "nope"},
        format="json",
    )
    assert response.status_code == 400 and response.json() == {
        "kind": ["Choose the kind of contact"]
    }
    bad = api.get(reverse("api:centre-reach-list"), {"start": "2026-10-01"})
    assert bad.status_code == 400


def test_the_api_answers_404_out_of_scope_and_403_for_a_role_that_may_not(centre):
    team = TeamFactory()
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(team)
    mine = child_in_family(team=team)
    other = child_in_family(team=TeamFactory())
    registration = CentreRegistrationFactory(child=other, centre=centre)
    api = _api(manager)
    detail = reverse("api:centre-registration-detail", kwargs={"pk": registration.pk})
    assert api.get(detail).status_code == 404
    assert (
        api.get(reverse("api:centre-registration-list"), {"child": str(other.pk)}).status_code
        == 404
    )
    # A reader, not a recorder: 403 before the body is read.
    response = api.post(
        reverse("api:centre-registration-list"),
        {"child": str(mine.pk), "centre": centre.pk, "registered_on": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 403
    leader = early_support_user(Role.EARLY_SUPPORT_TEAM_LEADER)
    response = _api(leader).post(
        reverse("api:centre-contact-list"),
        {
            "child": "00000000-0000-4000-8000-000000000000",
            "centre": centre.pk,
            "seen_on": "2026-12-01",
            "kind": "stay_and_play",
        },
        format="json",
    )
    assert response.status_code == 404
    assert _api(AdminFactory()).get(reverse("api:centre-reach-list")).status_code == 403


def test_the_api_reach_figures_and_the_contacts_list(recorder, centre, child):
    CentreSettingsFactory(small_number=1)
    CentreRegistrationFactory(child=child, centre=centre)
    ReachContactFactory(child=child, centre=centre, seen_on=date(2026, 7, 1))
    UnderFivesPopulationFactory(centre=centre, under_fives=8)
    strategic = UserFactory(team=None, roles=[Role.STRATEGIC_LEAD])
    response = _api(strategic).get(reverse("api:centre-reach-list"), {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"], body["as_at"]) == ("2026-04-01", "2027-03-31", "2026-12-03")
    first = body["rows"][0]
    assert (first["kind"], first["centre"], first["registered"], first["registered_percent"]) == (
        "centre",
        centre.pk,
        "1",
        "12.5%",
    )
    assert body["rows"][-1]["kind"] == "council"
    # A strategic lead sees no child's records: the contacts list is empty.
    assert _api(strategic).get(reverse("api:centre-contact-list")).json() == []
    contacts = _api(recorder).get(reverse("api:centre-contact-list")).json()
    assert [c["kind"] for c in contacts] == ["stay_and_play"]


# ---------------------------------------------------------------- the population

CSV = "year,centre,area,under_fives\n2026,chestnut,,120\n2026,,{area},300\n"


def test_loading_the_population_replaces_the_year_and_is_audited(centre):
    area = AreaFactory(code="north")
    leader = early_support_user(Role.EARLY_SUPPORT_TEAM_LEADER)
    rows = services.read_population_csv(CSV.format(area="north"))
    services.under_fives_load(actor=leader, rows=rows)
    services.under_fives_load(actor=leader, rows=rows)
    figures = {
        (p.year, p.centre_id, p.area_id, p.under_fives) for p in UnderFivesPopulation.objects.all()
    }
    assert figures == {(2026, centre.pk, None, 120), (2026, None, area.pk, 300)}
    later = services.read_population_csv("year,centre,area,under_fives\n2026,chestnut,,130\n")
    services.under_fives_load(actor=leader, rows=later)
    assert list(UnderFivesPopulation.objects.values_list("under_fives", flat=True)) == [130]
    event = (
        AuditEvent.objects.filter(record_type="children_centres.underfivespopulation")
        .order_by("-id")
        .first()
    )
    assert event.detail == {"years": [2026], "centres": 1, "areas": 0, "replaced": 2, "by": "user"}
    with pytest.raises(PermissionDenied):
        services.under_fives_load(actor=UserFactory(roles=[Role.TEAM_MANAGER]), rows=later)


def test_a_wrong_file_names_every_bad_line_and_loads_nothing(centre):
    text = (
        "year,centre,area,under_fives\n"
        "2026,chestnut,,many\n"
        "26,chestnut,,10\n"
        "2026,nowhere,,10\n"
        "2026,,,10\n"
        "2026,chestnut,,10\n"
        "2026,chestnut,,11\n"
    )
    with pytest.raises(ValidationError) as refused:
        services.read_population_csv(text)
    assert refused.value.message_dict["file"] == [
        "Line 2: the number of under-fives must be a whole number",
        "Line 3: the year must be a year from 2000 to 2100",
        "Line 4: no children's centre has that code",
        "Line 5: give a centre's code, or an area's code for the area's own figure",
        "Line 7: this centre or area is given twice for the year",
    ]
    with pytest.raises(ValidationError):
        services.read_population_csv("name,count\nx,1\n")


def test_the_upload_page_and_the_command(centre, tmp_path):
    AreaFactory(code="north")
    leader = early_support_user(Role.EARLY_SUPPORT_TEAM_LEADER)
    client = sign_in_verified(Client(), leader)
    url = reverse("children_centres:population")
    upload = SimpleUploadedFile("pop.csv", CSV.format(area="north").encode(), "text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert UnderFivesPopulation.objects.count() == 2
    bad = SimpleUploadedFile("pop.csv", b"year,centre,area,under_fives\n2026,nowhere,,1\n")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "Line 2: no children&#x27;s centre has that code" in response.content.decode()
    path = tmp_path / "pop.csv"
    path.write_text("year,centre,area,under_fives\n2027,chestnut,,99\n", encoding="utf-8")
    out = StringIO()
    call_command("load_under_fives", str(path), stdout=out)
    call_command("load_under_fives", str(path), stdout=out)
    assert "Loaded 1 centre and 0 area figures for 2027 (replacing 1)." in out.getvalue()
    assert UnderFivesPopulation.objects.filter(year=2027).get().under_fives == 99
    path.write_text("year,centre,area,under_fives\n2027,nowhere,,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no children's centre has that code"):
        call_command("load_under_fives", str(path), stdout=out)


def test_no_reach_contact_is_written_by_a_refused_api_call(centre, child):
    business = UserFactory(team=early_support_team(), roles=[Role.BUSINESS_SUPPORT])
    response = _api(business).post(
        reverse("api:centre-contact-list"),
        {
            "child": str(child.pk),
            "centre": centre.pk,
            "seen_on": "2026-12-01",
            "kind": "stay_and_play",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not ReachContact.objects.exists()
