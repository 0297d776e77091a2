import pytest
from playwright.sync_api import expect

from audits.models import BevindingStatus
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDEN = "De steekproef over 2024 ontbreekt nog; voeg die toe als bewijs."


def _uitloggen(pagina):
    pagina.get_by_role("button", name="Uitloggen").click()
    pagina.wait_for_url("**/accounts/login/")


def test_the_owner_offers_the_auditor_rejects_and_the_owner_sees_why(pagina, inloggen):
    eigenaar = UserFactory(
        username="petra", first_name="Petra", last_name="Pm", rol=rollen.PROGRAMMAMANAGER
    )
    UserFactory(username="anton", first_name="Anton", last_name="Auditor", rol=rollen.AUDITOR)
    bevinding = BevindingFactory(eigenaar=eigenaar, titel="Onvolkomenheid inkoopbeheer")
    VervolgactieFactory(bevinding=bevinding, eigenaar=eigenaar, status="afgerond")

    # The owner offers the finding for closing.
    inloggen("petra")
    pagina.goto(bevinding.get_absolute_url())
    pagina.get_by_role("link", name="Aanbieden ter beoordeling").click()
    pagina.get_by_label("Toelichting").fill("Alle inkoopdossiers zijn op orde gebracht.")
    pagina.get_by_role("button", name="Aanbieden").click()
    expect(pagina.get_by_text("De bevinding is aangeboden.")).to_be_visible()
    expect(pagina.locator("#kenmerken")).to_contain_text("Ter beoordeling")
    _uitloggen(pagina)

    # The auditor rejects it, with a reason.
    inloggen("anton")
    pagina.goto("/audits/opvolging/")
    pagina.get_by_role("link", name="Onvolkomenheid inkoopbeheer").click()
    pagina.get_by_role("link", name="Beoordelen").first.click()
    expect(pagina.get_by_text("Alle inkoopdossiers zijn op orde gebracht.")).to_be_visible()
    pagina.get_by_label("Niet akkoord").check()
    pagina.get_by_label("Toelichting").fill(REDEN)
    pagina.get_by_role("button", name="Oordeel vastleggen").click()
    expect(
        pagina.get_by_text("Niet akkoord: de bevinding staat weer in uitvoering")
    ).to_be_visible()
    _uitloggen(pagina)

    # The owner sees it back in uitvoering, with that reason.
    inloggen("petra")
    pagina.goto(bevinding.get_absolute_url())
    afwijzing = pagina.get_by_role("region", name="Niet akkoord")
    expect(afwijzing).to_be_visible()
    expect(afwijzing).to_contain_text(REDEN)
    expect(afwijzing).to_contain_text("Anton Auditor")
    expect(pagina.locator("#kenmerken")).to_contain_text("In uitvoering")
    expect(pagina.get_by_role("link", name="Aanbieden ter beoordeling")).to_be_visible()

    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.IN_UITVOERING
