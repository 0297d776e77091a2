"""The report per chapter, and its PDF/Word made once per state of the data: during the
request for a small portfolio, by a real Celery worker with progress for a large one."""

import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from programmas.models import Status
from rapportage.models import BestandStatus, Rapportbestand
from tests.importeren.conftest import worker  # noqa: F401
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory, StatusrapportageFactory


@pytest.fixture
def open_periode(pm):
    periode = PeriodeFactory()  # 2026 T3, open: a live report
    for i in InitiatiefFactory.create_batch(3, eigenaar=pm):
        StatusrapportageFactory(initiatief=i, periode=periode, status=Status.GROEN)
    return periode


def _zonder_savepoints(queries):
    # The test's transaction wraps the session's save in a savepoint; production does not.
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]])


PDF = reverse("rapportage:periode_pdf", args=[2026, "t3"])


@pytest.mark.django_db
def test_the_report_shows_its_contents_and_one_chapter_per_page(client_voor, lezer, demo):
    client = client_voor(lezer)
    url = reverse("rapportage:jaar", args=[2023])
    eerste = client.get(url).content.decode()
    alles = client.get(url, {"hoofdstuk": "alle"}).content.decode()
    tweede = client.get(url, {"hoofdstuk": "2"}).content.decode()
    assert "Inhoudsopgave" in eerste and 'href="?hoofdstuk=2#' in eerste
    assert eerste.count("<section ") == 1 and tweede.count("<section ") == 1
    assert alles.count("<section ") > 2 and 'href="?hoofdstuk=' not in alles
    assert "Volgend hoofdstuk" in eerste and "Vorig hoofdstuk" in tweede
    assert len(eerste) < len(alles)
    assert client.get(url, {"hoofdstuk": "99"}).status_code == 404
    assert client.get(url, {"hoofdstuk": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_outline_of_a_live_report_is_built_once_per_state_of_the_data(
    client_voor, lezer, open_periode
):
    client = client_voor(lezer)
    url = reverse("rapportage:periode", args=[2026, "t3"])
    client.get(url)
    with CaptureQueriesContext(connection) as tweede_keer:
        assert client.get(url, {"hoofdstuk": "2"}).status_code == 200
    assert _zonder_savepoints(tweede_keer) <= 10
    StatusrapportageFactory(periode=open_periode, status=Status.ROOD, toelichting="Nieuw.")
    with CaptureQueriesContext(connection) as na_wijziging:
        client.get(url)
    assert len(na_wijziging) > len(tweede_keer)  # gathered again


@pytest.mark.django_db
def test_a_small_portfolio_gets_its_pdf_at_once_and_then_from_the_cache(
    client_voor, lezer, open_periode
):
    client = client_voor(lezer)
    eerste = client.get(PDF)
    assert eerste["Content-Type"] == "application/pdf"
    inhoud = eerste.getvalue()
    assert PdfReader(io.BytesIO(inhoud)).pages
    (bestand,) = Rapportbestand.objects.all()
    assert bestand.status == BestandStatus.KLAAR

    with CaptureQueriesContext(connection) as queries:
        tweede = client.get(PDF)
    assert tweede.getvalue() == inhoud
    assert Rapportbestand.objects.count() == 1
    assert _zonder_savepoints(queries) <= 10

    # Data changed: a new file for the new state.
    StatusrapportageFactory(periode=open_periode, status=Status.ROOD, toelichting="Nieuw.")
    client.get(PDF).getvalue()
    assert Rapportbestand.objects.count() == 2


def volg(client, pk, proces, log_pad, seconden=180):
    gezien = []
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        assert proces.poll() is None, log_pad.read_text(errors="replace")[-3000:]
        stand = client.get(reverse("rapportage:bestand_voortgang", args=[pk])).json()
        gezien.append(stand)
        if stand["status"] in (BestandStatus.KLAAR, BestandStatus.MISLUKT):
            return gezien
        time.sleep(0.05)
    pytest.fail(f"Niet klaar binnen {seconden} s: {gezien[-1]}\n{log_pad.read_text()[-3000:]}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_large_portfolio_gets_its_file_from_a_worker_with_progress(
    worker,  # noqa: F811
    client_voor,
    lezer,
    open_periode,
    settings,
):
    proces, log_pad = worker
    settings.RAPPORT_DIRECT_TOT = 0
    client = client_voor(lezer)
    for formaat in ("pdf", "docx"):
        url = reverse("rapportage:periode_" + formaat, args=[2026, "t3"])
        response = client.get(url)
        assert response.status_code == 302
        pagina = client.get(response["Location"]).content.decode()
        assert "<progress" in pagina and "js/rapportbestand.js" in pagina
        assert '<meta http-equiv="refresh"' in pagina  # without JavaScript
        pk = Rapportbestand.objects.get(formaat=formaat).pk

        standen = volg(client, pk, proces, log_pad)
        assert standen[-1] == {"status": "klaar", "stap": 3, "stappen": 3}
        # Done: the progress page leads to the download, which is now the kept file.
        assert client.get(response["Location"])["Location"] == url
        bestand = client.get(url)
        assert bestand.status_code == 200
        assert bestand.getvalue()[:4] == (b"%PDF" if formaat == "pdf" else b"PK\x03\x04")
    assert Rapportbestand.objects.count() == 2
