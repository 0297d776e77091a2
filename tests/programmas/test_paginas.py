"""The activity table page and creating a reporting period: the pages chapter 3 is built from."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmas.models import Periodesoort, PeriodeStatus, Rapportageperiode, Status
from programmas.views import Activiteitentabel
from tests.programmas.factories import (
    InitiatiefFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)

pytestmark = pytest.mark.django_db


def test_activity_table_groups_by_theme_with_dot_word_and_toelichting_for_oranje(
    client_voor, lezer, pm
):
    periode = PeriodeFactory(jaar=2023, soort=Periodesoort.JAAR, status=PeriodeStatus.GESLOTEN)
    handhaving = ThemaFactory(naam="Handhaving", volgorde=1)
    dienstverlening = ThemaFactory(naam="Dienstverlening", volgorde=2)
    groen = InitiatiefFactory(thema=handhaving, naam="Douane Digitaal", eigenaar=pm)
    oranje = InitiatiefFactory(thema=dienstverlening, naam="Brexit-aanpak", eigenaar=pm)
    stil = InitiatiefFactory(thema=dienstverlening, naam="Zonder rapportage", eigenaar=pm)
    StatusrapportageFactory(initiatief=groen, periode=periode, status=Status.GROEN)
    StatusrapportageFactory(
        initiatief=oranje,
        periode=periode,
        status=Status.ORANJE,
        toelichting="Vertraagd door de aanbesteding.",
    )

    response = client_voor(lezer).get(reverse("programmas:activiteiten"), {"periode": periode.pk})

    html = response.content.decode()
    assert response.status_code == 200
    # The section headings, not the theme filter's options above them.
    assert html.index("Handhaving</h2>") < html.index("Dienstverlening</h2>")
    assert html.index(groen.naam) < html.index(oranje.naam)
    assert "Vertraagd door de aanbesteding." in html
    assert stil.naam in html and "niet gerapporteerd" in html
    assert "Peildatum 31 december 2023" in html


def test_activity_table_without_periods_says_so(client_voor, lezer):
    response = client_voor(lezer).get(reverse("programmas:activiteiten"))
    assert response.status_code == 200
    assert "Er zijn nog geen rapportageperiodes." in response.content.decode()


def test_portfolio_office_creates_a_planned_period(client_voor, beheerder):
    response = client_voor(beheerder).post(
        reverse("programmas:periode_nieuw"),
        {"jaar": 2027, "soort": Periodesoort.T1, "indiendeadline": "2027-05-15"},
    )
    assert response.status_code == 302
    periode = Rapportageperiode.objects.get(jaar=2027, soort=Periodesoort.T1)
    assert periode.status == PeriodeStatus.GEPLAND
    assert periode.indiendeadline == datetime.date(2027, 5, 15)
    assert periode.history.get().history_user == beheerder


def test_a_duplicate_period_is_refused_next_to_the_form_and_nothing_saved(client_voor, beheerder):
    PeriodeFactory(jaar=2027, soort=Periodesoort.T1, status=PeriodeStatus.GEPLAND)
    response = client_voor(beheerder).post(
        reverse("programmas:periode_nieuw"),
        {"jaar": 2027, "soort": Periodesoort.T1, "indiendeadline": "2027-05-15"},
    )
    assert response.status_code == 200
    assert "Rapportageperiode met deze Jaar en Periode bestaat al." in response.content.decode()
    assert Rapportageperiode.objects.filter(jaar=2027).count() == 1


def test_only_the_portfolio_office_creates_periods(client_voor, pm):
    response = client_voor(pm).post(
        reverse("programmas:periode_nieuw"),
        {"jaar": 2027, "soort": Periodesoort.T1, "indiendeadline": "2027-05-15"},
    )
    assert response.status_code == 403
    assert not Rapportageperiode.objects.exists()


def _activiteiten(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programmas:activiteiten"), params)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_activity_table_pages_a_large_portfolio_and_filters_by_theme(
    client_voor, lezer, pm, monkeypatch
):
    monkeypatch.setattr(Activiteitentabel, "per_pagina", 4)
    periode = PeriodeFactory(jaar=2023, soort=Periodesoort.JAAR, status=PeriodeStatus.GESLOTEN)
    eerste, tweede = (
        ThemaFactory(naam="Eerste", volgorde=1),
        ThemaFactory(naam="Tweede", volgorde=2),
    )
    client = client_voor(lezer)

    def maak(thema, aantal):
        for i in InitiatiefFactory.create_batch(aantal, thema=thema, eigenaar=pm):
            StatusrapportageFactory(initiatief=i, periode=periode, status=Status.ORANJE)

    maak(eerste, 3)
    maak(tweede, 3)
    _, weinig = _activiteiten(client, periode=periode.pk)
    maak(eerste, 5)
    maak(tweede, 5)
    html, veel = _activiteiten(client, periode=periode.pk)
    assert veel == weinig <= 10
    assert html.count("<tr>") == 4 + 1 and "Volgende →" in html  # four rows and the heads

    # Following "Volgende" reaches every initiative once, the period kept.
    gezien, params = [], {"periode": periode.pk}
    while True:
        html, _ = _activiteiten(client, **params)
        gezien += re.findall(r'<a href="/programmas/(\d+)/">', html)
        volgende = re.search(r'href="\?([^"]*)" rel="next"', html)
        if not volgende:
            break
        params = dict(p.split("=", 1) for p in volgende.group(1).replace("&amp;", "&").split("&"))
        assert params["periode"] == str(periode.pk)
    assert len(gezien) == len(set(gezien)) == 16

    html, _ = _activiteiten(client, periode=periode.pk, thema=tweede.pk)
    assert f'id="thema-{tweede.pk}"' in html and f'id="thema-{eerste.pk}"' not in html
    assert "Tweede (8)" in html and "8 initiatieven in Tweede" in html


def test_ids_above_a_thousand_are_not_grouped_in_the_page(client_voor, lezer, pm):
    """`{{ thema.pk }}` rendered 12345 as "12.345" (USE_THOUSAND_SEPARATOR): the theme
    filter then sent an id the view refused. Found when the test database's ids passed 999."""
    periode = PeriodeFactory(
        pk=23456, jaar=2023, soort=Periodesoort.JAAR, status=PeriodeStatus.GESLOTEN
    )
    thema = ThemaFactory(pk=12345, naam="Groot")
    # Two themes: the choice shows from two on.
    for i in [
        *InitiatiefFactory.create_batch(2, thema=thema, eigenaar=pm),
        InitiatiefFactory(thema=ThemaFactory(naam="Ander"), eigenaar=pm),
    ]:
        StatusrapportageFactory(initiatief=i, periode=periode, status=Status.ORANJE)
    html, _ = _activiteiten(client_voor(lezer), periode="23456", thema="12345")
    assert 'id="thema-12345"' in html
    assert '<option value="12345" selected>' in html
    assert '<option value="23456" selected>' in html
    assert "12.345" not in html and "23.456" not in html
