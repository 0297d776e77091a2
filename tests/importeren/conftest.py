import io
import os
import signal
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.herinneringen.test_celery import BASE_DIR, database_url, wachtrij_opruimen


def csv_bestand(rijen, naam="register.csv", scheiding=",", codering="utf-8"):
    tekst = "\r\n".join(scheiding.join(str(c) for c in rij) for rij in rijen) + "\r\n"
    return SimpleUploadedFile(naam, tekst.encode(codering), content_type="text/csv")


def xlsx_bestand(rijen, naam="register.xlsx"):
    boek = Workbook()
    for rij in rijen:
        boek.active.append(list(rij))
    uit = io.BytesIO()
    boek.save(uit)
    return SimpleUploadedFile(naam, uit.getvalue())


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    # Each test its own upload folder (as tests/audits/conftest.py): the xdist workers
    # share VAR_DIR, and a test that counts the files it stored found another worker's
    # upload there. The worker fixture passes this folder on to its Celery process.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def uploaden(client_voor):
    """Upload a file as `user` and return (response, Importbestand or None)."""
    from importeren.models import Importbestand

    def uploaden(user, soort, bestand, follow=False):
        client = client_voor(user)
        response = client.post("/importeren/", {"soort": soort, "bestand": bestand}, follow=follow)
        return response, Importbestand.objects.filter(door=user).order_by("-pk").first()

    return uploaden


@pytest.fixture
def importeren(client_voor):
    def importeren(importbestand):
        client = client_voor(importbestand.door)
        response = client.post(f"/importeren/{importbestand.pk}/importeren/")
        importbestand.refresh_from_db()
        return response

    return importeren


@pytest.fixture
def worker(tmp_path):
    """A real Celery worker process on its own queue; yields (process, log path)."""
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
