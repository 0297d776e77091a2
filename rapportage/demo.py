"""After every app loaded its demo data: chapters 1 and 2 of the 2023 report, then freeze
the reports of closed periods."""

from pathlib import Path

from programmas.models import Periodesoort, PeriodeStatus, Rapportageperiode

from .models import Rapporttekst
from .services import rapport_vastleggen

# Chapters 1 and 2 of the Jaarrapportage Douane 2023, in the report's own markup; the
# source's tables and charts are left out (chapter "Prestaties" shows the indicators).
TEKSTEN = Path(__file__).resolve().parent / "demotekst"


def laad(*, gebruikers, stdout):
    periode = Rapportageperiode.objects.filter(jaar=2023, soort=Periodesoort.JAAR).first()
    if periode is not None and not Rapporttekst.objects.filter(periode=periode).exists():
        Rapporttekst.objects.create(
            periode=periode,
            inleiding=(TEKSTEN / "2023-inleiding.txt").read_text(encoding="utf-8"),
            verhaal_titel="De Douane in 2023",
            verhaal=(TEKSTEN / "2023-verhaal.txt").read_text(encoding="utf-8"),
        )
        stdout.write(f"Hoofdstukken 1 en 2 van {periode} geladen.")
    zonder = Rapportageperiode.objects.filter(status=PeriodeStatus.GESLOTEN, snapshot__isnull=True)
    for periode in zonder:
        rapport_vastleggen(periode=periode, door=None, reden="demogegevens geladen")
        stdout.write(f"Rapport {periode} vastgelegd.")
