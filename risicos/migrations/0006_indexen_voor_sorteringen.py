from django.db import migrations, models

# The register's score sorts other than the default (0003): net ascending, gross both
# ways, each with not-scored risks last and then title and id, in exactly the order the
# keyset seek walks. PostgreSQL only, as 0003: SQLite cannot put NULLS LAST in an index.
SCORE_INDEXEN = {
    f"risico_{soort}_{naam}": (
        f'CREATE INDEX IF NOT EXISTS "risico_{soort}_{naam}" ON "risicos_risico" '
        f'(("{soort}_kans" * "{soort}_impact") {richting} NULLS LAST, "titel", "id")'
    )
    for soort, naam, richting in (
        ("netto", "op", "ASC"),
        ("bruto", "op", "ASC"),
        ("bruto", "af", "DESC"),
    )
}


def score_indexen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in SCORE_INDEXEN.values():
            schema_editor.execute(sql)


def score_indexen_weg(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for naam in SCORE_INDEXEN:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{naam}"')


class Migration(migrations.Migration):
    dependencies = [
        ("risicos", "0005_maatregeltellers"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="beheersmaatregel",
            index=models.Index(fields=["status", "id"], name="maatregel_status_id"),
        ),
        migrations.AddIndex(
            model_name="risicodialoog",
            index=models.Index(fields=["datum", "id"], name="dialoog_datum_id"),
        ),
        migrations.RunPython(score_indexen, score_indexen_weg, elidable=False),
    ]
