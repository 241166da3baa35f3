"""Messages to staff by email through GOV.UK Notify (a logging backend in development and tests).

Every message is one of the TEMPLATES below, whose personalisation may hold only the fields it
names: a reference, an outcome, a date, a sign-in link. A child's or family's details never
leave the product in a message; the recipient signs in to see them.

Each message is kept as an OutboundMessage row (who it went to, which template, the reference),
written in the caller's transaction. Once the transaction commits (so a rolled-back change never
sends a message) a worker is asked to deliver it (``core.tasks.deliver_message``, ADR 0018). If the
provider fails, the message waits and is tried again after each of ``RETRY_AFTER`` (the
``core.notify_retry`` job, every minute); after the last try it is marked failed. Its status, tries
and the error's type are on the service's messages page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.module_loading import import_string

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.errors import ConflictError

logger = logging.getLogger("earlyhelp.notify")


@dataclass(frozen=True)
class Template:
    key: str
    fields: tuple[str, ...]
    # The Notify template's id comes from settings.NOTIFY_TEMPLATE_IDS[key] in production.
    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            key="panel_outcome",
            fields=("reference", "outcome", "meeting_date", "sign_in_url"),
            subject="Early support panel outcome for referral ((reference))",
            body=(
                "The early support multi-agency panel on ((meeting_date)) decided: ((outcome)).\n\n"
                "Sign in to see the details: ((sign_in_url))\n\n"
                "Reference: ((reference)). Do not reply to this email."
            ),
        ),
        Template(
            key="referral_for_agency",
            fields=("reference", "sign_in_url"),
            subject="A family has been referred to your agency by the early support panel ((reference))",
            body=(
                "The early support multi-agency panel has asked your agency to work with a family.\n\n"
                "Sign in to see the referral: ((sign_in_url))\n\nReference: ((reference))."
            ),
        ),
        Template(
            key="closure_returned",
            fields=("reference", "sign_in_url"),
            subject="The early support panel has returned a case closure ((reference))",
            body=(
                "The early support multi-agency panel has returned your case closure form with a reason.\n\n"
                "Sign in to see it: ((sign_in_url))\n\nReference: ((reference)). Do not reply to this email."
            ),
        ),
        Template(
            key="pack_published",
            fields=("reference", "meeting_date", "sign_in_url"),
            subject="The pack for the early support panel on ((meeting_date)) is ready",
            body=(
                "The agenda and referrals for the early support multi-agency panel on "
                "((meeting_date)) are ready to read.\n\n"
                "Sign in to read them and record what your agency knows: ((sign_in_url))\n\n"
                "Reference: ((reference)). Do not reply to this email."
            ),
        ),
        # To a member of the public who asked for help and said email is safe: their request's
        # reference and what happened, in plain words; never a name, a child or an address.
        Template(
            key="request_outcome",
            fields=("reference", "outcome"),
            subject="Your request for help ((reference))",
            body=(
                "We have looked at your request for help.\n\n((outcome))\n\n"
                "Your reference is ((reference)). Do not reply to this email."
            ),
        ),
    )
}


# How long a message waits before each further try: five tries in all over about two and a half
# hours, long enough to ride out a provider's outage without a message going stale.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1


class UnsafePersonalisation(ValueError):
    """A message was given fields its template does not allow (they could carry personal data)."""


def send_email(*, to: str, template: str, personalisation: dict, reference: str, record=None):
    """Queue an email: recorded now, handed to the provider when the transaction commits."""
    from core.models import OutboundMessage

    spec = TEMPLATES[template]
    unexpected = set(personalisation) - set(spec.fields)
    missing = set(spec.fields) - set(personalisation)
    if unexpected or missing:
        raise UnsafePersonalisation(
            f"{template}: unexpected {sorted(unexpected)}, missing {sorted(missing)}"
        )
    message = OutboundMessage.objects.create(
        to=to,
        template=template,
        reference=reference,
        personalisation={k: str(v) for k, v in personalisation.items()},
        record_type=record._meta.label_lower if record is not None else "",
        record_id=str(record.pk) if record is not None else "",
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from core.tasks import deliver_message

    deliver_message.enqueue(message_id=message_id)


def deliver(message_id: int) -> None:
    """Hand one queued message to the provider (on a worker): sent, or to be tried again."""
    from core.models import OutboundMessage

    with transaction.atomic():
        # Locked while it is sent, so two workers handed the same message send it once.
        try:
            message = lock(OutboundMessage, message_id)
        except OutboundMessage.DoesNotExist:
            return
        if message.status != OutboundMessage.Status.QUEUED:
            return
        backend = import_string(settings.NOTIFY_BACKEND)()
        attempts = message.attempts + 1
        try:
            provider_id = backend.send(message, TEMPLATES[message.template])
        except Exception as error:  # the provider's failure must not undo the work that was saved
            retry = attempts < MAX_ATTEMPTS
            # Only the error's type: a provider's message can quote the recipient's address.
            logger.error(
                "notify failed",
                extra={
                    "message_id": message.pk,
                    "template": message.template,
                    "error": type(error).__name__,
                    "attempt": attempts,
                    "will_retry": retry,
                },
            )
            OutboundMessage.objects.filter(pk=message.pk).update(
                status=OutboundMessage.Status.RETRYING if retry else OutboundMessage.Status.FAILED,
                attempts=attempts,
                last_error=type(error).__name__[:100],
                next_attempt_at=clock.now() + RETRY_AFTER[attempts - 1] if retry else None,
            )
            return
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundMessage.Status.SENT,
            provider_id=provider_id or "",
            sent_at=clock.now(),
            attempts=attempts,
            next_attempt_at=None,
        )


# How many waiting messages one run of the retry job hands back to the workers; the rest wait
# for the next minute, so a long outage does not become one enormous run.
RETRY_BATCH = 500


def retry_due(period: datetime) -> dict:
    """The scheduled job (every minute): messages whose wait is over go back to the workers."""
    from core.models import OutboundMessage

    due = list(
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.RETRYING, next_attempt_at__lte=clock.now()
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    OutboundMessage.objects.filter(pk__in=due, status=OutboundMessage.Status.RETRYING).update(
        status=OutboundMessage.Status.QUEUED
    )
    for message_id in due:
        transaction.on_commit(lambda message_id=message_id: _enqueue(message_id))
    return {"messages_tried_again": len(due)}


class LoggingBackend:
    """Development and tests: logs that a message was sent (never its recipient) and keeps it in
    ``outbox`` for tests to read, like Django's locmem email backend."""

    outbox: list = []

    def send(self, message, template: Template) -> str:
        LoggingBackend.outbox.append(message)
        logger.info(
            "notify (logged, not sent)", extra={"message_id": message.pk, "template": template.key}
        )
        return f"logged-{message.pk}"


class GovUkNotifyBackend:
    """Production: GOV.UK Notify, with the API key and template ids from settings."""

    def send(self, message, template: Template) -> str:
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(settings.NOTIFY_API_KEY)
        response = client.send_email_notification(
            email_address=message.to,
            template_id=settings.NOTIFY_TEMPLATE_IDS[template.key],
            personalisation=message.personalisation,
            reference=message.reference,
        )
        return response.get("id", "")


@transaction.atomic
def message_send_again(*, actor, message_id: int):
    """Send a failed message again, with a fresh set of tries (the background work page)."""
    from core.models import OutboundMessage

    if not rules.has_perm("core.manage_background_work", actor):
        raise PermissionDenied("Only a system administrator can send a message again")
    message = lock(OutboundMessage, message_id)
    if message.status != OutboundMessage.Status.FAILED:
        raise ConflictError(
            f"This message is {message.get_status_display().lower()}: only a failed message can be sent again"
        )
    message.status = OutboundMessage.Status.QUEUED
    message.attempts = 0
    message.next_attempt_at = None
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=message,
        detail={"change": "send_again", "template": message.template},
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message
