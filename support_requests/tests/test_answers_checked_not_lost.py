"""Answers a person gives when asking for help are checked by the service's rule, so a request
page and the API refuse the same thing, and what was typed is kept, never cut or lost:

- an answer to "town or postcode" with a digit in it must be a real UK postcode;
- "What is happening" longer than its limit is refused, not cut short by the browser;
- a child's age must be the one their date of birth gives.
"""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from support_requests import journey, services
from support_requests.models import SupportRequest
from support_requests.tests.conftest import client_for
from support_requests.tests.helpers import BLANK_DATE

pytestmark = pytest.mark.django_db

MINE = "/api/v1/my-support-requests/"
LOCATION = "/ask-for-help/town-or-postcode/"
HAPPENING = "/ask-for-help/what-is-happening/"
CHILD = "/ask-for-help/children/add/"
PRACTITIONER_HAPPENING = "/requests/new/what-is-happening/"
TOO_LONG = "What is happening must be 5,000 characters or fewer"

# Noon on 1 July 2026 in London.
NOON = datetime(2026, 7, 1, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _places(council, area_x, area_y):
    """Every test here has a council and two areas, 'north' and 'south'."""


def _html(response) -> str:
    return response.content.decode()


def _errors(response) -> dict:
    assert response.status_code == 200
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


def _answers(client) -> dict:
    return client.session.get(journey.SESSION_KEY, {})


def _public_kwargs(**overrides) -> dict:
    kwargs = {
        "area": None,
        "location_given": "Dewsbury",
        "requester_name": "Jo Parent",
        "requester_relationship": SupportRequest.Relationship.PARENT_CARER,
        "requester_phone": "07700 900982",
        "can_call": True,
        "can_leave_message": False,
        "safe_to_write": False,
        "children": [services.ChildDetails(first_name="Amy", age_years=7)],
        "what_is_happening": "Amy will not go to school.",
        "consent_to_contact_agencies": SupportRequest.Consent.YES,
        "client_address": "192.0.2.1",
    }
    kwargs.update(overrides)
    return kwargs


def _api_request(area, **overrides) -> dict:
    data = {
        "children": [{"first_name": "Amy", "age_years": 7}],
        "area": area.pk,
        "what_is_happening": "Amy is missing school most Mondays.",
        "single_agency_support_tried": "Attendance meetings.",
        "family_knows_and_consents": True,
        "safeguarding_concern": False,
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- town or postcode


@pytest.mark.parametrize("typed", ["WF13 XYZ", "12345", "W1 1", "SW1A 1AAA", "Dewsbury 2"])
def test_a_postcode_that_is_not_real_is_refused_and_kept(client, typed):
    response = client.post(LOCATION, {"location": typed})

    assert _errors(response) == {"location": ["Enter a real postcode"]}
    assert re.search(r'<a href="#id_location">\s*Enter a real postcode\s*</a>', _html(response))
    assert f'value="{typed}"' in _html(response)
    assert "location" not in _answers(client)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("wf13 1aa", "WF13 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("M11AE", "M1 1AE"),
        ("Dewsbury", "Dewsbury"),
        ("Heckmondwike  West", "Heckmondwike West"),
    ],
)
def test_a_real_postcode_or_a_town_is_accepted(client, typed, kept):
    response = client.post(LOCATION, {"location": typed})

    assert response.status_code == 302
    assert _answers(client)["location"] == kept


def test_the_service_refuses_a_postcode_that_is_not_real():
    with pytest.raises(ValidationError) as refused:
        services.support_request_submit_public(**_public_kwargs(location_given="WF13 XYZ"))

    assert refused.value.message_dict == {"location_given": ["Enter a real postcode"]}
    assert not SupportRequest.objects.exists()


def test_the_service_keeps_a_postcode_in_capitals_with_one_space():
    made = services.support_request_submit_public(**_public_kwargs(location_given="wf131aa"))

    made.refresh_from_db()
    assert made.location_given == "WF13 1AA"


# ---------------------------------------------------------------- what is happening


def test_what_is_happening_over_the_limit_is_refused_and_kept(client):
    typed = "a" * 4999 + " b"  # 5,001 characters

    response = client.post(HAPPENING, {"what_is_happening": typed})

    assert _errors(response) == {"what_is_happening": [TOO_LONG]}
    assert f">\n{typed}</textarea>" in _html(response)
    assert "what_is_happening" not in _answers(client)


def test_what_is_happening_at_the_limit_is_kept_whole(client):
    typed = "a" * 5000

    response = client.post(HAPPENING, {"what_is_happening": typed})

    assert response.status_code == 302
    assert _answers(client)["what_is_happening"] == typed


@pytest.mark.parametrize("url", [HAPPENING, PRACTITIONER_HAPPENING])
def test_what_is_happening_shows_the_limit_and_the_browser_never_cuts_it(
    client, school_practitioner, url
):
    if url == PRACTITIONER_HAPPENING:
        client = client_for(school_practitioner)
        client.post("/requests/new/family/", {"family": "none"})

    page = _html(client.get(url))

    assert re.search(
        r'<div class="govuk-character-count" data-module="govuk-character-count"\s+'
        r'data-maxlength="5000">',
        page,
    )
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'name="what_is_happening"' in textarea
    assert "maxlength" not in textarea


def test_the_public_service_refuses_what_is_happening_over_the_limit():
    with pytest.raises(ValidationError) as refused:
        services.support_request_submit_public(**_public_kwargs(what_is_happening="a" * 5001))

    assert refused.value.message_dict == {"what_is_happening": [TOO_LONG]}
    assert not SupportRequest.objects.exists()


def test_a_practitioners_what_is_happening_over_the_limit_is_refused_alike(
    school_practitioner, area_x
):
    client = client_for(school_practitioner)
    client.post("/requests/new/family/", {"family": "none"})
    typed = "a" * 5001

    page = client.post(
        PRACTITIONER_HAPPENING,
        {"what_is_happening": typed, "single_agency_support_tried": "Attendance meetings."},
    )
    api = client.post(
        MINE, _api_request(area_x, what_is_happening=typed), content_type="application/json"
    )

    assert _errors(page) == {"what_is_happening": [TOO_LONG]}
    assert f">\n{typed}</textarea>" in _html(page)
    assert api.status_code == 400
    assert api.json() == {"what_is_happening": [TOO_LONG]}
    assert not SupportRequest.objects.exists()


# ---------------------------------------------------------------- a child's age and date of birth


def _child(age: str, born: date) -> dict:
    return {
        "first_name": "Amy",
        "age": age,
        "date_of_birth_0": str(born.day),
        "date_of_birth_1": str(born.month),
        "date_of_birth_2": str(born.year),
    }


@time_machine.travel(NOON, tick=False)
def test_an_age_that_contradicts_the_date_of_birth_is_refused_alike(
    client, school_practitioner, area_x
):
    born = date(2019, 3, 27)  # 7 on 1 July 2026

    page = client.post(CHILD, _child("3", born))
    api = client_for(school_practitioner).post(
        MINE,
        _api_request(
            area_x, children=[{"first_name": "Amy", "age_years": 3, "date_of_birth": str(born)}]
        ),
        content_type="application/json",
    )

    assert _errors(page) == {"age": ["The age does not match the date of birth"]}
    assert 'value="3"' in _html(page) and 'value="2019"' in _html(page)
    assert "children" not in _answers(client)
    assert api.status_code == 400
    assert api.json() == {"children": ["The age does not match the date of birth"]}
    assert not SupportRequest.objects.exists()


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("age", "born"),
    [
        ("7", date(2019, 7, 1)),  # seventh birthday today
        ("6", date(2019, 7, 2)),  # seventh birthday tomorrow
        ("0", date(2026, 7, 1)),  # born today
    ],
)
def test_an_age_that_matches_the_date_of_birth_is_accepted(client, age, born):
    response = client.post(CHILD, _child(age, born))

    assert response.status_code == 302
    assert _answers(client)["children"] == [
        {"first_name": "Amy", "age": int(age), "date_of_birth": born.isoformat()}
    ]


@time_machine.travel(NOON, tick=False)
def test_the_public_service_refuses_an_age_that_contradicts_the_date_of_birth():
    child = services.ChildDetails(first_name="Amy", age_years=6, date_of_birth=date(2019, 7, 1))

    with pytest.raises(ValidationError) as refused:
        services.support_request_submit_public(**_public_kwargs(children=[child]))

    assert refused.value.message_dict == {"children": ["The age does not match the date of birth"]}
    assert not SupportRequest.objects.exists()


def test_an_age_alone_still_needs_no_date_of_birth(client):
    response = client.post(CHILD, {"first_name": "Amy", "age": "7", **BLANK_DATE})

    assert response.status_code == 302
