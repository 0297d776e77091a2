"""Fill the database with the scale data set of issue 13 (see rapportage/schaaldata.py)."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from rapportage import schaaldata


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
            tabellen = ", ".join(qn(t) for t in resultaat.tabellen)
            opdracht = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                cursor.execute(f"{opdracht} {tabellen}")
        duur = time.perf_counter() - begin
        for naam, aantal in resultaat.aantallen.items():
            self.stdout.write(f"  {naam:<24} {aantal:>9,}".replace(",", "."))
        self.stdout.write(f"  {'historie-rijen':<24} {resultaat.historie:>9,}".replace(",", "."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Schaal {schaal} (zaad {zaad}, peildatum {generator.peil}) in {duur:.1f} s."
            )
        )
