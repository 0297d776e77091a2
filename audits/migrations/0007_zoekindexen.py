from django.db import migrations

from douane_portfolio.zoekindexen import trigramindexen


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0006_aantal_verschuivingen"),
    ]

    operations = [
        trigramindexen(
            ("audits_bevinding", "titel"),
            ("audits_bevinding", "omschrijving"),
            ("audits_bevinding", "domein"),
            # Not the actions' description: their search ORs it with the finding's title
            # across a join, which no pair of indexes answers.
        ),
    ]
