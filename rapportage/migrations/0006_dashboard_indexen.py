"""The dashboard's counts of open and overdue actions per owner (issue 13): per kind of
action a partial index of the open ones on (owner, deadline). "My open actions, how many
late" is one range of it, and "overdue per owner" one range per owner; the index alone
answers both, without visiting the table.

The tables are the action apps'; the indexes are the dashboard's, kept here together as
plain SQL that PostgreSQL and SQLite both take (each helper adds migrations to its own
app only). `rapportage.dashboard` relies on them; the EXPLAIN tests in
tests/rapportage/test_dashboard_indexen.py name them."""

from django.db import migrations

TABELLEN = {
    "mijlpaal_eig_open": "programmas_mijlpaal",
    "maatregel_eig_open": "risicos_beheersmaatregel",
    "vervolgactie_eig_open": "audits_vervolgactie",
}

OPERATIES = [
    migrations.RunSQL(
        f'CREATE INDEX IF NOT EXISTS "{naam}" ON "{tabel}" ("eigenaar_id", "deadline") '
        "WHERE \"status\" IN ('open', 'in_uitvoering')",
        f'DROP INDEX IF EXISTS "{naam}"',
    )
    for naam, tabel in TABELLEN.items()
]


class Migration(migrations.Migration):
    dependencies = [
        ("rapportage", "0005_rapportbestand"),
        ("programmas", "0004_indexen_voor_lijsten"),
        ("risicos", "0004_indexen_voor_maatregeltellingen"),
        ("audits", "0006_aantal_verschuivingen"),
    ]

    operations = OPERATIES
