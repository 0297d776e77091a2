from django.db import migrations

# The register counts each risk's measures (`met_maatregeltellingen`) by walking the
# auto-created link table from the risk side and probing each measure for its status.
# (risico_id, beheersmaatregel_id) lets that walk be an index-only scan, and the measure's
# id with its status included lets each probe skip the heap. PostgreSQL only: SQLite has
# no INCLUDE, and the link table has no model to hang a models.Index on.
INDEXEN = {
    "maatregelrisico_risico_mr": (
        'CREATE INDEX IF NOT EXISTS "maatregelrisico_risico_mr" ON '
        '"risicos_beheersmaatregel_risicos" ("risico_id", "beheersmaatregel_id")'
    ),
    "maatregel_id_status": (
        'CREATE INDEX IF NOT EXISTS "maatregel_id_status" ON '
        '"risicos_beheersmaatregel" ("id") INCLUDE ("status")'
    ),
}


def indexen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in INDEXEN.values():
            schema_editor.execute(sql)


def indexen_weg(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for naam in INDEXEN:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{naam}"')


class Migration(migrations.Migration):
    dependencies = [
        ("risicos", "0003_indexen_voor_lijsten"),
    ]

    operations = [
        migrations.RunPython(indexen, indexen_weg, elidable=False),
    ]
