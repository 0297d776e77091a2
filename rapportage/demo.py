"""After every app loaded its demo data: freeze the reports of closed periods."""

from programmas.models import PeriodeStatus, Rapportageperiode

from .services import rapport_vastleggen


def laad(*, gebruikers, stdout):
    zonder = Rapportageperiode.objects.filter(status=PeriodeStatus.GESLOTEN, snapshot__isnull=True)
    for periode in zonder:
        rapport_vastleggen(periode=periode, door=None, reden="demogegevens geladen")
        stdout.write(f"Rapport {periode} vastgelegd.")
