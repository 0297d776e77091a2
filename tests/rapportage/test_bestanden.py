"""The report per chapter, and its PDF/Word made once per state of the data: during the
request for a small portfolio, by a real Celery worker with progress for a large one."""

import datetime
import io
import time

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from programmas.models import Status
from rapportage import bestanden, tasks
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


def _wachten(voorwaarde, proces, log_pad, seconden=180):
    einde = time.monotonic() + seconden
    while not voorwaarde():
        assert proces.poll() is None, log_pad.read_text(errors="replace")[-3000:]
        assert time.monotonic() < einde, log_pad.read_text(errors="replace")[-3000:]
        time.sleep(0.1)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_file_superseded_while_it_waited_is_made_for_the_newest_state_only(
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
        # Queued for the state of the data then; the data changes before a worker takes it.
        wachtend = Rapportbestand.objects.create(
            periode=open_periode, formaat=formaat, sleutel=bestanden.sleutel(open_periode)
        )
        StatusrapportageFactory(periode=open_periode, status=Status.ROOD, toelichting=formaat)
        nieuwste = bestanden.sleutel(open_periode)
        tasks.rapportbestand_maken.delay(wachtend.pk)

        def klaar(formaat=formaat, nieuwste=nieuwste):
            return Rapportbestand.objects.filter(
                formaat=formaat, sleutel=nieuwste, status=BestandStatus.KLAAR
            ).exists()

        _wachten(klaar, proces, log_pad)
        wachtend.refresh_from_db()
        assert wachtend.status == BestandStatus.VERVANGEN
        gemaakt = Rapportbestand.objects.get(formaat=formaat, sleutel=nieuwste)
        assert bestanden.pad(gemaakt).is_file()
        assert not list(bestanden.pad(gemaakt).parent.glob(f"*{wachtend.sleutel}.{formaat}"))
        # Whoever waited for the superseded file is led to the newest one.
        url = reverse("rapportage:periode_" + formaat, args=[2026, "t3"])
        voortgang = client.get(reverse("rapportage:bestand", args=[wachtend.pk]))
        assert voortgang["Location"] == url
        bestand = client.get(url)
        assert bestand.getvalue()[:4] == (b"%PDF" if formaat == "pdf" else b"PK\x03\x04")
    assert Rapportbestand.objects.count() == 4


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="holds the worker with a table lock")
def test_a_file_overtaken_while_it_is_made_stops_and_the_newest_state_is_made(
    worker,  # noqa: F811
    client_voor,
    lezer,
    open_periode,
    settings,
):
    """The worker takes the build while its state is current and then waits to read the
    status reports (a table lock this test holds); meanwhile a new report comes in. At
    its next step the build stops, says "vervangen", and the worker makes the newest
    state; the reader on the progress page of the old build is led to the new file."""
    proces, log_pad = worker
    settings.RAPPORT_DIRECT_TOT = 0
    client = client_voor(lezer)
    lopend = Rapportbestand.objects.create(
        periode=open_periode, formaat="pdf", sleutel=bestanden.sleutel(open_periode)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE programmas_statusrapportage IN ACCESS EXCLUSIVE MODE")
        tasks.rapportbestand_maken.delay(lopend.pk)

        def wacht_op_het_slot():
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND relation = 'programmas_statusrapportage'::regclass"
            )
            return cursor.fetchone()[0] > 0

        _wachten(wacht_op_het_slot, proces, log_pad, seconden=60)
        lopend.refresh_from_db()
        assert lopend.status == BestandStatus.BEZIG  # taken: its state was current then
        StatusrapportageFactory(periode=open_periode, status=Status.ROOD)
    nieuwste = bestanden.sleutel(open_periode)
    assert nieuwste != lopend.sleutel

    def afgelopen():
        lopend.refresh_from_db()
        return lopend.status not in (BestandStatus.WACHTRIJ, BestandStatus.BEZIG)

    _wachten(afgelopen, proces, log_pad, seconden=60)
    assert lopend.status == BestandStatus.VERVANGEN
    assert not bestanden.pad(lopend).is_file()
    _wachten(
        lambda: Rapportbestand.objects.filter(
            sleutel=nieuwste, status__in=(BestandStatus.KLAAR, BestandStatus.MISLUKT)
        ).exists(),
        proces,
        log_pad,
        seconden=60,
    )
    gemaakt = Rapportbestand.objects.get(sleutel=nieuwste)
    assert gemaakt.status == BestandStatus.KLAAR and bestanden.pad(gemaakt).is_file()
    assert Rapportbestand.objects.count() == 2
    # The reader who waited for the overtaken build is led to the newest file.
    voortgang = client.get(reverse("rapportage:bestand", args=[lopend.pk]))
    assert voortgang["Location"] == PDF
    assert client.get(PDF).getvalue()[:4] == b"%PDF"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_file_whose_build_was_lost_is_made_for_the_reader_who_waits(
    worker,  # noqa: F811
    client_voor,
    lezer,
    open_periode,
    settings,
):
    proces, log_pad = worker
    settings.RAPPORT_DIRECT_TOT = 0
    client = client_voor(lezer)
    stand = bestanden.sleutel(open_periode)
    lang_geleden = timezone.now() - datetime.timedelta(hours=1)
    for formaat in ("pdf", "docx"):
        url = reverse("rapportage:periode_" + formaat, args=[2026, "t3"])
        # Its worker died halfway: the next request for the file sends it again.
        gestorven = Rapportbestand.objects.create(
            periode=open_periode, formaat=formaat, sleutel=stand, status=BestandStatus.BEZIG
        )
        Rapportbestand.objects.filter(pk=gestorven.pk).update(stap=1, bijgewerkt_op=lang_geleden)
        response = client.get(url)
        assert response["Location"] == reverse("rapportage:bestand", args=[gestorven.pk])
        assert volg(client, gestorven.pk, proces, log_pad)[-1]["status"] == "klaar"
        assert client.get(url).getvalue()[:2] in (b"%P", b"PK")

        # Its message was lost (a broker that restarted): the reader on the progress
        # page, who polls it, has it sent again.
        Rapportbestand.objects.filter(pk=gestorven.pk).delete()
        verloren = Rapportbestand.objects.create(
            periode=open_periode, formaat=formaat, sleutel=stand
        )
        Rapportbestand.objects.filter(pk=verloren.pk).update(bijgewerkt_op=lang_geleden)
        assert volg(client, verloren.pk, proces, log_pad)[-1]["status"] == "klaar"
        assert bestanden.pad(Rapportbestand.objects.get(pk=verloren.pk)).is_file()


@pytest.mark.django_db
def test_a_lost_build_is_sent_again_once_not_on_every_poll(
    client_voor, lezer, open_periode, settings, django_capture_on_commit_callbacks
):
    settings.RAPPORT_DIRECT_TOT = 0
    client = client_voor(lezer)
    bestand = Rapportbestand.objects.create(
        periode=open_periode, formaat="pdf", sleutel=bestanden.sleutel(open_periode)
    )
    poll = reverse("rapportage:bestand_voortgang", args=[bestand.pk])
    with django_capture_on_commit_callbacks() as taken:
        assert client.get(poll).json()["status"] == "wachtrij"
    assert taken == []  # queued just now: its message is still under way

    nu = timezone.now()
    Rapportbestand.objects.filter(pk=bestand.pk).update(
        status=BestandStatus.BEZIG, stap=2, bijgewerkt_op=nu
    )
    with time_machine.travel(nu + bestanden.VERLATEN_NA - datetime.timedelta(minutes=1)):
        with django_capture_on_commit_callbacks() as taken:
            client.get(reverse("rapportage:bestand", args=[bestand.pk]))
        assert taken == []  # still within VERLATEN_NA of its last step
    with time_machine.travel(nu + bestanden.VERLATEN_NA + datetime.timedelta(minutes=1)):
        with django_capture_on_commit_callbacks() as taken:
            assert client.get(poll).json() == {"status": "wachtrij", "stap": 0, "stappen": 0}
            client.get(poll)
            client.get(reverse("rapportage:bestand", args=[bestand.pk]))
        assert len(taken) == 1
