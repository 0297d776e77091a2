"""Fill the database with the scale data set of issue 13 (see rapportage/schaaldata.py)."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from douane_portfolio import tellers
from rapportage import schaaldata


def compact_te_maken():
    """The tables whose rows the counting triggers rewrote during the load. The
    children come in batches spread over all their parents, so every batch updated
    every parent once more, in one transaction that no vacuum could clean up. Measured
    at scale 1.0: 2,000 initiatives in 10 MB (1.2 MB compact), 20,000 risks in 535 MB
    of table and 369 MB of indexes (32 and 30 MB). A register grown over years, with
    autovacuum reusing the space, or restored from a backup, is compact; a bloated one
    made every seq scan and every admin COUNT(*) in the benchmark many times slower."""
    return sorted({m._meta.db_table for m in tellers.door_triggers_bijgewerkt()})


class Command(BaseCommand):
    help = (
        "Genereert een deterministische gegevensset op ministerieschaal (voor make bench-schaal). "
        "Alleen voor ontwikkel- en meetdatabases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schaal", type=float, default=1.0, help="1.0 = tien keer één dienst")
        parser.add_argument("--zaad", type=int, default=42, help="seed van de toevalsgenerator")
        parser.add_argument(
            "--peildatum",
            type=datetime.date.fromisoformat,
            default=None,
            help="datum waarrond deadlines en periodes liggen (JJJJ-MM-DD; standaard vandaag)",
        )
        parser.add_argument(
            "--leeg-eerst",
            action="store_true",
            help="eerst alle programma-, risico-, audit- en rapportagegegevens wissen",
        )
        parser.add_argument(
            "--forceer",
            action="store_true",
            help="ook draaien als DEBUG uit staat (nooit op productiegegevens!)",
        )

    def handle(self, *args, schaal, zaad, peildatum, leeg_eerst, forceer, **options):
        # DEBUG off means production until proven otherwise: this wipes and floods tables.
        if not settings.DEBUG and not forceer:
            raise CommandError(
                "DEBUG staat uit: dit lijkt productie. Draai met DEBUG=1, of met --forceer "
                "als u zeker weet dat dit een meetdatabase is."
            )
        if schaal <= 0:
            raise CommandError("--schaal moet groter dan 0 zijn.")
        if connection.vendor == "sqlite" and schaal > schaaldata.MAX_SCHAAL_SQLITE:
            raise CommandError(
                f"Schaal {schaal} vraagt PostgreSQL (DATABASE_URL=postgres://…); "
                f"op SQLite hooguit {schaaldata.MAX_SCHAAL_SQLITE}."
            )
        begin = time.perf_counter()
        generator = schaaldata.Generator(schaal=schaal, zaad=zaad, peildatum=peildatum)
        # One transaction: emptying and filling succeed together or not at all.
        with transaction.atomic():
            if leeg_eerst:
                schaaldata.leegmaken()
            elif schaaldata.bestaat_al():
                raise CommandError("Er staan al schaalgegevens; gebruik --leeg-eerst.")
            resultaat = generator.genereer()
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses on empty tables; and, outside a
            # transaction (not in tests), VACUUM: it sets the visibility map that
            # autovacuum keeps set in production, without which no count per row can be
            # answered from an index alone and every list measures a cold table.
            qn = connection.ops.quote_name
            compact = compact_te_maken()
            gewoon = [t for t in resultaat.tabellen if t not in compact]
            with connection.cursor() as cursor:
                if connection.in_atomic_block:
                    cursor.execute(f"ANALYZE {', '.join(qn(t) for t in gewoon + compact)}")
                else:
                    cursor.execute(f"VACUUM (ANALYZE) {', '.join(qn(t) for t in gewoon)}")
                    # Rewritten, indexes too (see compact_te_maken); then a plain VACUUM,
                    # as VACUUM FULL leaves the visibility map empty: the heat map's
                    # counts went from an index-only scan to 20 ms each.
                    compacte = ", ".join(qn(t) for t in compact)
                    cursor.execute(f"VACUUM FULL {compacte}")
                    cursor.execute(f"VACUUM (ANALYZE) {compacte}")
        duur = time.perf_counter() - begin
        for naam, aantal in resultaat.aantallen.items():
            self.stdout.write(f"  {naam:<24} {aantal:>9,}".replace(",", "."))
        self.stdout.write(f"  {'historie-rijen':<24} {resultaat.historie:>9,}".replace(",", "."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Schaal {schaal} (zaad {zaad}, peildatum {generator.peil}) in {duur:.1f} s."
            )
        )
