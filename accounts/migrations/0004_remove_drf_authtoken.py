"""DRF's rest_framework.authtoken is gone (ADR 0011): drop its table of unexpiring, plain-text tokens.

Its keys were stored as they were sent, so they are deleted rather than carried over; staff make
new, expiring tokens on the API tokens page. Also forgets the app's content types, permissions and
migration records, so adding the app back later would start it clean.
"""

from django.db import migrations

TABLE = "authtoken_token"


def drop_authtoken(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(drop_authtoken, migrations.RunPython.noop)]
