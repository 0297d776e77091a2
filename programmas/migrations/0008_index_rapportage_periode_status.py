"""An index for the portfolio's status filters (issue 13): the reports of one period by
colour, so "status rood" is an EXISTS and "niet gerapporteerd" a NOT EXISTS read from the
index alone, instead of the colour looked up for every initiative."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmas", "0007_status_indicatorwaarde"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statusrapportage",
            index=models.Index(
                fields=["periode", "status", "initiatief"], name="rapportage_periode_status"
            ),
        ),
    ]
