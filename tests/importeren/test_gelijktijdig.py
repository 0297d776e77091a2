"""An import that PostgreSQL aborts for a deadlock runs again as a whole and lands once."""

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from importeren import verwerken
from importeren.models import Importbestand, ImportStatus
from risicos.models import Risico, Scorewijziging
from tests.importeren.conftest import csv_bestand
from tests.importeren.test_importeren import KOPPEN
from tests.risicos.factories import RisicoFactory
from tests.tegenligger import tegenligger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no concurrent writers; deadlocks are tested on PostgreSQL.",
    ),
]


RIJEN = [
    KOPPEN,
    ["Alfa", "Intern", "risicofunctionaris", 2, 2, 1, 1, 7],
    ["Nieuw", "Extern", "risicofunctionaris", 4, 4, 3, 3, 9],
    ["Bravo", "Intern", "risicofunctionaris", 3, 3, 2, 2, 8],
]


@pytest.fixture
def bestand(uploaden, risicofunctionaris):
    """Two existing risks changed and one new, checked (the preview) and ready to import."""
    alfa = RisicoFactory(titel="Alfa", eigenaar=risicofunctionaris)
    bravo = RisicoFactory(titel="Bravo", eigenaar=risicofunctionaris)
    _, importbestand = uploaden(risicofunctionaris, "risicos", csv_bestand(RIJEN))
    assert importbestand.resultaat["fouten"] == 0
    return importbestand, alfa, bravo


def _kruisend(alfa, bravo):
    # The import writes Alfa (row 2) and then waits for Bravo (row 4), which the other
    # session holds; that session then asks for Alfa.
    return tegenligger(
        ("SELECT 1 FROM risicos_risico WHERE id = %s FOR UPDATE", [bravo.pk]),
        ("UPDATE risicos_risico SET omschrijving = %s WHERE id = %s", ["Van een ander", alfa.pk]),
    )


def _eenmaal_geimporteerd(importbestand, alfa, bravo, caplog):
    importbestand.refresh_from_db()
    assert importbestand.status == ImportStatus.GEIMPORTEERD
    assert (importbestand.resultaat["nieuw"], importbestand.resultaat["gewijzigd"]) == (1, 2)
    herhaald = [r for r in caplog.records if r.name == "douane_portfolio.transacties"]
    assert len(herhaald) == 1 and "40P01" in herhaald[0].getMessage()
    nieuw = Risico.objects.get(titel="Nieuw")
    assert nieuw.history.count() == 1
    assert Scorewijziging.objects.filter(risico=nieuw).count() == 1
    for risico, bereidheid in ((alfa, 7), (bravo, 8)):
        risico.refresh_from_db()
        assert risico.risicobereidheid == bereidheid
        # The factory's, and the import's: its details and its scores.
        assert risico.history.count() == 3
        assert Scorewijziging.objects.filter(risico=risico).count() == 1
    # Run again after the other session committed: its change to Alfa stays.
    assert alfa.omschrijving == "Van een ander"


def test_a_deadlock_in_an_import_in_the_request_runs_the_whole_import_again_once(
    bestand, importeren, caplog
):
    """A small file is imported inside the request's transaction (with the lock on the
    file): the retry belongs to that transaction, not to the import inside it."""
    importbestand, alfa, bravo = bestand
    caplog.set_level(logging.WARNING, logger="douane_portfolio.transacties")
    with _kruisend(alfa, bravo) as tegen:
        response = importeren(importbestand)
    assert tegen["gekruist"]
    assert response.status_code == 302
    _eenmaal_geimporteerd(importbestand, alfa, bravo, caplog)


def test_a_deadlock_in_an_import_by_a_worker_runs_the_whole_import_again_once(bestand, caplog):
    """A large file is imported by a worker (`uitvoeren`, outside any transaction)."""
    importbestand, alfa, bravo = bestand
    importbestand.opslaan = True
    caplog.set_level(logging.WARNING, logger="douane_portfolio.transacties")
    with _kruisend(alfa, bravo) as tegen:
        verwerken.uitvoeren(importbestand)
    assert tegen["gekruist"]
    _eenmaal_geimporteerd(importbestand, alfa, bravo, caplog)


def test_a_deadlock_in_the_preview_of_an_upload_runs_it_again_and_stores_the_file_once(
    uploaden, risicofunctionaris, caplog
):
    """The preview makes the import's writes and rolls them back; the upload is stored
    before its row, so an attempt that is aborted takes its copy away again."""
    alfa = RisicoFactory(titel="Alfa", eigenaar=risicofunctionaris)
    bravo = RisicoFactory(titel="Bravo", eigenaar=risicofunctionaris)
    map_ = Path(settings.MEDIA_ROOT) / "importen"
    voor = set(map_.rglob("*.csv")) if map_.exists() else set()
    caplog.set_level(logging.WARNING, logger="douane_portfolio.transacties")
    with _kruisend(alfa, bravo) as tegen:
        response, importbestand = uploaden(risicofunctionaris, "risicos", csv_bestand(RIJEN))
    assert tegen["gekruist"]
    assert response.status_code == 302
    herhaald = [r for r in caplog.records if r.name == "douane_portfolio.transacties"]
    assert len(herhaald) == 1 and "40P01" in herhaald[0].getMessage()
    assert Importbestand.objects.count() == 1
    assert importbestand.status == ImportStatus.GECONTROLEERD
    assert (importbestand.resultaat["nieuw"], importbestand.resultaat["gewijzigd"]) == (1, 2)
    assert set(map_.rglob("*.csv")) - voor == {Path(importbestand.bestand.path)}
    assert not Risico.objects.filter(titel="Nieuw").exists()
    alfa.refresh_from_db()
    assert alfa.risicobereidheid != 7  # a preview writes nothing
