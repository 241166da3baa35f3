import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.models import AuditEvent


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def staff(db):
    return UserFactory(roles=[Role.PRACTITIONER])


def sign_in(client, username, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_home_needs_sign_in(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_password_alone_is_not_enough(client, staff):
    device = TOTPDeviceFactory(user=staff)
    response = sign_in(client, staff.username)
    assert response["Location"] == reverse("accounts:verify")
    # Until the code is given, case pages send the user back to the code page.
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")
    response = client.post(reverse("accounts:verify"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(actor=staff, action="sign_in").count() == 1


def test_wrong_code_shows_error_summary(client, staff):
    TOTPDeviceFactory(user=staff)
    sign_in(client, staff.username)
    response = client.post(reverse("accounts:verify"), {"token": "000000"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_first_sign_in_sets_up_an_authenticator(client, staff):
    response = sign_in(client, staff.username)
    assert response["Location"] == reverse("accounts:setup_mfa")
    page = client.get(reverse("accounts:setup_mfa"))
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("accounts:setup_mfa"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200


def test_setting_up_keeps_one_app_until_a_right_code_confirms_it_and_audits(client, staff):
    sign_in(client, staff.username)
    setup = reverse("accounts:setup_mfa")
    client.get(setup)
    client.get(setup)
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False

    response = client.post(setup, {"token": "000000"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed is False
    assert not AuditEvent.objects.filter(actor=staff, action="update").exists()

    device.throttle_reset()  # django-otp refuses any code for a moment after a wrong one
    response = client.post(setup, {"token": current_code(device)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=staff).values_list("pk", "confirmed")) == [
        (device.pk, True)
    ]
    event = AuditEvent.objects.get(actor=staff, action="update")
    assert (event.record_type, event.record_id, event.detail) == (
        "accounts.user",
        str(staff.pk),
        {"fields": ["mfa_device"]},
    )
    # Set up once: the page now sends the user to give a code instead of making another app.
    assert client.get(setup)["Location"] == reverse("accounts:verify")


def test_wrong_password_keeps_username_and_shows_error(client, staff):
    response = sign_in(client, staff.username, "not-the-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert f'value="{staff.username}"' in body


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account(client, staff):
    for _ in range(3):
        sign_in(client, staff.username, "wrong-password-123")
    response = sign_in(client, staff.username)  # even the right password is refused now
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower()


@override_settings(DEMO_MODE=True)
def test_demo_login_skips_mfa_only_in_demo_mode(client, db):
    demo = UserFactory(roles=[Role.PRACTITIONER], is_demo=True)
    response = sign_in(client, demo.username)
    assert response["Location"] == "/"
    assert client.get(reverse("core:home")).status_code == 200


@override_settings(DEMO_MODE=False)
def test_demo_login_needs_mfa_when_demo_mode_is_off(client, db):
    demo = UserFactory(roles=[Role.PRACTITIONER], is_demo=True)
    response = sign_in(client, demo.username)
    assert response["Location"] == reverse("accounts:setup_mfa")
    assert client.get(reverse("core:home")).status_code == 302


def test_idle_session_is_signed_out(practitioner_client):
    assert practitioner_client.get(reverse("core:home")).status_code == 200
    session = practitioner_client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = practitioner_client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert practitioner_client.get(reverse("core:home")).status_code == 302


def test_session_ends_after_ten_hours_even_when_active(practitioner_client):
    practitioner_client.get(reverse("core:home"))
    session = practitioner_client.session
    session["session_started"] = time.time() - 10 * 3600 - 60
    session["last_seen"] = time.time()
    session.save()
    response = practitioner_client.get(reverse("core:home"))
    assert reverse("accounts:login") in response["Location"]


def test_sign_out_is_a_post(practitioner_client):
    assert practitioner_client.get(reverse("accounts:logout")).status_code == 405
    practitioner_client.post(reverse("accounts:logout"))
    assert practitioner_client.get(reverse("core:home")).status_code == 302


def test_production_settings_never_skip_mfa():
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.DEMO_MODE)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "earlyhelp.settings_production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/earlyhelp",
        "DEMO_MODE": "true",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
