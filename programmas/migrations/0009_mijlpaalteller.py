"""Open milestones per initiative as a counter the database keeps (issue 13).

The portfolio showed and sorted "Open mijlpalen" by a count subquery per initiative:
sorted by it, the database counted 150,000 milestones for all 2,000 initiatives (35-48
ms p50 at scale 1.0). Now a column on the initiative with an index (counter, id) for the
sort both ways and its keyset seek. "Te late mijlpalen" depends on today and stays a
count (on `mijlpaal_init_st`).

The triggers: `douane_portfolio.tellerkolommen`. Statuses are spelled as `ActieStatus`
has them (a test holds OPEN_STATUSSEN equal).
"""

from django.db import migrations, models

from douane_portfolio.tellerkolommen import Tellerkolommen, kolommen_toevoegen, per_database

OPEN = "('open', 'in_uitvoering')"
TELLERS = Tellerkolommen(
    naam="programmas_mijlpaalteller",
    ouder="programmas_initiatief",
    kind="programmas_mijlpaal",
    sleutel="initiatief_id",
    kolommen={"mijlpalen_open": f"CASE WHEN status IN {OPEN} THEN 1 ELSE 0 END"},
    bronnen=("status",),
)


class Migration(migrations.Migration):
    dependencies = [("programmas", "0008_index_rapportage_periode_status")]

    operations = [
        kolommen_toevoegen(
            "programmas",
            "Initiatief",
            "programmas_initiatief",
            {
                "mijlpalen_open": models.PositiveIntegerField(
                    "open mijlpalen", default=0, editable=False
                )
            },
        ),
        migrations.RunPython(
            per_database(TELLERS.postgresql, TELLERS.sqlite, "de mijlpaalteller"),
            per_database(TELLERS.postgresql_weg, TELLERS.sqlite_weg, "de mijlpaalteller"),
            elidable=False,
        ),
        migrations.AddIndex(
            model_name="initiatief",
            index=models.Index(fields=["mijlpalen_open", "id"], name="initiatief_mp_open"),
        ),
    ]
