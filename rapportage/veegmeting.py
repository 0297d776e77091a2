"""The reminder sweep in the scale benchmark (issue 13): finding what is due, a real run
into a file mail backend and a second run that has nothing to send.

Each real run goes in a child process of its own, so its peak RSS is that run's and
not the benchmark's; its batches run inline there, one after the other, as a worker
runs them one task after the other. They write the ledger: only when asked
(`benchmark_schaal --zwaar --veeg-echt`) and only on scale data.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.utils import timezone

from herinneringen import services

BASE_DIR = Path(__file__).resolve().parent.parent


def verschuldigd_tellen(op=None):
    """The database work of finding what is due on `op`: the sweep's own queries (per
    kind of action, the overdue and the upcoming open actions the ledger lacks), ids only."""
    op = op or timezone.localdate()
    tot = op + timedelta(days=max(settings.HERINNERINGEN_VOORAF, default=0))
    aantal = 0
    with services.zonder_jit():
        for _model, qs, _soorten in services.niet_vastgelegd(op, tot):
            aantal += sum(1 for _ in qs.iterator(chunk_size=settings.HERINNERINGEN_BATCH))
    return aantal


def veeg_in_kind(naam):
    """In the child: one real sweep; prints its figures as one line of JSON."""
    teller = {"queries": 0, "db_s": 0.0}

    def meten(execute, sql, params, many, context):
        begin = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            teller["queries"] += 1
            teller["db_s"] += time.perf_counter() - begin

    begin = time.perf_counter()
    with connection.execute_wrapper(meten):
        uitslag = services.herinneringen_versturen(op=timezone.localdate())
    uitkomst = {
        "s": round(time.perf_counter() - begin, 1),
        "db_s": round(teller["db_s"], 1),
        "queries": teller["queries"],
        "vastgelegd": uitslag.vastgelegd,
        "opgesteld": uitslag.opgesteld,
        "delen": uitslag.delen,
        "verzonden": len(uitslag.verzonden),
        "mislukt": len(uitslag.mislukt),
    }
    print(json.dumps({naam: uitkomst}))


KIND = (
    "import django; django.setup(); from rapportage.veegmeting import veeg_in_kind; "
    "veeg_in_kind({!r})"
)


def veeg_echt():
    """Two real sweeps, each in a child process of its own with the file mail backend
    (so each has its own peak RSS); returns their figures with the peak RSS (MB), the
    number of mails and the largest one (bytes)."""
    uitkomst = {}
    with tempfile.TemporaryDirectory(prefix="veeg-") as map_:
        omgeving = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(Path(map_) / "mail"),
        }
        for naam in ("eerste", "tweede"):
            with open(Path(map_) / f"{naam}.json", "w+") as uit:
                opdracht = [sys.executable, "-c", KIND.format(naam)]
                kind = subprocess.Popen(  # nosec B603 - our own interpreter and code
                    opdracht, cwd=BASE_DIR, env=omgeving, stdout=uit
                )
                _, status, gebruik = os.wait4(kind.pid, 0)
                kind.returncode = os.waitstatus_to_exitcode(status)
                if kind.returncode:
                    raise RuntimeError(f"veeg in kindproces: exitcode {kind.returncode}")
                uit.seek(0)
                uitkomst.update(json.loads(uit.read().strip().splitlines()[-1]))
            uitkomst[naam]["rss_mb"] = round(gebruik.ru_maxrss / 1024, 1)  # Linux: kilobytes
        # The file backend writes one file per connection (a batch) and separates the
        # mails in it by a line of dashes.
        scheiding = b"\n" + b"-" * 79 + b"\n"
        groottes = [
            len(bericht)
            for bestand in (Path(map_) / "mail").glob("*")
            for bericht in bestand.read_bytes().split(scheiding)
            if bericht.strip()
        ]
    uitkomst["rss_mb"] = max(uitkomst[naam]["rss_mb"] for naam in ("eerste", "tweede"))
    uitkomst["mails"] = len(groottes)
    uitkomst["grootste_mail"] = max(groottes, default=0)
    return uitkomst


def _database_url():
    """This process's database, for the child: the one measured, whatever the environment."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    gebruiker = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        gebruiker += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{gebruiker}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
