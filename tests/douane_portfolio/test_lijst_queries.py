"""Every list page does the same number of queries for 5 and for 50 rows, for a
programme manager and for the portfolio office, on its first page and a later one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory
from tests.programmas.factories import (
    IndicatorwaardeFactory,
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import (
    BeheersmaatregelFactory,
    DialoogrisicoFactory,
    RisicodialoogFactory,
    RisicoFactory,
)

pytestmark = pytest.mark.django_db

LIJSTEN = [
    reverse("programmas:portfolio"),
    reverse("programmas:indicatoren"),
    reverse("risicos:register"),
    reverse("risicos:maatregelen"),
    reverse("risicos:dialogen"),
    reverse("audits:bevindingen"),
    reverse("audits:acties"),
    reverse("audits:rapporten"),
]
# Issue 13: at most 10, session, user and rights included (test_queries_per_pagina.py
# walks every page).
MAX_QUERIES = {}
STANDAARD_MAX = 10


def _maken(aantal, pm):
    periode = PeriodeFactory()
    for n in range(aantal):
        initiatief = InitiatiefFactory(eigenaar=pm) if n % 2 else InitiatiefFactory()
        StatusrapportageFactory(initiatief=initiatief, periode=periode)
        MijlpaalFactory(initiatief=initiatief)
        IndicatorwaardeFactory(periode=periode, indicator__initiatief=initiatief)
        risico = RisicoFactory(gescoord=bool(n % 2))
        BeheersmaatregelFactory(risicos=[risico])
        dialoog = RisicodialoogFactory()
        DialoogrisicoFactory(dialoog=dialoog, risico=risico)
        rapport = AuditrapportFactory()
        bevinding = BevindingFactory(rapport=rapport)
        VervolgactieFactory(bevinding=bevinding)


def _tel(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries), response


@pytest.mark.parametrize("url", LIJSTEN)
@pytest.mark.parametrize("rol", ["pm", "beheerder"])
def test_a_list_page_does_not_grow_with_its_rows(request, settings, client_voor, url, rol):
    settings.LIJST_PAGINA_GROOTTE = 20
    pm = request.getfixturevalue("pm")
    client = client_voor(request.getfixturevalue(rol))
    _maken(5, pm)
    client.get(url)  # warm up: session, content types
    bij_5, _ = _tel(client, url)

    _maken(45, pm)
    bij_50, response = _tel(client, url)
    assert bij_5 == bij_50 <= MAX_QUERIES.get(url, STANDAARD_MAX)

    volgende = response.context["table"].page.volgende
    if volgende:
        verder, _ = _tel(client, url, {"cursor": volgende})
        assert verder <= bij_50 + 1
