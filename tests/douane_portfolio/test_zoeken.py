"""Filters with thousands of choices are search fields backed by a small endpoint."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from douane_portfolio import rollen
from douane_portfolio.zoeken import MAX_RESULTATEN
from tests.factories import UserFactory
from tests.risicos.factories import RisicoFactory

pytestmark = pytest.mark.django_db

EIGENAREN = reverse("zoeken", args=["risico-eigenaren"])
REGISTER = reverse("risicos:register")


def _eigenaren(aantal, achternaam="Visser"):
    mensen = [
        UserFactory(first_name=f"Anna{n:02d}", last_name=achternaam, rol=rollen.RISICOFUNCTIONARIS)
        for n in range(aantal)
    ]
    for persoon in mensen:
        RisicoFactory(eigenaar=persoon)
    return mensen


def test_it_finds_owners_by_name_at_most_twenty(client_voor, lezer):
    _eigenaren(25)
    UserFactory(first_name="Anna", last_name="Zonderrisico", rol=rollen.RISICOFUNCTIONARIS)
    client = client_voor(lezer)
    data = client.get(EIGENAREN, {"q": "anna viss"}).json()["resultaten"]
    assert len(data) == MAX_RESULTATEN
    assert all("Visser" in r["naam"] for r in data)
    assert client.get(EIGENAREN, {"q": "Zonderrisico"}).json()["resultaten"] == []


def test_its_query_count_does_not_grow_with_the_number_of_owners(client_voor, lezer):
    client = client_voor(lezer)
    _eigenaren(2)
    client.get(EIGENAREN, {"q": "anna"})
    with CaptureQueriesContext(connection) as weinig:
        client.get(EIGENAREN, {"q": "anna"})
    _eigenaren(30, "de Boer")
    with CaptureQueriesContext(connection) as veel:
        client.get(EIGENAREN, {"q": "anna"})
    assert len(weinig) == len(veel)


def test_it_needs_a_login_and_the_permission(client, client_voor, buitenstaander):
    _eigenaren(1)
    assert client.get(EIGENAREN, {"q": "anna"}).status_code in (302, 403)
    assert client_voor(buitenstaander).get(EIGENAREN, {"q": "anna"}).status_code == 403
    assert client.get(reverse("zoeken", args=["bestaat-niet"])).status_code in (302, 404)


def test_the_filter_renders_no_select_and_shows_the_chosen_name(client_voor, lezer):
    anna, *_ = _eigenaren(3)
    client = client_voor(lezer)
    html = client.get(REGISTER, {"eigenaar": anna.pk}).content.decode()
    assert '<select name="eigenaar"' not in html
    assert f'value="{anna}"' in html
    assert f'data-keuze="{anna.pk}"' in html
    assert "js/zoeken.js" in html


def test_without_javascript_a_typed_name_filters_too(client_voor, lezer):
    anna, bert, _ = _eigenaren(3)
    client = client_voor(lezer)
    table = client.get(REGISTER, {"eigenaar": str(anna)}).context["table"]
    assert {r.record.eigenaar_id for r in table.page.object_list} == {anna.pk}
    response = client.get(REGISTER, {"eigenaar": "Visser"})
    assert "Meer dan één keuze" in response.content.decode()
    response = client.get(REGISTER, {"eigenaar": "Niemand"})
    assert "Niets gevonden" in response.content.decode()
