"""Keep `risicos_risico.bevindingen_open`, the open findings linked to each risk, in the
database (issue 13). The register showed and sorted by a count subquery per risk: at
20,000 risks its sort "Open bevindingen" took 80-135 ms for the first page and 520-660 ms
for a deep one; now it walks the index `risico_bev_open` (risicos 0013).

The same design as the measure counters (risicos 0005 and 0009), for every write path
(services, forms, admin, import, `bulk_create`, `.update()`, raw SQL, COPY), adding and
taking (+n/-n), so two transactions writing at once both count:
- PostgreSQL: statement triggers with transition tables. Per statement the findings of
  the links FOR SHARE in id order (a status change and a link of the same finding cannot
  miss each other), then the risks FOR NO KEY UPDATE in id order, then one grouped
  UPDATE. A finding deleted before its links (raw SQL; Django deletes the links first)
  is handled on the finding's delete; the links' later delete finds no finding then.
- SQLite: row triggers. A later migration that makes SQLite rebuild `risicos_risico`,
  `audits_bevinding` or the link table must drop them first and put them back (SQLITE_WEG,
  SQLITE), as risicos 0005 explains.
Statuses are spelled as `BevindingStatus` has them (a test holds NOG_NIET_OPGELOST equal).
"""

from django.db import migrations

from douane_portfolio.tellerkolommen import (
    bijwerken_in_sleutelvolgorde,
    per_aanroep_gepland,
    per_database,
)

RISICO = "risicos_risico"
BEVINDING = "audits_bevinding"
KOPPELING = "audits_bevinding_risicos"
OPEN = "('open', 'in_uitvoering', 'ter_beoordeling')"

TELLEN = f"""
UPDATE {RISICO} SET bevindingen_open = (
    SELECT count(*) FROM {KOPPELING} k JOIN {BEVINDING} b ON b.id = k.bevinding_id
    WHERE k.risico_id = {RISICO}.id AND b.status IN {OPEN})
"""


def _bijwerken(rijen):
    """Lock and update the risks of `rijen` (ouder: the risk, bevindingen_open: ±1) in id
    order."""
    return bijwerken_in_sleutelvolgorde(RISICO, ("bevindingen_open",), rijen)


def _koppelingen(tabel, teken):
    return (
        f"SELECT k.risico_id AS ouder, {teken} AS bevindingen_open FROM {tabel} k "
        f"JOIN {BEVINDING} b ON b.id = k.bevinding_id WHERE b.status IN {OPEN}"
    )


def _bevindingen_vast(*tabellen):
    bron = " UNION ".join(f"SELECT bevinding_id FROM {t}" for t in tabellen)
    return per_aanroep_gepland(f"SELECT 1 FROM {BEVINDING} WHERE id IN ({bron}) ORDER BY id FOR SHARE")


STATUS_GEWIJZIGD = f"""
    SELECT k.risico_id AS ouder,
        (n.status IN {OPEN})::int - (o.status IN {OPEN})::int AS bevindingen_open
    FROM nieuw n JOIN oud o ON o.id = n.id
    JOIN {KOPPELING} k ON k.bevinding_id = n.id
    WHERE (n.status IN {OPEN}) <> (o.status IN {OPEN})
"""

WEG = f"""
    SELECT k.risico_id AS ouder, -1 AS bevindingen_open
    FROM oud o JOIN {KOPPELING} k ON k.bevinding_id = o.id WHERE o.status IN {OPEN}
"""

POSTGRESQL = [
    TELLEN,
    f"""
CREATE OR REPLACE FUNCTION audits_risicoteller_koppeling() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_bevindingen_vast("nieuw")}
        {_bijwerken(_koppelingen("nieuw", 1))}
    ELSIF TG_OP = 'DELETE' THEN
        {_bevindingen_vast("oud")}
        {_bijwerken(_koppelingen("oud", -1))}
    ELSE
        {_bevindingen_vast("nieuw", "oud")}
        {_bijwerken(_koppelingen("nieuw", 1) + " UNION ALL " + _koppelingen("oud", -1))}
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION audits_risicoteller_bevinding() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        {_bijwerken(WEG)}
    ELSIF EXISTS (
        SELECT 1 FROM nieuw n JOIN oud o ON o.id = n.id
        WHERE (n.status IN {OPEN}) <> (o.status IN {OPEN})
    ) THEN
        {_bijwerken(STATUS_GEWIJZIGD)}
    END IF;
    RETURN NULL;
END
$$
""",
    f"CREATE TRIGGER audits_risicoteller_in AFTER INSERT ON {KOPPELING} "
    "REFERENCING NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION audits_risicoteller_koppeling()",
    f"CREATE TRIGGER audits_risicoteller_bij AFTER UPDATE ON {KOPPELING} "
    "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION audits_risicoteller_koppeling()",
    f"CREATE TRIGGER audits_risicoteller_uit AFTER DELETE ON {KOPPELING} "
    "REFERENCING OLD TABLE AS oud "
    "FOR EACH STATEMENT EXECUTE FUNCTION audits_risicoteller_koppeling()",
    f"CREATE TRIGGER audits_risicoteller_status AFTER UPDATE ON {BEVINDING} "
    "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
    "FOR EACH STATEMENT EXECUTE FUNCTION audits_risicoteller_bevinding()",
    f"CREATE TRIGGER audits_risicoteller_weg AFTER DELETE ON {BEVINDING} "
    "REFERENCING OLD TABLE AS oud "
    "FOR EACH STATEMENT EXECUTE FUNCTION audits_risicoteller_bevinding()",
]

POSTGRESQL_WEG = [
    *(
        f"DROP TRIGGER IF EXISTS audits_risicoteller_{n} ON {KOPPELING}"
        for n in ("in", "bij", "uit")
    ),
    *(f"DROP TRIGGER IF EXISTS audits_risicoteller_{n} ON {BEVINDING}" for n in ("status", "weg")),
    "DROP FUNCTION IF EXISTS audits_risicoteller_koppeling()",
    "DROP FUNCTION IF EXISTS audits_risicoteller_bevinding()",
    f"UPDATE {RISICO} SET bevindingen_open = 0",
]


def _sqlite_link(rij, teken):
    return (
        f"UPDATE {RISICO} SET bevindingen_open = bevindingen_open {teken} 1 "
        f"WHERE id = {rij}.risico_id "
        f"AND (SELECT status FROM {BEVINDING} WHERE id = {rij}.bevinding_id) IN {OPEN};"
    )


SQLITE = [
    TELLEN,
    f"CREATE TRIGGER audits_risicoteller_in AFTER INSERT ON {KOPPELING} "
    f"BEGIN {_sqlite_link('NEW', '+')} END",
    f"CREATE TRIGGER audits_risicoteller_uit AFTER DELETE ON {KOPPELING} "
    f"BEGIN {_sqlite_link('OLD', '-')} END",
    f"CREATE TRIGGER audits_risicoteller_bij AFTER UPDATE ON {KOPPELING} "
    f"BEGIN {_sqlite_link('OLD', '-')} {_sqlite_link('NEW', '+')} END",
    f"""CREATE TRIGGER audits_risicoteller_status AFTER UPDATE OF status ON {BEVINDING}
WHEN (OLD.status IN {OPEN}) <> (NEW.status IN {OPEN}) BEGIN
UPDATE {RISICO} SET bevindingen_open = bevindingen_open
    + (NEW.status IN {OPEN}) - (OLD.status IN {OPEN})
WHERE id IN (SELECT risico_id FROM {KOPPELING} WHERE bevinding_id = NEW.id);
END""",
    f"""CREATE TRIGGER audits_risicoteller_weg AFTER DELETE ON {BEVINDING}
WHEN OLD.status IN {OPEN} BEGIN
UPDATE {RISICO} SET bevindingen_open = bevindingen_open - 1
WHERE id IN (SELECT risico_id FROM {KOPPELING} WHERE bevinding_id = OLD.id);
END""",
]

SQLITE_WEG = [
    *(
        f"DROP TRIGGER IF EXISTS audits_risicoteller_{n}"
        for n in ("in", "uit", "bij", "status", "weg")
    ),
    f"UPDATE {RISICO} SET bevindingen_open = 0",
]


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0015_sorteerindexen"),
        ("risicos", "0013_bevindingen_open"),
    ]

    operations = [
        migrations.RunPython(
            per_database(POSTGRESQL, SQLITE, "de bevindingtellers"),
            per_database(POSTGRESQL_WEG, SQLITE_WEG, "de bevindingtellers"),
            elidable=False,
        ),
    ]
