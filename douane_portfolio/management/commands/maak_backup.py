"""Back up the database, the uploaded files and a manifest into one archive folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from douane_portfolio import backup


class Command(BaseCommand):
    help = (
        "Maakt een backup-archief (een map): de database (pg_dump of de online backup van "
        "SQLite), de geüploade bestanden en een manifest om het herstel mee te controleren."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--uit",
            default=str(settings.VAR_DIR / "backups"),
            help="Map waarin het archief komt (standaard var/backups/).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, uit, database, **options):
        try:
            archief, manifest = backup.maak_backup(Path(uit), alias=database)
        except backup.BackupFout as fout:
            raise CommandError(str(fout))
        rijen = sum(manifest["tabellen"].values())
        historie = sum(manifest["tabellen"].get(t, 0) for t in manifest["historietabellen"])
        self.stdout.write(
            f"Backup gemaakt: {archief}\n"
            f"  {len(manifest['tabellen'])} tabellen, {rijen} rijen, waarvan {historie} "
            f"historie; {len(manifest['bestanden'])} bestand(en)."
        )
        ontbrekend = sorted(set(manifest["verwezen_bestanden"]) - manifest["bestanden"].keys())
        if ontbrekend:
            raise CommandError(
                "De backup is gemaakt, maar deze bestanden ontbraken al in MEDIA_ROOT: "
                + ", ".join(ontbrekend)
            )
