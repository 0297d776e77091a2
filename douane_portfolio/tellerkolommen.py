"""Counter columns on a parent row, summed from its child rows and kept by database
triggers (issue 13): a finding's open actions, an initiative's open milestones. A list
sorts by such a column through an index (counter, id) instead of counting per row.
Every table, column and value here comes from a migration's own constants, never from
input (hence the `nosec B608`).

Used by migrations (audits 0017, programmas 0009): the SQL a migration ran must stay
what it was, so change this module only by adding.

The design of the measure counters (risicos 0005 and 0009), for every write path
(services, forms, admin, import, `bulk_create`, `.update()`, raw SQL, COPY), by +n/-n:
- PostgreSQL: statement triggers on the child table with transition tables. The deltas
  per parent are summed first; only parents whose counts change are locked (FOR NO KEY
  UPDATE, in id order, so two statements wait instead of deadlocking) and updated. A
  child's new deadline or description locks nothing.
- SQLite: row triggers (one writer at a time). A later migration that makes SQLite
  rebuild either table must drop them first and put them back (`sqlite_weg`, `sqlite`).
A parent deleted before its children (raw SQL; the foreign key is checked at commit)
leaves the children's later delete nothing to update.
"""

import re
from dataclasses import dataclass

from django.db import migrations

# The counters' peildatum (douane_portfolio.tellers), in a value that counts "overdue": a
# child whose deadline lies before it. A missing row counts as 0001-01-01 (nothing overdue),
# as the hub's own triggers read it; the untyped literal is a date on PostgreSQL too.
PEILDATUM = "COALESCE((SELECT datum FROM douane_portfolio_tellerdatum WHERE id = 1), '0001-01-01')"
# Taken first by a statement trigger whose values read the peildatum: moving it
# (tellers.peildatum_zetten) waits for this transaction, so no write is counted against
# a date that changes before it commits (as the hub's actieteller does).
PEILDATUM_VAST = "PERFORM 1 FROM douane_portfolio_tellerdatum WHERE id = 1 FOR SHARE;"


def per_aanroep_gepland(sql):
    """Planned at each call, not once per session: a plan cached for the transition
    tables of a bulk statement would serve every single-row change too (risicos 0009)."""
    return f"EXECUTE $sql${sql}$sql$;"


def bijwerken_in_sleutelvolgorde(ouder, kolommen, rijen):
    """PL/pgSQL adding the deltas of `rijen` (SQL: `ouder` the parent's id, a column per
    counter of `kolommen`) to the rows of `ouder`: the sums per parent first, then only
    the parents whose counts change locked in id order (two statements wait instead of
    deadlocking), then one UPDATE."""
    sommen = ", ".join(f"sum({k}) AS {k}" for k in kolommen)
    anders = " OR ".join(f"sum({k}) <> 0" for k in kolommen)
    delta = f"SELECT ouder, {sommen} FROM ({rijen}) x GROUP BY ouder HAVING {anders}"  # nosec B608
    sets = ", ".join(f"{k} = p.{k} + d.{k}" for k in kolommen)
    return per_aanroep_gepland(
        f"SELECT 1 FROM {ouder} WHERE id IN (SELECT ouder FROM ({delta}) d) "  # nosec B608
        "ORDER BY id FOR NO KEY UPDATE"
    ) + per_aanroep_gepland(
        f"UPDATE {ouder} p SET {sets} FROM ({delta}) d WHERE p.id = d.ouder"  # nosec B608
    )


@dataclass(frozen=True)
class Tellerkolommen:
    naam: str  # prefix of the triggers and the function
    ouder: str  # the parent table, with the counter columns
    kind: str  # the child table
    sleutel: str  # the child's column pointing at the parent
    kolommen: dict  # counter column -> its value per child row, SQL on the child's columns
    bronnen: tuple  # the child's columns those values read (SQLite's UPDATE OF)
    vooraf: str = ""  # PL/pgSQL run first in the trigger function (PEILDATUM_VAST)
    # The columns counting "overdue" against the peildatum: 0 once its row is gone, as
    # a missing row means nothing is overdue (and tellers.peildatum_zetten moves them).
    te_laat: tuple = ()

    @property
    def _te_laat_nul(self):
        return (
            f"UPDATE {self.ouder} SET "  # nosec B608
            + ", ".join(f"{k} = 0" for k in self.te_laat)
            + " WHERE "
            + " OR ".join(f"{k} <> 0" for k in self.te_laat)
            + ";"
        )

    @property
    def tellen(self):
        """Recount every parent: the starting values, and a repair."""
        sets = ",\n    ".join(
            f"{kolom} = (SELECT COALESCE(sum({waarde}), 0) FROM {self.kind} "  # nosec B608
            f"WHERE {self.kind}.{self.sleutel} = {self.ouder}.id)"
            for kolom, waarde in self.kolommen.items()
        )
        return f"UPDATE {self.ouder} SET\n    {sets}"  # nosec B608

    def _rijen(self, tabel, teken):
        waarden = ", ".join(
            f"{teken} * ({waarde}) AS {kolom}" for kolom, waarde in self.kolommen.items()
        )
        return f"SELECT {self.sleutel} AS ouder, {waarden} FROM {tabel}"  # nosec B608

    def _bijwerken(self, rijen):
        return bijwerken_in_sleutelvolgorde(self.ouder, tuple(self.kolommen), rijen)

    @property
    def postgresql(self):
        oud = ", ".join(f"o.{c}" for c in [self.sleutel, *self.bronnen])
        nieuw = ", ".join(f"n.{c}" for c in [self.sleutel, *self.bronnen])
        functie = f"{self.naam}_bij_kind"
        veranderd = (
            "SELECT 1 FROM nieuw n JOIN oud o ON o.id = n.id "  # nosec B608
            f"WHERE ({nieuw}) IS DISTINCT FROM ({oud})"
        )
        tabel = "REFERENCING {} FOR EACH STATEMENT EXECUTE FUNCTION " + f"{functie}()"
        return [
            self.tellen,
            f"""
CREATE OR REPLACE FUNCTION {functie}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {self.vooraf}
    IF TG_OP = 'INSERT' THEN
        {self._bijwerken(self._rijen("nieuw", 1))}
    ELSIF TG_OP = 'DELETE' THEN
        {self._bijwerken(self._rijen("oud", -1))}
    ELSIF EXISTS ({veranderd}) THEN
        {self._bijwerken(self._rijen("nieuw", 1) + " UNION ALL " + self._rijen("oud", -1))}
    END IF;
    RETURN NULL;
END
$$
""",
            f"CREATE TRIGGER {self.naam}_in AFTER INSERT ON {self.kind} "
            + tabel.format("NEW TABLE AS nieuw"),
            f"CREATE TRIGGER {self.naam}_bij AFTER UPDATE ON {self.kind} "
            + tabel.format("OLD TABLE AS oud NEW TABLE AS nieuw"),
            f"CREATE TRIGGER {self.naam}_uit AFTER DELETE ON {self.kind} "
            + tabel.format("OLD TABLE AS oud"),
            *self._postgresql_peildatum,
        ]

    @property
    def _postgresql_peildatum(self):
        if not self.te_laat:
            return []
        return [
            f"""
CREATE OR REPLACE FUNCTION {self.naam}_peildatum_weg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {self._te_laat_nul}
    RETURN NULL;
END
$$
""",
            *(
                f"CREATE TRIGGER {self.naam}_peildatum_{n} AFTER {wat} ON "
                "douane_portfolio_tellerdatum "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {self.naam}_peildatum_weg()"
                for n, wat in (("weg", "DELETE"), ("leeg", "TRUNCATE"))
            ),
        ]

    @property
    def postgresql_weg(self):
        return [
            *(
                f"DROP TRIGGER IF EXISTS {self.naam}_{n} ON {self.kind}"
                for n in ("in", "bij", "uit")
            ),
            f"DROP FUNCTION IF EXISTS {self.naam}_bij_kind()",
            *(
                f"DROP TRIGGER IF EXISTS {self.naam}_peildatum_{n} ON douane_portfolio_tellerdatum"
                for n in ("weg", "leeg")
            ),
            f"DROP FUNCTION IF EXISTS {self.naam}_peildatum_weg()",
        ]

    def _sqlite(self, rij, teken):
        sets = ", ".join(
            f"{kolom} = {kolom} {teken} ({waarde})"
            for kolom, waarde in self._kolommen_van(rij).items()
        )
        return f"UPDATE {self.ouder} SET {sets} WHERE id = {rij}.{self.sleutel};"  # nosec B608

    def _kolommen_van(self, rij):
        """The values with the child's columns as `rij`.column (NEW or OLD)."""
        uit = {}
        for kolom, waarde in self.kolommen.items():
            # The peildatum's own subquery reads no column of the child's.
            waarde = waarde.replace(PEILDATUM, "{peildatum}")
            for bron in self.bronnen:
                waarde = _kolom_vervangen(waarde, bron, f"{rij}.{bron}")
            uit[kolom] = waarde.replace("{peildatum}", PEILDATUM)
        return uit

    @property
    def sqlite(self):
        return [
            self.tellen,
            f"CREATE TRIGGER {self.naam}_in AFTER INSERT ON {self.kind} "
            f"BEGIN {self._sqlite('NEW', '+')} END",
            f"CREATE TRIGGER {self.naam}_uit AFTER DELETE ON {self.kind} "
            f"BEGIN {self._sqlite('OLD', '-')} END",
            f"CREATE TRIGGER {self.naam}_bij "
            f"AFTER UPDATE OF {', '.join([*self.bronnen, self.sleutel])} ON {self.kind} "
            f"BEGIN {self._sqlite('OLD', '-')} {self._sqlite('NEW', '+')} END",
            *(
                [
                    f"CREATE TRIGGER {self.naam}_peildatum_weg AFTER DELETE ON "
                    f"douane_portfolio_tellerdatum BEGIN {self._te_laat_nul} END"
                ]
                if self.te_laat
                else []
            ),
        ]

    @property
    def sqlite_weg(self):
        return [
            f"DROP TRIGGER IF EXISTS {self.naam}_{n}" for n in ("in", "uit", "bij", "peildatum_weg")
        ]


def _kolom_vervangen(sql, kolom, door):
    """`kolom` as a whole word in `sql` replaced by `door`."""
    return re.sub(rf"(?<![\w.]){re.escape(kolom)}\b", door, sql)


def per_database(postgresql, sqlite, wat):
    """A RunPython function running `postgresql` or `sqlite` (lists of SQL)."""

    def uitvoeren(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"Geen triggers voor {wat} op {vendor}.")
        for sql in postgresql if vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return uitvoeren


def kolommen_toevoegen(app, model, tabel, velden):
    """SeparateDatabaseAndState adding `velden` ({name: field}, NOT NULL with a default
    of 0) to `model`: on SQLite by ADD COLUMN with a DEFAULT, since Django's own rebuild
    of the table would drop the triggers on it (see risicos 0005)."""

    def _kolommen(toevoegen):
        def uitvoeren(apps, schema_editor):
            klasse = apps.get_model(app, model)
            for naam, veld in velden.items():
                if schema_editor.connection.vendor == "sqlite":
                    schema_editor.execute(
                        f'ALTER TABLE "{tabel}" ADD COLUMN "{naam}" integer unsigned '
                        f'NOT NULL DEFAULT 0 CHECK ("{naam}" >= 0)'
                        if toevoegen
                        else f'ALTER TABLE "{tabel}" DROP COLUMN "{naam}"'
                    )
                    continue
                # The database operations see the state without the fields (its own).
                veld = veld.clone()
                veld.set_attributes_from_name(naam)
                veld.model = klasse
                if toevoegen:
                    schema_editor.add_field(klasse, veld)
                else:
                    schema_editor.remove_field(klasse, veld)

        return uitvoeren

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AddField(model_name=model.lower(), name=naam, field=veld)
            for naam, veld in velden.items()
        ],
        database_operations=[
            migrations.RunPython(_kolommen(True), _kolommen(False), elidable=False)
        ],
    )
