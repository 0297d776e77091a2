"""The register's four score indexes (0003, 0006) on the score with "not scored" written
as a value (0 below every score when sorting high first, 26 above when sorting low first),
as the table now sorts (`risicos.tables.score_volgorde`), instead of `NULLS LAST`.

With `NULLS LAST`, the rows after a scored cursor were `score < v OR score IS NULL`, which
PostgreSQL cannot use as an index range: a deep page of the register scanned the index
from its top and filtered (14,957 rows, 36 ms at scale 1.0). On the COALESCE the same
rows are `score <= v`, one range. Same names, same order of rows. SQLite gets them too:
it has expression indexes, and nothing in them needs PostgreSQL any more.
"""

from django.db import migrations

SOORTEN = (
    ("netto", "titel", "DESC", 0),
    ("netto", "op", "ASC", 26),
    ("bruto", "op", "ASC", 26),
    ("bruto", "af", "DESC", 0),
)


def _index(soort, naam, richting, leeg):
    return (
        f'CREATE INDEX "risico_{soort}_{naam}" ON "risicos_risico" '
        f'(COALESCE(("{soort}_kans" * "{soort}_impact"), {leeg}) {richting}, "titel", "id")'
    )


def _oud(soort, naam, richting, leeg):
    return (
        f'CREATE INDEX "risico_{soort}_{naam}" ON "risicos_risico" '
        f'(("{soort}_kans" * "{soort}_impact") {richting} NULLS LAST, "titel", "id")'
    )


def _vervangen(maken):
    def uitvoeren(apps, schema_editor):
        postgresql = schema_editor.connection.vendor == "postgresql"
        for soort in SOORTEN:
            schema_editor.execute(f'DROP INDEX IF EXISTS "risico_{soort[0]}_{soort[1]}"')
            # The old ones existed on PostgreSQL only (SQLite has no NULLS LAST in an index).
            if maken is _index or postgresql:
                schema_editor.execute(maken(*soort))

    return uitvoeren


class Migration(migrations.Migration):
    dependencies = [("risicos", "0009_maatregeltellers_in_sleutelvolgorde")]

    operations = [
        migrations.RunPython(_vervangen(_index), _vervangen(_oud), elidable=False),
    ]
