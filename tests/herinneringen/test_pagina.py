"""Mijn herinneringen: what was mailed to me, and how often I want due-soon reminders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from douane_portfolio.models import Herinneringsfrequentie
from herinneringen.models import Verzending
from tests.herinneringen.conftest import DAG, VANDAAG, sweep
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory

pytestmark = pytest.mark.django_db

URL = "/acties/herinneringen/"


def test_the_page_lives_under_mijn_acties_and_is_linked_from_it(client_voor, pm):
    assert reverse("mijn_herinneringen") == URL
    pagina = client_voor(pm).get(reverse("mijn_acties"))
    assert f'href="{URL}"' in pagina.content.decode()


def test_it_shows_what_was_sent_to_me_and_not_what_was_sent_to_others(client_voor, pm, pm2):
    MijlpaalFactory(
        initiatief=InitiatiefFactory(eigenaar=pm),
        omschrijving="Datacatalogus opgeleverd",
        deadline=VANDAAG - DAG,
    )
    MijlpaalFactory(
        initiatief=InitiatiefFactory(eigenaar=pm2),
        omschrijving="Procedure scriptbeheer",
        deadline=VANDAAG - DAG,
    )
    sweep(VANDAAG)
    inhoud = client_voor(pm).get(URL).content.decode()
    assert "Douane Portfolio: 1 te laat" in inhoud
    assert "Datacatalogus opgeleverd" in inhoud
    assert "1 dag te laat" in inhoud
    assert "Procedure scriptbeheer" not in inhoud


def test_someone_who_got_nothing_yet_is_told_so(client_voor, lezer):
    pagina = client_voor(lezer).get(URL)
    assert "U heeft nog geen herinneringen ontvangen." in pagina.content.decode()


def test_the_page_needs_as_many_queries_for_many_mails_as_for_few(client_voor, pm):
    client = client_voor(pm)
    initiatief = InitiatiefFactory(eigenaar=pm)

    def aantal_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG - DAG)
    sweep(VANDAAG)
    weinig = aantal_queries()
    for week in range(2, 14):
        for _ in range(3):
            MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG + (week * 7 - 1) * DAG)
        sweep(VANDAAG + week * 7 * DAG)
    assert Verzending.objects.filter(ontvanger=pm).count() > 10
    assert aantal_queries() == weinig


def test_a_user_chooses_weekly_due_soon_reminders(client_voor, pm):
    antwoord = client_voor(pm).post(URL, {"herinneringsfrequentie": "wekelijks"}, follow=True)
    assert "Uw voorkeur voor herinneringen is opgeslagen." in antwoord.content.decode()
    pm.refresh_from_db()
    assert pm.herinneringsfrequentie == Herinneringsfrequentie.WEKELIJKS


def test_reminders_cannot_be_switched_off(client_voor, pm):
    antwoord = client_voor(pm).post(URL, {"herinneringsfrequentie": "nooit"})
    assert antwoord.status_code == 200
    assert antwoord.context["form"].errors
    pm.refresh_from_db()
    assert pm.herinneringsfrequentie == Herinneringsfrequentie.DAGELIJKS
