"""A large file is previewed and imported by a real Celery worker (a separate process on
the configured broker), with progress the page can poll."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from importeren.models import Importbestand, ImportStatus
from risicos.models import Categorie, Risico
from tests.herinneringen.test_celery import BASE_DIR, database_url, wachtrij_opruimen
from tests.importeren.conftest import csv_bestand

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

RIJEN = 5000
NIEUW = 50


@pytest.fixture
def worker(tmp_path):
    wachtrij = f"importeren-test-{uuid.uuid4().hex[:12]}"
    omgeving = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "douane_portfolio.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": wachtrij,
        # The same VAR_DIR as this process (tests/omgeving.py): the file-system broker's
        # folders, and the upload and progress file where the web side put them.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    log_pad = tmp_path / "worker.log"
    log = open(log_pad, "wb")  # noqa: SIM115 - closed below
    proces = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "douane_portfolio", "worker",
         "--loglevel", "INFO", "--concurrency", "1", "--without-mingle",
         "--without-gossip", "--without-heartbeat",
         "--hostname", f"importeren-test-{uuid.uuid4().hex[:6]}@%h"],
        cwd=BASE_DIR, env=omgeving, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    # Tasks the test process sends go to the worker's own queue.
    oud = settings.CELERY_TASK_DEFAULT_QUEUE
    from douane_portfolio.celery import app

    app.conf.task_default_queue = wachtrij
    try:
        yield proces, log_pad
    finally:
        app.conf.task_default_queue = oud
        if proces.poll() is None:
            os.killpg(proces.pid, signal.SIGTERM)
        try:
            proces.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proces.pid, signal.SIGKILL)
            proces.wait()
        log.close()
        wachtrij_opruimen(wachtrij)


def volg(client, pk, proces, log_pad, klaar, seconden=60):
    """Poll the progress endpoint until the status is `klaar`; return what was seen."""
    gezien = []
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        assert proces.poll() is None, log_pad.read_text(errors="replace")[-3000:]
        stand = client.get(f"/importeren/{pk}/voortgang/").json()
        gezien.append(stand)
        if stand["status"] == klaar:
            return gezien
        time.sleep(0.02)
    pytest.fail(f"Niet klaar binnen {seconden} s: {gezien[-1]}\n{log_pad.read_text()[-3000:]}")


def test_a_5000_row_file_runs_in_the_worker_with_progress(worker, client_voor, risicofunctionaris):
    proces, log_pad = worker
    Risico.objects.bulk_create(
        Risico(titel=f"Risico {i:05d}", categorie=Categorie.INTERN, eigenaar=risicofunctionaris)
        for i in range(RIJEN - NIEUW)
    )
    rijen = [["Risico", "Categorie", "Eigenaar"]] + [
        [f"Risico {i:05d}", "Intern", "risicofunctionaris"] for i in range(RIJEN)
    ]
    client = client_voor(risicofunctionaris)
    response = client.post("/importeren/", {"soort": "risicos", "bestand": csv_bestand(rijen)})
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    pagina = client.get(f"/importeren/{pk}/").content.decode()
    assert "<progress" in pagina

    controle = volg(client, pk, proces, log_pad, ImportStatus.GECONTROLEERD)
    resultaat = Importbestand.objects.get(pk=pk).resultaat
    assert (resultaat["nieuw"], resultaat["ongewijzigd"], resultaat["fouten"]) == (50, 4950, 0)

    client.post(f"/importeren/{pk}/importeren/")
    invoer = volg(client, pk, proces, log_pad, ImportStatus.GEIMPORTEERD)

    assert Risico.objects.count() == RIJEN
    assert Risico.history.count() == NIEUW
    standen = controle + invoer
    assert all(s["totaal"] == RIJEN for s in standen)
    # The bar moves: counts in between were reported, never going back within a run.
    tussen = [s["verwerkt"] for s in standen if 0 < s["verwerkt"] < RIJEN]
    assert tussen, [(s["status"], s["verwerkt"]) for s in standen if s["status"] == "bezig"]
    for run in (controle, invoer):
        verwerkt = [s["verwerkt"] for s in run if s["status"] == "bezig"]
        assert verwerkt == sorted(verwerkt)
    assert invoer[-1]["verwerkt"] == RIJEN
