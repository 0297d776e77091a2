"""Every page runs at most 10 queries (issue 13), the same number with few and with many
rows, for the portfolio office (a Beheerder with a second factor) and for a programme
manager (scoped), session and rights included.

It walks every named URL of the access matrix that answers GET with 200 for the persona.
Not here, each with tests of its own: the admin, the REST API (tests/api), the calendar
feed, and downloads (PDF/Word of the report, evidence files, import templates); exports
of lists are a parameter of the list pages (tests/douane_portfolio/test_exporteren.py).
The second request is counted: the first warms Django's content-type cache and writes the
session's refresh stamp once.
"""

import os

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.douane_portfolio.test_rechtenmatrix import AANROEP, MATRIX, PERSONAS, _maak_gegevens
from tests.programmas.factories import (
    IndicatorFactory,
    IndicatorwaardeFactory,
    InitiatiefFactory,
    MijlpaalFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, DialoogrisicoFactory, RisicoFactory

MAX_QUERIES = 10
NIET_HIER = {
    "api:agenda_feed",
    "audits:bewijs_download",
    "importeren:sjabloon",
    "rapportage:jaar_pdf",
    "rapportage:jaar_docx",
    "rapportage:periode_pdf",
    "rapportage:periode_docx",
}


def _pagina_s(persona):
    kolom = PERSONAS.index(persona)
    return sorted(
        naam
        for naam, (get, _post) in MATRIX.items()
        if get.split()[kolom] == "200" and naam not in NIET_HIER
    )


@pytest.fixture(scope="module")
def gegevens(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        g = _maak_gegevens()
        g["totp"] = TOTPDevice.objects.create(user=g["beheerder"], name="App", confirmed=True)
        # Few rows, not none: the manager owns one action of each kind (a kind without
        # any skips its prefetch, which says nothing about growth).
        BeheersmaatregelFactory(eigenaar=g["eigenaar"], risicos=[g["risico"]])
        yield g
        transaction.set_rollback(True)


def _meer_rijen(g):
    """More of everything the pages show: their query count may not change."""
    for _ in range(4):
        initiatief = InitiatiefFactory(eigenaar=g["eigenaar"], thema=g["thema"])
        StatusrapportageFactory(initiatief=initiatief, periode=g["gesloten"])
        MijlpaalFactory(initiatief=g["initiatief"], eigenaar=g["eigenaar"])
        MijlpaalFactory(initiatief=initiatief, eigenaar=g["eigenaar"])
        indicator = IndicatorFactory(initiatief=g["initiatief"])
        IndicatorwaardeFactory(indicator=indicator, periode=g["periode"])
        IndicatorwaardeFactory(indicator=indicator, periode=g["gesloten"])
        risico = RisicoFactory(eigenaar=g["risicofunctionaris"], gescoord=True)
        risico.initiatieven.add(g["initiatief"])
        BeheersmaatregelFactory(eigenaar=g["eigenaar"], risicos=[g["risico"], risico])
        DialoogrisicoFactory(dialoog=g["dialoog"], risico=risico)
        bevinding = BevindingFactory(rapport=g["rapport"], eigenaar=g["eigenaar"])
        bevinding.initiatieven.add(g["initiatief"])
        bevinding.risicos.add(g["risico"])
        VervolgactieFactory(bevinding=g["bevinding"], eigenaar=g["eigenaar"])
        VervolgactieFactory(bevinding=bevinding, eigenaar=g["eigenaar"])


def _client(g, persona):
    client = Client()
    client.force_login(g[persona])
    if persona == "beheerder":
        # The portfolio office logs in with a second factor: django-otp loads the device.
        sessie = client.session
        sessie[DEVICE_ID_SESSION_KEY] = g["totp"].persistent_id
        sessie.save()
    return client


def _tellingen(g, persona, settings):
    settings.MFA_VERPLICHT = "beheer"
    client = _client(g, persona)
    tellingen = {}
    for naam in _pagina_s(persona):
        kwargs_maker, _ = AANROEP[naam]
        url = reverse(naam, kwargs=kwargs_maker(g) if kwargs_maker else None)
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        tellingen[naam] = len(queries)
    return tellingen


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["beheerder", "eigenaar"])
def test_every_page_runs_at_most_10_queries_whatever_the_rows(gegevens, persona, settings):
    weinig = _tellingen(gegevens, persona, settings)
    with transaction.atomic():
        _meer_rijen(gegevens)
        veel = _tellingen(gegevens, persona, settings)
        transaction.set_rollback(True)

    if os.environ.get("TOON_QUERIES"):  # `TOON_QUERIES=1 pytest -s`: the table of the README
        for naam in weinig:
            print(f"TEL {persona} {naam} {weinig[naam]} {veel[naam]}")

    te_veel = {naam: aantal for naam, aantal in veel.items() if aantal > MAX_QUERIES}
    assert te_veel == {}, f"meer dan {MAX_QUERIES} queries ({persona})"
    verschil = {naam: (weinig[naam], veel[naam]) for naam in weinig if weinig[naam] != veel[naam]}
    assert verschil == {}, f"queries groeien met de rijen ({persona})"
