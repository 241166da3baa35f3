# A panel case keeps its chain of episodes through a step up and a step down (ADR 0016).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("panel", "0005_case_stepped_up"),
    ]

    operations = [
        migrations.AlterField(
            model_name="episode",
            name="panel_case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="episodes",
                to="panel.panelcase",
            ),
        ),
    ]
