"""Check your answers, in the public and the practitioner's journey: every row has a GOV.UK
"Change" link back to its question, and answering it again returns to Check your answers."""

import re

import pytest

from support_requests.models import SupportRequest
from support_requests.tests.conftest import client_for
from support_requests.tests.helpers import complete_answers, post, set_answers

pytestmark = pytest.mark.django_db

ASK_CHECK = "/ask-for-help/check-your-answers/"
NEW_CHECK = "/requests/new/check-your-answers/"
ROW = re.compile(
    r'<dt class="govuk-summary-list__key">(?P<key>[^<]+)</dt>.*?'
    r'<dd class="govuk-summary-list__actions">\s*<a class="govuk-link" href="(?P<href>[^"]+)">'
    r'Change<span class="govuk-visually-hidden"> (?P<label>[^<]+)</span></a>',
    re.S,
)


def rows(page: str) -> list[tuple[str, str]]:
    keys = page.count('class="govuk-summary-list__row"')
    found = [(m["key"], m["href"]) for m in ROW.finditer(page)]
    assert len(found) == keys, "every row has a Change link"
    return found


def back_link(page: str) -> str:
    return re.search(r'<a href="([^"]+)" class="govuk-back-link">', page)[1]


# ---------------------------------------------------------------- the public form

PUBLIC_ANSWERS = {
    "/ask-for-help/area/": {"area": "south"},
    "/ask-for-help/who-is-asking/": {"relationship": "other_family"},
    "/ask-for-help/your-name/": {"requester_name": "Jo Changed"},
    "/ask-for-help/what-is-happening/": {"what_is_happening": "Changed: it is worse now."},
    "/ask-for-help/help-you-would-like/": {"help_wanted": "Changed: a parenting course"},
    "/ask-for-help/contact-you-safely/": {
        "phone": "07700 900111",
        "can_call": "yes",
        "can_leave_message": "no",
        "email": "",
        "safe_to_write": "no",
        "best_times": "Changed: evenings",
        "safety_notes": "",
    },
    "/ask-for-help/other-services/": {"consent": "no"},
}


def test_every_public_row_changes_and_returns_to_check_answers(client, area_x, area_y):
    set_answers(client, complete_answers())
    page = client.get(ASK_CHECK).content.decode()
    links = rows(page)
    assert {href for _, href in links} == {*PUBLIC_ANSWERS, "/ask-for-help/children/"}

    for key, href in links:
        question = client.get(href)
        assert question.status_code == 200, key
        if href == "/ask-for-help/children/":
            # A list page: change a child, then say there is no one else to add.
            assert (
                post(
                    client,
                    "/ask-for-help/children/1/",
                    {
                        "first_name": "Amy",
                        "age": "8",
                        "date_of_birth_0": "",
                        "date_of_birth_1": "",
                        "date_of_birth_2": "",
                    },
                )["Location"]
                == "/ask-for-help/children/"
            )
            response = post(client, href, {"add_another": "no"})
        else:
            assert back_link(question.content.decode()) == ASK_CHECK, key
            response = post(client, href, PUBLIC_ANSWERS[href])
        assert response["Location"] == ASK_CHECK, key

    page = client.get(ASK_CHECK).content.decode()
    for shown in (
        "South",
        "Another family member",
        "Jo Changed",
        "Amy, 8 years old",
        "Changed: it is worse now.",
        "Changed: a parenting course",
        "07700 900111",
        "Changed: evenings",
    ):
        assert shown in page


# ---------------------------------------------------------------- the practitioner's request

BLANK_CHILDREN = {f"child_{i}_{k}": "" for i in range(1, 7) for k in ("name", "age")}


def practitioner_at_check(client):
    post(client, "/requests/new/family/", {"family": "none"})
    post(
        client,
        "/requests/new/children/",
        dict(BLANK_CHILDREN, child_1_name="Amy", child_1_age="7"),
    )
    post(client, "/requests/new/area/", {"area": "north"})
    post(client, "/requests/new/how-to-send/", {"route": "key_contact"})
    post(
        client,
        "/requests/new/what-is-happening/",
        {
            "what_is_happening": "Amy is missing school.",
            "single_agency_support_tried": "A mentor.",
        },
    )
    post(client, "/requests/new/concerns/", {"concern": "no"})
    post(client, "/requests/new/family-agreement/", {"consent": "yes"})
    return client.get(NEW_CHECK).content.decode()


PRACTITIONER_ANSWERS = {
    "/requests/new/children/": dict(
        BLANK_CHILDREN, child_1_name="Amy", child_1_age="7", child_2_name="Ben", child_2_age="4"
    ),
    "/requests/new/area/": {"area": "south"},
    "/requests/new/how-to-send/": {"route": "mash"},
    "/requests/new/what-is-happening/": {
        "what_is_happening": "Changed: Amy has stopped going.",
        "single_agency_support_tried": "Changed: a mentor and a nurse.",
    },
    "/requests/new/concerns/": {"concern": "no"},
    "/requests/new/family-agreement/": {"consent": "yes"},
}


def test_every_practitioner_row_changes_and_returns_to_check_answers(
    school_practitioner, leader_x, leader_y, council
):
    client = client_for(school_practitioner)
    links = rows(practitioner_at_check(client))
    assert {href for _, href in links} == set(PRACTITIONER_ANSWERS)

    for key, href in links:
        question = client.get(href)
        assert question.status_code == 200, key
        assert back_link(question.content.decode()) == NEW_CHECK, key
        assert post(client, href, PRACTITIONER_ANSWERS[href])["Location"] == NEW_CHECK, key

    page = client.get(NEW_CHECK).content.decode()
    for shown in (
        "Ben, 4 years old",
        "South",
        leader_y.team.name,
        "Through the MASH: Duty and Advice Team, 01234 567890",
        "Changed: Amy has stopped going.",
        "Changed: a mentor and a nurse.",
    ):
        assert shown in page
    assert client.post(NEW_CHECK)["Location"] == "/requests/new/request-sent/"
    sent = SupportRequest.objects.get()
    assert (sent.area, sent.route) == (leader_y.team.area, SupportRequest.Route.MASH)
    assert [c.first_name for c in sent.children.all()] == ["Amy", "Ben"]


def test_changing_concerns_to_yes_shows_the_duty_team_then_returns_to_check_answers(
    school_practitioner, leader_x, council
):
    client = client_for(school_practitioner)
    practitioner_at_check(client)

    response = post(client, "/requests/new/concerns/", {"concern": "yes"})

    assert response["Location"] == "/requests/new/contact-the-duty-team/"
    page = client.get(response["Location"]).content.decode()
    assert "01234 567890" in page
    assert f'href="{NEW_CHECK}" role="button"' in page
    assert not SupportRequest.objects.exists()
