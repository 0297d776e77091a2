"""The gross heat map (issue 13): its count of active risks per cell from an index on
(status, gross likelihood, gross impact) alone, as the net map counts from
`risico_status_netto` (rapportage 0006). It read 6,700 pages of the table at scale 1.0."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risicos", "0010_score_indexen_zonder_nulls"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="risico",
            index=models.Index(
                fields=["status", "bruto_kans", "bruto_impact"], name="risico_status_bruto"
            ),
        ),
    ]
