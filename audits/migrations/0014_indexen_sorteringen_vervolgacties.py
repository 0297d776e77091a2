"""Every sort of the follow-up actions list from an index (issue 13). The sorts by status,
postponements, original deadline and description end on the id (audits.tables), so one
btree on (key, id) serves both directions; the description's is on its first hundred
characters (46 MB at scale 1.0, next to the 77 MB trigram index for search). The sort
by finding walks the findings by (title, id) into each finding's actions; the sort by
body walks the reports' unique index (body, title). Keyset query at scale 1.0 (first
page): status 163 -> 0.02 ms, body 246 -> 0.2, description 82 -> 0.05, postponements
66 -> 0.02, original deadline 91 -> 0.02, finding 11 -> 0.06."""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0013_index_open_acties_per_bevinding"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="bevinding",
            index=models.Index(fields=["titel", "id"], name="bevinding_titel_id"),
        ),
        migrations.AddIndex(
            model_name="vervolgactie",
            index=models.Index(fields=["status", "id"], name="vervolgactie_status_id"),
        ),
        migrations.AddIndex(
            model_name="vervolgactie",
            index=models.Index(
                fields=["oorspronkelijke_deadline", "id"], name="vervolgactie_oorspr_id"
            ),
        ),
        migrations.AddIndex(
            model_name="vervolgactie",
            index=models.Index(
                fields=["aantal_verschuivingen", "id"], name="vervolgactie_uitstel_id"
            ),
        ),
        migrations.AddIndex(
            model_name="vervolgactie",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.functions.text.Left("omschrijving", 100), models.Value("")
                ),
                models.F("id"),
                name="vervolgactie_omschr_id",
            ),
        ),
    ]
