"""A real Celery beat and worker, as separate processes on the configured broker (Redis
in CI, else the embedded file-system broker), send the reminders: once."""

import email
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Exchange, Queue

from douane_portfolio.celery import app as celery_app
from douane_portfolio.models import Herinnering, Verzending
from programmas.models import PeriodeStatus
from tests.herinneringen.conftest import DAG
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)

BASE_DIR = Path(__file__).resolve().parents[2]
TAAK = "douane_portfolio.tasks.herinneringen_versturen"

# The worker needs committed rows, hence a transactional test.
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def database_url():
    """The test database, as DATABASE_URL for a process of its own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            pytest.skip("SQLite in memory; SQLITE_TEST_NAME (tests/omgeving.py) gives a file.")
        return f"sqlite:///{db['NAME']}"
    gebruiker = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        gebruiker += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{gebruiker}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery(tmp_path):
    """Start beat and worker; yield a poller; stop both, whatever happens."""
    omgeving = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "douane_portfolio.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Its own queue: a shared Redis may hold other runs' tasks and other workers.
        "CELERY_TASK_DEFAULT_QUEUE": f"herinneringen-test-{uuid.uuid4().hex[:12]}",
        # Its own broker folders and beat state when the broker is the file system.
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "SITE_URL": "https://portfolio.douane.example",
        # Every two seconds instead of daily at 07:00, so a second run follows quickly.
        "HERINNERINGEN_SCHEMA": "2",
        # The reminder day starts at midnight, so the test does not depend on the hour.
        "HERINNERINGEN_VANAF": "00:00",
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    celery_ = [sys.executable, "-m", "celery", "-A", "douane_portfolio"]
    opdrachten = {
        "worker": [
            *celery_, "worker", "--loglevel", "INFO", "--concurrency", "1",
            "--without-mingle", "--without-gossip", "--without-heartbeat",
            "--hostname", f"herinneringen-test-{uuid.uuid4().hex[:6]}@%h",
        ],
        "beat": [*celery_, "beat", "--loglevel", "INFO"],
    }  # fmt: skip
    processen = {}
    for naam, opdracht in opdrachten.items():
        log = open(tmp_path / f"{naam}.log", "wb")  # noqa: SIM115 - closed below
        processen[naam] = (
            subprocess.Popen(
                opdracht,
                cwd=BASE_DIR,
                env=omgeving,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            ),
            log,
        )

    def logs():
        return "\n".join(
            f"--- {naam} ---\n{(tmp_path / f'{naam}.log').read_text(errors='replace')[-3000:]}"
            for naam in processen
        )

    def wachten_tot(voorwaarde, seconden=30):
        einde = time.monotonic() + seconden
        while time.monotonic() < einde:
            for naam, (proces, _) in processen.items():
                assert proces.poll() is None, f"{naam} is gestopt:\n{logs()}"
            uitkomst = voorwaarde()
            if uitkomst:
                return uitkomst
            time.sleep(0.2)
        pytest.fail(f"Niet binnen {seconden} s.\n{logs()}")

    try:
        yield wachten_tot, tmp_path / "mail", tmp_path / "worker.log"
    finally:
        for proces, _ in processen.values():
            if proces.poll() is None:
                os.killpg(proces.pid, signal.SIGTERM)
        for proces, log in processen.values():
            try:
                proces.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proces.pid, signal.SIGKILL)
                proces.wait()
            log.close()
        wachtrij_opruimen(omgeving["CELERY_TASK_DEFAULT_QUEUE"])


def wachtrij_opruimen(naam):
    """Leave nothing behind in a shared broker (the file-system one lives in tmp_path)."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return
    with celery_app.connection_for_write() as verbinding:
        # Declared as Celery declares it, so that deleting removes the bindings too.
        wachtrij = Queue(naam, Exchange(naam), routing_key=naam)(verbinding.default_channel)
        wachtrij.declare()
        wachtrij.delete()


def mails_in(map_):
    """Messages the file-based backend wrote: one file per connection."""
    berichten = []
    for bestand in sorted(map_.glob("*.log")) if map_.exists() else []:
        for deel in bestand.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if deel.strip():
                berichten.append(email.message_from_bytes(deel, policy=policy.default))
    return berichten


def test_beat_and_worker_send_each_reminder_once(celery, pm, pm2, beheerder):
    vandaag = timezone.localdate()
    van_pm = InitiatiefFactory(eigenaar=pm, naam="Datamanagement")
    van_pm2 = InitiatiefFactory(eigenaar=pm2, naam="Ondermijning")
    periode = PeriodeFactory(
        jaar=vandaag.year, status=PeriodeStatus.OPEN, indiendeadline=vandaag - DAG
    )
    StatusrapportageFactory(initiatief=van_pm2, periode=periode)
    MijlpaalFactory(initiatief=van_pm, omschrijving="Datacatalogus", deadline=vandaag - DAG)
    MijlpaalFactory(initiatief=van_pm2, omschrijving="HARP", deadline=vandaag - 20 * DAG)
    MijlpaalFactory(initiatief=van_pm2, omschrijving="Drones", deadline=vandaag + 3 * DAG)

    wachten_tot, mailmap, worker_log = celery
    berichten = wachten_tot(lambda: len(mails_in(mailmap)) >= 3 and mails_in(mailmap))
    # Then at least one more run of the task, which must send nothing.
    wachten_tot(
        lambda: len(re.findall(rf"Task {TAAK}\[\S+\] succeeded", worker_log.read_text())) >= 2
    )

    berichten = mails_in(mailmap)
    onderwerpen = sorted((str(b["To"]), str(b["Subject"])) for b in berichten)
    assert onderwerpen == [
        ("beheerder@douane.example", "Douane Portfolio: 1 geëscaleerd"),
        ("pm2@douane.example", "Douane Portfolio: 1 te laat, 1 deadline nadert"),
        ("pm@douane.example", "Douane Portfolio: 2 te laat"),
    ]
    aan_pm = next(b for b in berichten if b["To"] == "pm@douane.example")
    tekst = aan_pm.get_body(("plain",)).get_content()
    assert "https://portfolio.douane.example/programmas/" in tekst
    assert "Statusrapportage: Status" in tekst and "Datacatalogus" in tekst
    assert "Datacatalogus" in aan_pm.get_body(("html",)).get_content()
    assert Herinnering.objects.count() == 5
    assert set(Verzending.objects.values_list("status", flat=True)) == {"verzonden"}
