"""A large file is previewed and imported by a real Celery worker (a separate process on
the configured broker), with progress the page can poll."""

import time

import pytest

from importeren.models import Importbestand, ImportStatus
from risicos.models import Categorie, Risico
from tests.importeren.conftest import csv_bestand

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

RIJEN = 5000
NIEUW = 50


def volg(client, pk, proces, log_pad, klaar, seconden=180):
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
