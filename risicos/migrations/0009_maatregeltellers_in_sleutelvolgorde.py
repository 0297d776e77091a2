"""The measure counters of 0005 locked in key order (issue 13).

0005's row triggers updated a risk per link row, in the order the statement wrote the
links: one statement linking a measure to risks 2 and 1 held risk 2 while it waited for
risk 1, which a second transaction (holding 1, wanting 2) could be holding, and
PostgreSQL aborted one of the two. Now statement triggers with transition tables: per
statement the measures FOR SHARE in id order (a status change and a link of the same
measure cannot miss each other, as before), then the risks in id order, then one grouped
UPDATE. FOR NO KEY UPDATE, the lock the UPDATE itself takes: a plain FOR UPDATE would also
block other transactions' foreign key checks on the risk (a new link, a new score).

A status change: a statement trigger on every UPDATE of a measure (transition tables
allow no column list), which finds the rows whose status changed. Only PostgreSQL
changes; SQLite writes one transaction at a time.
"""

import importlib

from django.db import migrations

vorige = importlib.import_module("risicos.migrations.0005_maatregeltellers")
RISICO, MAATREGEL, KOPPELING = vorige.RISICO, vorige.MAATREGEL, vorige.KOPPELING


def _uitvoeren(sql):
    """Planned at each call (EXECUTE), not once per session: a plan cached for the
    transition tables of a bulk statement (thousands of rows: scan all links) would
    serve every later single-row change too, and the other way round."""
    return f"EXECUTE $sql${sql}$sql$;"


def _bijwerken(rijen):
    """Lock and update the risks of `rijen` (risico_id, totaal, gereed deltas) in id order."""
    return _uitvoeren(
        f"SELECT 1 FROM {RISICO} WHERE id IN (SELECT risico_id FROM ({rijen}) x) "
        "ORDER BY id FOR NO KEY UPDATE"
    ) + _uitvoeren(
        f"""UPDATE {RISICO} r SET
            maatregelen_totaal = r.maatregelen_totaal + d.totaal,
            maatregelen_gereed = r.maatregelen_gereed + d.gereed
        FROM (
            SELECT risico_id, sum(totaal) AS totaal, sum(gereed) AS gereed FROM ({rijen}) x
            GROUP BY risico_id HAVING sum(totaal) <> 0 OR sum(gereed) <> 0
        ) d
        WHERE r.id = d.risico_id"""
    )


def _koppelingen(tabel, teken):
    return (
        f"SELECT k.risico_id, {teken} * (m.status <> 'vervallen')::int AS totaal, "
        f"{teken} * (m.status = 'afgerond')::int AS gereed "
        f"FROM {tabel} k JOIN {MAATREGEL} m ON m.id = k.beheersmaatregel_id"
    )


def _maatregelen_vast(*tabellen):
    bron = " UNION ".join(f"SELECT beheersmaatregel_id FROM {t}" for t in tabellen)
    return _uitvoeren(f"SELECT 1 FROM {MAATREGEL} WHERE id IN ({bron}) ORDER BY id FOR SHARE")


STATUS_GEWIJZIGD = f"""
    SELECT k.risico_id,
        (n.status <> 'vervallen')::int - (o.status <> 'vervallen')::int AS totaal,
        (n.status = 'afgerond')::int - (o.status = 'afgerond')::int AS gereed
    FROM nieuw n JOIN oud o ON o.id = n.id
    JOIN {KOPPELING} k ON k.beheersmaatregel_id = n.id
    WHERE n.status IS DISTINCT FROM o.status
"""

WEG = f"""
    SELECT k.risico_id, -(o.status <> 'vervallen')::int AS totaal,
        -(o.status = 'afgerond')::int AS gereed
    FROM oud o JOIN {KOPPELING} k ON k.beheersmaatregel_id = o.id
"""

POSTGRESQL = [
    f"DROP TRIGGER IF EXISTS risicos_telling_koppeling ON {KOPPELING}",
    f"DROP TRIGGER IF EXISTS risicos_telling_status ON {MAATREGEL}",
    f"DROP TRIGGER IF EXISTS risicos_telling_weg ON {MAATREGEL}",
    f"""
CREATE OR REPLACE FUNCTION risicos_telling_koppeling() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_maatregelen_vast("nieuw")}
        {_bijwerken(_koppelingen("nieuw", 1))}
    ELSIF TG_OP = 'DELETE' THEN
        {_maatregelen_vast("oud")}
        {_bijwerken(_koppelingen("oud", -1))}
    ELSE
        {_maatregelen_vast("nieuw", "oud")}
        {_bijwerken(_koppelingen("nieuw", 1) + " UNION ALL " + _koppelingen("oud", -1))}
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION risicos_telling_maatregel() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        {_bijwerken(WEG)}
    ELSIF EXISTS (
        SELECT 1 FROM nieuw n JOIN oud o ON o.id = n.id WHERE n.status IS DISTINCT FROM o.status
    ) THEN
        {_bijwerken(STATUS_GEWIJZIGD)}
    END IF;
    RETURN NULL;
END
$$
""",
    f"CREATE TRIGGER risicos_telling_in AFTER INSERT ON {KOPPELING} "
    "REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION risicos_telling_koppeling()",
    f"CREATE TRIGGER risicos_telling_bij AFTER UPDATE ON {KOPPELING} "
    "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION risicos_telling_koppeling()",
    f"CREATE TRIGGER risicos_telling_uit AFTER DELETE ON {KOPPELING} "
    "REFERENCING OLD TABLE AS oud FOR EACH STATEMENT EXECUTE FUNCTION risicos_telling_koppeling()",
    f"CREATE TRIGGER risicos_telling_status AFTER UPDATE ON {MAATREGEL} "
    "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION risicos_telling_maatregel()",
    f"CREATE TRIGGER risicos_telling_weg AFTER DELETE ON {MAATREGEL} "
    "REFERENCING OLD TABLE AS oud FOR EACH STATEMENT EXECUTE FUNCTION risicos_telling_maatregel()",
]

POSTGRESQL_TERUG = [
    *(f"DROP TRIGGER IF EXISTS risicos_telling_{n} ON {KOPPELING}" for n in ("in", "bij", "uit")),
    f"DROP TRIGGER IF EXISTS risicos_telling_status ON {MAATREGEL}",
    f"DROP TRIGGER IF EXISTS risicos_telling_weg ON {MAATREGEL}",
    # 0005's functions and row triggers (not its last statement, an index drop).
    *vorige.POSTGRESQL[:-1],
]


def _alleen_postgresql(sqls):
    def uitvoeren(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in sqls:
                schema_editor.execute(sql)

    return uitvoeren


class Migration(migrations.Migration):
    dependencies = [("risicos", "0008_tellers")]

    operations = [
        migrations.RunPython(
            _alleen_postgresql(POSTGRESQL), _alleen_postgresql(POSTGRESQL_TERUG), elidable=False
        ),
    ]
