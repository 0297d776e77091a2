"""The partial index of unresolved findings gets the expected date as its last column
(issue 13): the follow-up page counts the passed expectations (up to "meer dan 1.000")
from the index alone; without the date it read a thousand rows of the table (3.3 ms at
scale 1.0, 0.4 ms now). The first two columns, the block's order, stay as they were.

Only the index: no table rebuild on SQLite, which would drop the triggers on it.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0019_fk_indexen_weg"),
        ("programmas", "0009_mijlpaalteller"),
        ("risicos", "0013_bevindingen_open"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="bevinding",
            name="bevinding_open_verwacht",
        ),
        migrations.AddIndex(
            model_name="bevinding",
            index=models.Index(
                models.F("verwacht_opgelost_jaar"),
                models.F("titel"),
                models.F("verwacht_opgelost_op"),
                condition=models.Q(("status__in", ("open", "in_uitvoering", "ter_beoordeling"))),
                name="bevinding_open_verwacht",
            ),
        ),
    ]
