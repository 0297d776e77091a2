"""A counter of the open audit findings linked to a risk, with an index for the
register's sort (issue 13). Audits' migration 0016 fills it and adds the triggers that
keep it.

SQLite cannot add a NOT NULL column without rebuilding the table, and a rebuild of
`risicos_risico` drops the heat map's triggers (0008) and breaks on the measure
counters' (0005). A plain ADD COLUMN with a DEFAULT does not rebuild it; Django's
state gets the same field.
"""

from django.db import migrations, models

VELD = models.PositiveIntegerField("open auditbevindingen", default=0, editable=False)

SQLITE_KOLOM = (
    'ALTER TABLE "risicos_risico" ADD COLUMN "bevindingen_open" integer unsigned '
    'NOT NULL DEFAULT 0 CHECK ("bevindingen_open" >= 0)'
)


def _veld(apps):
    # The database operations see the state without the field (it is the state's own).
    risico = apps.get_model("risicos", "Risico")
    veld = VELD.clone()
    veld.set_attributes_from_name("bevindingen_open")
    veld.model = risico
    return risico, veld


def _toevoegen(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_KOLOM)
    else:
        schema_editor.add_field(*_veld(apps))


def _weg(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('ALTER TABLE "risicos_risico" DROP COLUMN "bevindingen_open"')
    else:
        schema_editor.remove_field(*_veld(apps))


class Migration(migrations.Migration):
    dependencies = [("risicos", "0012_sorteerindexen")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="risico", name="bevindingen_open", field=VELD),
            ],
            database_operations=[migrations.RunPython(_toevoegen, _weg, elidable=False)],
        ),
        migrations.AddIndex(
            model_name="risico",
            index=models.Index(fields=["bevindingen_open", "id"], name="risico_bev_open"),
        ),
    ]
