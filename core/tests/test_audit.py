import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from core.audit import Action, audit_record
from core.models import AuditEvent
from people.tests.factories import PersonFactory


@pytest.mark.django_db(transaction=True)
def test_audit_record_needs_a_transaction(practitioner):
    person = PersonFactory()
    with pytest.raises(RuntimeError):
        audit_record(actor=practitioner, action=Action.VIEW, target=person)


@pytest.mark.django_db
def test_audit_events_refuse_change_and_delete_through_the_orm(practitioner):
    person = PersonFactory()
    with transaction.atomic():
        event = audit_record(actor=practitioner, action=Action.VIEW, target=person)
    assert event.record_type == "people.person"
    assert event.record_id == str(person.pk)
    event.action = Action.UPDATE
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.DELETE)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.VIEW


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgres_trigger_refuses_update_and_delete_of_audit_rows(practitioner):
    person = PersonFactory()
    with transaction.atomic():
        event = audit_record(actor=practitioner, action=Action.VIEW, target=person)
    for sql in (
        "UPDATE core_auditevent SET action = 'delete' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises((DatabaseError, IntegrityError)) as raised:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
        assert "append-only" in str(raised.value)
    assert AuditEvent.objects.filter(pk=event.pk, action=Action.VIEW).exists()
