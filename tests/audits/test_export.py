"""The follow-up actions' export reads values (`VervolgactieTabel.exportrijen`): the same
bytes as the general way through the table's columns, without a model object per row."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Instantie, Vervolgactie
from audits.tables import VervolgactieTabel
from douane_portfolio import exporteren
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory
from tests.douane_portfolio.test_exporteren import _csv, _referentie
from tests.douane_portfolio.test_xlsx_werkblad import blad_van
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SORTERINGEN = [
    "",
    "-eigenaar",
    "status",
    "instantie",
    "-oorspronkelijke_deadline",
    "aantal_verschuivingen",
    "-bevinding",
]


@pytest.fixture
def acties(db):
    vandaag = datetime.date(2026, 12, 3)
    naam = UserFactory(first_name="Anna", last_name="de Vries")
    zonder_naam = UserFactory(first_name="", last_name="", username="zonder.naam")
    voornaam = UserFactory(first_name="Piet", last_name="")
    kwaad = UserFactory(first_name="=1+2", last_name="@kwaad")
    for i, instantie in enumerate(Instantie.values):
        rapport = AuditrapportFactory(instantie=instantie)
        bevinding = BevindingFactory(
            rapport=rapport, titel=f'Bevinding {i}, "met" komma\nen regel', eigenaar=naam
        )
        for j, (eigenaar, omschrijving) in enumerate(
            [
                (naam, f"Actie {i}"),
                (zonder_naam, ""),
                (voornaam, '=HYPERLINK("http://kwaad.example")'),
                (kwaad, '-2+3; tekst, met "aanhalingstekens"\r\nen Shift+Enter\x0b'),
                (naam, "  spaties  "),
            ]
        ):
            VervolgactieFactory(
                bevinding=bevinding,
                eigenaar=eigenaar,
                omschrijving=omschrijving,
                deadline=vandaag + datetime.timedelta(days=10 * i - j),
            )
    alle = list(Vervolgactie.objects.order_by("pk"))
    # Postponed deadlines: the original stays, the counter goes up.
    for actie, dagen in zip(alle[::3], (40, -5, 400, 1), strict=False):
        Vervolgactie.objects.filter(pk=actie.pk).update(
            deadline=actie.deadline + datetime.timedelta(days=dagen), aantal_verschuivingen=2
        )
    Vervolgactie.objects.filter(pk=alle[1].pk).update(status="afgerond", afgerond_op=vandaag)
    Vervolgactie.objects.filter(pk=alle[2].pk).update(status="vervallen")
    return alle


def _beide_wegen(client, monkeypatch, formaat, **params):
    """The export through exportrijen, and through the table's columns (the general way)."""
    url = reverse("audits:acties")
    with monkeypatch.context() as m:
        m.setattr(Vervolgactie, "from_db", _geen_instanties)
        snel = client.get(url, {"_export": formaat, **params}).getvalue()
    with monkeypatch.context() as m:
        m.delattr(VervolgactieTabel, "exportrijen")
        algemeen = client.get(url, {"_export": formaat, **params}).getvalue()
    return snel, algemeen


def _geen_instanties(*args, **kwargs):
    raise AssertionError("de export bouwt een modelobject per rij")


@pytest.mark.parametrize("sortering", SORTERINGEN)
def test_the_actions_csv_is_byte_for_byte_the_general_ways(
    client_voor, acties, monkeypatch, sortering
):
    client = client_voor(UserFactory(is_superuser=True))
    snel, algemeen = _beide_wegen(client, monkeypatch, "csv", sort=sortering)
    assert snel == algemeen
    assert snel.decode() == _csv(_referentie(client, "audits:acties", sort=sortering))
    tekst = snel.decode()
    for verwacht in (
        "Anna de Vries",
        "zonder.naam",
        ",Piet,",
        "'=1+2 @kwaad",
        "'=HYPERLINK",
        "'-2+3",
        "Algemene Rekenkamer",
        "Interne audit",
        "Afgerond",
        "Vervallen",
        "  spaties  ",
    ):
        assert verwacht in tekst
    # A postponed deadline next to its original, and the count of postponements.
    eerste = acties[0]
    assert f"{eerste.deadline + datetime.timedelta(days=40)},{eerste.deadline},2," in tekst


@pytest.mark.parametrize("sortering", ["", "-eigenaar", "status"])
def test_the_actions_xlsx_holds_the_cells_of_the_general_way(
    client_voor, acties, monkeypatch, sortering
):
    client = client_voor(UserFactory(is_superuser=True))
    snel, algemeen = _beide_wegen(client, monkeypatch, "xlsx", sort=sortering)
    titel, vast, breedtes, cellen = blad_van(snel)
    assert (titel, vast, breedtes, cellen) == blad_van(algemeen)
    assert len(cellen) > 8 * len(acties)
    assert any(w[0] == 2 and w[1] == "n" for w in cellen.values())  # postponements


def test_a_filtered_export_has_the_filtered_rows(client_voor, acties, monkeypatch):
    client = client_voor(UserFactory(is_superuser=True))
    snel, algemeen = _beide_wegen(client, monkeypatch, "csv", status="afgerond")
    assert snel == algemeen
    assert len(list(csv.reader(io.StringIO(snel.decode())))) == 2


def _export_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audits:acties"), {"_export": "csv"})
        inhoud = response.getvalue()
    return len(queries), inhoud


def test_the_actions_export_queries_the_same_for_many_rows(client_voor, beheerder, monkeypatch):
    monkeypatch.setattr(exporteren, "STUK", 10)
    client = client_voor(beheerder)
    bevinding = BevindingFactory()
    VervolgactieFactory.create_batch(5, bevinding=bevinding)
    client.get(reverse("audits:acties"))  # warm up: session, content types
    bij_5, _ = _export_queries(client)
    VervolgactieFactory.create_batch(45, bevinding=bevinding)
    bij_50, inhoud = _export_queries(client)
    assert bij_50 == bij_5
    assert len(inhoud.decode().splitlines()) == 51
