import pytest
from playwright.sync_api import expect

from douane_portfolio import rollen
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_logs_in_and_opens_mijn_acties(pagina, inloggen):
    UserFactory(username="petra", first_name="Petra", last_name="Pm", rol=rollen.PROGRAMMAMANAGER)
    inloggen("petra")
    expect(pagina.get_by_role("heading", name="Dashboard")).to_be_visible()
    pagina.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Mijn acties"
    ).click()
    expect(pagina).to_have_url(f"{pagina.url.split('/acties')[0]}/acties/")
    expect(pagina.get_by_role("heading", name="Mijn acties")).to_be_visible()
    expect(pagina.get_by_role("link", name="Mijn acties")).to_have_attribute("aria-current", "page")
    # Skip link for keyboard users goes to the main content.
    pagina.keyboard.press("Tab")
    expect(pagina.get_by_role("link", name="Naar de inhoud")).to_be_focused()
