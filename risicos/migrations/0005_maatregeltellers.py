"""Per-risk measure counters, kept by the database itself (issue 13).

The register showed and sorted by `maatregelen_gereed/maatregelen_totaal`, counted per
risk through the link table: at 20,000 risks and 500,000 measures sorting by it took
seconds. Now two columns on the risk hold the counts, with an index on
(gereed, totaal, id) for the sort and its keyset seek.

Triggers keep them, in the same transaction as the write, for every path: services,
forms, API, import, admin, `bulk_create`, `.update(status=…)`, raw SQL, COPY. They
adjust by +1/−1 rather than recount, so two transactions linking measures to the same
risk at once both count (the row lock on the risk orders them). The link triggers lock
the measure row (FOR SHARE) before reading its status, so a status change and an
unlink of the same measure at the same moment cannot both miss each other.

A measure deleted before its links (raw SQL; Django deletes the links first) is handled
by the delete trigger on the measure; the links' later delete then finds no measure and
does nothing. Status values are spelled here as `ActieStatus` has them.

SQLite: a later migration that rebuilds `risicos_risico` (Django does so for most
changes there) fails on these triggers ("error in trigger … no such table"); it must run
SQLITE_WEG before and SQLITE after (this module, via importlib), as 0005 orders them.
"""

from django.conf import settings
from django.db import migrations, models

RISICO = "risicos_risico"
MAATREGEL = "risicos_beheersmaatregel"
KOPPELING = "risicos_beheersmaatregel_risicos"

TELLEN = f"""
UPDATE {RISICO} SET
    maatregelen_totaal = (
        SELECT count(*) FROM {KOPPELING} k JOIN {MAATREGEL} m ON m.id = k.beheersmaatregel_id
        WHERE k.risico_id = {RISICO}.id AND m.status <> 'vervallen'),
    maatregelen_gereed = (
        SELECT count(*) FROM {KOPPELING} k JOIN {MAATREGEL} m ON m.id = k.beheersmaatregel_id
        WHERE k.risico_id = {RISICO}.id AND m.status = 'afgerond')
"""

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION risicos_telling_koppeling() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    st varchar;
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT status INTO st FROM {MAATREGEL} WHERE id = OLD.beheersmaatregel_id FOR SHARE;
        IF FOUND THEN
            UPDATE {RISICO} SET
                maatregelen_totaal = maatregelen_totaal - (st <> 'vervallen')::int,
                maatregelen_gereed = maatregelen_gereed - (st = 'afgerond')::int
            WHERE id = OLD.risico_id;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO st FROM {MAATREGEL} WHERE id = NEW.beheersmaatregel_id FOR SHARE;
        IF FOUND THEN
            UPDATE {RISICO} SET
                maatregelen_totaal = maatregelen_totaal + (st <> 'vervallen')::int,
                maatregelen_gereed = maatregelen_gereed + (st = 'afgerond')::int
            WHERE id = NEW.risico_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE TRIGGER risicos_telling_koppeling
AFTER INSERT OR UPDATE OR DELETE ON {KOPPELING}
FOR EACH ROW EXECUTE FUNCTION risicos_telling_koppeling()
""",
    f"""
CREATE OR REPLACE FUNCTION risicos_telling_maatregel() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE {RISICO} r SET
            maatregelen_totaal = r.maatregelen_totaal - (OLD.status <> 'vervallen')::int,
            maatregelen_gereed = r.maatregelen_gereed - (OLD.status = 'afgerond')::int
        FROM {KOPPELING} k
        WHERE k.beheersmaatregel_id = OLD.id AND r.id = k.risico_id;
    ELSE
        UPDATE {RISICO} r SET
            maatregelen_totaal = r.maatregelen_totaal
                + (NEW.status <> 'vervallen')::int - (OLD.status <> 'vervallen')::int,
            maatregelen_gereed = r.maatregelen_gereed
                + (NEW.status = 'afgerond')::int - (OLD.status = 'afgerond')::int
        FROM {KOPPELING} k
        WHERE k.beheersmaatregel_id = NEW.id AND r.id = k.risico_id;
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE TRIGGER risicos_telling_status
AFTER UPDATE OF status ON {MAATREGEL}
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION risicos_telling_maatregel()
""",
    f"""
CREATE TRIGGER risicos_telling_weg
AFTER DELETE ON {MAATREGEL}
FOR EACH ROW EXECUTE FUNCTION risicos_telling_maatregel()
""",
    # Served only the per-row count the counters replace (0004); the other index of
    # 0004 stays for the risk page's measures.
    'DROP INDEX IF EXISTS "maatregel_id_status"',
]

POSTGRESQL_WEG = [
    f"DROP TRIGGER IF EXISTS risicos_telling_koppeling ON {KOPPELING}",
    f"DROP TRIGGER IF EXISTS risicos_telling_status ON {MAATREGEL}",
    f"DROP TRIGGER IF EXISTS risicos_telling_weg ON {MAATREGEL}",
    "DROP FUNCTION IF EXISTS risicos_telling_koppeling()",
    "DROP FUNCTION IF EXISTS risicos_telling_maatregel()",
    f'CREATE INDEX IF NOT EXISTS "maatregel_id_status" ON {MAATREGEL} ("id") INCLUDE ("status")',
]


def _sqlite_plus(rij, teken):
    """SET clause adding (`+`) or taking (`-`) the link `rij` (NEW/OLD) to its risk."""
    status = f"(SELECT status FROM {MAATREGEL} WHERE id = {rij}.beheersmaatregel_id)"
    return (
        f"UPDATE {RISICO} SET "
        f"maatregelen_totaal = maatregelen_totaal {teken} COALESCE({status} <> 'vervallen', 0), "
        f"maatregelen_gereed = maatregelen_gereed {teken} COALESCE({status} = 'afgerond', 0) "
        f"WHERE id = {rij}.risico_id;"
    )


SQLITE = [
    f"CREATE TRIGGER risicos_telling_in AFTER INSERT ON {KOPPELING} "
    f"BEGIN {_sqlite_plus('NEW', '+')} END",
    f"CREATE TRIGGER risicos_telling_uit AFTER DELETE ON {KOPPELING} "
    f"BEGIN {_sqlite_plus('OLD', '-')} END",
    f"CREATE TRIGGER risicos_telling_verplaatst AFTER UPDATE ON {KOPPELING} "
    f"BEGIN {_sqlite_plus('OLD', '-')} {_sqlite_plus('NEW', '+')} END",
    f"""CREATE TRIGGER risicos_telling_status AFTER UPDATE OF status ON {MAATREGEL}
WHEN OLD.status IS NOT NEW.status BEGIN
UPDATE {RISICO} SET
    maatregelen_totaal = maatregelen_totaal
        + (NEW.status <> 'vervallen') - (OLD.status <> 'vervallen'),
    maatregelen_gereed = maatregelen_gereed
        + (NEW.status = 'afgerond') - (OLD.status = 'afgerond')
WHERE id IN (SELECT risico_id FROM {KOPPELING} WHERE beheersmaatregel_id = NEW.id);
END""",
    f"""CREATE TRIGGER risicos_telling_weg AFTER DELETE ON {MAATREGEL} BEGIN
UPDATE {RISICO} SET
    maatregelen_totaal = maatregelen_totaal - (OLD.status <> 'vervallen'),
    maatregelen_gereed = maatregelen_gereed - (OLD.status = 'afgerond')
WHERE id IN (SELECT risico_id FROM {KOPPELING} WHERE beheersmaatregel_id = OLD.id);
END""",
]

SQLITE_WEG = [
    f"DROP TRIGGER IF EXISTS {naam}"
    for naam in (
        "risicos_telling_in",
        "risicos_telling_uit",
        "risicos_telling_verplaatst",
        "risicos_telling_status",
        "risicos_telling_weg",
    )
]


def _per_database(postgresql, sqlite):
    def uitvoeren(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"Geen triggers voor de maatregeltellers op {vendor}.")
        for sql in postgresql if vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return uitvoeren


def tellen(apps, schema_editor):
    schema_editor.execute(TELLEN)


class Migration(migrations.Migration):
    dependencies = [
        ("programmas", "0004_indexen_voor_lijsten"),
        ("risicos", "0004_indexen_voor_maatregeltellingen"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="risico",
            name="maatregelen_gereed",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="maatregelen afgerond"
            ),
        ),
        migrations.AddField(
            model_name="risico",
            name="maatregelen_totaal",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="maatregelen (niet vervallen)"
            ),
        ),
        migrations.AddIndex(
            model_name="risico",
            index=models.Index(
                fields=["maatregelen_gereed", "maatregelen_totaal", "id"],
                name="risico_mr_telling",
            ),
        ),
        migrations.AddConstraint(
            model_name="risico",
            constraint=models.CheckConstraint(
                condition=models.Q(("maatregelen_gereed__lte", models.F("maatregelen_totaal"))),
                name="risicos_maatregelen_gereed_binnen_totaal",
            ),
        ),
        # Last: SQLite rebuilds a table to add a constraint, and its rename refuses while
        # a trigger names the table. Triggers first, then the count, in one transaction
        # (PostgreSQL), so no link written in between is missed or counted twice.
        migrations.RunPython(
            _per_database(POSTGRESQL, SQLITE),
            _per_database(POSTGRESQL_WEG, SQLITE_WEG),
            elidable=False,
        ),
        migrations.RunPython(tellen, migrations.RunPython.noop, elidable=False),
    ]
