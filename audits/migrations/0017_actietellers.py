"""Open, overdue and postponed actions per finding as counters the database keeps
(issue 13).

The list of findings showed and sorted "Open acties", "Te laat" and "Uitstel" by a count
subquery per finding: sorted by one, the database counted for all 20,000 findings (36-47
ms p50 at scale 1.0, p95 up to 60). Now three columns on the finding, each with an index
(counter, id) for the sort both ways and its keyset seek: 13-14 ms.

"Te laat" counts against the counters' peildatum (douane_portfolio.tellers), as the
dashboard's do: the triggers read it under a share lock, and moving it to today adds (or
takes) the actions due in between; a missing peildatum row makes them 0.

The triggers: `douane_portfolio.tellerkolommen`. Statuses are spelled as `ActieStatus`
has them (a test holds OPEN_STATUSSEN equal).
"""

from django.db import migrations, models

from douane_portfolio.tellerkolommen import (
    PEILDATUM,
    PEILDATUM_VAST,
    Tellerkolommen,
    kolommen_toevoegen,
    per_database,
)

OPEN = "('open', 'in_uitvoering')"
TELLERS = Tellerkolommen(
    naam="audits_bevindingteller",
    ouder="audits_bevinding",
    kind="audits_vervolgactie",
    sleutel="bevinding_id",
    kolommen={
        "acties_open": f"CASE WHEN status IN {OPEN} THEN 1 ELSE 0 END",
        "acties_te_laat": (
            f"CASE WHEN status IN {OPEN} AND deadline < {PEILDATUM} THEN 1 ELSE 0 END"
        ),
        "acties_uitstel": "aantal_verschuivingen",
    },
    bronnen=("status", "deadline", "aantal_verschuivingen"),
    vooraf=PEILDATUM_VAST,
    te_laat=("acties_te_laat",),
)
TELLEN = TELLERS.tellen


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0016_risicotellers"),
        ("douane_portfolio", "0010_tellers_in_sleutelvolgorde"),
    ]

    operations = [
        kolommen_toevoegen(
            "audits",
            "Bevinding",
            "audits_bevinding",
            {
                "acties_open": models.PositiveIntegerField(
                    "open acties", default=0, editable=False
                ),
                "acties_te_laat": models.PositiveIntegerField(
                    "te late acties", default=0, editable=False
                ),
                "acties_uitstel": models.PositiveIntegerField(
                    "keren uitgesteld", default=0, editable=False
                ),
            },
        ),
        migrations.RunPython(
            per_database(TELLERS.postgresql, TELLERS.sqlite, "de actietellers"),
            per_database(TELLERS.postgresql_weg, TELLERS.sqlite_weg, "de actietellers"),
            elidable=False,
        ),
        migrations.AddIndex(
            model_name="bevinding",
            index=models.Index(fields=["acties_open", "id"], name="bevinding_open_acties"),
        ),
        migrations.AddIndex(
            model_name="bevinding",
            index=models.Index(fields=["acties_te_laat", "id"], name="bevinding_te_laat_id"),
        ),
        migrations.AddIndex(
            model_name="bevinding",
            index=models.Index(fields=["acties_uitstel", "id"], name="bevinding_uitstel_id"),
        ),
    ]
