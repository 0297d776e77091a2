"""Counters for the dashboard and the follow-up page, kept by the database (issue 13).

`Actieteller`: open and overdue actions per kind and owner; `Bevindingteller`: findings
per body, kind and status. Triggers keep them in the same transaction as the write, for
every path: services, forms, API, import, admin, `bulk_create`, `.update()`, raw SQL, COPY
(TRUNCATE clears a kind's counters). They add and take (+n/-n) rather than recount, so two
transactions writing at once both count (the counter row's lock orders them).

"Overdue" depends on today. A counter holds "open, deadline before the peildatum" (the one
row of `Tellerdatum`); `douane_portfolio.tellers.peildatum_zetten` moves that date to today by
adding the open actions due in between. Every action trigger reads the date FOR SHARE, so
a move waits for running writers and they wait for it: none is counted against the wrong
date. Finding triggers lock their reports FOR SHARE for the same reason: a report that
moves to another body takes its findings' counts along.

PostgreSQL: statement-level triggers with transition tables (one upsert per statement,
grouped per owner, in owner order; a COPY of 500,000 measures is one aggregate).
SQLite: row triggers. A later migration that makes SQLite rebuild an action table or
`audits_bevinding` drops their triggers with the old table; tests/rapportage/
test_tellers.py checks that each trigger exists after all migrations. Status values are
spelled here as `ActieStatus` has them.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

ACTIETABELLEN = ("programmas_mijlpaal", "risicos_beheersmaatregel", "audits_vervolgactie")
OPEN = "('open', 'in_uitvoering')"
TELLER = "douane_portfolio_actieteller"
DATUM = "douane_portfolio_tellerdatum"
BEVINDING = "audits_bevinding"
RAPPORT = "audits_auditrapport"
BTELLER = "douane_portfolio_bevindingteller"
# No peildatum row (after a flush) counts as this: nothing is overdue against it.
GEEN_DATUM = "0001-01-01"

# Deltas per owner: existing counters are updated, missing ones inserted. Not one
# INSERT ... ON CONFLICT DO UPDATE: PostgreSQL checks the proposed row's CHECK constraints
# before it looks for the conflict, so a negative delta would fail there.
ACTIE_UPSERT = f"""
        WITH delta AS (
            SELECT eigenaar_id, sum(n) AS n, sum(l) AS l FROM ({{rijen}}) x
            GROUP BY eigenaar_id HAVING sum(n) <> 0 OR sum(l) <> 0
        ), bijgewerkt AS (
            UPDATE {TELLER} t SET open = t.open + delta.n, te_laat = t.te_laat + delta.l
            FROM delta WHERE t.soort = TG_ARGV[0] AND t.eigenaar_id = delta.eigenaar_id
            RETURNING t.eigenaar_id
        )
        INSERT INTO {TELLER} AS t (soort, eigenaar_id, open, te_laat)
        SELECT TG_ARGV[0], eigenaar_id, n, l FROM delta
        WHERE eigenaar_id NOT IN (SELECT eigenaar_id FROM bijgewerkt) ORDER BY eigenaar_id
        ON CONFLICT (eigenaar_id, soort)
        DO UPDATE SET open = t.open + EXCLUDED.open, te_laat = t.te_laat + EXCLUDED.te_laat;
"""
ACTIE_NIEUW = (
    f"SELECT eigenaar_id, 1 AS n, (deadline < d)::int AS l FROM nieuw WHERE status IN {OPEN}"
)
ACTIE_OUD = (
    f"SELECT eigenaar_id, -1 AS n, -(deadline < d)::int AS l FROM oud WHERE status IN {OPEN}"
)

# `delta`: (instantie, soort, status, n) rows, one per counter.
BEVINDING_UPSERT = f"""
        WITH delta AS ({{delta}}), bijgewerkt AS (
            UPDATE {BTELLER} t SET aantal = t.aantal + delta.n FROM delta
            WHERE (t.instantie, t.soort, t.status) = (delta.instantie, delta.soort, delta.status)
            RETURNING t.instantie, t.soort, t.status
        )
        INSERT INTO {BTELLER} AS t (instantie, soort, status, aantal)
        SELECT instantie, soort, status, n FROM delta
        WHERE (instantie, soort, status) NOT IN (SELECT * FROM bijgewerkt) ORDER BY 1, 2, 3
        ON CONFLICT (instantie, soort, status) DO UPDATE SET aantal = t.aantal + EXCLUDED.aantal;
"""
BEVINDING_DELTA = f"""
            SELECT r.instantie, x.soort, x.status, sum(x.n) AS n FROM ({{rijen}}) x
            JOIN {RAPPORT} r ON r.id = x.rapport_id
            GROUP BY 1, 2, 3 HAVING sum(x.n) <> 0"""
BEVINDING_NIEUW = "SELECT rapport_id, soort, status, 1 AS n FROM nieuw"
BEVINDING_OUD = "SELECT rapport_id, soort, status, -1 AS n FROM oud"
# A report that moved to another body takes its findings along.
RAPPORT_DELTA = f"""
            SELECT instantie, soort, status, sum(n) AS n FROM (
                SELECT nw.instantie, b.soort, b.status, 1 AS n
                FROM nieuw nw JOIN oud o ON o.id = nw.id JOIN {BEVINDING} b ON b.rapport_id = nw.id
                WHERE nw.instantie <> o.instantie
                UNION ALL
                SELECT o.instantie, b.soort, b.status, -1
                FROM nieuw nw JOIN oud o ON o.id = nw.id JOIN {BEVINDING} b ON b.rapport_id = nw.id
                WHERE nw.instantie <> o.instantie
            ) x GROUP BY 1, 2, 3 HAVING sum(n) <> 0"""
RAPPORTEN_VAN = "SELECT rapport_id FROM {} UNION SELECT rapport_id FROM {}"


def _bevinding(rijen):
    return BEVINDING_UPSERT.format(delta=BEVINDING_DELTA.format(rijen=rijen))


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
    d := COALESCE(d, DATE '{GEEN_DATUM}');
    IF TG_OP = 'INSERT' THEN
        {ACTIE_UPSERT.format(rijen=ACTIE_NIEUW)}
    ELSIF TG_OP = 'DELETE' THEN
        {ACTIE_UPSERT.format(rijen=ACTIE_OUD)}
    ELSE
        {ACTIE_UPSERT.format(rijen=ACTIE_NIEUW + " UNION ALL " + ACTIE_OUD)}
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
        {BEVINDING_UPSERT.format(delta=RAPPORT_DELTA)}
        RETURN NULL;
    END IF;
    -- The findings' reports FOR SHARE: a report's change of body waits for this
    -- transaction (and this one for it), so its body is read as it will stay.
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM {RAPPORT} WHERE id IN (SELECT rapport_id FROM nieuw) ORDER BY id FOR SHARE;
        {_bevinding(BEVINDING_NIEUW)}
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM {RAPPORT} WHERE id IN (SELECT rapport_id FROM oud) ORDER BY id FOR SHARE;
        {_bevinding(BEVINDING_OUD)}
    ELSE
        PERFORM 1 FROM {RAPPORT} WHERE id IN ({RAPPORTEN_VAN.format("nieuw", "oud")})
        ORDER BY id FOR SHARE;
        {_bevinding(BEVINDING_NIEUW + " UNION ALL " + BEVINDING_OUD)}
    END IF;
    RETURN NULL;
END
$$
""",
]


def _pg_triggers(tabel, functie, argument=""):
    return [
        f"CREATE TRIGGER portfolio_teller_in AFTER INSERT ON {tabel} "
        f"REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION {functie}({argument})",
        f"CREATE TRIGGER portfolio_teller_bij AFTER UPDATE ON {tabel} "
        "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {functie}({argument})",
        f"CREATE TRIGGER portfolio_teller_uit AFTER DELETE ON {tabel} "
        f"REFERENCING OLD TABLE AS oud FOR EACH STATEMENT EXECUTE FUNCTION {functie}({argument})",
        f"CREATE TRIGGER portfolio_teller_leeg AFTER TRUNCATE ON {tabel} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {functie}({argument})",
    ]


for _tabel in ACTIETABELLEN:
    POSTGRESQL += _pg_triggers(_tabel, "douane_portfolio_actieteller", f"'{_tabel}'")
POSTGRESQL += _pg_triggers(BEVINDING, "douane_portfolio_bevindingteller")
POSTGRESQL.append(
    f"CREATE TRIGGER portfolio_teller_bij AFTER UPDATE ON {RAPPORT} "
    "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION douane_portfolio_bevindingteller()"
)

# The peildatum row deleted (a flush: Django's SQLite flush deletes table by table in no
# fixed order, so actions may go after it): nothing counts as overdue any more, as for
# GEEN_DATUM; else a later delete takes an action off "open" but not off "overdue".
POSTGRESQL += [
    f"""
CREATE OR REPLACE FUNCTION douane_portfolio_tellerdatum_weg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {TELLER} SET te_laat = 0 WHERE te_laat <> 0;
    RETURN NULL;
END
$$
""",
    f"CREATE TRIGGER portfolio_teller_uit AFTER DELETE ON {DATUM} "
    "FOR EACH STATEMENT EXECUTE FUNCTION douane_portfolio_tellerdatum_weg()",
    f"CREATE TRIGGER portfolio_teller_leeg AFTER TRUNCATE ON {DATUM} "
    "FOR EACH STATEMENT EXECUTE FUNCTION douane_portfolio_tellerdatum_weg()",
]

POSTGRESQL_WEG = [
    f"DROP TRIGGER IF EXISTS {naam} ON {tabel}"
    for tabel in (*ACTIETABELLEN, BEVINDING)
    for naam in (
        "portfolio_teller_in",
        "portfolio_teller_bij",
        "portfolio_teller_uit",
        "portfolio_teller_leeg",
    )
] + [
    f"DROP TRIGGER IF EXISTS portfolio_teller_bij ON {RAPPORT}",
    f"DROP TRIGGER IF EXISTS portfolio_teller_uit ON {DATUM}",
    f"DROP TRIGGER IF EXISTS portfolio_teller_leeg ON {DATUM}",
    "DROP FUNCTION IF EXISTS douane_portfolio_tellerdatum_weg()",
    "DROP FUNCTION IF EXISTS douane_portfolio_actieteller()",
    "DROP FUNCTION IF EXISTS douane_portfolio_bevindingteller()",
]

SQLITE_DATUM = f"COALESCE((SELECT datum FROM {DATUM} WHERE id = 1), '{GEEN_DATUM}')"


def _sqlite_actie(tabel, rij, teken):
    """The statement that adds (`+`) or takes (`-`) the action `rij` (NEW/OLD)."""
    if teken == "+":
        return (
            f"INSERT INTO {TELLER} (soort, eigenaar_id, open, te_laat) "
            f"SELECT '{tabel}', NEW.eigenaar_id, 1, NEW.deadline < {SQLITE_DATUM} "
            f"WHERE NEW.status IN {OPEN} "
            "ON CONFLICT (eigenaar_id, soort) DO UPDATE SET "
            "open = open + excluded.open, te_laat = te_laat + excluded.te_laat;"
        )
    return (
        f"UPDATE {TELLER} SET open = open - 1, te_laat = te_laat - (OLD.deadline < {SQLITE_DATUM}) "
        f"WHERE soort = '{tabel}' AND eigenaar_id = OLD.eigenaar_id AND OLD.status IN {OPEN};"
    )


def _sqlite_bevinding(rij, teken):
    if teken == "+":
        return (
            f"INSERT INTO {BTELLER} (instantie, soort, status, aantal) "
            f"SELECT instantie, NEW.soort, NEW.status, 1 FROM {RAPPORT} WHERE id = NEW.rapport_id "
            "ON CONFLICT (instantie, soort, status) DO UPDATE SET aantal = aantal + 1;"
        )
    return (
        f"UPDATE {BTELLER} SET aantal = aantal - 1 WHERE soort = OLD.soort "
        f"AND status = OLD.status "
        f"AND instantie = (SELECT instantie FROM {RAPPORT} WHERE id = OLD.rapport_id);"
    )


SQLITE = []
for _tabel in ACTIETABELLEN:
    SQLITE += [
        f"CREATE TRIGGER {_tabel}_teller_in AFTER INSERT ON {_tabel} "
        f"BEGIN {_sqlite_actie(_tabel, 'NEW', '+')} END",
        f"CREATE TRIGGER {_tabel}_teller_uit AFTER DELETE ON {_tabel} "
        f"BEGIN {_sqlite_actie(_tabel, 'OLD', '-')} END",
        f"CREATE TRIGGER {_tabel}_teller_bij AFTER UPDATE OF status, eigenaar_id, deadline "
        f"ON {_tabel} BEGIN {_sqlite_actie(_tabel, 'OLD', '-')} "
        f"{_sqlite_actie(_tabel, 'NEW', '+')} END",
    ]
SQLITE += [
    f"CREATE TRIGGER {BEVINDING}_teller_in AFTER INSERT ON {BEVINDING} "
    f"BEGIN {_sqlite_bevinding('NEW', '+')} END",
    f"CREATE TRIGGER {BEVINDING}_teller_uit AFTER DELETE ON {BEVINDING} "
    f"BEGIN {_sqlite_bevinding('OLD', '-')} END",
    f"CREATE TRIGGER {BEVINDING}_teller_bij AFTER UPDATE OF status, soort, rapport_id "
    f"ON {BEVINDING} BEGIN {_sqlite_bevinding('OLD', '-')} {_sqlite_bevinding('NEW', '+')} END",
    f"""CREATE TRIGGER {RAPPORT}_teller_bij AFTER UPDATE OF instantie ON {RAPPORT}
WHEN OLD.instantie IS NOT NEW.instantie BEGIN
UPDATE {BTELLER} SET aantal = aantal - (
    SELECT count(*) FROM {BEVINDING} b
    WHERE b.rapport_id = NEW.id AND b.soort = {BTELLER}.soort AND b.status = {BTELLER}.status)
WHERE instantie = OLD.instantie;
INSERT INTO {BTELLER} (instantie, soort, status, aantal)
SELECT NEW.instantie, soort, status, count(*) FROM {BEVINDING} WHERE rapport_id = NEW.id
GROUP BY soort, status
ON CONFLICT (instantie, soort, status) DO UPDATE SET aantal = aantal + excluded.aantal;
END""",
]

SQLITE.append(
    f"CREATE TRIGGER {DATUM}_teller_uit AFTER DELETE ON {DATUM} "
    f"BEGIN UPDATE {TELLER} SET te_laat = 0 WHERE te_laat <> 0; END"
)

SQLITE_WEG = [
    f"DROP TRIGGER IF EXISTS {tabel}_teller_{naam}"
    for tabel in (*ACTIETABELLEN, BEVINDING)
    for naam in ("in", "uit", "bij")
] + [f"DROP TRIGGER IF EXISTS {RAPPORT}_teller_bij", f"DROP TRIGGER IF EXISTS {DATUM}_teller_uit"]


def _per_database(postgresql, sqlite):
    def uitvoeren(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"Geen triggers voor de tellers op {vendor}.")
        for sql in postgresql if vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return uitvoeren


def tellen(apps, schema_editor):
    """Fill the counters, with today as the peildatum (after the triggers, in the same
    transaction on PostgreSQL, so no write in between is missed or counted twice)."""
    vandaag = timezone.localdate() if settings.USE_TZ else datetime.date.today()
    uitvoeren = schema_editor.execute
    for tabel in (TELLER, DATUM, BTELLER):
        uitvoeren(f"DELETE FROM {tabel}")
    uitvoeren(f"INSERT INTO {DATUM} (id, datum) VALUES (1, %s)", [vandaag])
    for tabel in ACTIETABELLEN:
        uitvoeren(
            f"INSERT INTO {TELLER} (soort, eigenaar_id, open, te_laat) "
            f"SELECT %s, eigenaar_id, count(*), sum(CASE WHEN deadline < %s THEN 1 ELSE 0 END) "
            f"FROM {tabel} WHERE status IN {OPEN} GROUP BY eigenaar_id",
            [tabel, vandaag],
        )
    uitvoeren(
        f"INSERT INTO {BTELLER} (instantie, soort, status, aantal) "
        f"SELECT r.instantie, b.soort, b.status, count(*) FROM {BEVINDING} b "
        f"JOIN {RAPPORT} r ON r.id = b.rapport_id GROUP BY r.instantie, b.soort, b.status"
    )




class Migration(migrations.Migration):
    dependencies = [
        ("douane_portfolio", "0008_index_gebruiker_op_naam"),
        ("audits", "0009_domeinindex"),
        ("programmas", "0004_indexen_voor_lijsten"),
        ("risicos", "0007_zoekindexen"),
    ]

    operations = [
        migrations.CreateModel(
            name="Bevindingteller",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("instantie", models.CharField(max_length=10, verbose_name="instantie")),
                ("soort", models.CharField(max_length=30, verbose_name="soort")),
                ("status", models.CharField(max_length=20, verbose_name="status")),
                ("aantal", models.IntegerField(verbose_name="aantal")),
            ],
            options={
                "verbose_name": "bevindingteller",
                "verbose_name_plural": "bevindingtellers",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("instantie", "soort", "status"), name="bevindingteller_uniek"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("aantal__gte", 0)), name="bevindingteller_pos"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Tellerdatum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("datum", models.DateField(verbose_name="peildatum")),
                (
                    "vorige",
                    models.DateField(blank=True, null=True, verbose_name="vorige peildatum"),
                ),
            ],
            options={
                "verbose_name": "peildatum van de tellers",
                "verbose_name_plural": "peildatum van de tellers",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="tellerdatum_een")
                ],
            },
        ),
        migrations.CreateModel(
            name="Actieteller",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("soort", models.CharField(max_length=60, verbose_name="soort actie")),
                ("open", models.IntegerField(verbose_name="open")),
                (
                    "te_laat",
                    models.IntegerField(verbose_name="te laat (deadline vóór de peildatum)"),
                ),
                (
                    "eigenaar",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="eigenaar",
                    ),
                ),
            ],
            options={
                "verbose_name": "actieteller",
                "verbose_name_plural": "actietellers",
                "constraints": [
                    models.UniqueConstraint(fields=("eigenaar", "soort"), name="actieteller_uniek"),
                    models.CheckConstraint(
                        condition=models.Q(("te_laat__gte", 0), ("te_laat__lte", models.F("open"))),
                        name="actieteller_binnen_open",
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
        # "Wacht op uw oordeel": the longest pending reviews first, 25 of them off this
        # index instead of a sort of every finding under review (an index on another
        # app's table, next to the page that needs it, as in 0006).
        migrations.RunSQL(
            'CREATE INDEX IF NOT EXISTS "beoordeling_lopend" ON "audits_beoordeling" '
            '("aangeboden_op", "id") WHERE "oordeel" = \'\'',
            'DROP INDEX IF EXISTS "beoordeling_lopend"',
        ),
    ]
