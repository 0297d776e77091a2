"""The main menu: every app declares its own entries; the hub only collects them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from douane_portfolio import context_processors
from douane_portfolio.menu import Menupunt, menupunten

ALLE = [
    "Dashboard",
    "Programma's",
    "Risico's",
    "Audits",
    "Mijn acties",
    "Rapportage",
    "Importeren",
]


def _menu(client, user, pad="/"):
    client.force_login(user)
    response = client.get(pad)
    assert response.status_code == 200
    return response.context["navigatie"]


def _labels(menu):
    return [item["label"] for item in menu]


def test_the_beheerder_sees_every_entry_in_the_known_order(client, beheerder):
    menu = _menu(client, beheerder)

    assert _labels(menu) == ALLE
    assert [item["url"] for item in menu] == [
        "/",
        "/programmas/",
        "/risicos/",
        "/audits/",
        "/acties/",
        "/rapportage/",
        "/importeren/",
    ]


@pytest.mark.parametrize("persona", ["risicofunctionaris", "auditor", "beheerder"])
def test_it_shows_importeren_to_who_may_import_something(client, persona, request):
    user = request.getfixturevalue(persona)

    assert _labels(_menu(client, user)) == ALLE
    assert user.has_perm("importeren.importeren")
    assert client.get("/importeren/").status_code == 200


@pytest.mark.parametrize("persona", ["lezer", "pm", "buitenstaander"])
def test_it_hides_importeren_from_who_may_import_nothing(client, persona, request):
    user = request.getfixturevalue(persona)

    menu = _labels(_menu(client, user))

    assert menu == [label for label in ALLE if label != "Importeren"]
    assert b'href="/importeren/"' not in client.get("/").content
    assert client.get("/importeren/").status_code == 403


def test_it_marks_the_entry_of_the_current_section(client, beheerder):
    menu = _menu(client, beheerder, "/risicos/")

    assert [item["label"] for item in menu if item["actief"]] == ["Risico's"]


def test_the_dashboard_is_current_only_on_the_home_page(client, beheerder):
    assert [i["label"] for i in _menu(client, beheerder, "/") if i["actief"]] == ["Dashboard"]
    assert [i["label"] for i in _menu(client, beheerder, "/acties/") if i["actief"]] == [
        "Mijn acties"
    ]


def test_an_anonymous_visitor_gets_no_menu(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    assert context_processors.navigatie(request) == {}


def test_every_app_declares_its_own_entries():
    herkomst = {
        punt.label: config.label
        for config in apps.get_app_configs()
        for punt in getattr(config, "menu", ())
    }

    assert herkomst == {
        "Dashboard": "rapportage",
        "Programma's": "programmas",
        "Risico's": "risicos",
        "Audits": "audits",
        "Mijn acties": "douane_portfolio",
        "Rapportage": "rapportage",
        "Importeren": "importeren",
    }
    assert [punt.label for punt in menupunten()] == ALLE


def test_an_entry_from_a_new_app_takes_its_place_by_order(monkeypatch, db, client, beheerder):
    config = apps.get_app_config("api")
    monkeypatch.setattr(
        config,
        "menu",
        (Menupunt("API", "api:sleutels", "/accounts/api-sleutels/", 65),),
        raising=False,
    )

    assert _labels(_menu(client, beheerder)) == [*ALLE[:6], "API", "Importeren"]
