"""Trigram indexes for the lists' search boxes (PostgreSQL).

Django's `icontains` becomes `UPPER(kolom::text) LIKE UPPER('%woord%')`: no btree serves a
pattern that starts with a wildcard, so a rare word read every row (170 ms over the
20,000 risks of scale 1.0). A GIN index of trigrams (pg_trgm) on exactly that expression
answers it from the index (0.5 ms). SQLite has no such index; it is the small default.
"""

from django.db import migrations


def _naam(tabel, kolom):
    return f"zoek_{tabel.split('_', 1)[1]}_{kolom}"


def trigramindexen(*kolommen):
    """A migration operation that creates a trigram index on UPPER(kolom) for each
    (tabel, kolom), and drops it again when reversed; nothing on other databases."""

    def maken(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # Trusted since PostgreSQL 13: a database owner may create it without superuser.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for tabel, kolom in kolommen:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_naam(tabel, kolom)}" ON "{tabel}" '
                f'USING gin ((UPPER("{kolom}"::text)) gin_trgm_ops)'
            )

    def weg(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for tabel, kolom in kolommen:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_naam(tabel, kolom)}"')

    return migrations.RunPython(maken, weg, elidable=False)
