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
from herinneringen.models import Bezorging, Herinnering, Verzending, VerzendingStatus
from programmas.models import PeriodeStatus
from tests.herinneringen.conftest import DAG
from tests.herinneringen.smtp import SmtpPut
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)

BASE_DIR = Path(__file__).resolve().parents[2]
TAAK = "douane_portfolio.tasks.herinneringen_versturen"
DEELTAAK = "herinneringen.tasks.herinneringen_deel_versturen"

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


class Processen:
    """Celery worker and beat processes of one test, started and killed by name."""

    def __init__(self, tmp_path, **omgeving):
        self.map = tmp_path
        self.omgeving = {
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
            # Every two seconds instead of every quarter hour, so runs follow quickly.
            "HERINNERINGEN_SCHEMA": "2",
            # The reminder day starts at midnight, so the test does not depend on the hour.
            "HERINNERINGEN_VANAF": "00:00",
            # One batch task per person: the sweep fans out, the worker sends each batch.
            "HERINNERINGEN_PER_TAAK": "1",
            "CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            **omgeving,
        }
        self.processen = {}
        self.gedood = set()

    def start(self, naam, rol):
        celery_ = [sys.executable, "-m", "celery", "-A", "douane_portfolio"]
        opdracht = {
            "worker": [
                *celery_, "worker", "--loglevel", "INFO", "--concurrency", "1",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
                "--hostname", f"{naam}-{uuid.uuid4().hex[:6]}@%h",
            ],
            "beat": [*celery_, "beat", "--loglevel", "INFO"],
        }[rol]  # fmt: skip
        log = open(self.log(naam), "wb")  # noqa: SIM115 - closed in stoppen()
        proces = subprocess.Popen(
            opdracht,
            cwd=BASE_DIR,
            env=self.omgeving,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processen[naam] = (proces, log)

    def log(self, naam):
        return self.map / f"{naam}.log"

    def doden(self, naam):
        """kill -9 of the worker: its main process and its pool child at once."""
        proces, _ = self.processen[naam]
        os.killpg(proces.pid, signal.SIGKILL)
        proces.wait()
        self.gedood.add(naam)

    def logs(self):
        return "\n".join(
            f"--- {naam} ---\n{self.log(naam).read_text(errors='replace')[-3000:]}"
            for naam in self.processen
        )

    def wachten_tot(self, voorwaarde, seconden=30):
        einde = time.monotonic() + seconden
        while time.monotonic() < einde:
            for naam, (proces, _) in self.processen.items():
                if naam not in self.gedood:
                    assert proces.poll() is None, f"{naam} is gestopt:\n{self.logs()}"
            uitkomst = voorwaarde()
            if uitkomst:
                return uitkomst
            time.sleep(0.2)
        pytest.fail(f"Niet binnen {seconden} s.\n{self.logs()}")

    def stoppen(self):
        for proces, _ in self.processen.values():
            if proces.poll() is None:
                os.killpg(proces.pid, signal.SIGTERM)
        for proces, log in self.processen.values():
            try:
                proces.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proces.pid, signal.SIGKILL)
                proces.wait()
            log.close()
        wachtrij_opruimen(self.omgeving["CELERY_TASK_DEFAULT_QUEUE"])


@pytest.fixture
def celery(tmp_path):
    """Start beat and worker; yield a poller; stop both, whatever happens."""
    processen = Processen(tmp_path)
    try:
        processen.start("worker", "worker")
        processen.start("beat", "beat")
        yield processen.wachten_tot, tmp_path / "mail", processen.log("worker")
    finally:
        processen.stoppen()


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
    # Each mail went out from a batch task of its own, not from the sweep.
    assert len(re.findall(rf"Task {DEELTAAK}\[\S+\] succeeded", worker_log.read_text())) >= 3


def geslaagd(log):
    """Runs of the sweep task the worker logged as succeeded."""
    return len(re.findall(rf"Task {TAAK}\[\S+\] succeeded", log.read_text()))


@pytest.fixture
def smtp():
    put = SmtpPut()
    put.start()
    yield put
    put.stop()


def test_a_worker_killed_mid_sweep_leaves_its_mails_to_the_next_worker_each_sent_once(
    tmp_path, smtp, pm, pm2, beheerder
):
    vandaag = timezone.localdate()
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), deadline=vandaag - DAG)
    # 20 days late: pm2's reminder, and an escalation to pm2's manager, beheerder.
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm2), deadline=vandaag - 20 * DAG)
    # The second mail of the sweep is held by the mail server until the worker is dead.
    smtp.vasthouden_bij = 2
    processen = Processen(
        tmp_path,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.poort),
        EMAIL_TIMEOUT="10",
        # A claim of 3 s instead of 15 minutes, so the takeover comes quickly.
        HERINNERINGEN_CLAIM_MINUTEN="0.05",
    )
    try:
        processen.start("worker1", "worker")
        processen.start("beat", "beat")
        processen.wachten_tot(smtp.vastgehouden.is_set, seconden=60)
        assert len(smtp.berichten) == 1
        processen.doden("worker1")
        smtp.vastgehouden_laten_vallen()
        assert set(Verzending.objects.values_list("status", flat=True)) == {
            "verzonden",
            "bezig",  # claimed by the dead worker
        }
        # The third person's batch had not started: their reminders wait, not yet a mail.
        assert Bezorging.objects.filter(verzending__isnull=True).exists()

        processen.start("worker2", "worker")
        smtp.wachten_op(3)
        processen.wachten_tot(
            lambda: set(Verzending.objects.values_list("status", flat=True)) == {"verzonden"}
        )
        # Then two more runs of the new worker, which must send nothing.
        gezien = geslaagd(processen.log("worker2"))
        processen.wachten_tot(lambda: geslaagd(processen.log("worker2")) >= gezien + 2)
    finally:
        processen.stoppen()
    assert smtp.per_ontvanger() == {
        "beheerder@douane.example": 1,
        "pm2@douane.example": 1,
        "pm@douane.example": 1,
    }
    overgenomen = Verzending.objects.get(pogingen=2)
    assert overgenomen.status == VerzendingStatus.VERZONDEN


def test_a_worker_that_starts_catches_up_without_waiting_for_beat(tmp_path, pm):
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), deadline=timezone.localdate() - DAG)
    # No beat at all: only the worker's own catch-up at start can send this.
    processen = Processen(tmp_path, HERINNERINGEN_SCHEMA="uit")
    try:
        processen.start("worker", "worker")
        [bericht] = processen.wachten_tot(lambda: mails_in(tmp_path / "mail"))
    finally:
        processen.stoppen()
    assert str(bericht["To"]) == "pm@douane.example"
