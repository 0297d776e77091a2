"""The indicator value's status as a stored column, with indexes (issue 13).

The list's filter "status rood" (and its sort on the status) computed the verdict for
every value, from the value and its indicator's direction: no index could serve it, so
every page joined and sorted all values. Now the value carries a copy of the direction
(`indicator_richting`, kept by the triggers of 0006, which this migration extends) and
the database computes the status from the row's own columns as a stored generated
column, with an index for the filter in the list's order and one for the sort.

The triggers: the value's own (PostgreSQL: the BEFORE trigger; SQLite: both AFTER
triggers, dropped by the table rebuilds of the new columns) also copy the direction, and
a change of an indicator's direction goes to its values, as its group and order do.
"""

import importlib
from decimal import Decimal

import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.lookups
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
        SELECT groep, volgorde, richting INTO i FROM {INDICATOR} WHERE id = NEW.indicator_id
        FOR SHARE;
    ELSE
        SELECT groep, volgorde, richting INTO i FROM {INDICATOR} WHERE id = NEW.indicator_id;
    END IF;
    IF FOUND THEN
        NEW.indicator_groep := i.groep;
        NEW.indicator_volgorde := i.volgorde;
        NEW.indicator_richting := i.richting;
    END IF;
    RETURN NEW;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION programmas_indicator_sortering() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {WAARDE} SET indicator_groep = NEW.groep, indicator_volgorde = NEW.volgorde,
        indicator_richting = NEW.richting
    WHERE indicator_id = NEW.id;
    RETURN NULL;
END
$$
""",
    f"DROP TRIGGER sortering_bij ON {INDICATOR}",
    f"CREATE TRIGGER sortering_bij AFTER UPDATE OF groep, volgorde, richting ON {INDICATOR} "
    "FOR EACH ROW WHEN ((OLD.groep, OLD.volgorde, OLD.richting) "
    "IS DISTINCT FROM (NEW.groep, NEW.volgorde, NEW.richting)) "
    "EXECUTE FUNCTION programmas_indicator_sortering()",
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
        ("indicator_richting", _bron("richting", INDICATOR, "indicator_id", rij)),
    ]


ZETTEN = ", ".join(f"{kopie} = COALESCE({bron}, {kopie})" for kopie, bron in _kopieen(WAARDE))
ANDERS = " OR ".join(
    f"NEW.{kopie} IS NOT COALESCE({bron}, NEW.{kopie})" for kopie, bron in _kopieen("NEW")
)

SQLITE_WEG = [
    f"DROP TRIGGER IF EXISTS {WAARDE}_sortering_in",
    f"DROP TRIGGER IF EXISTS {WAARDE}_sortering_bij",
    f"DROP TRIGGER IF EXISTS {PERIODE}_sortering_bij",
    f"DROP TRIGGER IF EXISTS {INDICATOR}_sortering_bij",
]
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
    f"CREATE TRIGGER {INDICATOR}_sortering_bij "
    f"AFTER UPDATE OF groep, volgorde, richting ON {INDICATOR} "
    "WHEN OLD.groep IS NOT NEW.groep OR OLD.volgorde IS NOT NEW.volgorde "
    "OR OLD.richting IS NOT NEW.richting "
    f"BEGIN UPDATE {WAARDE} SET indicator_groep = NEW.groep, "
    "indicator_volgorde = NEW.volgorde, indicator_richting = NEW.richting "
    "WHERE indicator_id = NEW.id; END",
]


def _sqlite_zonder_triggers(apps, schema_editor):
    """SQLite rebuilds the value's table for a new or removed column, and refuses while
    a trigger of another table names it: all four go, and come back afterwards."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_WEG:
            schema_editor.execute(sql)


def _triggers_0006():
    """The triggers as 0006 made them: what going back to it restores."""
    return importlib.import_module("programmas.migrations.0006_sorteersleutels_indicatorwaarde")


def _vooruit(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(f"Geen triggers voor de kopieën op {vendor}.")
    for sql in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)
    # The direction of the values that exist; the status follows by itself.
    schema_editor.execute(f"UPDATE {WAARDE} SET {ZETTEN}")


def _terug_naar_0006(apps, schema_editor):
    oud = _triggers_0006()
    if schema_editor.connection.vendor == "postgresql":
        sql = oud.POSTGRESQL_WEG + oud.POSTGRESQL
    else:
        sql = oud.SQLITE
    for opdracht in sql:
        schema_editor.execute(opdracht)


class Migration(migrations.Migration):
    dependencies = [
        ("programmas", "0006_sorteersleutels_indicatorwaarde"),
    ]

    operations = [
        # Going back: 0006's triggers, after the columns are gone.
        migrations.RunPython(_sqlite_zonder_triggers, _terug_naar_0006, elidable=False),
        migrations.AddField(
            model_name="indicatorwaarde",
            name="indicator_richting",
            field=models.CharField(
                choices=[("hoger", "Hoger is beter"), ("lager", "Lager is beter")],
                default="hoger",
                editable=False,
                max_length=5,
                verbose_name="richting indicator",
            ),
        ),
        migrations.AddField(
            model_name="indicatorwaarde",
            name="berekende_status",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(realisatie__isnull=True, then=models.Value("niet_gerapporteerd")),
                    models.When(doelstelling__isnull=True, then=models.Value("geen_doel")),
                    models.When(
                        models.Q(
                            ("indicator_richting", "hoger"),
                            django.db.models.lookups.GreaterThanOrEqual(
                                models.ExpressionWrapper(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("realisatie"), "*", models.Value(100)
                                    ),
                                    models.DecimalField(decimal_places=6, max_digits=30),
                                ),
                                models.ExpressionWrapper(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("doelstelling"),
                                        "*",
                                        django.db.models.expressions.CombinedExpression(
                                            models.Value(100),
                                            "+",
                                            django.db.models.expressions.CombinedExpression(
                                                models.Value(-1),
                                                "*",
                                                django.db.models.functions.comparison.Coalesce(
                                                    models.F("bandbreedte"),
                                                    models.Value(Decimal("0")),
                                                    output_field=models.DecimalField(
                                                        decimal_places=6, max_digits=30
                                                    ),
                                                ),
                                            ),
                                        ),
                                    ),
                                    models.DecimalField(decimal_places=6, max_digits=30),
                                ),
                            ),
                        ),
                        then=models.Value("groen"),
                    ),
                    models.When(
                        models.Q(
                            ("indicator_richting", "hoger"),
                            django.db.models.lookups.GreaterThanOrEqual(
                                models.ExpressionWrapper(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("realisatie"), "*", models.Value(100)
                                    ),
                                    models.DecimalField(decimal_places=6, max_digits=30),
                                ),
                                models.ExpressionWrapper(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("doelstelling"),
                                        "*",
                                        django.db.models.expressions.CombinedExpression(
                                            models.Value(100),
                                            "+",
                                            django.db.models.expressions.CombinedExpression(
                                                models.Value(-2),
                                                "*",
                                                django.db.models.functions.comparison.Coalesce(
                                                    models.F("bandbreedte"),
                                                    models.Value(Decimal("0")),
                                                    output_field=models.DecimalField(
                                                        decimal_places=6, max_digits=30
                                                    ),
                                                ),
                                            ),
                                        ),
                                    ),
                                    models.DecimalField(decimal_places=6, max_digits=30),
                                ),
                            ),
                        ),
                        then=models.Value("oranje"),
                    ),
                    models.When(
                        models.Q(("indicator_richting", "hoger")), then=models.Value("rood")
                    ),
                    models.When(
                        django.db.models.lookups.LessThanOrEqual(
                            models.ExpressionWrapper(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("realisatie"), "*", models.Value(100)
                                ),
                                models.DecimalField(decimal_places=6, max_digits=30),
                            ),
                            models.ExpressionWrapper(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("doelstelling"),
                                    "*",
                                    django.db.models.expressions.CombinedExpression(
                                        models.Value(100),
                                        "+",
                                        django.db.models.expressions.CombinedExpression(
                                            models.Value(1),
                                            "*",
                                            django.db.models.functions.comparison.Coalesce(
                                                models.F("bandbreedte"),
                                                models.Value(Decimal("0")),
                                                output_field=models.DecimalField(
                                                    decimal_places=6, max_digits=30
                                                ),
                                            ),
                                        ),
                                    ),
                                ),
                                models.DecimalField(decimal_places=6, max_digits=30),
                            ),
                        ),
                        then=models.Value("groen"),
                    ),
                    models.When(
                        django.db.models.lookups.LessThanOrEqual(
                            models.ExpressionWrapper(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("realisatie"), "*", models.Value(100)
                                ),
                                models.DecimalField(decimal_places=6, max_digits=30),
                            ),
                            models.ExpressionWrapper(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("doelstelling"),
                                    "*",
                                    django.db.models.expressions.CombinedExpression(
                                        models.Value(100),
                                        "+",
                                        django.db.models.expressions.CombinedExpression(
                                            models.Value(2),
                                            "*",
                                            django.db.models.functions.comparison.Coalesce(
                                                models.F("bandbreedte"),
                                                models.Value(Decimal("0")),
                                                output_field=models.DecimalField(
                                                    decimal_places=6, max_digits=30
                                                ),
                                            ),
                                        ),
                                    ),
                                ),
                                models.DecimalField(decimal_places=6, max_digits=30),
                            ),
                        ),
                        then=models.Value("oranje"),
                    ),
                    default=models.Value("rood"),
                    output_field=models.CharField(),
                ),
                output_field=models.CharField(max_length=20),
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorwaarde",
            index=models.Index(
                fields=[
                    "berekende_status",
                    "-periode_einddatum",
                    "indicator_groep",
                    "indicator_volgorde",
                    "id",
                ],
                name="indicatorwaarde_status",
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorwaarde",
            index=models.Index(fields=["berekende_status", "id"], name="indicatorwaarde_status_id"),
        ),
        migrations.RunPython(_vooruit, _sqlite_zonder_triggers, elidable=False),
    ]
