"""Messages through GOV.UK Notify: only safe fields, recorded, sent after commit."""

from unittest import mock

import pytest

from core import notify
from core.models import OutboundMessage

pytestmark = pytest.mark.django_db

SAFE = {
    "reference": "ESMAP-2027-0001",
    "outcome": "Lead agency: Family Support",
    "meeting_date": "6 January 2027",
    "sign_in_url": "https://example.org/",
}


@pytest.fixture(autouse=True)
def clear_outbox():
    notify.LoggingBackend.outbox.clear()


def test_fields_outside_the_template_are_refused():
    with pytest.raises(notify.UnsafePersonalisation):
        notify.send_email(
            to="a@example.org",
            template="panel_outcome",
            personalisation={**SAFE, "child_name": "Amy"},
            reference="R",
        )
    with pytest.raises(notify.UnsafePersonalisation):
        notify.send_email(
            to="a@example.org",
            template="panel_outcome",
            personalisation={"reference": "R"},
            reference="R",
        )
    assert not OutboundMessage.objects.exists()


def test_a_message_is_recorded_and_sent_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = notify.send_email(
            to="a@example.org",
            template="panel_outcome",
            personalisation=SAFE,
            reference="ESMAP-2027-0001",
        )
    assert notify.LoggingBackend.outbox == []
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.QUEUED

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.sent_at
    assert [m.pk for m in notify.LoggingBackend.outbox] == [message.pk]


def test_a_provider_failure_is_recorded_and_does_not_raise(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.NOTIFY_BACKEND = "core.notify.GovUkNotifyBackend"
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_TEMPLATE_IDS = {"panel_outcome": "tmpl-1"}
    with mock.patch("notifications_python_client.notifications.NotificationsAPIClient") as client:
        client.return_value.send_email_notification.side_effect = RuntimeError(
            "400 a@example.org is not valid"
        )
        with django_capture_on_commit_callbacks(execute=True):
            message = notify.send_email(
                to="a@example.org", template="panel_outcome", personalisation=SAFE, reference="R1"
            )
    message.refresh_from_db()
    # The first failure is not the last word: it waits to be tried again (test_background_work).
    assert (message.status, message.attempts, message.last_error) == (
        OutboundMessage.Status.RETRYING,
        1,
        "RuntimeError",
    )
    assert "a@example.org" not in caplog.text


def test_gov_uk_notify_gets_the_template_id_and_only_the_safe_fields(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BACKEND = "core.notify.GovUkNotifyBackend"
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_TEMPLATE_IDS = {"panel_outcome": "tmpl-1"}
    with mock.patch("notifications_python_client.notifications.NotificationsAPIClient") as client:
        client.return_value.send_email_notification.return_value = {"id": "notify-123"}
        with django_capture_on_commit_callbacks(execute=True):
            message = notify.send_email(
                to="a@example.org", template="panel_outcome", personalisation=SAFE, reference="R1"
            )
    client.return_value.send_email_notification.assert_called_once_with(
        email_address="a@example.org", template_id="tmpl-1", personalisation=SAFE, reference="R1"
    )
    message.refresh_from_db()
    assert message.provider_id == "notify-123" and message.status == OutboundMessage.Status.SENT
