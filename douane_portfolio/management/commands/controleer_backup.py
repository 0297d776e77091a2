"""Compare the database and media folder with the manifest of an archive."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from douane_portfolio import backup


class Command(BaseCommand):
    help = (
        "Vergelijkt de database en de mediamap met het manifest van een backup-archief: "
        "rijen per tabel, inhoud (ook de historie), migraties en bestanden."
    )

    def add_arguments(self, parser):
        parser.add_argument("archief", help="De map die maak_backup maakte.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, archief, database, **options):
        try:
            manifest = backup.lees_manifest(archief)
            afwijkingen = backup.controleer_archief(archief, manifest)
            afwijkingen += backup.controleer(manifest, alias=database)
        except backup.BackupFout as fout:
            raise CommandError(str(fout))
        if afwijkingen:
            raise CommandError("Afwijkingen:\n  " + "\n  ".join(afwijkingen))
        self.stdout.write("De database en de bestanden komen overeen met de backup.")
