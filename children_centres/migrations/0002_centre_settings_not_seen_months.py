from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children_centres", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="centresettings",
            name="not_seen_months",
            field=models.PositiveSmallIntegerField(default=3),
        ),
    ]
