"""What forms accept: clean text, bounded lengths, sensible dates (one mechanism)."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.urls import reverse

from douane_portfolio.forms import SchoneInvoerMixin
from douane_portfolio.tekst import schone_tekst
from douane_portfolio.validators import TEKST_MAX_LENGTE
from risicos.models import Beheersmaatregel, Risico
from tests.audits.factories import VervolgactieFactory
from tests.risicos.factories import RisicoFactory

FORMULIERMODULES = [
    "douane_portfolio.forms",
    "programmas.forms",
    "risicos.forms",
    "audits.forms",
]


def alle_formulieren():
    for module in map(importlib.import_module, FORMULIERMODULES):
        for _, klasse in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(klasse, forms.BaseForm)
                and klasse.__module__ == module.__name__
                and not issubclass(klasse, PasswordChangeForm)
            ):
                yield klasse


def test_every_form_of_the_application_uses_the_shared_input_rules():
    formulieren = list(alle_formulieren())
    assert len(formulieren) > 15
    zonder = [f.__qualname__ for f in formulieren if not issubclass(f, SchoneInvoerMixin)]
    assert zonder == []


def test_schone_tekst_keeps_tabs_and_line_breaks_and_drops_the_rest():
    assert schone_tekst("a\tb\r\nc\rd") == "a\tb\nc\nd"
    assert schone_tekst("Regel\x0bnieuwe regel") == "Regel\nnieuwe regel"
    assert schone_tekst("nul\x00bel\x07esc\x1bdel\x7f") == "nulbelescdel"


def nieuw_risico(**velden):
    return {
        "titel": "Cyberaanval",
        "categorie": "extern",
        "status": "actief",
        "bruto_kans": "4",
        "bruto_impact": "5",
        "netto_kans": "3",
        "netto_impact": "5",
        "risicobereidheid": "10",
        **velden,
    }


@pytest.mark.django_db
def test_control_characters_are_stripped_before_storing(client_voor, risicofunctionaris):
    client = client_voor(risicofunctionaris)
    response = client.post(
        reverse("risicos:risico_nieuw"),
        nieuw_risico(
            eigenaar=risicofunctionaris.pk,
            titel="Cyber\x00aanval\x07",
            omschrijving="Eerste regel\x0btweede regel\r\nderde",
        ),
    )
    assert response.status_code == 302
    risico = Risico.objects.get()
    assert risico.titel == "Cyberaanval"
    assert risico.omschrijving == "Eerste regel\ntweede regel\nderde"
    assert client.get(risico.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_text_over_the_limit_is_refused_in_dutch(client_voor, risicofunctionaris):
    client = client_voor(risicofunctionaris)
    response = client.post(
        reverse("risicos:risico_nieuw"),
        nieuw_risico(eigenaar=risicofunctionaris.pk, omschrijving="x" * (TEKST_MAX_LENGTE + 1)),
    )
    assert response.status_code == 200
    fout = response.context["form"].errors["omschrijving"][0]
    assert f"niet meer dan {TEKST_MAX_LENGTE} tekens" in fout
    assert not Risico.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("datum", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_deadlines_outside_the_sensible_window_are_refused(client_voor, beheerder, pm, datum):
    risico = RisicoFactory()
    client = client_voor(beheerder)
    response = client.post(
        reverse("risicos:maatregel_nieuw"),
        {
            "omschrijving": "Maatregel",
            "risicos": [risico.pk],
            "eigenaar": pm.pk,
            "deadline": datum,
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "Kies een datum tussen 1 januari 2000 en 31 december 2099" in str(
        response.context["form"].errors["deadline"]
    )
    assert not Beheersmaatregel.objects.exists()


def test_the_date_window_holds_in_the_models_too_for_imports_the_api_and_the_admin(db):
    """Forms check the window; the model's own validation holds it where no form runs."""
    actie = VervolgactieFactory.build(deadline=datetime.date(9999, 12, 31))
    with pytest.raises(ValidationError) as fout:
        actie.full_clean(exclude=["bevinding", "eigenaar", "oorspronkelijke_deadline"])
    assert "Kies een datum tussen 1 januari 2000 en 31 december 2099." in fout.value.messages
