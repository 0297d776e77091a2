from django.db import migrations

from douane_portfolio.zoekindexen import trigramindexen


class Migration(migrations.Migration):
    dependencies = [
        ("risicos", "0006_indexen_voor_sorteringen"),
    ]

    operations = [
        trigramindexen(
            ("risicos_risico", "titel"),
            ("risicos_risico", "omschrijving"),
            ("risicos_beheersmaatregel", "omschrijving"),
            ("risicos_risicodialoog", "titel"),
        ),
    ]
