from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from douane_portfolio import rollen


class Command(BaseCommand):
    help = "Print de tabel rollen × rechten (Markdown), of zet haar met --readme in README.md."

    def add_arguments(self, parser):
        parser.add_argument("--readme", action="store_true", help="Vervang de tabel in README.md.")

    def handle(self, *args, readme=False, **options):
        tabel = rollen.rollentabel()
        if not readme:
            self.stdout.write(tabel, ending="")
            return
        pad = Path(settings.BASE_DIR) / "README.md"
        tekst = pad.read_text(encoding="utf-8")
        try:
            voor, rest = tekst.split(rollen.README_BEGIN, 1)
            _, na = rest.split(rollen.README_EINDE, 1)
        except ValueError:
            raise CommandError(
                f"README.md mist {rollen.README_BEGIN} … {rollen.README_EINDE}."
            ) from None
        pad.write_text(
            f"{voor}{rollen.README_BEGIN}\n{tabel}{rollen.README_EINDE}{na}", encoding="utf-8"
        )
        self.stdout.write("README.md bijgewerkt.")
