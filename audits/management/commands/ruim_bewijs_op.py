"""Find evidence files without a row (left by a killed upload) and rows whose file is
missing; remove the former only when asked."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from audits import services


class Command(BaseCommand):
    help = (
        "Toont bewijsbestanden zonder bewijsstuk (weesbestanden) en bewijsstukken waarvan "
        "het bestand ontbreekt. Verwijdert weesbestanden alleen met --verwijder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verwijder",
            action="store_true",
            help="Weesbestanden echt verwijderen (zonder deze optie: alleen tonen).",
        )
        parser.add_argument(
            "--ouder-dan",
            type=int,
            default=60,
            metavar="MINUTEN",
            help="Alleen bestanden ouder dan dit (standaard 60): een upload kan nog bezig zijn.",
        )

    def handle(self, *args, verwijder=False, ouder_dan=60, **options):
        if ouder_dan < 0:
            raise CommandError("--ouder-dan kan niet negatief zijn.")
        wezen, ontbrekend = services.bewijsopslag_controleren(
            ouder_dan=datetime.timedelta(minutes=ouder_dan)
        )
        for naam in wezen:
            self.stdout.write(f"Weesbestand: {naam}")
        if verwijder and wezen:
            weg = services.weesbestanden_verwijderen(wezen)
            self.stdout.write(f"{len(weg)} weesbestand(en) verwijderd.")
        elif wezen:
            self.stdout.write(f"{len(wezen)} weesbestand(en); verwijder ze met --verwijder.")
        else:
            self.stdout.write("Geen weesbestanden.")
        for stuk in ontbrekend:
            self.stderr.write(
                f"Bestand ontbreekt: bewijsstuk {stuk.pk} ({stuk.bestandsnaam}), "
                f"verwacht op {stuk.bestand.name}"
            )
        if ontbrekend:
            # Lost evidence needs a person (a restore from backup), so a scheduled run fails.
            raise CommandError(f"{len(ontbrekend)} bewijsstuk(ken) zonder bestand.")
