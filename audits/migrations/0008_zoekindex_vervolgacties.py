from django.db import migrations

from douane_portfolio.zoekindexen import trigramindexen


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0007_zoekindexen"),
    ]

    operations = [
        # The actions' search is now a UNION of their description and the finding's
        # title (audits/filters.py), so each arm has an index to read.
        trigramindexen(("audits_vervolgactie", "omschrijving")),
    ]
