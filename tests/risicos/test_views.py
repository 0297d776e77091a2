"""The register, heat map, risk page and forms, as a risk officer uses them."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from risicos.models import Risico, Scorewijziging
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("risicos:register")


@pytest.fixture
def client_rf(client_voor, risicofunctionaris):
    return client_voor(risicofunctionaris)


def _titels(response):
    return [row.record.titel for row in response.context["table"].paginated_rows]


# --- Register -------------------------------------------------------------------------


def test_the_register_shows_scores_coloured_with_their_number_and_unscored_risks(client_rf):
    RisicoFactory(titel="Hoog", bruto_kans=5, bruto_impact=4, netto_kans=4, netto_impact=3)
    RisicoFactory(titel="Nieuw")
    html = client_rf.get(REGISTER).content.decode()
    assert 'class="score score-zeer_hoog"' in html and ">20<" in html
    assert 'class="score score-hoog"' in html and ">12<" in html
    assert "niet gescoord" in html


def test_the_register_sorts_by_net_score_with_unscored_last(client_rf):
    RisicoFactory(titel="Laag", netto_kans=1, netto_impact=1)
    RisicoFactory(titel="Leeg")
    RisicoFactory(titel="Hoog", bruto_kans=5, bruto_impact=5, netto_kans=5, netto_impact=4)
    assert _titels(client_rf.get(REGISTER)) == ["Hoog", "Laag", "Leeg"]
    assert _titels(client_rf.get(REGISTER, {"sort": "netto"})) == ["Laag", "Hoog", "Leeg"]


def test_the_register_shows_measures_done_of_total(client_rf):
    risico = RisicoFactory()
    BeheersmaatregelFactory(risicos=[risico], status="afgerond")
    BeheersmaatregelFactory(risicos=[risico])
    assert "1/2 gereed" in client_rf.get(REGISTER).content.decode()


@pytest.mark.parametrize(
    ("filters", "verwacht"),
    [
        ({"categorie": "extern"}, ["Extern boven"]),
        ({"toprisico": "ja"}, ["Top te laat"]),
        ({"toprisico": "nee"}, ["Extern boven", "Zonder score"]),
        ({"boven_risicobereidheid": "ja"}, ["Extern boven"]),
        ({"herbeoordeling_te_laat": "ja"}, ["Top te laat"]),
        ({"netto": "niet_gescoord"}, ["Top te laat", "Zonder score"]),
        ({"netto": "hoog"}, ["Extern boven"]),
        ({"netto_kans": "4", "netto_impact": "3"}, ["Extern boven"]),
        ({"status": "gesloten"}, ["Gesloten nee"]),
        ({"zoek": "score"}, ["Zonder score"]),
    ],
)
def test_the_register_filters(client_rf, risicofunctionaris, filters, verwacht):
    gisteren = datetime.date.today() - datetime.timedelta(days=1)
    RisicoFactory(
        titel="Extern boven",
        categorie="extern",
        bruto_kans=5,
        bruto_impact=5,
        netto_kans=4,
        netto_impact=3,
        risicobereidheid=9,
    )
    RisicoFactory(titel="Top te laat", toprisico=True, herbeoordeling=gisteren)
    RisicoFactory(titel="Zonder score")
    RisicoFactory(titel="Gesloten nee", status="gesloten", herbeoordeling=gisteren)
    assert sorted(_titels(client_rf.get(REGISTER, filters))) == sorted(verwacht)


def test_the_register_filters_on_owner(client_rf, pm):
    RisicoFactory(titel="Van Petra", eigenaar=pm)
    RisicoFactory(titel="Van een ander")
    assert _titels(client_rf.get(REGISTER, {"eigenaar": pm.pk})) == ["Van Petra"]


def test_a_heat_map_cell_filter_is_shown_and_survives_the_filter_form(client_rf):
    RisicoFactory(netto_kans=2, netto_impact=2)
    html = client_rf.get(REGISTER, {"netto_kans": "2", "netto_impact": "2"}).content.decode()
    assert "Gefilterd vanuit de heat map" in html
    assert 'type="hidden" name="netto_kans" value="2"' in html


def test_the_register_exports_csv_with_the_screen_headers_and_plain_values(client_rf):
    RisicoFactory(
        titel="Export",
        toprisico=True,
        bruto_kans=4,
        bruto_impact=4,
        netto_kans=3,
        netto_impact=4,
        risicobereidheid=9,
    )
    RisicoFactory(titel="Ongescoord")
    response = client_rf.get(REGISTER, {"_export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rijen = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    per_titel = {r["Risico"]: r for r in rijen}
    assert set(per_titel) == {"Export", "Ongescoord"}
    export = per_titel["Export"]
    assert (export["Bruto"], export["Netto"], export["Netto kans"]) == ("16", "12", "3")
    assert (export["Risicobereidheid"], export["Boven risicobereidheid"]) == ("9", "ja")
    assert (export["Toprisico"], export["Maatregelen"]) == ("ja", "0/0")
    assert per_titel["Ongescoord"]["Netto"] == "niet gescoord"
    assert "Kies" not in rijen[0]


def test_the_register_exports_the_filtered_rows_as_xlsx(client_rf):
    RisicoFactory(titel="Intern")
    RisicoFactory(titel="Extern", categorie="extern")
    response = client_rf.get(REGISTER, {"_export": "xlsx", "categorie": "extern"})
    blad = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rijen = list(blad.values)
    assert rijen[0][0] == "Risico"
    assert [r[0] for r in rijen[1:]] == ["Extern"]


# --- Heat map -------------------------------------------------------------------------


def _cel(response, soort, kans, impact):
    kaart = next(k for k in response.context["kaarten"] if k["soort"] == soort)
    rij = next(r for r in kaart["rijen"] if r["kans"] == kans)
    return next(c for c in rij["cellen"] if c["impact"] == impact), kaart


def test_the_heat_map_counts_gross_and_net_per_cell_and_says_how_many_are_unscored(client_rf):
    RisicoFactory.create_batch(2, bruto_kans=5, bruto_impact=4, netto_kans=2, netto_impact=3)
    RisicoFactory(bruto_kans=5, bruto_impact=4)
    RisicoFactory()
    RisicoFactory(status="gesloten", bruto_kans=5, bruto_impact=4)
    response = client_rf.get(reverse("risicos:heatmap"))

    cel, bruto = _cel(response, "bruto", 5, 4)
    assert cel["aantal"] == 3 and cel["score"] == 20
    assert (bruto["gescoord"], bruto["niet_gescoord"]) == (3, 1)
    cel, netto = _cel(response, "netto", 2, 3)
    assert cel["aantal"] == 2
    assert (netto["gescoord"], netto["niet_gescoord"]) == (2, 2)
    html = response.content.decode()
    # Each cell has its count as text and an accessible name.
    assert 'aria-label="Kans 5, impact 4, score 20: 3 risico&#x27;s"' in html
    assert "<strong>2</strong> risico&#x27;s nog niet gescoord" in html


def test_a_heat_map_cell_links_to_the_register_filtered_on_it(client_rf):
    RisicoFactory(titel="In de cel", netto_kans=2, netto_impact=3)
    RisicoFactory(titel="Ernaast", netto_kans=3, netto_impact=2)
    response = client_rf.get(reverse("risicos:heatmap"), {"toprisico": "nee"})
    assert "Selectie: Toprisico: Nee." in response.content.decode()
    cel, _ = _cel(response, "netto", 2, 3)
    assert "toprisico=nee" in cel["url"]
    assert _titels(client_rf.get(cel["url"])) == ["In de cel"]


def test_the_heat_map_unscored_link_lists_the_unscored_risks(client_rf):
    RisicoFactory(titel="Leeg")
    RisicoFactory(titel="Bruto alleen", bruto_kans=2, bruto_impact=2)
    response = client_rf.get(reverse("risicos:heatmap"))
    kaarten = {k["soort"]: k for k in response.context["kaarten"]}
    assert _titels(client_rf.get(kaarten["netto"]["niet_gescoord_url"])) == ["Bruto alleen", "Leeg"]
    assert _titels(client_rf.get(kaarten["bruto"]["niet_gescoord_url"])) == ["Leeg"]


# --- Risk page and forms ----------------------------------------------------------------


def test_the_risk_page_shows_scores_over_time_measures_dialogues_and_history(client_rf):
    risico = RisicoFactory(titel="Mijn risico")
    BeheersmaatregelFactory(risicos=[risico], omschrijving="Extra controle")
    response = client_rf.post(
        reverse("risicos:risico_scoren", args=[risico.pk]),
        {
            "bruto_kans": "4",
            "bruto_impact": "4",
            "netto_kans": "2",
            "netto_impact": "4",
            "reden": "Eerste sessie",
            "versie": risico.versie,
        },
    )
    assert response.status_code == 302
    html = client_rf.get(risico.get_absolute_url()).content.decode()
    assert "Scores door de tijd" in html and "Eerste sessie" in html
    assert 'class="scoregrafiek"' in html
    assert "Extra controle" in html
    assert "Wijzigingsgeschiedenis" in html
    geschiedenis = reverse("risicos:risico_geschiedenis", args=[risico.pk])
    assert geschiedenis in html
    html = client_rf.get(geschiedenis).content.decode()
    assert "Eerste sessie" in html and "netto kans" in html


def test_an_unscored_risk_says_so_on_its_page(client_rf):
    risico = RisicoFactory(bron="Jaarrapportage Douane 2023")
    html = client_rf.get(risico.get_absolute_url()).content.decode()
    assert "niet gescoord" in html
    assert "de bron (Jaarrapportage Douane 2023) geeft geen scores" in html
    assert 'class="scoregrafiek"' not in html


def test_kans_6_gets_a_dutch_error_next_to_the_field_and_keeps_the_input(client_rf):
    risico = RisicoFactory()
    response = client_rf.post(
        reverse("risicos:risico_scoren", args=[risico.pk]),
        {"netto_kans": "6", "netto_impact": "2", "reden": "Mijn reden", "versie": risico.versie},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["netto_kans"] == ["Kies een kans van 1 tot en met 5."]
    html = response.content.decode()
    assert 'id="id_netto_kans_error"' in html and "Mijn reden" in html
    assert not Scorewijziging.objects.exists()


def test_a_score_change_without_reason_is_refused_next_to_the_field(client_rf):
    risico = RisicoFactory()
    response = client_rf.post(
        reverse("risicos:risico_scoren", args=[risico.pk]),
        {"netto_kans": "2", "netto_impact": "2", "reden": "", "versie": risico.versie},
    )
    assert response.context["form"].errors["reden"] == ["Geef aan waarom de score verandert."]


def test_the_score_form_refuses_to_save_over_a_newer_version(client_rf, risicofunctionaris):
    from risicos import services

    risico = RisicoFactory()
    geopend = risico.versie
    services.risico_scoren(
        risico=risico,
        bruto_kans=3,
        bruto_impact=3,
        netto_kans=2,
        netto_impact=2,
        reden="Collega was eerder",
        door=risicofunctionaris,
    )
    response = client_rf.post(
        reverse("risicos:risico_scoren", args=[risico.pk]),
        {"netto_kans": "1", "netto_impact": "1", "reden": "Mijn reden", "versie": geopend},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit gegeven is intussen gewijzigd" in html
    assert "Mijn reden" in html
    assert Risico.objects.get(pk=risico.pk).netto_score == 4


def test_the_risk_edit_form_refuses_to_save_over_a_newer_version(client_rf):
    risico = RisicoFactory(titel="Oud")
    url = reverse("risicos:risico_bewerken", args=[risico.pk])
    form = client_rf.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "initiatieven"}
    data.update(eigenaar=risico.eigenaar_id, versie=risico.versie)
    # Someone else saves first.
    client_rf.post(url, {**data, "titel": "Eerst"})
    response = client_rf.post(url, {**data, "titel": "Later"})
    assert response.status_code == 200
    assert "Dit gegeven is intussen gewijzigd" in response.content.decode()
    assert response.context["form"]["titel"].value() == "Later"
    assert Risico.objects.get(pk=risico.pk).titel == "Eerst"


def test_a_new_risk_can_be_registered_with_its_first_scores(client_rf, risicofunctionaris):
    response = client_rf.post(
        reverse("risicos:risico_nieuw"),
        {
            "titel": "Cyberaanval op aangiftesystemen",
            "categorie": "extern",
            "status": "actief",
            "eigenaar": risicofunctionaris.pk,
            "bruto_kans": "4",
            "bruto_impact": "5",
            "netto_kans": "3",
            "netto_impact": "5",
            "risicobereidheid": "10",
        },
    )
    risico = Risico.objects.get(titel="Cyberaanval op aangiftesystemen")
    assert response.status_code == 302
    assert risico.boven_risicobereidheid
    assert risico.scorewijzigingen.get().door == risicofunctionaris


def test_a_new_risk_with_net_above_gross_is_refused_next_to_the_field(
    client_rf, risicofunctionaris
):
    response = client_rf.post(
        reverse("risicos:risico_nieuw"),
        {
            "titel": "Te hoog",
            "categorie": "extern",
            "status": "actief",
            "eigenaar": risicofunctionaris.pk,
            "bruto_kans": "2",
            "bruto_impact": "2",
            "netto_kans": "3",
            "netto_impact": "2",
            "risicobereidheid": "30",
        },
    )
    fouten = response.context["form"].errors
    assert "kan niet hoger zijn dan de bruto kans" in fouten["netto_kans"][0]
    assert fouten["risicobereidheid"] == ["Vul een score van 1 tot en met 25 in (kans × impact)."]
    assert not Risico.objects.filter(titel="Te hoog").exists()


# --- Measures ----------------------------------------------------------------------------


def test_measures_of_risks_show_in_mijn_acties_with_the_risk_as_context(client_voor, pm):
    risico = RisicoFactory(titel="Personele veiligheid")
    BeheersmaatregelFactory(risicos=[risico], eigenaar=pm, omschrijving="Bureau inrichten")
    BeheersmaatregelFactory(eigenaar=pm, omschrijving="Risicovolwassenheid")
    html = client_voor(pm).get(reverse("mijn_acties")).content.decode()
    assert "Bureau inrichten" in html and "Personele veiligheid" in html
    assert "Overkoepelende maatregel" in html


def test_the_measures_list_filters_overarching_ones(client_rf):
    BeheersmaatregelFactory(omschrijving="Overal")
    BeheersmaatregelFactory(omschrijving="Specifiek", risicos=[RisicoFactory()])
    response = client_rf.get(reverse("risicos:maatregelen"), {"soort": "overkoepelend"})
    assert [r.record.omschrijving for r in response.context["table"].paginated_rows] == ["Overal"]


def test_a_second_risk_with_the_same_title_is_refused_in_dutch(client_rf, risicofunctionaris):
    RisicoFactory(titel="Dubbel")
    response = client_rf.post(
        reverse("risicos:risico_nieuw"),
        {
            "titel": "Dubbel",
            "categorie": "intern",
            "status": "actief",
            "eigenaar": risicofunctionaris.pk,
        },
    )
    assert response.context["form"].errors["titel"] == ["Er is al een risico met deze titel."]


def test_the_risk_page_query_count_does_not_grow_with_measures_and_score_changes(
    client_rf, risicofunctionaris
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from risicos import services

    risico = RisicoFactory(gescoord=True)

    def maak(aantal):
        for n in range(aantal):
            BeheersmaatregelFactory(risicos=[risico])
            services.risico_scoren(
                risico=Risico.objects.get(pk=risico.pk),
                bruto_kans=4,
                bruto_impact=4,
                netto_kans=1 + n % 3,
                netto_impact=3,
                reden=f"herbeoordeling {n}",
                door=risicofunctionaris,
            )

    def tel():
        with CaptureQueriesContext(connection) as ctx:
            assert client_rf.get(risico.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    maak(2)
    weinig = tel()
    maak(20)
    assert tel() == weinig
