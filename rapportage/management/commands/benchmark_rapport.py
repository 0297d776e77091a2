"""Time the 2023 report (HTML, PDF, DOCX) against its targets. Not a test: run `make bench`."""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from douane_portfolio.models import User
from programmas.models import Periodesoort, Rapportageperiode

# Targets from the issue: HTML well under a second, PDF in a few seconds.
DOELEN = {"html": 0.5, "pdf": 3.0, "docx": 3.0}


class Command(BaseCommand):
    help = "Meet hoe snel het jaarrapport wordt gemaakt (HTML, PDF, Word)."

    def add_arguments(self, parser):
        parser.add_argument("--jaar", type=int, default=2023)
        parser.add_argument("--keer", type=int, default=5)

    def handle(self, *args, jaar, keer, **options):
        if not Rapportageperiode.objects.filter(jaar=jaar, soort=Periodesoort.JAAR).exists():
            raise CommandError(f"Geen periode Jaar {jaar}; draai eerst laad_demo.")
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.get(username="lezer"))
        urls = {
            "html": f"/rapportage/{jaar}/",
            "pdf": f"/rapportage/{jaar}.pdf",
            "docx": f"/rapportage/{jaar}.docx",
        }
        te_traag = []
        for soort, url in urls.items():
            client.get(url, secure=True)  # warm-up: templates, fonts
            tijden = []
            for _ in range(keer):
                begin = time.perf_counter()
                response = client.get(url, secure=True)
                tijden.append(time.perf_counter() - begin)
                assert response.status_code == 200, (url, response.status_code)
            mediaan = statistics.median(tijden)
            ok = mediaan <= DOELEN[soort]
            te_traag += [] if ok else [soort]
            doel = DOELEN[soort] * 1000
            oordeel = "ok" if ok else "TE TRAAG"
            self.stdout.write(
                f"{soort:5} mediaan {mediaan * 1000:7.0f} ms  (doel ≤ {doel:.0f} ms)  {oordeel}"
            )
        if te_traag:
            raise CommandError(f"Boven het doel: {', '.join(te_traag)}")
