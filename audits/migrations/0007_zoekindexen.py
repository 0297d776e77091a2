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
            ("audits_vervolgactie", "omschrijving"),
        ),
    ]
