"""A counter of the open audit findings linked to a risk, with an index for the
register's sort (issue 13). Audits' migration 0016 fills it and adds the triggers that
keep it.

The column is added as `douane_portfolio.tellerkolommen.kolommen_toevoegen` does: on
SQLite by ADD COLUMN, without rebuilding `risicos_risico` (a rebuild drops the heat map's
triggers, 0008, and breaks on the measure counters', 0005).
"""

from django.db import migrations, models

from douane_portfolio.tellerkolommen import kolommen_toevoegen


class Migration(migrations.Migration):
    dependencies = [("risicos", "0012_sorteerindexen")]

    operations = [
        kolommen_toevoegen(
            "risicos",
            "Risico",
            "risicos_risico",
            {
                "bevindingen_open": models.PositiveIntegerField(
                    "open auditbevindingen", default=0, editable=False
                )
            },
        ),
        migrations.AddIndex(
            model_name="risico",
            index=models.Index(fields=["bevindingen_open", "id"], name="risico_bev_open"),
        ),
    ]
