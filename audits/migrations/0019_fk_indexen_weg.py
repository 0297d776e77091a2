"""The findings' own foreign key indexes on `rapport_id` and `eigenaar_id` go (issue 13):
(rapport, id), (rapport, titel) and (eigenaar, id) lead with the same column, and every
write of an action now updates its finding's counters (0017), a change no HOT update
can take, so each index of the finding costs on every such write.

Only the indexes: Django would rebuild the table on SQLite to change `db_index`, which
drops the triggers on it (0016) and breaks those that name it (0017, 0018).
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import PROTECT

INDEXEN = (
    ("audits_bevinding_rapport_id_715f10ac", "rapport_id"),
    ("audits_bevinding_eigenaar_id_1173c295", "eigenaar_id"),
)


def _weg(apps, schema_editor):
    for naam, _ in INDEXEN:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{naam}"')


def _terug(apps, schema_editor):
    for naam, kolom in INDEXEN:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{naam}" ON "audits_bevinding" ("{kolom}")')


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0018_rapporttellers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="bevinding",
                    name="rapport",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=PROTECT,
                        related_name="bevindingen",
                        to="audits.auditrapport",
                        verbose_name="rapport",
                    ),
                ),
                migrations.AlterField(
                    model_name="bevinding",
                    name="eigenaar",
                    field=models.ForeignKey(
                        db_index=False,
                        help_text="Wie verantwoordelijk is voor het oplossen en de bevinding "
                        "aanbiedt.",
                        on_delete=PROTECT,
                        related_name="audit_bevindingen",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="eigenaar",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_weg, _terug, elidable=False)],
        ),
    ]
