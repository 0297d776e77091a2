"""Move this installation's database (typically the embedded SQLite) to another one."""

import os
import subprocess
import sys
import tempfile

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from douane_portfolio import backup


class Command(BaseCommand):
    help = (
        "Verhuist de database naar een andere (PostgreSQL) zonder historie te verliezen of "
        "toe te voegen: een momentopname met de online backup, dan rij voor rij "
        "overgezet en gecontroleerd. De geüploade bestanden blijven waar ze zijn."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--naar", required=True, help="DATABASE_URL van het doel, bv. postgres://…/naam"
        )
        parser.add_argument(
            "--force", action="store_true", help="Wis eerst alle tabellen in het doel."
        )

    def handle(self, *args, naar, force, **options):
        with tempfile.TemporaryDirectory(prefix="verhuizing-") as map_:
            try:
                archief, manifest = backup.maak_backup(map_, met_bestanden=False)
            except backup.BackupFout as fout:
                raise CommandError(str(fout))
            self.stdout.write(
                f"Momentopname: {sum(manifest['tabellen'].values())} rijen in "
                f"{len(manifest['tabellen'])} tabellen."
            )
            # The restore runs as its own process with the target as default database,
            # so everything migrate does (groups, permissions) lands in the target.
            opdracht = [sys.executable, str(settings.BASE_DIR / "manage.py"), "herstel_backup"]
            opdracht += [str(archief), "--zonder-bestanden"] + (["--force"] if force else [])
            uitkomst = subprocess.run(opdracht, env={**os.environ, "DATABASE_URL": naar})
            if uitkomst.returncode != 0:
                raise CommandError("De verhuizing is mislukt; zie hierboven.")
        self.stdout.write(
            "Verhuisd. Zet DATABASE_URL op het doel en start web, worker en beat opnieuw."
        )
