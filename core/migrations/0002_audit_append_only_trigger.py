"""On PostgreSQL, refuse UPDATE and DELETE on audit events at the database itself.

The model already refuses them, but a trigger also stops raw SQL, bulk operations
and any future code path from rewriting the trail. SQLite (the quick start) relies on
the model-level guard only. TRUNCATE is not trapped: the test suite's flush between
browser tests uses it, and in production the application's database role should not
own the table (see docs/adr/0003-scoping-and-audit.md).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_update_delete ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
