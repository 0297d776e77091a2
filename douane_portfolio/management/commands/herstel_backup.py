"""Restore an archive of maak_backup into an empty database and media folder, then check it."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from douane_portfolio import backup


class Command(BaseCommand):
    help = (
        "Zet een backup-archief terug in een lege database en mediamap en controleert het "
        "resultaat tegen het manifest. Een SQLite-archief mag in PostgreSQL worden "
        "teruggezet: zo verhuist een ingebouwde installatie naar productie."
    )

    def add_arguments(self, parser):
        parser.add_argument("archief", help="De map die maak_backup maakte.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Wis eerst alle tabellen en bestanden als de database of mediamap niet leeg is.",
        )
        parser.add_argument(
            "--zonder-bestanden",
            action="store_true",
            help="Alleen de database; de mediamap blijft zoals hij is.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, archief, force, zonder_bestanden, database, **options):
        try:
            afwijkingen = backup.herstel_backup(
                archief, alias=database, forceren=force, met_bestanden=not zonder_bestanden
            )
        except backup.BackupFout as fout:
            raise CommandError(str(fout))
        if afwijkingen:
            raise CommandError(
                "Hersteld, maar de controle vond afwijkingen:\n  " + "\n  ".join(afwijkingen)
            )
        gecontroleerd = (
            "rijen per tabel, inhoud (ook de historie) en bestanden"
            if backup.lees_manifest(archief)["vingerafdrukken"]
            else "rijen per tabel en bestanden (de backup was van vóór een migratie)"
        )
        self.stdout.write(f"Hersteld uit {archief}; {gecontroleerd} komen overeen met de backup.")
