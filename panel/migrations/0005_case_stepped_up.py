# A case stepped up to children’s social care waits for a step down (ADR 0016).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('panel', '0004_panel_quorum_from_the_pack'),
    ]

    operations = [
        migrations.AlterField(
            model_name='panelcase',
            name='status',
            field=models.CharField(choices=[('logged', 'Logged'), ('decided', 'Lead agency decided'), ('allocated', 'Lead professional allocated'), ('closure_requested', 'Closure requested'), ('stepped_up', 'Stepped up to children’s social care'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], default='logged', max_length=30),
        ),
    ]
