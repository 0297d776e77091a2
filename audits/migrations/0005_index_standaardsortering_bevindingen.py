"""The findings list's default sort (what needs a verdict first, then the expected year,
unknown last, then title), in exactly the order the keyset seek walks: an index on the
status order expression of `BevindingQuerySet.met_tellingen`. PostgreSQL only, like the
register's (risicos 0003): the expression must match the query's text, and SQLite's lists
are small."""

from django.db import migrations

INDEX = (
    'CREATE INDEX IF NOT EXISTS "bevinding_volgorde" ON "audits_bevinding" ('
    "(CASE WHEN \"status\" = 'ter_beoordeling' THEN 0 WHEN \"status\" = 'in_uitvoering' THEN 1 "
    "WHEN \"status\" = 'open' THEN 2 WHEN \"status\" = 'opgelost' THEN 3 ELSE NULL END), "
    '"verwacht_opgelost_jaar", "titel", "id")'
)


def maak(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def weg(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "bevinding_volgorde"')


class Migration(migrations.Migration):
    dependencies = [("audits", "0004_indexen_voor_lijsten")]

    operations = [migrations.RunPython(maak, weg)]
