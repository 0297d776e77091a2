"""The dashboard's indexes (issue 13). Per kind of action a partial index of the open ones
on (owner, deadline): "my open actions, how many late" is one range of it, and "overdue
per owner" one range per owner; the index alone answers both, without visiting the
table. And what the heat map, the top risks and the findings per body read.

The tables are the other apps'; the indexes serve the dashboard and stay next to it, as
plain SQL that PostgreSQL and SQLite both take. The models do not declare them, so Django
does not know them: a later migration that makes SQLite rebuild one of these tables drops
its index there (PostgreSQL keeps it). The EXPLAIN tests in
tests/rapportage/test_dashboard_indexen.py name each one and fail when one is missing."""

from django.db import migrations

TABELLEN = {
    "mijlpaal_eig_open": "programmas_mijlpaal",
    "maatregel_eig_open": "risicos_beheersmaatregel",
    "vervolgactie_eig_open": "audits_vervolgactie",
}

INDEXEN = {
    **{
        naam: f'"{tabel}" ("eigenaar_id", "deadline") '
        "WHERE \"status\" IN ('open', 'in_uitvoering')"
        for naam, tabel in TABELLEN.items()
    },
    # The net heat map counts active risks per cell: from the index alone.
    "risico_status_netto": '"risicos_risico" ("status", "netto_kans", "netto_impact")',
    # Top risks above appetite: a few dozen of thousands of risks.
    "risico_top_actief": "\"risicos_risico\" (\"id\") WHERE \"toprisico\" AND \"status\" = 'actief'",
    # Findings per body and status: the findings' side of the join from the index alone.
    "bevinding_rapport_st": '"audits_bevinding" ("rapport_id", "status")',
}

OPERATIES = [
    migrations.RunSQL(
        f'CREATE INDEX IF NOT EXISTS "{naam}" ON {definitie}', f'DROP INDEX IF EXISTS "{naam}"'
    )
    for naam, definitie in INDEXEN.items()
]


class Migration(migrations.Migration):
    dependencies = [
        ("rapportage", "0005_rapportbestand"),
        ("programmas", "0004_indexen_voor_lijsten"),
        ("risicos", "0004_indexen_voor_maatregeltellingen"),
        ("audits", "0006_aantal_verschuivingen"),
    ]

    operations = OPERATIES
