from django.db import migrations

from douane_portfolio.zoekindexen import trigramindexen


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0007_zoekindexen"),
    ]

    operations = [
        # The actions' search ORs their description with their findings' ids (those
        # whose title matches; audits/filters.py), so each part has an index to read.
        trigramindexen(("audits_vervolgactie", "omschrijving")),
    ]
