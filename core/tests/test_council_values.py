"""The council's values on the council page (system administrators), their history, and the
council pack's loader: the page's changes survive the next load, and the loader's are recorded."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import AdminFactory, UserFactory, sign_in_verified
from core import selectors_council, services_council
from core.concurrency import StaleVersionError
from core.council_pack import PACK_AGREES, PackError, load_council_pack
from core.models import AuditEvent, Council, CouncilValueChange
from core.tests.factories import CouncilValueChangeFactory, PackValueChangeFactory
from panel.models import Panel

pytestmark = pytest.mark.django_db

TINY = Path(__file__).parent / "packs" / "tiny.yaml"
DUTY = ("duty_team_name", "duty_team_phone", "duty_team_email", "duty_team_out_of_hours_phone")
MARCH = datetime(2027, 3, 3, 10, 15, tzinfo=UTC)
APRIL = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)
MAY = datetime(2027, 5, 4, 9, 0, tzinfo=UTC)
JUNE = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


def tiny() -> dict:
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


@pytest.fixture
def admin():
    return AdminFactory(first_name="Ada", last_name="Admin")


@pytest.fixture
def admin_client(admin):
    return sign_in_verified(Client(), admin)


def _duty_form(council: Council, **changes) -> dict:
    data = {
        "version": selectors_council.council_values_version(
            council, [*DUTY, "duty_team_instructions"]
        ),
        "duty_team_name": council.duty_team_name,
        "duty_team_phone": council.duty_team_phone,
        "duty_team_email": council.duty_team_email,
        "duty_team_out_of_hours_phone": council.duty_team_out_of_hours_phone,
        "duty_team_instructions": council.duty_team_instructions,
        "reason": "The duty team has a new number from today",
    }
    data.update(changes)
    return data


DUTY_URL = "/service/council/change/duty-team/"


# ------------------------------------------------------------------------------ the page


def test_the_addresses():
    assert reverse("core:council_values") == "/service/council/"
    assert reverse("core:council_values_change", kwargs={"group": "duty-team"}) == DUTY_URL
    assert reverse("core:council_values_history") == "/service/council/history/"


def test_an_administrator_sees_the_values_by_group_with_a_change_link_each(admin_client, council):
    page = admin_client.get("/service/council/")
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("Contacts", "Cadences and thresholds", "Panel cadences"):
        assert f'<h2 class="govuk-heading-m">{heading}</h2>' in html
    assert council.duty_team_phone in html
    for key in ("council", "duty-team", "early-support", "public-pages", "timescales"):
        assert f'href="/service/council/change/{key}/"' in html
    assert html.count(">Change<span") == 5


def test_the_configuration_page_and_the_home_page_link_to_it(admin_client, council):
    assert 'href="/service/council/"' in admin_client.get("/configuration/").content.decode()
    assert 'href="/service/council/"' in admin_client.get("/home/").content.decode()


def test_an_administrator_changes_the_duty_team_phone(admin, council):
    old = council.duty_team_phone
    with time_machine.travel(MARCH, tick=False):
        admin_client = sign_in_verified(Client(), admin)
        response = admin_client.post(DUTY_URL, _duty_form(council, duty_team_phone="01632 960999"))
    assert response.status_code == 302
    assert response["Location"] == "/service/council/"
    council.refresh_from_db()
    assert council.duty_team_phone == "01632 960999"
    change = CouncilValueChange.objects.get()
    assert (change.field, change.old_value, change.new_value) == (
        "duty_team_phone",
        old,
        "01632 960999",
    )
    assert change.source == CouncilValueChange.Source.PAGE
    assert change.actor == admin
    assert change.reason == "The duty team has a new number from today"
    assert change.at == MARCH
    audit = AuditEvent.objects.get(record_type="core.council")
    assert audit.action == AuditEvent.Action.UPDATE
    assert audit.actor == admin
    assert audit.record_id == str(council.pk)
    assert audit.detail == {"fields": ["duty_team_phone"], "source": "page"}
    with time_machine.travel(MARCH, tick=False):
        history = admin_client.get("/service/council/history/").content.decode()
    assert "Duty team phone number" in history
    assert "01632 960999" in history and old in history
    assert "Ada Admin" in history and "The duty team has a new number from today" in history
    assert "3 March 2027" in history


def test_an_administrator_changes_the_timescales_and_sign_off(admin_client, council):
    version = selectors_council.council_values_version(
        council,
        ["public_response_working_days", "plan_review_weeks", "assessment_sign_off_required"],
    )
    response = admin_client.post(
        "/service/council/change/timescales/",
        {
            "version": version,
            "public_response_working_days": "3",
            "plan_review_weeks": "8",
            "assessment_sign_off_required": "yes",
            "reason": "The new early help strategy",
        },
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert (
        council.public_response_working_days,
        council.plan_review_weeks,
        council.assessment_sign_off_required,
    ) == (3, 8, True)
    rows = {c.field: (c.old_value, c.new_value) for c in CouncilValueChange.objects.all()}
    assert rows == {
        "public_response_working_days": ("5", "3"),
        "plan_review_weeks": ("6", "8"),
        "assessment_sign_off_required": ("No", "Yes"),
    }


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.STRATEGIC_LEAD, Role.BUSINESS_SUPPORT]
)
def test_anyone_else_is_forbidden_every_page(role, council):
    client = sign_in_verified(Client(), UserFactory(roles=[role]))
    for url in ("/service/council/", DUTY_URL, "/service/council/history/"):
        assert client.get(url).status_code == 403
    assert client.post(DUTY_URL, _duty_form(council, duty_team_phone="999")).status_code == 403
    council.refresh_from_db()
    assert council.duty_team_phone == "01234 567890"
    assert not CouncilValueChange.objects.exists()


def test_signed_out_is_sent_to_sign_in(client, council):
    response = client.get("/service/council/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_group_is_not_found(admin_client, council):
    assert admin_client.get("/service/council/change/no-such-group/").status_code == 404


def test_without_a_council_the_page_says_so_and_there_is_nothing_to_change(admin_client):
    page = admin_client.get("/service/council/")
    assert page.status_code == 200
    assert "The council pack has not been loaded yet" in page.content.decode()
    assert admin_client.get(DUTY_URL).status_code == 404
    assert admin_client.get("/service/council/history/").status_code == 404


def test_invalid_values_are_shown_in_the_error_summary_and_what_was_typed_is_kept(
    admin_client, council
):
    response = admin_client.post(
        DUTY_URL,
        _duty_form(
            council,
            duty_team_name="",
            duty_team_email="not-an-address",
            duty_team_phone="01632 960123",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_duty_team_name">Enter the duty team&#x27;s name</a>' in html
    assert (
        '<a href="#id_duty_team_email">Enter an email address in the correct format, like '
        "name@example.com</a>" in html
    )
    assert 'value="not-an-address"' in html
    assert 'value="01632 960123"' in html
    council.refresh_from_db()
    assert council.duty_team_phone == "01234 567890"
    assert not CouncilValueChange.objects.exists()
    assert not AuditEvent.objects.filter(record_type="core.council").exists()


def test_numbers_out_of_range_and_not_numbers_are_refused(admin_client, council):
    url = "/service/council/change/timescales/"
    version = selectors_council.council_values_version(
        council,
        ["public_response_working_days", "plan_review_weeks", "assessment_sign_off_required"],
    )
    data = {
        "version": version,
        "public_response_working_days": "0",
        "plan_review_weeks": "60",
        "assessment_sign_off_required": "no",
        "reason": "Testing",
    }
    html = admin_client.post(url, data).content.decode()
    assert "The working days to reply must be between 1 and 60" in html
    assert "The weeks between plan reviews must be between 1 and 52" in html
    html = admin_client.post(url, {**data, "plan_review_weeks": "six"}).content.decode()
    assert "Weeks between family plan reviews must be a whole number, like 5" in html
    assert 'value="six"' in html
    assert Council.objects.get().plan_review_weeks == 6


def test_a_reason_is_required(admin_client, council):
    response = admin_client.post(DUTY_URL, _duty_form(council, duty_team_phone="1", reason="  "))
    assert response.status_code == 200
    assert '<a href="#id_reason">Enter the reason for the change</a>' in response.content.decode()
    assert 'value="1"' in response.content.decode()
    assert not CouncilValueChange.objects.exists()


def test_saving_without_changing_anything_says_so(admin_client, council):
    response = admin_client.post(DUTY_URL, _duty_form(council))
    assert response.status_code == 200
    assert "You have not changed any of these values" in response.content.decode()
    assert not CouncilValueChange.objects.exists()


def test_a_stale_edit_is_refused_and_the_values_saved_now_shown(admin_client, council):
    shown = _duty_form(council, duty_team_phone="01632 960111")
    # Someone else changes the duty team's email while this form is open.
    services_council.council_values_change(
        actor=AdminFactory(),
        council=council,
        values={"duty_team_email": "duty@example.org"},
        reason="New inbox",
        expected_version=selectors_council.council_values_version(council, ["duty_team_email"]),
    )
    response = admin_client.post(DUTY_URL, shown)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone changed these values after you opened this page" in html
    assert "The values saved now" in html and "duty@example.org" in html
    assert 'value="01632 960111"' in html  # what was typed is kept
    council.refresh_from_db()
    assert council.duty_team_phone == "01234 567890"
    assert CouncilValueChange.objects.count() == 1
    # Sent again, it compares with the values as they are now, and saves.
    again = admin_client.post(
        DUTY_URL, _duty_form(council, duty_team_phone="01632 960111", duty_team_email="")
    )
    assert again.status_code == 302
    council.refresh_from_db()
    assert (council.duty_team_phone, council.duty_team_email) == ("01632 960111", "")


def test_an_edit_of_another_group_meanwhile_is_not_stale(admin_client, council):
    shown = _duty_form(council, duty_team_phone="01632 960111")
    services_council.council_values_change(
        actor=AdminFactory(),
        council=council,
        values={"plan_review_weeks": 4},
        reason="Shorter cycle",
        expected_version=selectors_council.council_values_version(council, ["plan_review_weeks"]),
    )
    assert admin_client.post(DUTY_URL, shown).status_code == 302


def test_the_service_checks_the_role_and_the_values_itself(council):
    version = selectors_council.council_values_version(council, ["duty_team_phone"])
    with pytest.raises(PermissionDenied):
        services_council.council_values_change(
            actor=UserFactory(roles=[Role.TEAM_MANAGER]),
            council=council,
            values={"duty_team_phone": "1"},
            reason="x",
            expected_version=version,
        )
    with pytest.raises(ValidationError) as refused:
        services_council.council_values_change(
            actor=AdminFactory(),
            council=council,
            values={"duty_team_phone": "", "early_support_email": "nope"},
            reason="",
            expected_version="0",
        )
    assert refused.value.message_dict == {
        "reason": ["Enter the reason for the change"],
        "duty_team_phone": ["Enter the duty team's phone number"],
        "early_support_email": [
            "Enter an email address in the correct format, like name@example.com"
        ],
    }
    with pytest.raises(StaleVersionError):
        services_council.council_values_change(
            actor=AdminFactory(),
            council=council,
            values={"duty_team_phone": "1"},
            reason="x",
            expected_version="0",
        )
    with pytest.raises(ValueError):
        services_council.council_values_change(
            actor=AdminFactory(),
            council=council,
            values={"code": "elsewhere"},
            reason="x",
            expected_version=version,
        )


def test_the_history_is_append_only(council):
    change = CouncilValueChangeFactory(council=council, actor=AdminFactory())
    PackValueChangeFactory(council=council)
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        CouncilValueChange.objects.all().delete()


def test_the_panels_cadences_are_listed_read_only(admin_client):
    load_council_pack(tiny())
    html = admin_client.get("/service/council/").content.decode()
    assert "cannot be changed on a page yet" in html
    for panel in Panel.objects.all():
        assert panel.name in html
        assert f'href="/panels/{panel.pk}/"' in html


# ------------------------------------------------------------------------------ the pack


def test_loading_the_pack_records_every_value_it_sets():
    with time_machine.travel(MARCH, tick=False):
        load_council_pack(tiny())
    rows = CouncilValueChange.objects.all()
    assert {row.field for row in rows} == set(services_council.CHANGEABLE)
    assert {(row.source, row.actor, row.old_value, row.at) for row in rows} == {
        ("pack", None, "", MARCH)
    }
    assert rows.get(field="duty_team_phone").new_value == "01632 960001"
    # A re-run of the same pack writes nothing.
    result = load_council_pack(tiny())
    assert not result.changed and result.notes == []
    assert CouncilValueChange.objects.count() == len(services_council.CHANGEABLE)


def test_a_changed_pack_value_is_recorded_as_the_packs():
    load_council_pack(tiny())
    data = tiny()
    data["council"]["duty_team_phone"] = "01632 960002"
    data["council"]["plan_review_weeks"] = 4
    with time_machine.travel(APRIL, tick=False):
        result = load_council_pack(data)
    assert result.updated["council"] == 1
    latest = CouncilValueChange.objects.filter(at=APRIL)
    assert {(c.field, c.old_value, c.new_value, c.source, c.actor) for c in latest} == {
        ("duty_team_phone", "01632 960001", "01632 960002", "pack", None),
        ("plan_review_weeks", "6", "4", "pack", None),
    }
    assert AuditEvent.objects.filter(record_type="core.council").count() == 0


def test_the_loader_keeps_a_value_changed_on_the_page_and_says_so():
    load_council_pack(tiny())
    council = Council.objects.get()
    admin = AdminFactory(first_name="Ada", last_name="Admin")
    with time_machine.travel(MARCH, tick=False):
        services_council.council_values_change(
            actor=admin,
            council=council,
            values={"duty_team_phone": "01632 960999"},
            reason="Interim number",
            expected_version=selectors_council.council_values_version(council, ["duty_team_phone"]),
        )
    rows_before = CouncilValueChange.objects.count()
    out = StringIO()
    with time_machine.travel(APRIL, tick=False):
        call_command("load_council_pack", str(TINY), stdout=out)
    assert "duty_team_phone: kept the value changed on the page on 3 March 2027 by Ada Admin." in (
        out.getvalue()
    )
    council.refresh_from_db()
    assert council.duty_team_phone == "01632 960999"
    assert CouncilValueChange.objects.count() == rows_before
    # Every later load says so again, until the pack is updated to the page's value...
    data = tiny()
    data["council"]["duty_team_phone"] = "01632 960999"
    with time_machine.travel(MAY, tick=False):
        result = load_council_pack(data)
    assert result.notes == [
        "duty_team_phone: the pack now agrees with the page, and sets it again."
    ]
    agreed = CouncilValueChange.objects.first()
    assert (agreed.field, agreed.source, agreed.reason) == ("duty_team_phone", "pack", PACK_AGREES)
    # ...after which the pack sets it again.
    data["council"]["duty_team_phone"] = "01632 960003"
    with time_machine.travel(JUNE, tick=False):
        result = load_council_pack(data)
    assert result.notes == []
    council.refresh_from_db()
    assert council.duty_team_phone == "01632 960003"
    latest = CouncilValueChange.objects.first()
    assert (latest.old_value, latest.new_value, latest.source) == (
        "01632 960999",
        "01632 960003",
        "pack",
    )


def test_the_loader_still_sets_the_values_not_changed_on_the_page():
    load_council_pack(tiny())
    council = Council.objects.get()
    services_council.council_values_change(
        actor=AdminFactory(),
        council=council,
        values={"duty_team_phone": "01632 960999"},
        reason="Interim number",
        expected_version=selectors_council.council_values_version(council, ["duty_team_phone"]),
    )
    data = tiny()
    data["council"]["duty_team_phone"] = "01632 960002"
    data["council"]["duty_team_name"] = "Exampleshire Front Door and MASH"
    result = load_council_pack(data)
    council.refresh_from_db()
    assert council.duty_team_phone == "01632 960999"
    assert council.duty_team_name == "Exampleshire Front Door and MASH"
    assert len(result.notes) == 1 and result.notes[0].startswith("duty_team_phone: kept")


def test_a_page_change_after_a_pack_change_is_the_one_kept():
    load_council_pack(tiny())
    council = Council.objects.get()
    PackValueChangeFactory(council=council, field="service_name", at=MARCH)
    CouncilValueChangeFactory(council=council, field="service_name", at=APRIL, actor=None)
    data = tiny()
    data["council"]["service_name"] = "Something else"
    result = load_council_pack(data)
    assert result.notes == [
        "service_name: kept the value changed on the page on 1 April 2027 by someone."
    ]


def test_the_pack_is_held_to_the_same_limits_as_the_page():
    data = tiny()
    data["council"]["plan_review_weeks"] = 0
    with pytest.raises(PackError, match="council.plan_review_weeks: The weeks between plan"):
        load_council_pack(data)
