"""Measure every screen on the scale data set (issue 13). Not a test: `make bench-schaal`."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from douane_portfolio.geheugen import opgestart_bevriezen
from rapportage import schaalmeting


class Command(BaseCommand):
    help = (
        "Meet lijsten, detailpagina's, dashboard, rapport, exports en de herinneringen op de "
        "schaalgegevens, naast de Django-admin en de kale query; schrijft Markdown en JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keer", type=int, default=7, help="herhalingen per meting")
        parser.add_argument(
            "--zwaar",
            action="store_true",
            help="ook PDF/Word van het rapport, CSV/XLSX-exports en de herinneringen (traag)",
        )
        parser.add_argument(
            "--veeg-echt",
            action="store_true",
            help="met --zwaar: ook een echte herinneringsrun (mail naar bestanden) en een "
            "tweede; schrijft het grootboek, dus alleen op schaalgegevens",
        )
        parser.add_argument(
            "--keer-zwaar", type=int, default=1, help="herhalingen per zware meting"
        )
        parser.add_argument(
            "--alleen",
            action="append",
            help="alleen metingen waarvan groep en naam dit bevatten (mag vaker)",
        )
        parser.add_argument(
            "--uitvoer", default="var/bench", help="map voor schaal.md en schaal.json"
        )
        parser.add_argument("--stil", action="store_true", help="geen voortgang per meting")

    def handle(self, *args, keer, zwaar, keer_zwaar, alleen, uitvoer, stil, veeg_echt, **options):
        if keer < 1 or keer_zwaar < 1:
            raise CommandError("--keer en --keer-zwaar zijn minstens 1.")
        meter = schaalmeting.Meter(
            keer=keer,
            keer_zwaar=keer_zwaar,
            zwaar=zwaar,
            alleen=alleen,
            uit=None if stil else self.stderr.write,
            veeg_echt=veeg_echt,
        )
        meta = schaalmeting.omgeving()
        meta["aantallen"] = schaalmeting.aantallen()
        meta["keer"] = keer
        meta["keer_zwaar"] = keer_zwaar
        # What a web process does after starting (douane_portfolio/wsgi.py): without it one
        # full garbage collection over the whole process now and then lands in a p95.
        opgestart_bevriezen()
        try:
            meter.alles()
        except LookupError as fout:
            raise CommandError(str(fout))
        meta["load_eind"] = list(os.getloadavg())
        resultaat = schaalmeting.resultaat(meter, meta)
        tabel = schaalmeting.markdown(resultaat)
        map_ = Path(uitvoer)
        map_.mkdir(parents=True, exist_ok=True)
        (map_ / "schaal.md").write_text(tabel, encoding="utf-8")
        (map_ / "schaal.json").write_text(
            json.dumps(resultaat, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False),
            encoding="utf-8",
        )
        self.stdout.write(tabel)
        self.stdout.write(f"Geschreven: {map_ / 'schaal.md'} en {map_ / 'schaal.json'}")
