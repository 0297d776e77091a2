"""Measures, follow-up actions and indicator values, and who may import what."""

import datetime

import pytest

from audits.models import BevindingStatus, Vervolgactie
from douane_portfolio.models import ActieStatus
from importeren.models import ImportStatus
from programmas.models import Indicatorwaarde, PeriodeStatus
from risicos.models import Beheersmaatregel
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.importeren.conftest import csv_bestand
from tests.programmas.factories import IndicatorFactory, IndicatorwaardeFactory, PeriodeFactory
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db

VOLGEND_JAAR = datetime.date.today().year + 1


def test_measures_are_created_with_their_risks_and_matched_again_on_their_text(
    uploaden, importeren, risicofunctionaris, pm
):
    RisicoFactory(titel="Cyberaanval")
    RisicoFactory(titel="Personeelstekort")
    rijen = [
        ["Maatregel", "Risico's", "Eigenaar", "Deadline", "Status"],
        ["Pentest", "Cyberaanval; Personeelstekort", "pm", f"{VOLGEND_JAAR}-03-31", "Open"],
        ["Werving", "overkoepelend", "pm", f"31-12-{VOLGEND_JAAR}", "In uitvoering"],
    ]
    _, importbestand = uploaden(risicofunctionaris, "maatregelen", csv_bestand(rijen))
    importeren(importbestand)

    assert importbestand.status == ImportStatus.GEIMPORTEERD, importbestand.resultaat
    pentest = Beheersmaatregel.objects.get(omschrijving="Pentest")
    assert {r.titel for r in pentest.risicos.all()} == {"Cyberaanval", "Personeelstekort"}
    assert Beheersmaatregel.objects.get(omschrijving="Werving").status == "in_uitvoering"

    rijen[1][4] = "Afgerond"
    _, tweede = uploaden(risicofunctionaris, "maatregelen", csv_bestand(rijen))
    assert [r.get("actie") for r in tweede.resultaat["rijen"]] == ["gewijzigd", "ongewijzigd"], (
        tweede.resultaat
    )
    importeren(tweede)
    pentest.refresh_from_db()
    assert pentest.status == ActieStatus.AFGEROND
    assert pentest.afgerond_op == datetime.date.today()


def test_an_ambiguous_measure_asks_for_the_id_column(uploaden, risicofunctionaris):
    BeheersmaatregelFactory(omschrijving="Training")
    tweede = BeheersmaatregelFactory(omschrijving="Training")
    rijen = [["Maatregel", "Status"], ["Training", "Vervallen"]]
    _, importbestand = uploaden(risicofunctionaris, "maatregelen", csv_bestand(rijen))
    assert "vul de kolom ID in" in importbestand.resultaat["rijen"][0]["fouten"][0]["melding"]

    rijen = [["ID", "Maatregel", "Status"], [tweede.pk, "Training", "Vervallen"]]
    _, importbestand = uploaden(risicofunctionaris, "maatregelen", csv_bestand(rijen))
    assert importbestand.resultaat["gewijzigd"] == 1


def test_follow_up_actions_go_through_the_audit_service(uploaden, importeren, auditor, pm):
    bevinding = BevindingFactory(titel="Inkoopbeheer", eigenaar=pm, status=BevindingStatus.OPEN)
    rijen = [
        ["Bevinding", "Actie", "Eigenaar", "Deadline"],
        ["Inkoopbeheer", "Proces herzien", "pm", f"{VOLGEND_JAAR}-06-30"],
        ["Inkoopbeheer", "Terug in de tijd", "pm", "2020-01-01"],
    ]
    _, importbestand = uploaden(auditor, "vervolgacties", csv_bestand(rijen))
    fout = importbestand.resultaat["rijen"][1]["fouten"]
    assert fout == [{"kolom": "Deadline", "melding": "De deadline ligt in het verleden."}]

    _, importbestand = uploaden(auditor, "vervolgacties", csv_bestand(rijen[:2]))
    importeren(importbestand)
    actie = Vervolgactie.objects.get()
    assert actie.history.first().history_change_reason.startswith("geïmporteerd uit")
    bevinding.refresh_from_db()
    # The service's own rule: the first action puts the finding in uitvoering.
    assert bevinding.status == BevindingStatus.IN_UITVOERING


def test_an_action_deadline_only_moves_through_a_postponement(uploaden, auditor):
    actie = VervolgactieFactory(omschrijving="Proces herzien")
    rijen = [
        ["Bevinding", "Actie", "Deadline"],
        [actie.bevinding.titel, "Proces herzien", (actie.deadline.replace(day=1)).isoformat()],
    ]
    if actie.deadline.day == 1:
        rijen[1][2] = actie.deadline.replace(day=2).isoformat()
    _, importbestand = uploaden(auditor, "vervolgacties", csv_bestand(rijen))
    assert "Deadline verschuiven" in importbestand.resultaat["rijen"][0]["fouten"][0]["melding"]


def test_indicator_values_for_a_period(uploaden, importeren, beheerder):
    periode = PeriodeFactory(jaar=2025, soort="JAAR", status=PeriodeStatus.OPEN)
    controles = IndicatorFactory(naam="Fysieke controles", groep="Controles")
    IndicatorwaardeFactory(indicator=controles, periode=periode, doelstelling=100)
    verzuim = IndicatorFactory(naam="Ziekteverzuim", groep="Personeel")
    rijen = [
        ["Indicator", "Groep", "Periode", "Doelstelling", "Realisatie", "Band (%)"],
        ["Fysieke controles", "Controles", "Jaar 2025", "100", "96,5", "5"],
        ["Ziekteverzuim", "Personeel", "Jaar 2025", "", "6,9", ""],
    ]
    _, importbestand = uploaden(beheerder, "indicatorwaarden", csv_bestand(rijen, scheiding=";"))
    assert [r["actie"] for r in importbestand.resultaat["rijen"]] == ["gewijzigd", "nieuw"]
    importeren(importbestand)

    waarde = Indicatorwaarde.objects.get(indicator=controles)
    assert (waarde.realisatie, waarde.bandbreedte) == (96.5, 5)
    assert str(Indicatorwaarde.objects.get(indicator=verzuim).realisatie) == "6.90"


def test_a_band_out_of_range_is_refused_by_the_model(uploaden, beheerder):
    PeriodeFactory(jaar=2025, soort="JAAR")
    IndicatorFactory(naam="Fysieke controles")
    rijen = [["Indicator", "Periode", "Band (%)"], ["Fysieke controles", "Jaar 2025", "150"]]
    _, importbestand = uploaden(beheerder, "indicatorwaarden", csv_bestand(rijen))
    assert importbestand.resultaat["fouten"] == 1


# Who may import what: the same permissions as the forms.
@pytest.mark.parametrize(
    ("persona", "toegestaan"),
    [
        (
            "beheerder",
            {
                "initiatieven",
                "indicatorwaarden",
                "risicos",
                "maatregelen",
                "bevindingen",
                "vervolgacties",
            },
        ),  # fmt: skip
        ("risicofunctionaris", {"risicos", "maatregelen"}),
        ("auditor", {"bevindingen", "vervolgacties"}),
        ("pm", set()),
        ("lezer", set()),
        ("buitenstaander", set()),
    ],
)
def test_who_may_import_what_follows_the_role_model(request, client_voor, persona, toegestaan):
    from importeren.soorten import SOORTEN

    user = request.getfixturevalue(persona)
    client = client_voor(user)
    response = client.get("/importeren/")
    assert response.status_code == (200 if toegestaan else 403)
    for soort in SOORTEN:
        sjabloon = client.get(f"/importeren/sjabloon/{soort}.xlsx")
        assert sjabloon.status_code == (200 if soort in toegestaan else 404), soort
        upload = client.post(
            "/importeren/",
            {"soort": soort, "bestand": csv_bestand([["Risico"], ["x"]])},
        )
        if toegestaan:
            assert upload.status_code == (302 if soort in toegestaan else 200), soort
        else:
            assert upload.status_code == 403


def test_a_risk_officer_cannot_change_a_risk_through_someone_elses_file(
    client_voor, uploaden, risicofunctionaris, auditor
):
    rijen = [["Risico", "Categorie", "Eigenaar"], ["Cyberaanval", "Extern", "risicofunctionaris"]]
    _, importbestand = uploaden(risicofunctionaris, "risicos", csv_bestand(rijen))
    client = client_voor(auditor)
    assert client.get(f"/importeren/{importbestand.pk}/").status_code == 404
    assert client.post(f"/importeren/{importbestand.pk}/importeren/").status_code == 404
