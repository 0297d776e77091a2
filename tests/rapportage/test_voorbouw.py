"""A large report's pages on screen are made by a worker, never in a reader's request
(issue 13): a reader who comes before the worker sees its progress, or the previous
state's pages saying so; beat has each changed state made once, after the data is quiet."""

import datetime
import re
import runpy
import threading
import time
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from douane_portfolio import settings as settings_module
from programmas.models import Status
from rapportage import bestanden, paginas, tasks
from rapportage.models import BestandStatus, Rapportbestand
from tests.importeren.conftest import worker  # noqa: F401
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory, StatusrapportageFactory
from tests.rapportage.test_bestanden import volg

# When the earlier state was built, in the tests that show it after a change.
GEBOUWD = datetime.datetime(2026, 12, 3, 9, 41, tzinfo=datetime.UTC)
URL = reverse("rapportage:periode", args=[2026, "t3"])


@contextmanager
def _een_uur_na_de_bouw(client):
    """The report read and built at GEBOUWD, then the clock an hour later, not now: the
    pages built then stay cached a day only (paginas.BEWAARTIJD), so a fixed date in the
    past expired them a day later."""
    with time_machine.travel(GEBOUWD):
        client.get(URL)
        _bouwen()
    with time_machine.travel(GEBOUWD + datetime.timedelta(hours=1)):
        yield


@pytest.fixture
def overdag():
    """These tests move the clock up to 45 minutes on. Started just before midnight, the
    day changed on the way, and with it "today" and the data state (what is overdue): a
    new build instead of the one the test follows. So they start in the morning (the
    clock runs), before their data is made."""
    ochtend = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(ochtend, tick=True):
        yield


@pytest.fixture
def groot(settings, pm):
    """Three initiatives, which count as a large portfolio here."""
    settings.RAPPORT_VOORBOUW = True
    settings.RAPPORT_DIRECT_TOT = 2
    periode = PeriodeFactory()
    for i in InitiatiefFactory.create_batch(3, eigenaar=pm):
        StatusrapportageFactory(initiatief=i, periode=periode, status=Status.GROEN)
    return periode


def _zonder_savepoints(queries):
    # The test's transaction wraps atomic blocks in savepoints; production does not.
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]])


def _bouwen():
    """What the worker does for each queued build; returns how many it made."""
    gemaakt = 0
    for pk in Rapportbestand.objects.filter(
        formaat=bestanden.SCHERM, status=BestandStatus.WACHTRIJ
    ).values_list("pk", flat=True):
        tasks.rapportbestand_maken(pk)
        gemaakt += 1
    return gemaakt


@pytest.mark.django_db
def test_a_large_report_shows_progress_until_a_worker_made_it_then_the_report(
    client_voor, lezer, groot, django_capture_on_commit_callbacks
):
    client = client_voor(lezer)
    with django_capture_on_commit_callbacks() as taken, CaptureQueriesContext(connection) as q:
        wacht = client.get(URL, {"hoofdstuk": 2})
    pagina = wacht.content.decode()
    assert wacht.status_code == 200
    assert "Het rapport wordt bijgewerkt met de nieuwste gegevens" in pagina
    assert "<progress" in pagina and '<meta http-equiv="refresh"' in pagina
    assert "Activiteiten" not in pagina  # no report before it is made
    assert len(taken) == 1 and _zonder_savepoints(q) <= 10
    (bouw,) = Rapportbestand.objects.all()
    assert (bouw.formaat, bouw.status) == (bestanden.SCHERM, BestandStatus.WACHTRIJ)

    # A second reader joins the same build.
    with django_capture_on_commit_callbacks() as taken:
        assert "<progress" in client.get(URL).content.decode()
    assert taken == [] and Rapportbestand.objects.count() == 1
    voortgang = client.get(reverse("rapportage:bestand_voortgang", args=[bouw.pk])).json()
    assert voortgang["status"] == "wachtrij"

    assert _bouwen() == 1
    with CaptureQueriesContext(connection) as q:
        klaar = client.get(URL, {"hoofdstuk": 2}).content.decode()
    assert "Activiteiten" in klaar and "<progress" not in klaar
    assert _zonder_savepoints(q) <= 10
    # Delivered twice: the second delivery makes nothing.
    assert bestanden.claim(bouw.pk) is None
    assert client.get(reverse("rapportage:bestand", args=[bouw.pk])).status_code == 404


@pytest.mark.django_db
def test_pages_evicted_after_they_were_made_are_made_again_by_one_request(
    client_voor, lezer, groot, django_capture_on_commit_callbacks
):
    client = client_voor(lezer)
    client.get(URL)
    _bouwen()
    cache.clear()  # evicted (or the cache restarted): the record still says "klaar"
    with django_capture_on_commit_callbacks() as taken, CaptureQueriesContext(connection) as q:
        assert "<progress" in client.get(URL).content.decode()
    assert len(taken) == 1 and _zonder_savepoints(q) <= 10
    with django_capture_on_commit_callbacks() as taken:
        assert "<progress" in client.get(URL).content.decode()
    assert taken == []
    assert _bouwen() == 1 and Rapportbestand.objects.count() == 1
    assert "Activiteiten" in client.get(URL, {"hoofdstuk": 2}).content.decode()


@pytest.mark.django_db
def test_after_a_change_the_previous_state_is_shown_saying_when_it_was_read(
    client_voor, lezer, groot, django_capture_on_commit_callbacks
):
    client = client_voor(lezer)
    with _een_uur_na_de_bouw(client):
        StatusrapportageFactory(
            periode=groot, status=Status.ROOD, toelichting="Nieuw na wijziging."
        )

        with django_capture_on_commit_callbacks() as taken:
            oud = client.get(URL, {"hoofdstuk": 2}).content.decode()
        assert "Dit is het rapport zoals het was op 3 december 2026 om 10:41." in oud
        assert "het rapport wordt bijgewerkt" in oud and "<progress" in oud
        assert "Activiteiten" in oud and "Nieuw na wijziging." not in oud
        assert len(taken) == 1

        assert _bouwen() == 1
        nieuw = client.get(URL, {"hoofdstuk": 2}).content.decode()
        assert "Nieuw na wijziging." in nieuw and "zoals het was op" not in nieuw


@pytest.mark.django_db
def test_a_small_portfolio_is_still_made_in_the_request(client_voor, lezer, groot, settings):
    settings.RAPPORT_DIRECT_TOT = 100
    pagina = client_voor(lezer).get(URL, {"hoofdstuk": 2}).content.decode()
    assert "Activiteiten" in pagina and "<progress" not in pagina
    assert not Rapportbestand.objects.exists()


@pytest.mark.django_db
def test_a_failed_build_says_so_and_is_retried_only_when_asked(
    client_voor, lezer, groot, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_voor(lezer)
    client.get(URL)

    def kapot(periode):
        raise RuntimeError("geen verbinding")

    monkeypatch.setattr(bestanden, "opzet", kapot)
    with pytest.raises(RuntimeError):
        _bouwen()
    with django_capture_on_commit_callbacks() as taken:
        pagina = client.get(URL).content.decode()
    assert "Het bijwerken van het rapport met de nieuwste gegevens is mislukt." in pagina
    assert "?opnieuw=1" in pagina and '<meta http-equiv="refresh"' not in pagina
    assert taken == []  # a reload does not retry a build that fails every time

    with django_capture_on_commit_callbacks() as taken:
        pagina = client.get(URL, {"opnieuw": "1"}).content.decode()
    assert len(taken) == 1 and "<progress" in pagina
    # Its progress reloads the page without asking again.
    assert 'content="3; url=/rapportage/2026/t3/"' in pagina


@pytest.mark.django_db
def test_beat_has_each_changed_state_made_once_after_the_data_is_quiet(overdag, groot, settings):
    settings.RAPPORT_VOORBOUW_RUST = 20
    settings.RAPPORT_VOORBOUW_UITERLIJK = 600
    nu = timezone.now()
    with time_machine.travel(nu + datetime.timedelta(seconds=30), tick=False):
        (eerste,) = paginas.voorbouwen()
        assert paginas.voorbouwen() == []  # queued: not again
        assert _bouwen() == 1
        assert paginas.voorbouwen() == []  # made: nothing to do

    with time_machine.travel(nu + datetime.timedelta(seconds=60), tick=False):
        for toelichting in ("Eén.", "Twee.", "Drie."):
            StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting=toelichting)
        assert paginas.voorbouwen() == []  # still changing: wait for quiet
    with time_machine.travel(nu + datetime.timedelta(seconds=90), tick=False):
        (tweede,) = paginas.voorbouwen()  # the whole burst: one build
        assert tweede.sleutel != eerste.sleutel
        assert _bouwen() == 1
        assert paginas.voorbouwen() == []
    assert Rapportbestand.objects.count() == 2


@pytest.mark.django_db
def test_beat_does_not_wait_for_quiet_forever(overdag, groot, settings):
    settings.RAPPORT_VOORBOUW_RUST = 20
    settings.RAPPORT_VOORBOUW_UITERLIJK = 600
    nu = timezone.now()
    with time_machine.travel(nu + datetime.timedelta(seconds=30), tick=False):
        paginas.voorbouwen()
        _bouwen()
    with time_machine.travel(nu + datetime.timedelta(seconds=700), tick=False):
        StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Steeds bezig.")
        assert len(paginas.voorbouwen()) == 1


@pytest.mark.django_db
def test_beat_leaves_closed_reports_and_a_running_build_alone(groot, settings):
    settings.RAPPORT_VOORBOUW_RUST = 0
    gesloten = PeriodeFactory(jaar=2025, soort="T3", status="gesloten")
    (bouw,) = paginas.voorbouwen()
    assert bouw.periode == groot and gesloten.pk != groot.pk
    bestanden.claim(bouw.pk)  # a worker is making it
    StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Nieuw.")
    assert paginas.voorbouwen() == []  # one build per report at a time
    settings.RAPPORT_VOORBOUW = False
    Rapportbestand.objects.all().delete()
    assert paginas.voorbouwen() == []


@pytest.mark.django_db
def test_beat_sends_a_build_again_that_no_worker_took_or_finished(
    overdag, groot, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.RAPPORT_VOORBOUW_RUST = 0
    settings.RAPPORT_VOORBOUW_UITERLIJK = 600
    verstuurd = []
    monkeypatch.setattr(tasks.rapportbestand_maken, "delay", verstuurd.append)

    def voorbouwen():
        with django_capture_on_commit_callbacks(execute=True):
            return paginas.voorbouwen()

    (bouw,) = paginas.voorbouwen()
    nu = timezone.now()
    with time_machine.travel(nu + datetime.timedelta(seconds=300), tick=False):
        assert voorbouwen() == [] and verstuurd == []
    with time_machine.travel(nu + datetime.timedelta(seconds=700), tick=False):
        assert voorbouwen() == [] and verstuurd == [bouw.pk]  # its message lost?
        assert voorbouwen() == [] and verstuurd == [bouw.pk]  # not every minute
    # A worker took it and died: after VERLATEN_NA it is queued again.
    with time_machine.travel(nu + datetime.timedelta(seconds=800), tick=False):
        assert bestanden.claim(bouw.pk) is not None
    with time_machine.travel(nu + datetime.timedelta(minutes=20), tick=False):
        voorbouwen()
        assert verstuurd == [bouw.pk]
    with time_machine.travel(nu + datetime.timedelta(minutes=45), tick=False):
        voorbouwen()
        voorbouwen()
        assert verstuurd == [bouw.pk, bouw.pk]
        bouw.refresh_from_db()
        assert bouw.status == BestandStatus.WACHTRIJ


@pytest.mark.django_db
def test_a_build_superseded_while_it_waited_makes_the_newest_state_instead(
    client_voor, lezer, groot, django_capture_on_commit_callbacks
):
    client = client_voor(lezer)
    with _een_uur_na_de_bouw(client):
        StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Eerste wijziging.")
        assert "zoals het was op" in client.get(URL).content.decode()
        (wachtend,) = Rapportbestand.objects.filter(status=BestandStatus.WACHTRIJ)
        # The data changes again before a worker takes the build.
        StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Tweede wijziging.")
        nieuwste = bestanden.sleutel(groot)

        tasks.rapportbestand_maken(wachtend.pk)
        wachtend.refresh_from_db()
        assert wachtend.status == BestandStatus.VERVANGEN
        gemaakt = Rapportbestand.objects.get(sleutel=nieuwste)
        assert gemaakt.status == BestandStatus.KLAAR
        assert Rapportbestand.objects.count() == 3
        # Nothing made under the superseded key; the newest state is there for the reader,
        # who was shown the previous state meanwhile, and is led on by the progress poll.
        assert cache.get(paginas._sleutel(wachtend.sleutel, "inhoud")) is None
        voortgang = client.get(reverse("rapportage:bestand_voortgang", args=[wachtend.pk])).json()
        assert voortgang["status"] == "vervangen"
        with django_capture_on_commit_callbacks() as taken:
            pagina = client.get(URL, {"hoofdstuk": 2}).content.decode()
        assert "Tweede wijziging." in pagina and "<progress" not in pagina and taken == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="holds the build with a table lock")
def test_pages_overtaken_while_they_are_made_are_made_for_the_newest_state(
    client_voor, lezer, groot
):
    """The build (the task, in a thread) takes its state while it is current and waits
    to read the status reports (a table lock held here); meanwhile a report comes in.
    It stores no pages for the old state and makes the newest instead."""
    lopend = Rapportbestand.objects.create(
        periode=groot, formaat=bestanden.SCHERM, sleutel=bestanden.sleutel(groot)
    )
    fouten = []

    def bouwen():
        try:
            tasks.rapportbestand_maken(lopend.pk)
        except Exception as fout:  # noqa: BLE001 - reported below
            fouten.append(fout)
        finally:
            connections.close_all()

    draad = threading.Thread(target=bouwen)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE programmas_statusrapportage IN ACCESS EXCLUSIVE MODE")
        draad.start()
        for _ in range(600):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND relation = 'programmas_statusrapportage'::regclass"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("De bouw wacht niet op het slot.")
        StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Tijdens de bouw.")
    draad.join(timeout=60)

    assert not fouten, fouten
    lopend.refresh_from_db()
    assert lopend.status == BestandStatus.VERVANGEN
    assert cache.get(paginas._sleutel(lopend.sleutel, "inhoud")) is None
    gemaakt = Rapportbestand.objects.get(sleutel=bestanden.sleutel(groot))
    assert gemaakt.status == BestandStatus.KLAAR
    pagina = client_voor(lezer).get(URL, {"hoofdstuk": 2}).content.decode()
    assert "Tijdens de bouw." in pagina and "<progress" not in pagina


@pytest.mark.django_db
def test_a_superseded_build_makes_nothing_when_the_newest_state_is_made_or_taken(
    client_voor, lezer, groot, django_capture_on_commit_callbacks
):
    client = client_voor(lezer)
    client.get(URL)
    (oud,) = Rapportbestand.objects.all()
    StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Nieuw.")
    client.get(URL)  # the reader's request queues the newest state
    nieuw = Rapportbestand.objects.exclude(pk=oud.pk).get()
    assert bestanden.claim(nieuw.pk) is not None  # a worker is making it

    assert bestanden.claim(oud.pk) is None
    oud.refresh_from_db()
    nieuw.refresh_from_db()
    assert (oud.status, nieuw.status) == (BestandStatus.VERVANGEN, BestandStatus.BEZIG)
    assert cache.get(paginas._laatste_sleutel(groot)) is None  # nothing was made

    # Should that state become current again (history pruned), it is queued again.
    with django_capture_on_commit_callbacks() as taken:
        bestanden.aanvragen(groot, bestanden.SCHERM, oud.sleutel, opnieuw_als=())
    oud.refresh_from_db()
    assert oud.status == BestandStatus.WACHTRIJ and len(taken) == 1


@pytest.fixture
def gedeelde_cache(tmp_path, monkeypatch, settings):
    """A cache this process shares with the worker (as Redis would in production)."""
    map_ = tmp_path / "cache"
    monkeypatch.setenv("CACHE_URL", f"file://{map_}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(map_),
        }
    }


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_pages_once_while_the_reader_sees_progress(
    gedeelde_cache,
    worker,  # noqa: F811
    client_voor,
    lezer,
    groot,
):
    proces, log_pad = worker
    client = client_voor(lezer)
    assert "<progress" in client.get(URL).content.decode()
    assert "<progress" in client.get(URL, {"hoofdstuk": 2}).content.decode()
    (bouw,) = Rapportbestand.objects.all()
    standen = volg(client, bouw.pk, proces, log_pad)
    assert standen[-1] == {"status": "klaar", "stap": 3, "stappen": 3}
    pagina = client.get(URL, {"hoofdstuk": 2}).content.decode()
    assert "Activiteiten" in pagina and "<progress" not in pagina

    # The same build delivered twice more: nothing is made again.
    gemaakt_op = cache.get(paginas._laatste_sleutel(groot))["op"]
    tasks.rapportbestand_maken.delay(bouw.pk)
    tasks.rapportbestand_maken.delay(bouw.pk)
    einde = time.monotonic() + 60
    geslaagd = re.compile(r"Task rapportage\.tasks\.rapportbestand_maken\[\S+\] succeeded")
    while len(geslaagd.findall(log_pad.read_text())) < 3:
        assert time.monotonic() < einde, log_pad.read_text()[-3000:]
        time.sleep(0.1)
    assert cache.get(paginas._laatste_sleutel(groot))["op"] == gemaakt_op
    assert Rapportbestand.objects.count() == 1


@pytest.mark.parametrize(
    "omgeving, gepland",
    [
        ({"CACHE_URL": "locmem://"}, False),  # each process its own cache: made in the request
        ({"CACHE_URL": "redis://127.0.0.1:6379/1"}, True),
        ({"CACHE_URL": "redis://127.0.0.1:6379/1", "RAPPORT_VOORBOUW_SCHEMA": "uit"}, False),
    ],
)
def test_beat_checks_every_minute_only_with_a_cache_the_worker_shares(
    monkeypatch, tmp_path, omgeving, gepland
):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for naam, waarde in omgeving.items():
        monkeypatch.setenv(naam, waarde)
    instellingen = runpy.run_path(settings_module.__file__)
    taak = instellingen["CELERY_BEAT_SCHEDULE"].get("rapport-voorbouwen")
    assert instellingen["RAPPORT_VOORBOUW"] == (omgeving["CACHE_URL"] != "locmem://")
    assert (taak is not None) == gepland
    if gepland:
        assert (taak["schedule"], taak["options"]["expires"]) == (60.0, 54)
