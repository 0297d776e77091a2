"""The net heat map's counters, kept by the database (issue 13).

`Heatmapteller`: active risks per (netto kans, netto impact), 0 for an empty score.
Triggers keep it in the same transaction as the write, on every path (services, forms,
API, import, admin, `bulk_create`, `.update()`, raw SQL, COPY; TRUNCATE clears it), by
adding and taking (+n/-n), so two transactions writing at once both count.

PostgreSQL: inserts and deletes (COPY, bulk) by statement triggers with transition
tables, one grouped write per statement, counter rows locked in key order first (`slot`)
and missing ones inserted in key order, so two bulk statements touching many cells wait
for each other instead of deadlocking. Updates by a row trigger that fires only when a
score or the status changes (see below); it locks every cell in key order first.
SQLite: row triggers. A later migration that makes SQLite rebuild `risicos_risico` drops
them with the old table (see 0005); tests/rapportage/test_tellers.py checks they exist.
"""

from django.db import migrations, models

RISICO = "risicos_risico"
TELLER = "risicos_heatmapteller"
# RisicoStatus.ACTIEF, as the triggers spell it (a test holds them equal).
ACTIEF = "'actief'"


def geordend_bijwerken(tabel, sleutels, rijen):
    """Add the summed deltas `n` of `rijen` to the counters of `tabel` per key: existing
    rows locked in key order, then updated; missing ones inserted in key order. Not one
    INSERT ... ON CONFLICT DO UPDATE: PostgreSQL checks a proposed row's CHECK before
    it finds the conflict, so a negative delta would fail there."""
    k = ", ".join(sleutels)
    tk = ", ".join(f"t.{s}" for s in sleutels)
    gelijk = " AND ".join(f"t.{s} = delta.{s}" for s in sleutels)
    return f"""
        WITH delta AS (
            SELECT {k}, sum(n) AS n FROM ({rijen}) x GROUP BY {k} HAVING sum(n) <> 0
        ), slot AS (
            SELECT t.id FROM {tabel} t JOIN delta ON {gelijk} ORDER BY {tk} FOR UPDATE OF t
        ), bijgewerkt AS (
            UPDATE {tabel} t SET aantal = t.aantal + delta.n FROM delta, slot
            WHERE t.id = slot.id AND {gelijk} RETURNING {tk}
        )
        INSERT INTO {tabel} AS t ({k}, aantal)
        SELECT {k}, n FROM delta WHERE ({k}) NOT IN (SELECT * FROM bijgewerkt) ORDER BY {k}
        ON CONFLICT ({k}) DO UPDATE SET aantal = t.aantal + EXCLUDED.aantal;
"""


def _cel(rij):
    return f"COALESCE({rij}.netto_kans, 0), COALESCE({rij}.netto_impact, 0)"


NIEUW = f"SELECT {_cel('nieuw')}, 1 FROM nieuw WHERE status = {ACTIEF}"
OUD = f"SELECT {_cel('oud')}, -1 FROM oud WHERE status = {ACTIEF}"


def _upsert(rijen):
    return geordend_bijwerken(
        TELLER, ("kans", "impact"), f"SELECT * FROM ({rijen}) r(kans, impact, n)"
    )


POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION risicos_heatmapteller() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {TELLER};
    ELSIF TG_OP = 'INSERT' THEN
        {_upsert(NIEUW)}
    ELSE
        {_upsert(OUD)}
    END IF;
    RETURN NULL;
END
$$
""",
    # An update moves one risk at a time: every cell row locked in key order first (at
    # most 36; a second time is a no-op), so two transactions moving risks wait for each
    # other whole instead of crosswise.
    f"""
CREATE OR REPLACE FUNCTION risicos_heatmapteller_rij() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {TELLER} ORDER BY kans, impact FOR UPDATE;
    IF OLD.status = {ACTIEF} THEN
        UPDATE {TELLER} SET aantal = aantal - 1
        WHERE kans = COALESCE(OLD.netto_kans, 0) AND impact = COALESCE(OLD.netto_impact, 0);
    END IF;
    IF NEW.status = {ACTIEF} THEN
        INSERT INTO {TELLER} AS t (kans, impact, aantal) VALUES ({_cel("NEW")}, 1)
        ON CONFLICT (kans, impact) DO UPDATE SET aantal = t.aantal + 1;
    END IF;
    RETURN NULL;
END
$$
""",
    f"CREATE TRIGGER heatmap_teller_in AFTER INSERT ON {RISICO} REFERENCING NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION risicos_heatmapteller()",
    # Per row, with a column list and WHEN, not per statement with transition tables
    # (which allow no column list): the measure counters of 0005 update a risk per link
    # row, and a statement trigger there cost a third more on a bulk load of links.
    f"CREATE TRIGGER heatmap_teller_bij AFTER UPDATE OF netto_kans, netto_impact, status "
    f"ON {RISICO} FOR EACH ROW WHEN ((OLD.netto_kans, OLD.netto_impact, OLD.status) "
    "IS DISTINCT FROM (NEW.netto_kans, NEW.netto_impact, NEW.status)) "
    "EXECUTE FUNCTION risicos_heatmapteller_rij()",
    f"CREATE TRIGGER heatmap_teller_uit AFTER DELETE ON {RISICO} REFERENCING OLD TABLE AS oud "
    "FOR EACH STATEMENT EXECUTE FUNCTION risicos_heatmapteller()",
    f"CREATE TRIGGER heatmap_teller_leeg AFTER TRUNCATE ON {RISICO} "
    "FOR EACH STATEMENT EXECUTE FUNCTION risicos_heatmapteller()",
]
POSTGRESQL_WEG = [
    *(
        f"DROP TRIGGER IF EXISTS heatmap_teller_{naam} ON {RISICO}"
        for naam in ("in", "bij", "uit", "leeg")
    ),
    "DROP FUNCTION IF EXISTS risicos_heatmapteller()",
    "DROP FUNCTION IF EXISTS risicos_heatmapteller_rij()",
]


def _sqlite(rij, teken):
    if teken == "+":
        return (
            f"INSERT INTO {TELLER} (kans, impact, aantal) SELECT {_cel('NEW')}, 1 "
            f"WHERE NEW.status = {ACTIEF} "
            "ON CONFLICT (kans, impact) DO UPDATE SET aantal = aantal + 1;"
        )
    return (
        f"UPDATE {TELLER} SET aantal = aantal - 1 WHERE OLD.status = {ACTIEF} "
        "AND kans = COALESCE(OLD.netto_kans, 0) AND impact = COALESCE(OLD.netto_impact, 0);"
    )


SQLITE = [
    f"CREATE TRIGGER {RISICO}_heatmap_in AFTER INSERT ON {RISICO} BEGIN {_sqlite('NEW', '+')} END",
    f"CREATE TRIGGER {RISICO}_heatmap_uit AFTER DELETE ON {RISICO} BEGIN {_sqlite('OLD', '-')} END",
    f"CREATE TRIGGER {RISICO}_heatmap_bij AFTER UPDATE OF netto_kans, netto_impact, status "
    f"ON {RISICO} BEGIN {_sqlite('OLD', '-')} {_sqlite('NEW', '+')} END",
]
SQLITE_WEG = [f"DROP TRIGGER IF EXISTS {RISICO}_heatmap_{naam}" for naam in ("in", "uit", "bij")]


def _per_database(postgresql, sqlite):
    def uitvoeren(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"Geen triggers voor de heatmaptellers op {vendor}.")
        for sql in postgresql if vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return uitvoeren


def tellen(apps, schema_editor):
    """Fill the counters after the triggers, in the same transaction on PostgreSQL, so
    no write in between is missed or counted twice."""
    schema_editor.execute(f"DELETE FROM {TELLER}")
    schema_editor.execute(
        f"INSERT INTO {TELLER} (kans, impact, aantal) "
        f"SELECT {_cel(RISICO)}, count(*) FROM {RISICO} WHERE status = {ACTIEF} "
        "GROUP BY 1, 2"
    )
    # Every cell present (at 0), so the update trigger's lock of all of them covers
    # every cell a risk can move to.
    for kans in range(6):
        schema_editor.execute(
            f"INSERT INTO {TELLER} (kans, impact, aantal) SELECT %s, i, 0 FROM ("
            + " UNION ALL ".join(f"SELECT {i} AS i" for i in range(6))
            + f") x WHERE NOT EXISTS (SELECT 1 FROM {TELLER} WHERE kans = %s AND impact = x.i)",
            [kans, kans],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("risicos", "0007_zoekindexen"),
    ]

    operations = [
        migrations.CreateModel(
            name="Heatmapteller",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kans",
                    models.PositiveSmallIntegerField(verbose_name="netto kans (0: niet gescoord)"),
                ),
                (
                    "impact",
                    models.PositiveSmallIntegerField(
                        verbose_name="netto impact (0: niet gescoord)"
                    ),
                ),
                ("aantal", models.IntegerField(verbose_name="aantal")),
            ],
            options={
                "verbose_name": "heatmapteller",
                "verbose_name_plural": "heatmaptellers",
                "constraints": [
                    models.UniqueConstraint(fields=("kans", "impact"), name="heatmapteller_uniek"),
                    models.CheckConstraint(
                        condition=models.Q(("aantal__gte", 0)), name="heatmapteller_pos"
                    ),
                ],
            },
        ),
        # Triggers first, then the count (see `tellen`).
        migrations.RunPython(
            _per_database(POSTGRESQL, SQLITE),
            _per_database(POSTGRESQL_WEG, SQLITE_WEG),
            elidable=False,
        ),
        migrations.RunPython(tellen, migrations.RunPython.noop, elidable=False),
    ]
