import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from people.models import FamilyMember
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory, PersonFactory
from support_requests import journey, services
from support_requests.models import SupportRequest, ThrottleHit
from support_requests.tests.helpers import BLANK_DATE, complete_answers, post, set_answers, walk
from support_requests.throttle import PAGE_POSTS

pytestmark = pytest.mark.django_db

CHECK = "/ask-for-help/check-your-answers/"


@pytest.fixture(autouse=True)
def _places(council, area_x, area_y):
    """Every test here has a council and two areas, 'north' and 'south'."""


def html(response) -> str:
    return response.content.decode()


def error_summary_links(response) -> list[tuple[str, str]]:
    summary = html(response).split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return [
        (a, " ".join(t.split())) for a, t in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    ]


def test_start_page_needs_no_sign_in_and_is_never_cached(client):
    response = client.get("/ask-for-help/")
    assert response.status_code == 200
    page = html(response)
    assert "Ask for help for your family" in page
    assert 'href="/ask-for-help/area/"' in page and "Start now" in page
    assert "If a child is in danger now, call 999" in page
    assert "Duty and Advice Team" in page and "01234 567890" in page
    assert "govuk-exit-this-page" in page
    assert "Sign out" not in page  # no staff navigation for the public
    assert "no-store" in response["Cache-Control"]


def test_a_parent_asks_for_help_for_two_children(client, area_x):
    response = walk(client, area="north")
    assert response.status_code == 302 and response["Location"] == "/ask-for-help/request-sent/"
    saved = SupportRequest.objects.get()
    assert saved.area == area_x and saved.source == "public" and saved.status == "received"
    assert [c.first_name for c in saved.children.all()] == ["Amy", "Ben"]
    assert (saved.can_call, saved.can_leave_message, saved.safe_to_write) == (True, False, False)
    assert saved.consent_to_contact_agencies == "unsure"
    assert saved.help_wanted == "Someone to talk to"
    # The answers leave the session once sent; the reference stays for the confirmation page.
    assert journey.SESSION_KEY not in client.session
    sent = client.get("/ask-for-help/request-sent/")
    page = html(sent)
    assert saved.reference in page
    assert "govuk-panel--confirmation" in page
    assert "What happens next" in page and "within 5 working days" in page
    assert "in the way you told us is safe" in page
    assert "If a child is in danger now, call 999" in page and "01234 567890" in page
    # The confirmation repeats nothing they typed (someone may be looking over their shoulder).
    for typed in ("Jo Parent", "Amy", "07700"):
        assert typed not in page
    # The request is audited as made by nobody signed in, with no personal data.
    event = AuditEvent.objects.get(record_type="support_requests.supportrequest")
    assert event.actor is None and "Amy" not in str(event.detail)


def test_sending_twice_does_not_make_two_requests(client):
    walk(client, area="north")
    again = client.post(CHECK)
    assert again.status_code == 302 and again["Location"] == "/ask-for-help/area/"
    assert SupportRequest.objects.count() == 1


def test_confirmation_page_without_a_request_goes_to_the_start(client):
    response = client.get("/ask-for-help/request-sent/")
    assert response.status_code == 302 and response["Location"] == "/ask-for-help/"


def test_not_sure_of_the_area_asks_for_a_town_and_leaves_the_area_empty(client):
    response = post(client, "/ask-for-help/area/", {"area": "not-sure"})
    assert response["Location"] == "/ask-for-help/town-or-postcode/"
    back = client.get("/ask-for-help/town-or-postcode/")
    assert 'href="/ask-for-help/area/" class="govuk-back-link"' in html(back)
    walk(client, area="not-sure", location="WF13 1AA")
    saved = SupportRequest.objects.get()
    assert saved.area is None and saved.location_given == "WF13 1AA"


def test_choosing_an_area_after_not_sure_forgets_the_town(client):
    set_answers(client, {**complete_answers(), "area": "not-sure", "location": "Dewsbury"})
    post(client, "/ask-for-help/area/", {"area": "south"})
    assert "location" not in client.session[journey.SESSION_KEY]


@pytest.mark.parametrize(
    ("url", "data", "expected"),
    [
        (
            "/ask-for-help/area/",
            {},
            [("id_area_1", "Select the area you live in, or select ‘I’m not sure’")],
        ),
        (
            "/ask-for-help/town-or-postcode/",
            {"location": " "},
            [("id_location", "Enter your town or postcode")],
        ),
        (
            "/ask-for-help/who-is-asking/",
            {},
            [("id_relationship_1", "Select who is asking for help")],
        ),
        (
            "/ask-for-help/children/add/",
            {"first_name": "", "age": "", **BLANK_DATE},
            [
                ("id_first_name", "Enter their first name"),
                ("id_age", "Enter their age, or their date of birth"),
            ],
        ),
        (
            "/ask-for-help/what-is-happening/",
            {"what_is_happening": ""},
            [("id_what_is_happening", "Tell us what is happening")],
        ),
        (
            "/ask-for-help/your-name/",
            {"requester_name": ""},
            [("id_requester_name", "Enter your name")],
        ),
        (
            "/ask-for-help/other-services/",
            {},
            [
                (
                    "id_consent_1",
                    "Select yes if we can talk to other services that work with your family",
                )
            ],
        ),
    ],
)
def test_every_question_shows_the_error_summary(client, url, data, expected):
    response = client.post(url, data)
    assert response.status_code == 200
    assert error_summary_links(response) == expected
    assert re.search(r"<title>\s*Error: ", html(response))
    # Every summary link points at something on the page.
    for anchor, _ in expected:
        assert f'id="{anchor}"' in html(response)
    assert not SupportRequest.objects.exists()


def test_child_errors_keep_what_was_typed(client):
    response = client.post(
        "/ask-for-help/children/add/",
        {
            "first_name": "Amélie",
            "age": "seven",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2019",
        },
    )
    links = error_summary_links(response)
    assert ("id_age", "Age must be a number, like 7") in links
    assert ("id_date_of_birth_0", "Date of birth must be a real date") in links
    page = html(response)
    assert 'value="Amélie"' in page and 'value="seven"' in page
    assert 'value="31"' in page and 'value="2019"' in page


def test_contact_errors_keep_what_was_typed(client):
    response = client.post(
        "/ask-for-help/contact-you-safely/",
        {
            "phone": "",
            "can_call": "yes",
            "can_leave_message": "no",
            "email": "jo@",
            "safe_to_write": "yes",
            "best_times": "After 3pm",
            "safety_notes": "Not at weekends",
        },
    )
    links = error_summary_links(response)
    assert links == [
        (
            "id_phone",
            "Enter a phone number, or select no if it is not safe for us to call or message you",
        ),
        ("id_email", "Enter an email address in the correct format, like name@example.com"),
    ]
    page = html(response)
    assert 'value="After 3pm"' in page and "Not at weekends" in page and 'value="jo@"' in page
    assert re.search(r'id="id_can_call_1"\s+value="yes"\s+checked', page)
    assert re.search(r'id="id_safe_to_write_1"\s+value="yes"\s+checked', page)


def test_contact_with_no_safe_way_asks_how_to_reach_them(client):
    response = client.post(
        "/ask-for-help/contact-you-safely/",
        {
            "phone": "07700 900982",
            "can_call": "no",
            "can_leave_message": "no",
            "email": "",
            "safe_to_write": "no",
        },
    )
    assert error_summary_links(response) == [
        (
            "id_safety_notes",
            "Tell us how we can contact you safely, as it is not safe for us to call, message, email or write to you",
        )
    ]
    ok = client.post(
        "/ask-for-help/contact-you-safely/",
        {
            "phone": "07700 900982",
            "can_call": "no",
            "can_leave_message": "no",
            "email": "",
            "safe_to_write": "no",
            "safety_notes": "Through my son's school, Mrs Khan",
        },
    )
    assert ok.status_code == 302


def test_contact_questions_must_each_be_answered(client):
    response = client.post("/ask-for-help/contact-you-safely/", {})
    assert [anchor for anchor, _ in error_summary_links(response)] == [
        "id_can_call_1",
        "id_can_leave_message_1",
        "id_safe_to_write_1",
    ]


def test_pages_go_forward_and_back_in_order(client):
    assert (
        post(client, "/ask-for-help/area/", {"area": "north"})["Location"]
        == "/ask-for-help/who-is-asking/"
    )
    assert 'href="/ask-for-help/area/" class="govuk-back-link"' in html(
        client.get("/ask-for-help/who-is-asking/")
    )
    assert post(client, "/ask-for-help/who-is-asking/", {"relationship": "young_person"})[
        "Location"
    ] == ("/ask-for-help/children/")
    # No children yet: the list page sends them to add one; its back link is the previous question.
    assert client.get("/ask-for-help/children/")["Location"] == "/ask-for-help/children/add/"
    add = client.get("/ask-for-help/children/add/")
    assert 'href="/ask-for-help/who-is-asking/" class="govuk-back-link"' in html(add)
    assert "tell us about you first" in html(add)
    assert (
        post(
            client, "/ask-for-help/children/add/", {"first_name": "Sam", "age": "15", **BLANK_DATE}
        )["Location"]
        == "/ask-for-help/children/"
    )
    assert post(client, "/ask-for-help/children/", {"add_another": "no"})["Location"] == (
        "/ask-for-help/what-is-happening/"
    )
    assert 'href="/ask-for-help/children/" class="govuk-back-link"' in html(
        client.get("/ask-for-help/what-is-happening/")
    )


def test_check_answers_sends_unfinished_journeys_to_the_first_unanswered_question(client):
    assert client.get(CHECK)["Location"] == "/ask-for-help/area/"
    set_answers(client, {**complete_answers(), "consent": ""})
    assert client.get(CHECK)["Location"] == "/ask-for-help/other-services/"
    assert client.post(CHECK)["Location"] == "/ask-for-help/other-services/"
    assert not SupportRequest.objects.exists()


def test_check_answers_shows_every_answer_with_change_links(client):
    set_answers(client, {**complete_answers(), "safety_notes": "Text first"})
    page = html(client.get(CHECK))
    for text in (
        "North",
        "A parent or carer",
        "Jo Parent",
        "Amy, 7 years old",
        "Things are hard at home.",
        "07700 900982",
        "Text first",
    ):
        assert text in page
    for url in (
        "area",
        "who-is-asking",
        "your-name",
        "children",
        "what-is-happening",
        "contact-you-safely",
        "other-services",
    ):
        assert f'href="/ask-for-help/{url}/"' in page
    assert '<span class="govuk-visually-hidden"> your name</span>' in page


def test_a_change_from_check_answers_returns_to_it(client):
    set_answers(client, complete_answers())
    client.get(CHECK)
    assert 'href="/ask-for-help/check-your-answers/" class="govuk-back-link"' in html(
        client.get("/ask-for-help/your-name/")
    )
    assert post(client, "/ask-for-help/your-name/", {"requester_name": "Jo"})["Location"] == CHECK
    # A change that needs another answer goes there first, then back to check answers.
    assert (
        post(client, "/ask-for-help/area/", {"area": "not-sure"})["Location"]
        == "/ask-for-help/town-or-postcode/"
    )
    assert (
        post(client, "/ask-for-help/town-or-postcode/", {"location": "Batley"})["Location"] == CHECK
    )


def test_children_can_be_changed_and_removed_up_to_six(client):
    set_answers(client, complete_answers())
    response = client.get("/ask-for-help/children/")
    assert "You have added 1 child" in html(response)
    change = client.get("/ask-for-help/children/1/")
    assert 'value="Amy"' in html(change) and 'value="7"' in html(change)
    post(
        client,
        "/ask-for-help/children/1/",
        {
            "first_name": "Amy",
            "age": "",
            "date_of_birth_0": "3",
            "date_of_birth_1": "4",
            "date_of_birth_2": "2019",
        },
    )
    assert client.session[journey.SESSION_KEY]["children"] == [
        {"first_name": "Amy", "age": None, "date_of_birth": "2019-04-03"}
    ]
    for n in range(5):
        post(
            client,
            "/ask-for-help/children/add/",
            {"first_name": f"Child{n}", "age": str(n), **BLANK_DATE},
        )
    full = client.get("/ask-for-help/children/")
    assert "You have added 6 children" in html(full) and "the most you can add here" in html(full)
    assert "add_another" not in html(full)
    assert client.get("/ask-for-help/children/add/")["Location"] == "/ask-for-help/children/"
    assert client.get("/ask-for-help/children/7/").status_code == 404
    assert (
        client.get("/ask-for-help/children/2/remove/").status_code == 405
    )  # removing needs a POST
    post(client, "/ask-for-help/children/2/remove/", {})
    assert [c["first_name"] for c in client.session[journey.SESSION_KEY]["children"]] == [
        "Amy",
        "Child1",
        "Child2",
        "Child3",
        "Child4",
    ]


def test_answers_are_kept_in_the_session_not_in_addresses(client):
    response = post(client, "/ask-for-help/your-name/", {"requester_name": "Jo Parent"})
    assert "Jo" not in response["Location"]
    assert client.session[journey.SESSION_KEY]["requester_name"] == "Jo Parent"
    assert 'value="Jo Parent"' in html(client.get("/ask-for-help/your-name/"))


def _strip_reference(page: str, reference: str) -> str:
    assert page.count(reference) == 1
    return page.replace(reference, "REQ-XXXXXX")


def test_the_same_response_whoever_is_named(area_x):
    """Naming people known to services changes nothing anyone sees, and nothing looks them up."""
    family = FamilyFactory(name="Ashworth family")
    FamilyMemberFactory(
        family=family,
        person=AdultFactory(first_name="Joanne", last_name="Ashworth"),
        role=FamilyMember.Role.PARENT_CARER,
    )
    FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Zoe", last_name="Ashworth"),
        role=FamilyMember.Role.CHILD,
    )

    pages = []
    for name, child in (("Joanne Ashworth", "Zoe"), ("Nobody Known", "Xyzzy")):
        client = Client()
        with CaptureQueriesContext(connection) as captured:
            sent = walk(client, area="north", name=name, children=((child, "9"),))
            confirmation = client.get(sent["Location"])
        assert not [q["sql"] for q in captured.captured_queries if "people_" in q["sql"]]
        reference = SupportRequest.objects.get(requester_name=name).reference
        pages.append(
            (sent.status_code, sent["Location"], _strip_reference(html(confirmation), reference))
        )
    assert pages[0] == pages[1]


def test_the_sixth_request_from_one_address_in_an_hour_is_refused(area_x):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(services.SUBMISSIONS_PER_HOUR):
        set_answers(client, complete_answers())
        assert client.post(CHECK).status_code == 302
    set_answers(client, complete_answers())
    refused = client.post(CHECK)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    page = html(refused)
    assert "You have sent too many requests" in page and "Try again later" in page
    assert "If a child is in danger now, call 999" in page
    assert SupportRequest.objects.count() == services.SUBMISSIONS_PER_HOUR
    # Someone else is not affected.
    other = Client(REMOTE_ADDR="203.0.113.10")
    set_answers(other, complete_answers())
    assert other.post(CHECK).status_code == 302


def test_too_many_page_posts_from_one_address_are_refused(client):
    for _ in range(PAGE_POSTS.limit):
        assert client.post("/ask-for-help/your-name/", {"requester_name": ""}).status_code == 200
    refused = client.post("/ask-for-help/your-name/", {"requester_name": "Jo"})
    assert refused.status_code == 429 and "You have sent too many requests" in html(refused)
    assert refused["Retry-After"] == "600"
    assert "requester_name" not in client.session.get(journey.SESSION_KEY, {})
    # Only a hash of the address is kept.
    assert not ThrottleHit.objects.filter(client_hash__contains="127.0.0.1").exists()
    # Reading pages is not limited, and another address may still post.
    assert client.get("/ask-for-help/your-name/").status_code == 200
    assert (
        Client(REMOTE_ADDR="203.0.113.10")
        .post("/ask-for-help/your-name/", {"requester_name": "Jo"})
        .status_code
        == 302
    )


def test_every_public_page_is_never_cached(client):
    set_answers(client, complete_answers())
    for url in (
        "/ask-for-help/area/",
        "/ask-for-help/children/",
        CHECK,
        "/ask-for-help/contact-you-safely/",
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url
