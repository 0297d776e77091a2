import pytest
from playwright.sync_api import expect

from douane_portfolio import rollen
from programmas.models import Periodesoort, PeriodeStatus, Status
from tests.factories import UserFactory
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory, StatusrapportageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_programme_manager_reports_oranje_and_cannot_touch_another_initiative(pagina, inloggen):
    pm = UserFactory(
        username="programmamanager", first_name="Petra", last_name="Pm", rol=rollen.PROGRAMMAMANAGER
    )
    ander = UserFactory(username="programmamanager2", rol=rollen.PROGRAMMAMANAGER)
    t2 = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    t3 = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    eigen = InitiatiefFactory(naam="Datamanagement", eigenaar=pm)
    vreemd = InitiatiefFactory(naam="Ondermijning", eigenaar=ander)
    StatusrapportageFactory(initiatief=eigen, periode=t2, status=Status.GROEN)

    inloggen("programmamanager")
    pagina.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Programma's"
    ).click()
    # The open round asks for the missing report.
    pagina.get_by_role("region", name="Rapportageronde 2026 T3 is open").get_by_role(
        "link", name="Datamanagement"
    ).click()
    expect(pagina.get_by_role("heading", name="Status 2026 T3: Datamanagement")).to_be_visible()

    # Oranje without explanation: refused, with the message next to the field.
    pagina.get_by_label("Oranje").check()
    pagina.get_by_role("button", name="Status opslaan").click()
    expect(pagina.get_by_text("Een toelichting is verplicht bij oranje en rood.")).to_be_visible()

    pagina.get_by_label("Toelichting").fill("Het nieuwe dataplatform is vertraagd.")
    pagina.get_by_label("Pad naar groen").fill(
        "Continuïteitsscenario in Q1, platform gevuld in Q2."
    )
    pagina.get_by_role("button", name="Status opslaan").click()
    expect(pagina.get_by_text("De status voor 2026 T3 is opgeslagen.")).to_be_visible()
    pagina.get_by_role("link", name="de geschiedenispagina").click()
    geschiedenis = pagina.get_by_role("region", name="Alle wijzigingen, nieuwste eerst")
    expect(geschiedenis.get_by_text("Status 2026 T3").first).to_be_visible()
    expect(geschiedenis.get_by_text("Petra Pm").first).to_be_visible()

    pagina.goto(f"/programmas/?periode={t3.pk}")
    rij = pagina.get_by_role("row").filter(has_text="Datamanagement")
    expect(rij).to_contain_text("Oranje")
    expect(rij).to_contain_text("slechter")

    # Another owner's initiative: no button, and the form itself is refused.
    pagina.goto(vreemd.get_absolute_url())
    expect(pagina.get_by_role("link", name="Status 2026 T3 indienen of herzien")).to_have_count(0)
    response = pagina.goto(f"/programmas/{vreemd.pk}/status/{t3.pk}/")
    assert response.status == 403
    expect(pagina.get_by_role("heading", name="Geen toegang")).to_be_visible()
