"""The counters of 0009 locked in key order (issue 13).

0009's triggers updated the existing counter rows in whatever order the plan visited
them: two bulk statements touching many of the same counters (two imports of actions for
many owners) could each hold a row the other waits for, and PostgreSQL aborts one with a
deadlock. Now each statement first locks its existing counter rows in key order (`slot`),
updates those, then inserts the missing ones in key order (as 0009 already did): two
statements wait for each other in the same order instead. Only the PostgreSQL functions
change (the triggers call them by name); SQLite writes one transaction at a time.
"""

import importlib

from django.db import migrations

vorige = importlib.import_module("douane_portfolio.migrations.0009_tellers")
TELLER, BTELLER, DATUM, RAPPORT = vorige.TELLER, vorige.BTELLER, vorige.DATUM, vorige.RAPPORT

ACTIE_UPSERT = f"""
        WITH delta AS (
            SELECT eigenaar_id, sum(n) AS n, sum(l) AS l FROM ({{rijen}}) x
            GROUP BY eigenaar_id HAVING sum(n) <> 0 OR sum(l) <> 0
        ), slot AS (
            SELECT t.id FROM {TELLER} t JOIN delta
            ON t.soort = TG_ARGV[0] AND t.eigenaar_id = delta.eigenaar_id
            ORDER BY t.eigenaar_id FOR UPDATE OF t
        ), bijgewerkt AS (
            UPDATE {TELLER} t SET open = t.open + delta.n, te_laat = t.te_laat + delta.l
            FROM delta, slot WHERE t.id = slot.id AND t.eigenaar_id = delta.eigenaar_id
            RETURNING t.eigenaar_id
        )
        INSERT INTO {TELLER} AS t (soort, eigenaar_id, open, te_laat)
        SELECT TG_ARGV[0], eigenaar_id, n, l FROM delta
        WHERE eigenaar_id NOT IN (SELECT eigenaar_id FROM bijgewerkt) ORDER BY eigenaar_id
        ON CONFLICT (eigenaar_id, soort)
        DO UPDATE SET open = t.open + EXCLUDED.open, te_laat = t.te_laat + EXCLUDED.te_laat;
"""

BEVINDING_UPSERT = f"""
        WITH delta AS ({{delta}}), slot AS (
            SELECT t.id FROM {BTELLER} t JOIN delta
            ON (t.instantie, t.soort, t.status) = (delta.instantie, delta.soort, delta.status)
            ORDER BY t.instantie, t.soort, t.status FOR UPDATE OF t
        ), bijgewerkt AS (
            UPDATE {BTELLER} t SET aantal = t.aantal + delta.n FROM delta, slot
            WHERE t.id = slot.id
            AND (t.instantie, t.soort, t.status) = (delta.instantie, delta.soort, delta.status)
            RETURNING t.instantie, t.soort, t.status
        )
        INSERT INTO {BTELLER} AS t (instantie, soort, status, aantal)
        SELECT instantie, soort, status, n FROM delta
        WHERE (instantie, soort, status) NOT IN (SELECT * FROM bijgewerkt) ORDER BY 1, 2, 3
        ON CONFLICT (instantie, soort, status) DO UPDATE SET aantal = t.aantal + EXCLUDED.aantal;
"""


def _bevinding(rijen):
    return BEVINDING_UPSERT.format(delta=vorige.BEVINDING_DELTA.format(rijen=rijen))


NIEUW, OUD = vorige.ACTIE_NIEUW, vorige.ACTIE_OUD
BNIEUW, BOUD = vorige.BEVINDING_NIEUW, vorige.BEVINDING_OUD

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION douane_portfolio_actieteller() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d date;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {TELLER} WHERE soort = TG_ARGV[0];
        RETURN NULL;
    END IF;
    SELECT datum INTO d FROM {DATUM} WHERE id = 1 FOR SHARE;
    d := COALESCE(d, DATE '{vorige.GEEN_DATUM}');
    IF TG_OP = 'INSERT' THEN
        {ACTIE_UPSERT.format(rijen=NIEUW)}
    ELSIF TG_OP = 'DELETE' THEN
        {ACTIE_UPSERT.format(rijen=OUD)}
    ELSE
        {ACTIE_UPSERT.format(rijen=NIEUW + " UNION ALL " + OUD)}
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION douane_portfolio_bevindingteller() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {BTELLER};
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = '{RAPPORT}' THEN
        {BEVINDING_UPSERT.format(delta=vorige.RAPPORT_DELTA)}
        RETURN NULL;
    END IF;
    -- The findings' reports FOR SHARE: a report's change of body waits for this
    -- transaction (and this one for it), so its body is read as it will stay.
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM {RAPPORT} WHERE id IN (SELECT rapport_id FROM nieuw) ORDER BY id FOR SHARE;
        {_bevinding(BNIEUW)}
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM {RAPPORT} WHERE id IN (SELECT rapport_id FROM oud) ORDER BY id FOR SHARE;
        {_bevinding(BOUD)}
    ELSE
        PERFORM 1 FROM {RAPPORT} WHERE id IN ({vorige.RAPPORTEN_VAN.format("nieuw", "oud")})
        ORDER BY id FOR SHARE;
        {_bevinding(BNIEUW + " UNION ALL " + BOUD)}
    END IF;
    RETURN NULL;
END
$$
""",
]


def _alleen_postgresql(sqls):
    def uitvoeren(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in sqls:
                schema_editor.execute(sql)

    return uitvoeren


class Migration(migrations.Migration):
    dependencies = [("douane_portfolio", "0009_tellers")]

    operations = [
        migrations.RunPython(
            _alleen_postgresql(POSTGRESQL),
            # Back: 0009's functions (its first two statements).
            _alleen_postgresql(vorige.POSTGRESQL[:2]),
            elidable=False,
        ),
    ]
