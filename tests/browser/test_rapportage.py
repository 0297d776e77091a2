import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import UITVOER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_management_opens_the_dashboard_and_the_2023_report(pagina, inloggen, settings):
    settings.DEMO_PASSWORD = "geheim-wachtwoord-1"
    call_command("laad_demo", stdout=io.StringIO())
    inloggen("lezer")
    expect(pagina.get_by_role("heading", name="Status per thema – Jaar 2023")).to_be_visible()
    UITVOER.mkdir(exist_ok=True)
    pagina.screenshot(path=str(UITVOER / "dashboard.png"), full_page=True)

    pagina.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Rapportage"
    ).click()
    pagina.get_by_role("row", name="Jaar 2023").get_by_role("link", name="HTML").click()
    expect(
        pagina.get_by_role("heading", name="Jaarrapportage Douane 2023", level=1)
    ).to_be_visible()
    expect(pagina.get_by_text("Stand op de peildatum 31 december 2023")).to_be_visible()
    pagina.get_by_role("navigation", name="Inhoudsopgave").get_by_role(
        "link", name="Datagedreven organisatie"
    ).click()
    expect(pagina).to_have_url(pagina.url.split("#")[0] + "#thema-3")
    tabel = pagina.get_by_role("table").filter(has_text="Verbetering informatiepositie")
    expect(tabel.get_by_role("row", name="Verbetering informatiepositie")).to_contain_text("Rood")
    pagina.screenshot(path=str(UITVOER / "rapport-2023.png"), full_page=True)

    with pagina.expect_download() as download:
        pagina.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "rapportage-douane-2023.pdf"
