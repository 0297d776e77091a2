"""The findings list's default-sort index (0005) on the keys as the list now writes them:
the status order with a value for every row (ELSE 4, not NULL) and the expected year with
"unknown" as 9999 instead of NULLS LAST. Both were nullable, so the rows after a cursor
were ORs with IS NULL: a deep page walked the index from its top and filtered. Now the
seek is one index range. PostgreSQL only, like 0005.
"""

from django.db import migrations

STATUS = (
    "(CASE WHEN \"status\" = 'ter_beoordeling' THEN 0 WHEN \"status\" = 'in_uitvoering' THEN 1 "
    "WHEN \"status\" = 'open' THEN 2 WHEN \"status\" = 'opgelost' THEN 3 ELSE {anders} END)"
)
NIEUW = (
    'CREATE INDEX "bevinding_volgorde" ON "audits_bevinding" ('
    + STATUS.format(anders=4)
    + ', COALESCE("verwacht_opgelost_jaar", 9999), "titel", "id")'
)
OUD = (
    'CREATE INDEX "bevinding_volgorde" ON "audits_bevinding" ('
    + STATUS.format(anders="NULL")
    + ', "verwacht_opgelost_jaar", "titel", "id")'
)


def _vervangen(sql):
    def uitvoeren(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute('DROP INDEX IF EXISTS "bevinding_volgorde"')
            schema_editor.execute(sql)

    return uitvoeren


class Migration(migrations.Migration):
    dependencies = [("audits", "0010_bevinding_uitstelindex")]

    operations = [migrations.RunPython(_vervangen(NIEUW), _vervangen(OUD), elidable=False)]
