"""The indicator list's sort keys on the value row itself (issue 13).

The list sorts on the period's end date, the indicator's group and order (or the
period's dates): three tables, so every page joined and sorted all values. Now each value
carries copies of those keys and one index serves the order. The database keeps the
copies on every path, in the same transaction as the write:

- a value inserted, or moved to another period or indicator, takes them from its period
  and indicator; any other update of a value takes them again (Django writes every
  column, the copies it read included, which may be stale by then);
- a change of a period's dates or of an indicator's group or order is copied to its
  values.

A source row that is not there (yet: a move of the database copies the tables in any
order, with the foreign keys checked at commit) leaves the copies as written.

PostgreSQL: a BEFORE row trigger sets the copies. A new value (or one moved) locks its
period and indicator FOR SHARE, so a change of their keys and the new value never miss
each other; an existing value needs no lock: a change of the keys updates that row and so
waits for (or is waited for by) the value's own update, which reads them afresh.
SQLite: AFTER triggers update the row (one writer at a time). A later migration that
makes SQLite rebuild `programmas_indicatorwaarde`, `programmas_rapportageperiode` or
`programmas_prestatieindicator` drops their triggers and must put them back (SQLITE).
"""

import datetime

from django.db import migrations, models

WAARDE = "programmas_indicatorwaarde"
PERIODE = "programmas_rapportageperiode"
INDICATOR = "programmas_prestatieindicator"

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION programmas_indicatorwaarde_sortering() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    p record;
    i record;
    nieuwe_periode boolean := TG_OP = 'INSERT';
    nieuwe_indicator boolean := TG_OP = 'INSERT';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        nieuwe_periode := NEW.periode_id IS DISTINCT FROM OLD.periode_id;
        nieuwe_indicator := NEW.indicator_id IS DISTINCT FROM OLD.indicator_id;
    END IF;
    IF nieuwe_periode THEN
        SELECT einddatum, begindatum INTO p FROM {PERIODE} WHERE id = NEW.periode_id FOR SHARE;
    ELSE
        SELECT einddatum, begindatum INTO p FROM {PERIODE} WHERE id = NEW.periode_id;
    END IF;
    IF FOUND THEN
        NEW.periode_einddatum := p.einddatum;
        NEW.periode_begindatum := p.begindatum;
    END IF;
    IF nieuwe_indicator THEN
        SELECT groep, volgorde INTO i FROM {INDICATOR} WHERE id = NEW.indicator_id FOR SHARE;
    ELSE
        SELECT groep, volgorde INTO i FROM {INDICATOR} WHERE id = NEW.indicator_id;
    END IF;
    IF FOUND THEN
        NEW.indicator_groep := i.groep;
        NEW.indicator_volgorde := i.volgorde;
    END IF;
    RETURN NEW;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION programmas_periode_sortering() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {WAARDE} SET periode_einddatum = NEW.einddatum, periode_begindatum = NEW.begindatum
    WHERE periode_id = NEW.id;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION programmas_indicator_sortering() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {WAARDE} SET indicator_groep = NEW.groep, indicator_volgorde = NEW.volgorde
    WHERE indicator_id = NEW.id;
    RETURN NULL;
END
$$
""",
    f"CREATE TRIGGER sortering_in_bij BEFORE INSERT OR UPDATE ON {WAARDE} "
    "FOR EACH ROW EXECUTE FUNCTION programmas_indicatorwaarde_sortering()",
    f"CREATE TRIGGER sortering_bij AFTER UPDATE OF einddatum, begindatum ON {PERIODE} "
    "FOR EACH ROW WHEN ((OLD.einddatum, OLD.begindatum) "
    "IS DISTINCT FROM (NEW.einddatum, NEW.begindatum)) "
    "EXECUTE FUNCTION programmas_periode_sortering()",
    f"CREATE TRIGGER sortering_bij AFTER UPDATE OF groep, volgorde ON {INDICATOR} "
    "FOR EACH ROW WHEN ((OLD.groep, OLD.volgorde) IS DISTINCT FROM (NEW.groep, NEW.volgorde)) "
    "EXECUTE FUNCTION programmas_indicator_sortering()",
]
POSTGRESQL_WEG = [
    f"DROP TRIGGER IF EXISTS sortering_in_bij ON {WAARDE}",
    f"DROP TRIGGER IF EXISTS sortering_bij ON {PERIODE}",
    f"DROP TRIGGER IF EXISTS sortering_bij ON {INDICATOR}",
    "DROP FUNCTION IF EXISTS programmas_indicatorwaarde_sortering()",
    "DROP FUNCTION IF EXISTS programmas_periode_sortering()",
    "DROP FUNCTION IF EXISTS programmas_indicator_sortering()",
]


def _bron(kolom, tabel, sleutel, rij):
    return f"(SELECT {kolom} FROM {tabel} WHERE id = {rij}.{sleutel})"


# (copy, its source) for the row `rij` (NEW, or the table itself in an UPDATE).
def _kopieen(rij):
    return [
        ("periode_einddatum", _bron("einddatum", PERIODE, "periode_id", rij)),
        ("periode_begindatum", _bron("begindatum", PERIODE, "periode_id", rij)),
        ("indicator_groep", _bron("groep", INDICATOR, "indicator_id", rij)),
        ("indicator_volgorde", _bron("volgorde", INDICATOR, "indicator_id", rij)),
    ]


ZETTEN = ", ".join(f"{kopie} = COALESCE({bron}, {kopie})" for kopie, bron in _kopieen(WAARDE))
ANDERS = " OR ".join(
    f"NEW.{kopie} IS NOT COALESCE({bron}, NEW.{kopie})" for kopie, bron in _kopieen("NEW")
)

SQLITE = [
    f"CREATE TRIGGER {WAARDE}_sortering_in AFTER INSERT ON {WAARDE} "
    f"BEGIN UPDATE {WAARDE} SET {ZETTEN} WHERE id = NEW.id; END",
    # Only when a copy differs: also ends the recursion if recursive_triggers is on.
    f"CREATE TRIGGER {WAARDE}_sortering_bij AFTER UPDATE ON {WAARDE} WHEN {ANDERS} "
    f"BEGIN UPDATE {WAARDE} SET {ZETTEN} WHERE id = NEW.id; END",
    f"CREATE TRIGGER {PERIODE}_sortering_bij AFTER UPDATE OF einddatum, begindatum ON {PERIODE} "
    "WHEN OLD.einddatum IS NOT NEW.einddatum OR OLD.begindatum IS NOT NEW.begindatum "
    f"BEGIN UPDATE {WAARDE} SET periode_einddatum = NEW.einddatum, "
    "periode_begindatum = NEW.begindatum WHERE periode_id = NEW.id; END",
    f"CREATE TRIGGER {INDICATOR}_sortering_bij AFTER UPDATE OF groep, volgorde ON {INDICATOR} "
    "WHEN OLD.groep IS NOT NEW.groep OR OLD.volgorde IS NOT NEW.volgorde "
    f"BEGIN UPDATE {WAARDE} SET indicator_groep = NEW.groep, "
    "indicator_volgorde = NEW.volgorde WHERE indicator_id = NEW.id; END",
]
SQLITE_WEG = [
    f"DROP TRIGGER IF EXISTS {WAARDE}_sortering_in",
    f"DROP TRIGGER IF EXISTS {WAARDE}_sortering_bij",
    f"DROP TRIGGER IF EXISTS {PERIODE}_sortering_bij",
    f"DROP TRIGGER IF EXISTS {INDICATOR}_sortering_bij",
]


def _per_database(postgresql, sqlite):
    def uitvoeren(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"Geen triggers voor de sorteersleutels op {vendor}.")
        for sql in postgresql if vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return uitvoeren


def vullen(apps, schema_editor):
    """The copies of the values that exist (the table is locked by the ALTERs above on
    PostgreSQL, so nothing is written in between)."""
    schema_editor.execute(f"UPDATE {WAARDE} SET {ZETTEN}")


class Migration(migrations.Migration):
    dependencies = [
        ("programmas", "0005_tellers"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatorwaarde",
            name="indicator_groep",
            field=models.CharField(
                default="", editable=False, max_length=200, verbose_name="groep indicator"
            ),
        ),
        migrations.AddField(
            model_name="indicatorwaarde",
            name="indicator_volgorde",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="volgorde indicator"
            ),
        ),
        migrations.AddField(
            model_name="indicatorwaarde",
            name="periode_begindatum",
            field=models.DateField(
                default=datetime.date(1, 1, 1), editable=False, verbose_name="begindatum periode"
            ),
        ),
        migrations.AddField(
            model_name="indicatorwaarde",
            name="periode_einddatum",
            field=models.DateField(
                default=datetime.date(1, 1, 1), editable=False, verbose_name="einddatum periode"
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorwaarde",
            index=models.Index(
                fields=["-periode_einddatum", "indicator_groep", "indicator_volgorde", "id"],
                name="indicatorwaarde_lijst",
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorwaarde",
            index=models.Index(
                fields=["indicator_groep", "indicator_volgorde", "id"],
                name="indicatorwaarde_indicator",
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorwaarde",
            index=models.Index(
                fields=["-periode_einddatum", "-periode_begindatum", "id"],
                name="indicatorwaarde_periode",
            ),
        ),
        # After the fields: SQLite rebuilds the table for them, which drops its triggers.
        migrations.RunPython(
            _per_database(POSTGRESQL, SQLITE),
            _per_database(POSTGRESQL_WEG, SQLITE_WEG),
            elidable=False,
        ),
        migrations.RunPython(vullen, migrations.RunPython.noop, elidable=False),
    ]
