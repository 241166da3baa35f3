from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0003_plan_people_and_taf_attendees'),
        ('people', '0003_chronology_record_link'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='appointment',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='contact',
            name='not_brought',
            field=models.ManyToManyField(blank=True, related_name='+', to='people.person'),
        ),
    ]
