from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0002_household_member_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='chronologyentry',
            name='event',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='chronologyentry',
            name='record_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='chronologyentry',
            name='record_type',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddIndex(
            model_name='chronologyentry',
            index=models.Index(fields=['record_type', 'record_id'], name='chronology_record_idx'),
        ),
    ]
