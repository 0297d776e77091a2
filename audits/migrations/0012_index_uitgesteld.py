"""The follow-up actions' filter "uitgesteld" in the list's order (issue 13): a partial
index on (deadline, id) of the postponed actions. The default order's index was read
from the top, past about 10,000 actions not postponed, to fill the first page."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0011_index_standaardsortering_zonder_nulls"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="vervolgactie",
            index=models.Index(
                condition=models.Q(("aantal_verschuivingen__gt", 0)),
                fields=["deadline", "id"],
                name="vervolgactie_uitgesteld_dl",
            ),
        ),
    ]
