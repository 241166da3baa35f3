"""The audit service: the only way audit events are written.

Call it inside the transaction of the read or write it records (views run in
ATOMIC_REQUESTS; services use transaction.atomic), so a failed audit write fails
the request and an action is never recorded without having happened, nor the
reverse.
"""

from django.db import models, transaction

from core import request_context
from core.models import AuditEvent

Action = AuditEvent.Action


def record_type_of(target: models.Model | type[models.Model] | str) -> str:
    if isinstance(target, str):
        return target
    return target._meta.label_lower


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | str,
    record_id: object = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``.

    ``target`` is a model instance, or a record-type label (e.g. "people.person")
    for actions on a list or search rather than one record. ``detail`` must hold no
    personal data: field names, counts, choices.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of what it records")
    ctx = request_context.current()
    if isinstance(target, models.Model):
        record_id = target.pk
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        record_type=record_type_of(target),
        record_id=str(record_id) if record_id not in (None, "") else "",
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
        via=ctx.via,
        detail=detail or {},
    )
