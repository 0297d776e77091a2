"""The dashboard's status per theme, kept by the database (issue 13).

`Initiatiefteller`: active initiatives per theme. `Statusteller`: status reports of
active initiatives per period, theme and status (a report counts while it and its active
initiative both exist). Triggers on the reports and on the initiatives (insert, delete,
a change of theme or of `actief`) keep them in the same transaction as the write, on
every path, adding and taking (+n/-n). An initiative that moves to another theme or
stops being active takes its reports' counts along; report triggers lock their
initiatives FOR SHARE first, so such a move and a new report never miss each other.

PostgreSQL: statement triggers with transition tables; counter rows locked in key order,
missing ones inserted in key order (see risicos 0008), so bulk statements do not
deadlock on them. SQLite: row triggers; a later migration that makes SQLite rebuild
`programmas_initiatief` or `programmas_statusrapportage` must put them back (SQLITE).
"""

import django.db.models.deletion
from django.db import migrations, models

INITIATIEF = "programmas_initiatief"
RAPPORT = "programmas_statusrapportage"
ITELLER = "programmas_initiatiefteller"
STELLER = "programmas_statusteller"
STATUS_SLEUTEL = ("periode_id", "thema_id", "status")


def geordend_bijwerken(tabel, sleutels, rijen):
    """As in risicos 0008: the summed deltas `n` of `rijen` per key, existing counter
    rows locked in key order and updated, missing ones inserted in key order."""
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


# Reports (r: nieuw/oud) with their active initiative as it is now.
def _rapporten(r, teken):
    return (
        f"SELECT r.periode_id, i.thema_id, r.status, {teken}1 AS n FROM {r} r "
        f"JOIN {INITIATIEF} i ON i.id = r.initiatief_id WHERE i.actief"
    )


# The reports that exist of initiatives (i: nieuw/oud) that are (or were) active.
def _van_initiatieven(i, teken):
    return (
        f"SELECT r.periode_id, i.thema_id, r.status, {teken}1 AS n FROM {i} i "
        f"JOIN {RAPPORT} r ON r.initiatief_id = i.id WHERE i.actief"
    )


def _initiatieven(i, teken):
    return f"SELECT thema_id, {teken}1 AS n FROM {i} x WHERE actief"


# Changed rows only: an UPDATE of a report's text or an initiative's name moves nothing.
RAPPORT_GEWIJZIGD = (
    "(SELECT n.* FROM nieuw n JOIN oud o ON o.id = n.id "
    "WHERE (n.initiatief_id, n.periode_id, n.status) "
    "IS DISTINCT FROM (o.initiatief_id, o.periode_id, o.status))"
)
RAPPORT_WAS = (
    "(SELECT o.* FROM nieuw n JOIN oud o ON o.id = n.id "
    "WHERE (n.initiatief_id, n.periode_id, n.status) "
    "IS DISTINCT FROM (o.initiatief_id, o.periode_id, o.status))"
)
INITIATIEF_GEWIJZIGD = (
    "(SELECT n.* FROM nieuw n JOIN oud o ON o.id = n.id "
    "WHERE (n.thema_id, n.actief) IS DISTINCT FROM (o.thema_id, o.actief))"
)
INITIATIEF_WAS = (
    "(SELECT o.* FROM nieuw n JOIN oud o ON o.id = n.id "
    "WHERE (n.thema_id, n.actief) IS DISTINCT FROM (o.thema_id, o.actief))"
)


def _status(*delen):
    return geordend_bijwerken(STELLER, STATUS_SLEUTEL, " UNION ALL ".join(delen))


def _totaal(*delen):
    return geordend_bijwerken(ITELLER, ("thema_id",), " UNION ALL ".join(delen))


def _slot(*bronnen):
    """The reports' initiatives FOR SHARE, in id order: a change of the initiative's theme
    or `actief` waits for this transaction (and this one for it), so it is read as it
    will stay."""
    ids = " UNION ".join(f"SELECT initiatief_id FROM {b} x" for b in bronnen)
    return f"PERFORM 1 FROM {INITIATIEF} WHERE id IN ({ids}) ORDER BY id FOR SHARE;"


POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION programmas_statusteller() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {STELLER};
    ELSIF TG_OP = 'INSERT' THEN
        {_slot("nieuw")}
        {_status(_rapporten("nieuw", "+"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_slot("oud")}
        {_status(_rapporten("oud", "-"))}
    ELSE
        {_slot(RAPPORT_GEWIJZIGD, RAPPORT_WAS)}
        {_status(_rapporten(RAPPORT_GEWIJZIGD, "+"), _rapporten(RAPPORT_WAS, "-"))}
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION programmas_initiatiefteller() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {ITELLER};
        DELETE FROM {STELLER};
    ELSIF TG_OP = 'INSERT' THEN
        {_totaal(_initiatieven("nieuw", "+"))}
        {_status(_van_initiatieven("nieuw", "+"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_totaal(_initiatieven("oud", "-"))}
        {_status(_van_initiatieven("oud", "-"))}
    ELSE
        {_totaal(_initiatieven(INITIATIEF_GEWIJZIGD, "+"), _initiatieven(INITIATIEF_WAS, "-"))}
        {_status(_van_initiatieven(INITIATIEF_GEWIJZIGD, "+"), _van_initiatieven(INITIATIEF_WAS, "-"))}
    END IF;
    RETURN NULL;
END
$$
""",
]


def _pg_triggers(tabel, functie):
    return [
        f"CREATE TRIGGER status_teller_in AFTER INSERT ON {tabel} REFERENCING NEW TABLE AS nieuw "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {functie}()",
        f"CREATE TRIGGER status_teller_bij AFTER UPDATE ON {tabel} "
        "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {functie}()",
        f"CREATE TRIGGER status_teller_uit AFTER DELETE ON {tabel} REFERENCING OLD TABLE AS oud "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {functie}()",
        f"CREATE TRIGGER status_teller_leeg AFTER TRUNCATE ON {tabel} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {functie}()",
    ]


POSTGRESQL += _pg_triggers(RAPPORT, "programmas_statusteller")
POSTGRESQL += _pg_triggers(INITIATIEF, "programmas_initiatiefteller")
POSTGRESQL_WEG = [
    f"DROP TRIGGER IF EXISTS status_teller_{naam} ON {tabel}"
    for tabel in (RAPPORT, INITIATIEF)
    for naam in ("in", "bij", "uit", "leeg")
] + [
    "DROP FUNCTION IF EXISTS programmas_statusteller()",
    "DROP FUNCTION IF EXISTS programmas_initiatiefteller()",
]


def _sqlite_rapport(teken):
    if teken == "+":
        return (
            f"INSERT INTO {STELLER} (periode_id, thema_id, status, aantal) "
            f"SELECT NEW.periode_id, thema_id, NEW.status, 1 FROM {INITIATIEF} "
            "WHERE id = NEW.initiatief_id AND actief "
            "ON CONFLICT (periode_id, thema_id, status) DO UPDATE SET aantal = aantal + 1;"
        )
    return (
        f"UPDATE {STELLER} SET aantal = aantal - 1 "
        "WHERE periode_id = OLD.periode_id AND status = OLD.status AND thema_id = "
        f"(SELECT thema_id FROM {INITIATIEF} WHERE id = OLD.initiatief_id AND actief);"
    )


def _sqlite_initiatief(teken):
    if teken == "+":
        return (
            f"INSERT INTO {ITELLER} (thema_id, aantal) SELECT NEW.thema_id, 1 WHERE NEW.actief "
            "ON CONFLICT (thema_id) DO UPDATE SET aantal = aantal + 1; "
            f"INSERT INTO {STELLER} (periode_id, thema_id, status, aantal) "
            f"SELECT periode_id, NEW.thema_id, status, count(*) FROM {RAPPORT} "
            "WHERE initiatief_id = NEW.id AND NEW.actief GROUP BY periode_id, status "
            "ON CONFLICT (periode_id, thema_id, status) "
            "DO UPDATE SET aantal = aantal + excluded.aantal;"
        )
    return (
        f"UPDATE {ITELLER} SET aantal = aantal - 1 WHERE thema_id = OLD.thema_id AND OLD.actief; "
        f"UPDATE {STELLER} SET aantal = aantal - (SELECT count(*) FROM {RAPPORT} r "
        f"WHERE r.initiatief_id = OLD.id AND r.periode_id = {STELLER}.periode_id "
        f"AND r.status = {STELLER}.status) WHERE thema_id = OLD.thema_id AND OLD.actief;"
    )


SQLITE = [
    f"CREATE TRIGGER {RAPPORT}_teller_in AFTER INSERT ON {RAPPORT} "
    f"BEGIN {_sqlite_rapport('+')} END",
    f"CREATE TRIGGER {RAPPORT}_teller_uit AFTER DELETE ON {RAPPORT} "
    f"BEGIN {_sqlite_rapport('-')} END",
    f"CREATE TRIGGER {RAPPORT}_teller_bij AFTER UPDATE OF initiatief_id, periode_id, status "
    f"ON {RAPPORT} BEGIN {_sqlite_rapport('-')} {_sqlite_rapport('+')} END",
    f"CREATE TRIGGER {INITIATIEF}_teller_in AFTER INSERT ON {INITIATIEF} "
    f"BEGIN {_sqlite_initiatief('+')} END",
    f"CREATE TRIGGER {INITIATIEF}_teller_uit AFTER DELETE ON {INITIATIEF} "
    f"BEGIN {_sqlite_initiatief('-')} END",
    f"CREATE TRIGGER {INITIATIEF}_teller_bij AFTER UPDATE OF thema_id, actief ON {INITIATIEF} "
    "WHEN OLD.thema_id IS NOT NEW.thema_id OR OLD.actief IS NOT NEW.actief "
    f"BEGIN {_sqlite_initiatief('-')} {_sqlite_initiatief('+')} END",
]
SQLITE_WEG = [
    f"DROP TRIGGER IF EXISTS {tabel}_teller_{naam}"
    for tabel in (RAPPORT, INITIATIEF)
    for naam in ("in", "uit", "bij")
]


def _per_database(postgresql, sqlite):
    def uitvoeren(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"Geen triggers voor de statustellers op {vendor}.")
        for sql in postgresql if vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return uitvoeren


def tellen(apps, schema_editor):
    """Fill the counters after the triggers, in the same transaction on PostgreSQL."""
    uitvoeren = schema_editor.execute
    uitvoeren(f"DELETE FROM {ITELLER}")
    uitvoeren(f"DELETE FROM {STELLER}")
    uitvoeren(
        f"INSERT INTO {ITELLER} (thema_id, aantal) "
        f"SELECT thema_id, count(*) FROM {INITIATIEF} WHERE actief GROUP BY thema_id"
    )
    uitvoeren(
        f"INSERT INTO {STELLER} (periode_id, thema_id, status, aantal) "
        f"SELECT r.periode_id, i.thema_id, r.status, count(*) FROM {RAPPORT} r "
        f"JOIN {INITIATIEF} i ON i.id = r.initiatief_id WHERE i.actief "
        "GROUP BY r.periode_id, i.thema_id, r.status"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmas", "0004_indexen_voor_lijsten"),
    ]

    operations = [
        migrations.CreateModel(
            name="Initiatiefteller",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("aantal", models.IntegerField(verbose_name="aantal actieve initiatieven")),
                (
                    "thema",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="initiatiefteller",
                        to="programmas.thema",
                        verbose_name="thema",
                    ),
                ),
            ],
            options={
                "verbose_name": "initiatiefteller",
                "verbose_name_plural": "initiatieftellers",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("aantal__gte", 0)), name="initiatiefteller_pos"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Statusteller",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=10, verbose_name="status")),
                ("aantal", models.IntegerField(verbose_name="aantal")),
                (
                    "periode",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programmas.rapportageperiode",
                        verbose_name="periode",
                    ),
                ),
                (
                    "thema",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="statustellers",
                        to="programmas.thema",
                        verbose_name="thema",
                    ),
                ),
            ],
            options={
                "verbose_name": "statusteller",
                "verbose_name_plural": "statustellers",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("periode", "thema", "status"), name="statusteller_uniek"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("aantal__gte", 0)), name="statusteller_pos"
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
