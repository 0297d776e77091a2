"""The findings' filter "met te late acties" (issue 13): a partial index on (finding,
deadline) of the open actions. The filter probes it for each finding it walks past in the
list's order; in (finding, status, deadline) each probe also read the finding's closed
actions, about thirteen per finding at scale 1.0."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0012_index_uitgesteld"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="vervolgactie",
            index=models.Index(
                condition=models.Q(("status__in", ("open", "in_uitvoering"))),
                fields=["bevinding", "deadline"],
                name="vervolgactie_bev_open",
            ),
        ),
    ]
