"""Single sign-on end to end: Chromium, the live server and a real OIDC provider process."""

import re
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from douane_portfolio import rollen
from tests.inloggen import provider

# The provider process and the SSO settings (fixtures idp, sso, claims) come from
# tests/conftest.py, shared with tests/inloggen/.
CLIENT_ID = provider.CLIENT_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

User = get_user_model()


def via_provider(pagina, sso, sub):
    pagina.goto("/accounts/login/")
    pagina.get_by_role("link", name="Inloggen met Douane").click()
    pagina.wait_for_url(f"{sso}/oauth2/authorize?**")
    autorisatie = parse_qs(urlsplit(pagina.url).query)
    pagina.locator("input[name=sub]").fill(sub)
    pagina.get_by_role("button", name="Authorize", exact=True).click()
    return autorisatie


def test_sso_creates_the_user_follows_the_groups_claim_and_logs_out_at_both_ends(
    pagina, live_server, sso, claims, settings
):
    settings.MFA_VERPLICHT = "beheer"  # an SSO log-in is not asked for our second factor
    gegevens = {
        "given_name": "Anna",
        "family_name": "de Vries",
        "preferred_username": "anna",
        "email": "anna@douane.example",
    }
    claims("sub-anna", groups=["portfolio-office"], **gegevens)

    autorisatie = via_provider(pagina, sso, "sub-anna")
    assert autorisatie["code_challenge_method"] == ["S256"] and autorisatie["code_challenge"]
    pagina.wait_for_url(f"{live_server.url}/")
    naam = pagina.locator(".gebruiker-naam")
    expect(naam).to_contain_text("Anna de Vries")
    expect(naam).to_contain_text(rollen.BEHEERDER)
    expect(pagina.get_by_role("link", name="Beheer", exact=True)).to_be_visible()
    anna = User.objects.get(oidc_identiteiten__subject="sub-anna")
    assert anna.rollen == {rollen.BEHEERDER} and anna.email == "anna@douane.example"

    # Logout ends our session and sends the browser to the provider's end_session.
    pagina.get_by_role("button", name="Uitloggen").click()
    pagina.wait_for_url(f"{sso}/oauth2/end_session?**")
    uitloggen = parse_qs(urlsplit(pagina.url).query)
    hint = jwt.decode(uitloggen["id_token_hint"][0], options={"verify_signature": False})
    assert hint["sub"] == "sub-anna" and CLIENT_ID in hint["aud"]
    assert uitloggen["post_logout_redirect_uri"] == [f"{live_server.url}/accounts/login/"]
    pagina.get_by_role("button", name="End session").click()
    pagina.wait_for_url(f"{live_server.url}/accounts/login/")
    pagina.goto("/")
    expect(pagina).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    # The provider moves Anna from the portfolio office to the readers.
    claims("sub-anna", groups=["portfolio-lezers"], **gegevens)
    via_provider(pagina, sso, "sub-anna")
    pagina.wait_for_url(f"{live_server.url}/")
    expect(naam).to_contain_text(rollen.LEZER)
    expect(naam).not_to_contain_text(rollen.BEHEERDER)
    expect(pagina.get_by_role("link", name="Beheer", exact=True)).to_have_count(0)
    assert User.objects.get(pk=anna.pk).rollen == {rollen.LEZER}
    assert User.objects.filter(oidc_identiteiten__subject="sub-anna").count() == 1


def test_a_tampered_state_ends_on_a_dutch_page(pagina, live_server, sso, claims):
    claims("sub-bas", preferred_username="bas", groups=["portfolio-office"])

    def vervalsen(route):
        # The provider's answer (a redirect back to us) with another state in it.
        antwoord = route.fetch(max_redirects=0)
        terug = antwoord.headers["location"].replace("state=", "state=vervalst", 1)
        route.fulfill(response=antwoord, headers={**antwoord.headers, "location": terug})

    pagina.route(f"{sso}/oauth2/authorize?**", vervalsen)
    via_provider(pagina, sso, "sub-bas")
    expect(pagina.get_by_role("heading", name="Inloggen via Douane is mislukt")).to_be_visible()
    expect(pagina.get_by_role("link", name="Opnieuw inloggen")).to_be_visible()
    assert not User.objects.filter(username="bas").exists()
    pagina.unroute(f"{sso}/oauth2/authorize?**")
    pagina.goto("/")
    expect(pagina).to_have_url(re.compile(r"/accounts/login/"))
