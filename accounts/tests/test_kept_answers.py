"""Nothing typed is lost when the session times out."""

import time
from datetime import date
from html import unescape

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts import kept_answers
from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory, sign_in_verified
from accounts.tests.test_sign_in import current_code
from people.models import FamilyMember
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(team):
    family = FamilyFactory(team=team, name="Smith family")
    FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Amy", last_name="Smith", date_of_birth=date(2016, 3, 27)),
        role=FamilyMember.Role.CHILD,
    )
    return family.members.get(role=FamilyMember.Role.CHILD).person


def edit_url(person):
    return reverse("people:person_edit", kwargs={"person_id": person.pk})


def typed(**overrides):
    """What a user typed, with a multi-value field and things that must never be kept."""
    data = {
        "version": "1",
        "last_name": "Smith",
        "preferred_name": "Typed <b>after</b> 40 minutes",
        "needs": ["first", "second"],
        "csrfmiddlewaretoken": "not-kept",
        "password": "never-kept-secret",
        "otp_token": "123456",
    }
    data.update(overrides)
    return data


def expire_idle(client):
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()


def sign_in_with_code(client, user):
    device = user.totpdevice_set.filter(confirmed=True).first() or TOTPDeviceFactory(user=user)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:verify")
    return client.post(reverse("accounts:verify"), {"token": current_code(device)})


def kept(client):
    return client.session.get(kept_answers.SESSION_KEY)


def hidden_inputs(html):
    import re

    return [
        (unescape(n), unescape(v))
        for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)
    ]


def test_an_idle_session_post_keeps_what_was_typed(practitioner, practitioner_client, child):
    expire_idle(practitioner_client)

    response = practitioner_client.post(edit_url(child), typed())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")  # nothing in the URL
    stored = kept(practitioner_client)
    assert stored["path"] == edit_url(child)
    assert stored["user_id"] == str(practitioner.pk)
    fields = dict(stored["fields"])
    assert fields["needs"] == ["first", "second"]
    assert fields["preferred_name"] == ["Typed <b>after</b> 40 minutes"]
    assert not {"csrfmiddlewaretoken", "password", "otp_token"} & set(fields)
    assert "never-kept-secret" not in str(stored)
    # They really were signed out.
    assert practitioner_client.get(reverse("core:home")).status_code == 302


def test_ten_hour_limit_also_keeps_answers(practitioner, practitioner_client, child):
    session = practitioner_client.session
    session["session_started"] = time.time() - 10 * 3600 - 60
    session["last_seen"] = time.time()
    session.save()

    practitioner_client.post(edit_url(child), typed())

    assert kept(practitioner_client)["user_id"] == str(practitioner.pk)


def edit_data(person, **overrides):
    """A complete, valid person edit form."""
    dob = person.date_of_birth
    data = {
        "version": str(person.version),
        "kind": person.kind,
        "first_name": person.first_name,
        "middle_names": person.middle_names,
        "last_name": person.last_name,
        "preferred_name": person.preferred_name,
        "date_of_birth_0": str(dob.day),
        "date_of_birth_1": str(dob.month),
        "date_of_birth_2": str(dob.year),
        "expected_date_of_delivery_0": "",
        "expected_date_of_delivery_1": "",
        "expected_date_of_delivery_2": "",
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "disability": person.disability,
        "disability_details": "",
        "first_language": person.first_language,
        "communication_needs": "",
    }
    data.update(overrides)
    return data


def test_signing_in_again_offers_the_answers_back_and_they_save(
    practitioner, practitioner_client, child
):
    TOTPDeviceFactory(user=practitioner)
    expire_idle(practitioner_client)
    practitioner_client.post(
        edit_url(child),
        edit_data(
            child,
            preferred_name="Typed <b>after</b> 40 minutes",
            needs=["first", "second"],
            password="never-kept-secret",
            otp_token="123456",
        ),
    )

    response = sign_in_with_code(practitioner_client, practitioner)
    assert response["Location"] == reverse("accounts:resume")

    page = practitioner_client.get(reverse("accounts:resume"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "You were signed out before your answers were saved" in html
    assert "Continue and save your answers" in html
    assert "Discard these answers" in html
    assert f'action="{edit_url(child)}"' in html
    inputs = hidden_inputs(html)
    assert ("needs", "first") in inputs and ("needs", "second") in inputs
    assert ("preferred_name", "Typed <b>after</b> 40 minutes") in inputs
    assert "<b>after</b>" not in html  # escaped
    assert "never-kept-secret" not in html and "123456" not in html
    assert ("password", "never-kept-secret") not in inputs

    # Pressing the button posts the kept fields to the original page, which saves as normal.
    data = {}
    for name, value in inputs:
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    saved = practitioner_client.post(edit_url(child), data)
    assert saved.status_code == 302, saved.content.decode()
    assert saved["Location"] == reverse("people:person_detail", kwargs={"person_id": child.pk})
    assert kept(practitioner_client) is None  # removed once resumed
    child.refresh_from_db()
    assert child.preferred_name == "Typed <b>after</b> 40 minutes"


def test_a_resumed_post_with_errors_shows_the_error_summary(
    practitioner, practitioner_client, child
):
    TOTPDeviceFactory(user=practitioner)
    expire_idle(practitioner_client)
    practitioner_client.post(edit_url(child), typed(last_name=""))
    sign_in_with_code(practitioner_client, practitioner)
    inputs = hidden_inputs(practitioner_client.get(reverse("accounts:resume")).content.decode())
    data = {}
    for name, value in inputs:
        data.setdefault(name, []).append(value)

    response = practitioner_client.post(edit_url(child), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Typed &lt;b&gt;after&lt;/b&gt; 40 minutes" in html


def test_a_different_user_signing_in_never_sees_them(
    practitioner, practitioner_client, child, team
):
    expire_idle(practitioner_client)
    practitioner_client.post(edit_url(child), typed())
    other = UserFactory(team=team, roles=[Role.PRACTITIONER])

    response = sign_in_with_code(practitioner_client, other)

    assert response["Location"] == "/"
    assert kept(practitioner_client) is None
    page = practitioner_client.get(reverse("accounts:resume"))
    assert page.status_code == 302
    assert "Typed" not in practitioner_client.get("/").content.decode()


def test_the_resume_page_needs_the_second_factor(practitioner, practitioner_client, child):
    TOTPDeviceFactory(user=practitioner)
    expire_idle(practitioner_client)
    practitioner_client.post(edit_url(child), typed())
    practitioner_client.post(
        reverse("accounts:login"), {"username": practitioner.username, "password": TEST_PASSWORD}
    )

    response = practitioner_client.get(reverse("accounts:resume"))

    assert response["Location"] == reverse("accounts:verify")
    assert kept(practitioner_client) is not None


def test_discard_removes_them(practitioner, practitioner_client, child):
    TOTPDeviceFactory(user=practitioner)
    expire_idle(practitioner_client)
    practitioner_client.post(edit_url(child), typed())
    sign_in_with_code(practitioner_client, practitioner)
    assert practitioner_client.get(reverse("accounts:resume")).status_code == 200

    assert practitioner_client.get(reverse("accounts:resume_discard")).status_code == 405
    response = practitioner_client.post(reverse("accounts:resume_discard"))

    assert response.status_code == 302
    assert kept(practitioner_client) is None
    assert practitioner_client.get(reverse("accounts:resume"))["Location"] == "/"


def test_an_unsigned_in_post_to_a_protected_page_is_kept(client, practitioner, child):
    TOTPDeviceFactory(user=practitioner)
    response = client.post(edit_url(child), typed())

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert "Typed" not in response["Location"]
    stored = kept(client)
    assert stored["path"] == edit_url(child) and stored["user_id"] is None

    response = sign_in_with_code(client, practitioner)
    assert response["Location"] == reverse("accounts:resume")
    assert kept(client)["user_id"] == str(practitioner.pk)


@override_settings(DEMO_MODE=True)
def test_demo_sign_in_also_offers_them(client, team, child):
    demo = UserFactory(team=team, roles=[Role.PRACTITIONER], is_demo=True)
    sign_in_verified(client, demo)
    expire_idle(client)
    client.post(edit_url(child), typed())

    response = client.post(
        reverse("accounts:login"), {"username": demo.username, "password": TEST_PASSWORD}
    )

    assert response["Location"] == reverse("accounts:resume")
    assert client.get(reverse("accounts:resume")).status_code == 200


def test_api_posts_are_ignored(practitioner_client):
    expire_idle(practitioner_client)

    response = practitioner_client.post("/api/anything/", {"note": "typed"})

    assert response.status_code == 404
    assert kept(practitioner_client) is None


def test_unsigned_in_api_posts_are_ignored(client, db):
    client.post("/api/anything/", {"note": "typed"})
    assert kept(client) is None


def test_old_answers_are_not_offered(practitioner, practitioner_client, child):
    TOTPDeviceFactory(user=practitioner)
    expire_idle(practitioner_client)
    practitioner_client.post(edit_url(child), typed())
    session = practitioner_client.session
    session[kept_answers.SESSION_KEY]["at"] = time.time() - kept_answers.KEEP_FOR_SECONDS - 60
    session.save()

    response = sign_in_with_code(practitioner_client, practitioner)

    assert response["Location"] == "/"
    assert kept(practitioner_client) is None


def test_only_local_paths_are_offered(practitioner, practitioner_client, child):
    TOTPDeviceFactory(user=practitioner)
    expire_idle(practitioner_client)
    practitioner_client.post(edit_url(child), typed())
    session = practitioner_client.session
    session[kept_answers.SESSION_KEY]["path"] = "//evil.example/steal"
    session.save()

    response = sign_in_with_code(practitioner_client, practitioner)

    assert response["Location"] == "/"


def test_a_post_without_a_good_csrf_token_is_not_kept(practitioner, child):
    client = sign_in_verified(Client(enforce_csrf_checks=True), practitioner)
    expire_idle(client)

    response = client.post(edit_url(child), typed())

    assert response.status_code == 302  # still signed out as before
    assert kept(client) is None


def test_a_post_with_a_good_csrf_token_is_kept_when_checks_are_enforced(practitioner, child):
    client = sign_in_verified(Client(enforce_csrf_checks=True), practitioner)
    assert client.get(edit_url(child)).status_code == 200
    token = client.cookies["csrftoken"].value
    expire_idle(client)

    client.post(edit_url(child), typed(csrfmiddlewaretoken=token))

    assert kept(client)["path"] == edit_url(child)
    assert token not in str(kept(client))
