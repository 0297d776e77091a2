import pytest
from playwright.sync_api import expect

from risicos.models import Risico
from tests.importeren import conftest as importeren_conftest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_fix_the_mapping_and_import(pagina, inloggen, risicofunctionaris, tmp_path):
    bestand = tmp_path / "risicoregister.csv"
    # "Groep" is no header the import knows: the user maps it by hand.
    bestand.write_bytes(
        "Risico;Groep;Eigenaar;Bruto kans;Bruto impact\r\n"
        "Cyberaanval;Extern;risicofunctionaris;4;4\r\n"
        "Personeelstekort;Intern;risicofunctionaris;3;3\r\n".encode("cp1252")
    )
    inloggen("risicofunctionaris")

    pagina.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Importeren"
    ).click()
    pagina.get_by_label("Wat importeert u?").select_option(label="Risico's")
    pagina.get_by_label("Bestand").set_input_files(str(bestand))
    pagina.get_by_role("button", name="Controleren").click()

    expect(pagina.locator("[data-telling='fouten']")).to_have_text("2")
    expect(pagina.locator("#rij-2")).to_contain_text("Categorie")
    expect(pagina.get_by_role("button", name="Importeren")).to_have_count(0)

    pagina.get_by_label("Groep").select_option(label="Categorie (verplicht)")
    pagina.get_by_role("button", name="Opnieuw controleren").click()
    expect(pagina.locator("[data-telling='nieuw']")).to_have_text("2")
    expect(pagina.locator("[data-telling='fouten']")).to_have_text("0")
    assert not Risico.objects.exists()

    pagina.get_by_role("button", name="Importeren").click()
    expect(pagina.get_by_text("Het bestand is geïmporteerd.")).to_be_visible()
    assert set(Risico.objects.values_list("titel", "categorie")) == {
        ("Cyberaanval", "extern"),
        ("Personeelstekort", "intern"),
    }


# The real worker of tests/importeren (a fixture shared, not copied).
worker = importeren_conftest.worker


@pytest.mark.celery_worker
def test_the_page_follows_a_worker_with_a_progress_bar(
    pagina, inloggen, risicofunctionaris, tmp_path, worker, settings
):
    settings.IMPORTEREN_TAAK_VANAF = 10
    bestand = tmp_path / "groot.csv"
    rijen = "".join(f"Risico {i:03d},Intern,risicofunctionaris\r\n" for i in range(300))
    bestand.write_text("Risico,Categorie,Eigenaar\r\n" + rijen)
    inloggen("risicofunctionaris")

    pagina.goto("/importeren/")
    pagina.get_by_label("Wat importeert u?").select_option(label="Risico's")
    pagina.get_by_label("Bestand").set_input_files(str(bestand))
    pagina.get_by_role("button", name="Controleren").click()
    expect(pagina.locator("progress")).to_have_attribute("max", "300")

    # The script polls and reloads the page when the worker is done.
    expect(pagina.locator("[data-telling='nieuw']")).to_have_text("300", timeout=30_000)
    pagina.get_by_role("button", name="Importeren").click()
    expect(pagina.get_by_text("Geïmporteerd: 300 nieuw")).to_be_visible(timeout=30_000)
    assert Risico.objects.count() == 300
