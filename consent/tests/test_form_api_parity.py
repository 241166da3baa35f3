"""One rule, one place: the consent page and the consent API refuse the same bad input alike.

Each bad input goes through the page's form (a POST to the record or override page) and through
``POST /api/v1/consent-decisions/`` (or ``consent-overrides/``). Both must refuse it on the same
field with the same words, and neither may record anything. The rules live in consent.services;
where the form or the serializer catches the input first (a choice left out, something not on
the list, too long), it says the service's words.
"""

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from consent import services
from consent.models import ConsentDecision, ConsentOverride
from consent.tests.conftest import client_for
from people.tests.factories import family_with_members

pytestmark = pytest.mark.django_db

DECISIONS = "/api/v1/consent-decisions/"
OVERRIDES = "/api/v1/consent-overrides/"
# "Today" for the rule that a decision is not in the future: a fixed moment, so the test and the
# service agree on which day is tomorrow whenever the test runs.
TODAY = date(2026, 6, 15)
TOMORROW = date(2026, 6, 16)
TOO_LONG = "x" * (services.MAX_TEXT + 1)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(datetime(2026, 6, 15, 10, 30, tzinfo=UTC), tick=False):
        yield


# A valid decision; each case below changes or leaves out a field. None means "left out".
GOOD_DECISION = {
    "purpose": "panel_referral",
    "status": "given",
    "reason": "",
    "given_by_name": "Jane Smith",
    "given_by_relationship": "parent_carer",
    "lawful_basis": "consent",
    "what_may_be_shared": "The assessment",
    "decision_date": TODAY,
}


def _form_data(fields: dict) -> dict:
    data = {}
    for name, value in fields.items():
        if name == "decision_date":
            parts = ("", "", "") if value is None else (value.day, value.month, value.year)
            data.update({f"decision_date_{i}": str(part) for i, part in enumerate(parts)})
        elif value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def _api_body(family, fields: dict) -> dict:
    body = {"family": str(family.pk)}
    for name, value in fields.items():
        if value is not None:
            body[name] = value.isoformat() if isinstance(value, date) else value
    return body


def _both(client, family, url_name, api_url, fields):
    page = client.post(
        reverse(f"consent:{url_name}", kwargs={"family_id": family.pk}), _form_data(fields)
    )
    api = client.post(
        api_url, json.dumps(_api_body(family, fields)), content_type="application/json"
    )
    return page, api


@pytest.fixture
def family(team):
    return family_with_members(team=team, children=1, adults=1)


@pytest.fixture
def someone_else(other_team):
    """A person in another family: not a member of this one."""
    return family_with_members(team=other_team, children=1, adults=0).members.get().person


BAD_DECISIONS = {
    "no purpose": ({"purpose": None}, "purpose", services.PURPOSE_MISSING),
    "a purpose not on the list": ({"purpose": "marketing"}, "purpose", services.PURPOSE_MISSING),
    "no decision": ({"status": None}, "status", services.STATUS_MISSING),
    "a decision not on the list": ({"status": "maybe"}, "status", services.STATUS_MISSING),
    "given with no lawful basis": (
        {"lawful_basis": ""},
        "lawful_basis",
        services.LAWFUL_BASIS_MISSING,
    ),
    "a lawful basis not on the list": (
        {"lawful_basis": "whim"},
        "lawful_basis",
        services.LAWFUL_BASIS_MISSING,
    ),
    "given with no name": (
        {"given_by_name": "  "},
        "given_by_name",
        "Enter the name of the person who gave consent",
    ),
    "a name too long": ({"given_by_name": "J" * 201}, "given_by_name", services.NAME_TOO_LONG),
    "given with nobody saying who": (
        {"given_by_relationship": ""},
        "given_by_relationship",
        services.RELATIONSHIP_MISSING,
    ),
    "a giver not on the list": (
        {"given_by_relationship": "neighbour"},
        "given_by_relationship",
        services.RELATIONSHIP_MISSING,
    ),
    "refused with no reason": (
        {"status": "refused", "reason": "   "},
        "reason",
        "Enter why consent was refused",
    ),
    "withdrawn with no reason": (
        {"status": "withdrawn"},
        "reason",
        "Enter why consent was withdrawn",
    ),
    "not sought with no reason": (
        {"status": "not_sought"},
        "reason",
        "Enter why consent was not sought",
    ),
    "a reason too long": (
        {"status": "refused", "reason": TOO_LONG},
        "reason",
        services.REASON_TOO_LONG,
    ),
    "what may be shared too long": (
        {"what_may_be_shared": TOO_LONG},
        "what_may_be_shared",
        services.SHARED_TOO_LONG,
    ),
    "a decision dated tomorrow": (
        {"decision_date": TOMORROW},
        "decision_date",
        "Date of the decision must be today or in the past",
    ),
    "no date": ({"decision_date": None}, "decision_date", services.DECISION_DATE_MISSING),
    "an agency not on the list": (
        {"agencies": [2**62]},
        "agencies",
        services.AGENCY_NOT_LISTED,
    ),
}


@pytest.mark.parametrize("case", BAD_DECISIONS, ids=list(BAD_DECISIONS))
def test_page_and_api_refuse_the_same_decision_the_same_way(practitioner, family, case):
    changes, field, message = BAD_DECISIONS[case]

    page, api = _both(
        client_for(practitioner), family, "record", DECISIONS, GOOD_DECISION | changes
    )

    assert page.status_code == 200
    assert page.context["form"].errors == {field: [message]}
    assert api.status_code == 400
    assert api.json() == {field: [message]}
    assert not ConsentDecision.objects.exists()


def test_page_and_api_refuse_someone_who_is_not_in_the_family_the_same_way(
    practitioner, family, someone_else
):
    page, api = _both(
        client_for(practitioner),
        family,
        "record",
        DECISIONS,
        GOOD_DECISION | {"person": str(someone_else.pk)},
    )

    assert page.status_code == 200
    assert page.context["form"].errors == {"person": [services.NOT_A_MEMBER]}
    assert api.status_code == 400
    assert api.json() == {"person": [services.NOT_A_MEMBER]}
    assert not ConsentDecision.objects.exists()


def test_the_same_good_decision_is_recorded_by_the_page_and_by_the_api(practitioner, family):
    client = client_for(practitioner)

    page, api = _both(client, family, "record", DECISIONS, GOOD_DECISION)

    assert page.status_code == 302
    assert api.status_code == 201
    recorded = list(
        ConsentDecision.objects.values_list(
            "purpose", "status", "lawful_basis", "given_by_name", "decision_date"
        )
    )
    assert recorded == [("panel_referral", "given", "consent", "Jane Smith", TODAY)] * 2


GOOD_OVERRIDE = {"purpose": "panel_referral", "reason": "A child is at risk of harm"}
BAD_OVERRIDES = {
    "no purpose": ({"purpose": None}, "purpose", services.OVERRIDE_PURPOSE_MISSING),
    "a purpose not on the list": (
        {"purpose": "marketing"},
        "purpose",
        services.OVERRIDE_PURPOSE_MISSING,
    ),
    "no reason": ({"reason": None}, "reason", services.OVERRIDE_REASON_MISSING),
    "a blank reason": ({"reason": "   "}, "reason", services.OVERRIDE_REASON_MISSING),
    "a reason too long": ({"reason": TOO_LONG}, "reason", services.REASON_TOO_LONG),
}


@pytest.mark.parametrize("case", BAD_OVERRIDES, ids=list(BAD_OVERRIDES))
def test_page_and_api_refuse_the_same_override_the_same_way(manager, family, case):
    changes, field, message = BAD_OVERRIDES[case]

    page, api = _both(client_for(manager), family, "override", OVERRIDES, GOOD_OVERRIDE | changes)

    assert page.status_code == 200
    assert page.context["form"].errors == {field: [message]}
    assert api.status_code == 400
    assert api.json() == {field: [message]}
    assert not ConsentOverride.objects.exists()


def test_page_and_api_refuse_a_practitioners_override_alike(practitioner, family):
    page, api = _both(client_for(practitioner), family, "override", OVERRIDES, GOOD_OVERRIDE)

    assert page.status_code == 403
    assert api.status_code == 403
    assert not ConsentOverride.objects.exists()
