"""Findings and unresolved findings per report as counters the database keeps (issue 13).

The reports list showed and sorted "Bevindingen" and "Nog niet opgelost" by a count per
report from the findings' index. 11-15 ms at scale 1.0 while that index is all-visible;
once the findings were updated in bulk (their own counters, audits 0017), each count
read the table too, and before a VACUUM the sort took 42-64 ms. Now two columns on the
report, each with an index (counter, id), kept by `douane_portfolio.tellerkolommen`.

Statuses are spelled as `BevindingStatus` has them (a test holds NOG_NIET_OPGELOST equal).
"""

from django.db import migrations, models

from douane_portfolio.tellerkolommen import Tellerkolommen, kolommen_toevoegen, per_database

NOG_NIET_OPGELOST = "('open', 'in_uitvoering', 'ter_beoordeling')"
TELLERS = Tellerkolommen(
    naam="audits_rapportteller",
    ouder="audits_auditrapport",
    kind="audits_bevinding",
    sleutel="rapport_id",
    kolommen={
        "bevindingen_aantal": "1",
        "bevindingen_open": f"CASE WHEN status IN {NOG_NIET_OPGELOST} THEN 1 ELSE 0 END",
    },
    bronnen=("status",),
)


class Migration(migrations.Migration):
    dependencies = [("audits", "0017_actietellers")]

    operations = [
        kolommen_toevoegen(
            "audits",
            "Auditrapport",
            "audits_auditrapport",
            {
                "bevindingen_aantal": models.PositiveIntegerField(
                    "bevindingen", default=0, editable=False
                ),
                "bevindingen_open": models.PositiveIntegerField(
                    "bevindingen nog niet opgelost", default=0, editable=False
                ),
            },
        ),
        migrations.RunPython(
            per_database(TELLERS.postgresql, TELLERS.sqlite, "de rapporttellers"),
            per_database(TELLERS.postgresql_weg, TELLERS.sqlite_weg, "de rapporttellers"),
            elidable=False,
        ),
        migrations.AddIndex(
            model_name="auditrapport",
            index=models.Index(fields=["bevindingen_aantal", "id"], name="rapport_bev_aantal"),
        ),
        migrations.AddIndex(
            model_name="auditrapport",
            index=models.Index(fields=["bevindingen_open", "id"], name="rapport_bev_open"),
        ),
    ]
