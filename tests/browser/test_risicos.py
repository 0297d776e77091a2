import datetime

import pytest
from playwright.sync_api import expect

from tests.risicos.factories import RisicoFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_risk_officer_runs_a_dialogue_from_the_register_to_the_heat_map(
    pagina, inloggen, risicofunctionaris
):
    RisicoFactory(
        titel="Cyberaanval",
        eigenaar=risicofunctionaris,
        bruto_kans=4,
        bruto_impact=4,
        netto_kans=3,
        netto_impact=3,
    )
    RisicoFactory(titel="Personeelstekort", eigenaar=risicofunctionaris)
    inloggen("risicofunctionaris")

    pagina.goto("/risicos/heatmap/")
    netto_3x3 = pagina.locator("#heatmap-netto td[data-kans='3'][data-impact='3']")
    netto_2x3 = pagina.locator("#heatmap-netto td[data-kans='2'][data-impact='3']")
    expect(netto_3x3.locator(".cel-aantal")).to_have_text("1")
    expect(netto_2x3.locator(".cel-aantal")).to_have_text("0")
    submenu = pagina.get_by_role("navigation", name="Risico's")

    # Pick the two risks in the register and prepare a dialogue on them.
    submenu.get_by_role("link", name="Register").click()
    pagina.get_by_label("Kies Cyberaanval").check()
    pagina.get_by_label("Kies Personeelstekort").check()
    pagina.get_by_role("button", name="Met de aangevinkte risico's").click()
    expect(pagina.get_by_role("heading", name="Nieuwe risicodialoog")).to_be_visible()
    pagina.get_by_label("Titel").fill("Risicodialoog browsertest")
    pagina.get_by_label("Datum").fill(datetime.date.today().isoformat())
    # A search field (thousands of colleagues): the typed name is resolved on saving.
    pagina.get_by_label("Voorzitter").fill(str(risicofunctionaris))
    pagina.get_by_role("button", name="Risicodialoog plannen").click()
    expect(pagina.get_by_role("heading", name="Risicodialoog browsertest")).to_be_visible()
    expect(pagina.locator(".agendapunt")).to_have_count(2)

    # The session: a new net score for one risk, a conclusion.
    pagina.get_by_role("link", name="Sessie vastleggen").click()
    punt = pagina.get_by_role("group", name="Cyberaanval")
    punt.get_by_label("Afgesproken netto kans").select_option("2")
    punt.get_by_label("Afgesproken netto impact").select_option("3")
    punt.get_by_label("Conclusie of besluit").fill("Kans lager door de nieuwe monitoring.")
    pagina.get_by_role("button", name="Opslaan").click()
    expect(pagina.get_by_text("De afspraken uit de sessie zijn opgeslagen.")).to_be_visible()

    # Held, then adopted.
    pagina.get_by_role("link", name="Agenda", exact=True).click()
    pagina.get_by_role("button", name="Markeren als gehouden").click()
    expect(pagina.get_by_text("als gehouden gemarkeerd")).to_be_visible()
    pagina.get_by_role("link", name="Vaststellen").click()
    expect(pagina.get_by_role("cell", name="Cyberaanval")).to_be_visible()
    pagina.get_by_role("button", name="Verslag vaststellen").click()
    expect(pagina.get_by_text("Het verslag is vastgesteld")).to_be_visible()
    expect(pagina.get_by_text("Concept")).to_have_count(0)

    # The heat map moved the risk from 3 × 3 to 2 × 3.
    submenu.get_by_role("link", name="Heat map").click()
    expect(netto_3x3.locator(".cel-aantal")).to_have_text("0")
    expect(netto_2x3.get_by_role("link")).to_have_accessible_name(
        "Kans 2, impact 3, score 6: 1 risico"
    )

    # The risk's history names the dialogue as the reason.
    netto_2x3.get_by_role("link").click()
    pagina.get_by_role("link", name="Cyberaanval").click()
    verloop = pagina.locator("#scoreverloop")
    expect(verloop.get_by_text("Vastgesteld in Risicodialoog browsertest")).to_be_visible()
    pagina.get_by_role("link", name="de geschiedenispagina").click()
    expect(pagina.locator(".geschiedenis")).to_contain_text("netto kans: 3 – gemiddeld → 2 – klein")
