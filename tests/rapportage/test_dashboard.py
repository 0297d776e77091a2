import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmas.models import Periodesoort, PeriodeStatus, Status
from rapportage import dashboard
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gegevens(pm, pm2):
    t2 = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    t3 = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    data = ThemaFactory(naam="Datagedreven organisatie")
    a, b, c = (InitiatiefFactory(thema=data, eigenaar=pm) for _ in range(3))
    StatusrapportageFactory(initiatief=a, periode=t2, status=Status.GROEN)
    StatusrapportageFactory(initiatief=b, periode=t2, status=Status.GROEN)
    StatusrapportageFactory(initiatief=a, periode=t3, status=Status.ROOD)
    StatusrapportageFactory(initiatief=b, periode=t3, status=Status.GROEN)
    MijlpaalFactory(initiatief=a, deadline=datetime.date(2026, 11, 1))
    MijlpaalFactory(initiatief=c, eigenaar=pm2, deadline=datetime.date(2026, 10, 1))
    MijlpaalFactory(initiatief=c, eigenaar=pm2, deadline=datetime.date(2026, 12, 31))
    return t3


def test_status_counts_per_theme_with_the_change_since_the_previous_period(gegevens):
    blok = dashboard.status_per_thema(gegevens)
    (thema,) = blok["themas"]
    assert {s: n for s, _, n in thema["tellingen"]} == {
        "groen": 1,
        "oranje": 0,
        "rood": 1,
        "niet_gerapporteerd": 1,
    }
    assert thema["verschil"] == {"groen": -1, "oranje": 0, "rood": 1, "niet_gerapporteerd": 0}


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_overdue_actions_per_kind_and_owner(gegevens, pm, pm2):
    blok = dashboard.te_late_acties()
    mijlpalen = next(r for r in blok["per_soort"] if r["soort"] == "mijlpalen")
    assert mijlpalen["aantal"] == 2
    assert {r["eigenaar"]: r["totaal"] for r in blok["per_eigenaar"]} == {pm: 1, pm2: 1}


def test_round_progress(gegevens):
    assert dashboard.ronde_voortgang()["ingediend"] == 2
    assert dashboard.ronde_voortgang()["totaal"] == 3


def test_dashboard_page_shows_the_numbers_as_a_table(client_voor, lezer, gegevens):
    html = client_voor(lezer).get(reverse("home")).content.decode()
    assert "Status per thema – 2026 T3" in html
    assert "(+1)" in html and "(-1)" in html
    assert "2 van 3 initiatieven hebben gerapporteerd" in html


def test_dashboard_queries_do_not_grow(client_voor, lezer, pm, gegevens):
    client = client_voor(lezer)

    def tel():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx.captured_queries)

    weinig = tel()
    for _ in range(20):
        i = InitiatiefFactory(eigenaar=pm, thema=ThemaFactory())
        StatusrapportageFactory(initiatief=i, periode=gegevens, status=Status.ORANJE)
        MijlpaalFactory(initiatief=i, deadline=datetime.date(2020, 1, 1))
    assert tel() == weinig
