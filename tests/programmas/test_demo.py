"""The demo data says what chapter 3 (and the 2023 tables of chapter 2) of the report say."""

import io

import pytest
from django.core.management import call_command

from programmas.models import (
    IndicatorStatus,
    Indicatorwaarde,
    Initiatief,
    Periodesoort,
    Rapportageperiode,
    Statusrapportage,
    Thema,
)

pytestmark = pytest.mark.django_db

RAPPORT_2023 = {
    "Professionele en integere organisatie": [
        ("Vakmanschap behouden en versterken", "oranje"),
        ("Integriteit", "groen"),
        ("Douane aantoonbaar in control", "oranje"),
        ("Leiderschap en cultuur", "groen"),
    ],
    "Slimme handhaving, soepele logistiek": [
        ("Internationale samenwerking", None),
        ("Dienstverlening", None),
        ("Gelaagde Handhaving", None),
        ("Ondermijning", None),
        ("E-Commerce", None),
        ("Fraude met invoerrechten en accijns", None),
        ("Klantgericht Toezicht", None),
    ],
    "Datagedreven organisatie": [
        ("Digitale Snelweg Douane (DSD)", "groen"),
        ("Verbetering informatiepositie", "rood"),
        ("Douane Informatie Op Orde", "groen"),
        ("Datamanagement", "oranje"),
    ],
    "Verbetering interne beheersing Grote geldstroom (Douane)": [
        ("Verbeteren Beheersing Grote Geldstroom", "oranje"),
        ("Verbeteren scriptbeheer", "oranje"),
    ],
}


@pytest.fixture
def demo():
    call_command("laad_demo", stdout=io.StringIO())
    return Rapportageperiode.objects.get(jaar=2023, soort=Periodesoort.JAAR)


def test_themes_initiatives_and_2023_statuses_as_in_the_report(demo):
    assert list(Thema.objects.values_list("naam", flat=True)) == list(RAPPORT_2023)
    gevonden = {}
    for initiatief in Initiatief.objects.met_status(demo).select_related("thema"):
        gevonden.setdefault(initiatief.thema.naam, []).append(
            (initiatief.naam, initiatief.huidige_status)
        )
    assert gevonden == RAPPORT_2023
    assert Initiatief.objects.count() == 17
    # Colourless in the source: no report, so "niet gerapporteerd", never a guess.
    assert Statusrapportage.objects.filter(periode=demo).count() == 10


def test_owners_as_the_issue_asks(demo):
    datagedreven = Initiatief.objects.filter(thema__naam="Datagedreven organisatie")
    assert set(datagedreven.values_list("eigenaar__username", flat=True)) == {"programmamanager"}
    anderen = Initiatief.objects.exclude(thema__naam="Datagedreven organisatie")
    assert set(anderen.values_list("eigenaar__username", flat=True)) == {"programmamanager2"}


def test_orange_and_red_carry_the_reports_explanation(demo):
    vid = Statusrapportage.objects.get(initiatief__naam="Verbetering informatiepositie")
    assert "geëscaleerd naar het bestuurlijk niveau" in vid.toelichting
    daic = Statusrapportage.objects.get(initiatief__naam="Douane aantoonbaar in control")
    assert "5 nieuwe procesketens" in daic.toelichting


def test_controles_2023_verdicts_agree_with_the_report_text(demo):
    oordeel = {
        w.indicator.naam: w.berekende_status
        for w in Indicatorwaarde.objects.filter(
            indicator__groep="Controles in 2023"
        ).select_related("indicator")
    }
    behaald = {
        "Aantallen controles vracht, koeriers, post",
        "Aantal controles vrachtschepen, vliegtuigen en vluchten (hoog risico)",
        "Aantal controles op bagage van passagiers",
        "Aantal uren toezicht",
        "Aantal scancontroles",
    }
    niet_behaald = {"Aantal controles ambuland binnenland", "Aantal administratieve controles KM"}
    assert set(oordeel) == behaald | niet_behaald
    assert {n for n, s in oordeel.items() if s == IndicatorStatus.GROEN} == behaald
    assert all(oordeel[n] in (IndicatorStatus.ORANJE, IndicatorStatus.ROOD) for n in niet_behaald)


def test_afdrachten_are_figures_without_a_target_and_add_up(demo):
    afdrachten = Indicatorwaarde.objects.filter(indicator__groep__startswith="Afdrachten")
    assert afdrachten.count() == 4
    assert all(w.status == IndicatorStatus.GEEN_DOEL for w in afdrachten)
    assert sum(w.realisatie for w in afdrachten) == 17395454


def test_milestones_and_indicators_from_the_text(demo):
    daic = Indicatorwaarde.objects.get(indicator__naam="Nieuwe procesketens beschreven")
    assert (daic.doelstelling, daic.realisatie) == (5, 3)
    kgt = Initiatief.objects.get(naam="Klantgericht Toezicht")
    assert kgt.mijlpalen.filter(status="afgerond").count() == 5
    kgt_waarde = Indicatorwaarde.objects.get(indicator__initiatief=kgt)
    assert kgt_waarde.realisatie == 5 and kgt_waarde.doelstelling is None
