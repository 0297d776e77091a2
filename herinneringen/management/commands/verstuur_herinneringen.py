"""Run the reminder sweep now, as the Celery task does, and say what happened.

Exits with 1 when mails failed, or when unsent mails need a Beheerder's attention, so
cron or a monitoring check sees it."""

from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone

from herinneringen.models import Herinnering, HerinneringSoort, Verzending, VerzendingStatus
from herinneringen.services import herinneringen_versturen

# In the order of the mail.
SOORTEN = {
    HerinneringSoort.TE_LAAT: "te laat",
    HerinneringSoort.BINNENKORT: "nadert",
    HerinneringSoort.ESCALATIE: "escalatie",
    HerinneringSoort.MELDING: "melding",
}
VOLGORDE = list(SOORTEN)


def volgorde(soort, item):
    eigenaar = str(item.eigenaar) if soort == HerinneringSoort.ESCALATIE else ""
    return VOLGORDE.index(soort), eigenaar, item.deadline


class Command(BaseCommand):
    help = "Verstuurt de herinneringen die vandaag verschuldigd zijn (zoals de dagelijkse taak)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Alleen tonen wat verstuurd zou worden; niets versturen of vastleggen.",
        )

    def handle(self, *args, dry_run=False, **options):
        uitslag = herinneringen_versturen(proefdraai=dry_run)
        datum = formats.date_format(uitslag.op, "j F Y")
        if dry_run:
            self.stdout.write(f"Proefdraai voor {datum}: er wordt niets verstuurd of vastgelegd.")
            self.proefdraai_tonen(uitslag)
            return
        self.stdout.write(f"Herinneringen voor {datum}.")
        self.verzonden_tonen(uitslag)
        aandacht = Verzending.objects.aandacht_nodig().count()
        if uitslag.mislukt or aandacht:
            raise CommandError(
                f"{len(uitslag.mislukt)} e-mail(s) mislukt in deze run; {aandacht} e-mail(s) "
                "mislukken al herhaaldelijk en vragen aandacht van een beheerder "
                "(Mijn acties › Herinneringen › Niet verstuurd)."
            )

    def proefdraai_tonen(self, uitslag):
        per_persoon = defaultdict(list)
        for gepland in uitslag.geplande:
            for ontvanger in gepland.ontvangers:
                per_persoon[ontvanger].append(gepland)
        for persoon, geplande in sorted(per_persoon.items(), key=lambda p: p[0].username):
            self.stdout.write(f"\nE-mail aan {persoon} <{persoon.email}>: {len(geplande)} punt(en)")
            for g in sorted(geplande, key=lambda g: volgorde(g.soort, g.onderwerp)):
                o = g.onderwerp
                self.regel(g.soort, o.soortnaam, o.omschrijving, o.deadline, g.datum, o.eigenaar)
        if uitslag.achtergebleven:
            self.stdout.write(
                f"\nDaarnaast {uitslag.achtergebleven} eerder vastgelegde herinnering(en) "
                "die nog verstuurd moeten worden."
            )
        self.stdout.write(
            f"\nTotaal: {len(per_persoon)} e-mail(s), "
            f"{len(uitslag.geplande)} nieuwe herinnering(en)."
        )

    def verzonden_tonen(self, uitslag):
        for verzending in uitslag.verzendingen:
            status = "" if verzending.status == VerzendingStatus.VERZONDEN else " (MISLUKT)"
            self.stdout.write(f"\nE-mail aan {verzending.ontvanger} <{verzending.adres}>{status}")
            self.stdout.write(f"  Onderwerp: {verzending.onderwerp}")
            if verzending.status != VerzendingStatus.VERZONDEN:
                wanneer = formats.date_format(
                    timezone.localtime(verzending.volgende_poging), "j F Y H:i"
                )
                self.stdout.write(f"  Fout (poging {verzending.pogingen}): {verzending.fout}")
                self.stdout.write(f"  Volgende poging: {wanneer}")
            herinneringen = Herinnering.objects.filter(
                bezorgingen__verzending=verzending
            ).select_related("eigenaar")
            for h in sorted(herinneringen, key=lambda h: volgorde(h.soort, h)):
                self.regel(h.soort, h.soortnaam, h.omschrijving, h.deadline, h.datum, h.eigenaar)
        self.stdout.write(
            f"\nTotaal: {uitslag.vastgelegd} nieuwe herinnering(en) vastgelegd, "
            f"{len(uitslag.verzonden)} e-mail(s) verstuurd, {len(uitslag.mislukt)} mislukt; "
            f"{uitslag.wachtend} e-mail(s) wachten op een volgende poging."
        )

    def regel(self, soort, soortnaam, omschrijving, deadline, datum, eigenaar):
        dagen = (datum - deadline).days
        wanneer = f"{dagen} dagen te laat" if dagen > 0 else f"nog {-dagen} dagen"
        van = f" [eigenaar: {eigenaar}]" if soort == HerinneringSoort.ESCALATIE else ""
        self.stdout.write(
            f"  - {SOORTEN[soort]:<9} {soortnaam}: {omschrijving}"
            f" (deadline {formats.date_format(deadline, 'j-n-Y')}, {wanneer}){van}"
        )
