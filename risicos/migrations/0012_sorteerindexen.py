"""An index for each sort of the register and the measures list that had none (issue 13):
register "Categorie", "Toprisico", "Status" on (column, id); "Herbeoordeling" and
"Risicobereidheid" on the column with NULL written as a value beyond every real one
(`risicos.models.leeg_als`); measures "Afgesproken in" on the dialogue's id with NULL as
the largest id, "Maatregel" on the description's first 100 characters (66 MB at scale 1.0;
the whole text would be ~130 MB and a btree entry may hold at most 2,704 bytes).

Each sort ends on the id and flips it when descending, so one index serves both ways,
and the keyset seek of a deep page is one row comparison on the index
(`douane_portfolio.bladeren._rij_na`). Lean keyset query at scale 1.0 (first page): the
measures by dialogue descending 171 ms and by description 77 ms (a full sort of 500,000
rows; a deep page by dialogue read the 475,000 measures without one), the register's
four 18-25 ms (a sort of 18,000 active risks); each now under 0.2 ms, deep pages too.
"""

import datetime

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Left


def _index(model, naam, *sleutels):
    return migrations.AddIndex(model_name=model, index=models.Index(*sleutels, name=naam))


def _velden(model, naam, *velden):
    return migrations.AddIndex(model_name=model, index=models.Index(fields=velden, name=naam))


class Migration(migrations.Migration):
    dependencies = [
        ("risicos", "0011_index_bruto_heatmap"),
    ]

    operations = [
        _index(
            "beheersmaatregel",
            "maatregel_dlg_id",
            Coalesce(F("dialoog"), Value(9223372036854775807)),
            F("id"),
        ),
        _index(
            "beheersmaatregel",
            "maatregel_omschr_id",
            Coalesce(Left("omschrijving", 100), Value("")),
            F("id"),
        ),
        _velden("risico", "risico_categorie_id", "categorie", "id"),
        _velden("risico", "risico_top_id", "toprisico", "id"),
        _velden("risico", "risico_status_id", "status", "id"),
        _index(
            "risico",
            "risico_herb_id",
            Coalesce(F("herbeoordeling"), Value(datetime.date(9999, 12, 31))),
            F("id"),
        ),
        _index("risico", "risico_bereid_id", Coalesce(F("risicobereidheid"), Value(26)), F("id")),
    ]
