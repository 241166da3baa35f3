"""Walking the public journey with Django's test client."""

from django.test import Client

from support_requests import journey

BLANK_DATE = {"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""}


def post(client: Client, url: str, data: dict, *, expect_redirect: bool = True):
    response = client.post(url, data)
    if expect_redirect:
        assert response.status_code == 302, response.content.decode()[:3000]
        # Nothing typed ever goes into an address.
        assert "?" not in response["Location"]
    return response


def walk(
    client: Client,
    *,
    area: str,
    name: str = "Jo Parent",
    children: tuple[tuple[str, str], ...] = (("Amy", "7"), ("Ben", "4")),
    location: str = "",
    contact: dict | None = None,
    what: str = "Amy will not go to school and we argue every morning.",
):
    """Answer every page and send the request; returns the response to 'Send request'."""
    post(client, "/ask-for-help/area/", {"area": area})
    if location:
        post(client, "/ask-for-help/town-or-postcode/", {"location": location})
    post(client, "/ask-for-help/who-is-asking/", {"relationship": "parent_carer"})
    for index, (first_name, age) in enumerate(children):
        if index:
            post(client, "/ask-for-help/children/", {"add_another": "yes"})
        post(
            client,
            "/ask-for-help/children/add/",
            {"first_name": first_name, "age": age, **BLANK_DATE},
        )
    post(client, "/ask-for-help/children/", {"add_another": "no"})
    post(client, "/ask-for-help/what-is-happening/", {"what_is_happening": what})
    post(client, "/ask-for-help/help-you-would-like/", {"help_wanted": "Someone to talk to"})
    post(client, "/ask-for-help/your-name/", {"requester_name": name})
    post(
        client,
        "/ask-for-help/contact-you-safely/",
        contact
        or {
            "phone": "07700 900982",
            "can_call": "yes",
            "can_leave_message": "no",
            "email": "",
            "safe_to_write": "no",
            "best_times": "Mornings",
            "safety_notes": "",
        },
    )
    post(client, "/ask-for-help/other-services/", {"consent": "unsure"})
    assert client.get("/ask-for-help/check-your-answers/").status_code == 200
    return client.post("/ask-for-help/check-your-answers/")


def complete_answers(area: str = "north") -> dict:
    return {
        "area": area,
        "relationship": "parent_carer",
        "children": [{"first_name": "Amy", "age": 7, "date_of_birth": ""}],
        "what_is_happening": "Things are hard at home.",
        "help_wanted": "",
        "requester_name": "Jo Parent",
        "phone": "07700 900982",
        "can_call": "yes",
        "can_leave_message": "yes",
        "email": "",
        "safe_to_write": "no",
        "best_times": "",
        "safety_notes": "",
        "consent": "yes",
    }


def set_answers(client: Client, answers: dict) -> None:
    session = client.session
    session[journey.SESSION_KEY] = answers
    session.save()
