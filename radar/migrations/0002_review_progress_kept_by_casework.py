"""Each plan review now keeps the progress it recorded (casework 0008), so the radar's own copies
are moved onto the reviews they were taken from and the copy table goes."""

from django.db import migrations


def move_copies_to_reviews(apps, schema_editor):
    ReviewProgress = apps.get_model("radar", "ReviewProgress")
    PlanReview = apps.get_model("casework", "PlanReview")
    for review_id, progress in ReviewProgress.objects.values_list("review_id", "progress"):
        review = PlanReview.objects.filter(pk=review_id).first()
        if review is not None and not review.progress:
            PlanReview.objects.filter(pk=review_id).update(progress=progress)


class Migration(migrations.Migration):

    dependencies = [
        ("radar", "0001_initial"),
        ("casework", "0008_review_progress"),
    ]

    operations = [
        migrations.RunPython(move_copies_to_reviews, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReviewProgress"),
    ]
