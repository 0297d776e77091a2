import base64
import hashlib
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from douane_portfolio import rollen
from inloggen.models import OidcIdentiteit
from tests.factories import UserFactory
from tests.inloggen.provider import vrije_poort

pytestmark = pytest.mark.django_db

User = get_user_model()


def naar_provider(client):
    """Start the log-in; returns the provider's authorization URL."""
    response = client.get(reverse("sso_starten"))
    assert response.status_code == 302
    return response["Location"]


def toestemming(autorisatie_url, sub):
    """What the user does at the provider: log in as `sub`; returns our callback path."""
    antwoord = requests.post(autorisatie_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert antwoord.status_code == 302, antwoord.text
    terug = urlsplit(antwoord.headers["Location"])
    return f"{terug.path}?{terug.query}"


def sso_inloggen(client, sub):
    return client.get(toestemming(naar_provider(client), sub))


def ingelogd(client):
    return "_auth_user_id" in client.session


def test_the_authorization_request_uses_pkce_state_and_nonce(client, sso):
    parameters = parse_qs(urlsplit(naar_provider(client)).query)
    assert parameters["code_challenge_method"] == ["S256"]
    # The verifier for the token request stays in our session and matches the challenge.
    verifier = client.session["oidc_states"][parameters["state"][0]]["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == parameters["code_challenge"][0]
    assert parameters["state"] and parameters["nonce"]
    assert parameters["response_type"] == ["code"]
    assert parameters["scope"] == ["openid email profile"]


def test_first_login_creates_the_user_with_name_email_and_mapped_roles(client, sso, claims):
    claims(
        "sub-anna",
        email="anna@douane.example",
        given_name="Anna",
        family_name="de Vries",
        preferred_username="anna",
        groups=["portfolio-office", "iets-anders"],
    )
    response = sso_inloggen(client, "sub-anna")
    assert response["Location"] == reverse("home")
    user = User.objects.get(oidc_identiteiten__subject="sub-anna")
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "anna",
        "Anna",
        "de Vries",
        "anna@douane.example",
    )
    assert user.rollen == {rollen.BEHEERDER}
    assert user.is_staff and not user.has_usable_password()
    assert OidcIdentiteit.objects.get(user=user).issuer == sso


def test_roles_follow_the_groups_claim_at_every_login(client, sso, claims):
    claims("sub-bert", preferred_username="bert", groups=["portfolio-office"])
    sso_inloggen(client, "sub-bert")
    client.logout()
    claims("sub-bert", preferred_username="bert", groups=["programmamanagers"])
    sso_inloggen(client, "sub-bert")
    user = User.objects.get(username="bert")
    assert user.rollen == {rollen.PROGRAMMAMANAGER}
    assert not user.is_staff
    client.logout()
    claims("sub-bert", preferred_username="bert")
    sso_inloggen(client, "sub-bert")
    user = User.objects.get(username="bert")
    assert user.rollen == frozenset()
    assert User.objects.filter(oidc_identiteiten__subject="sub-bert").count() == 1
    # Every change is in the role ledger, by the identity provider (no person).
    assert [(w.van, w.naar, w.door) for w in user.rolwijzigingen.order_by("pk")] == [
        ("", rollen.BEHEERDER, None),
        (rollen.BEHEERDER, rollen.PROGRAMMAMANAGER, None),
        (rollen.PROGRAMMAMANAGER, "", None),
    ]


def test_the_manager_comes_from_a_claim(client, sso, claims):
    claims("sub-chef", preferred_username="chef", groups=["portfolio-office"])
    sso_inloggen(client, "sub-chef")
    client.logout()
    claims("sub-mw", preferred_username="medewerker", manager="sub-chef")
    sso_inloggen(client, "sub-mw")
    assert User.objects.get(username="medewerker").manager.username == "chef"


def test_a_local_account_is_never_taken_over_by_its_name(client, sso, claims):
    lokaal = UserFactory(username="dirk", email="dirk@douane.example")
    claims("sub-dirk", preferred_username="dirk", email="dirk@douane.example")
    sso_inloggen(client, "sub-dirk")
    nieuw = User.objects.get(oidc_identiteiten__subject="sub-dirk")
    assert nieuw.pk != lokaal.pk and nieuw.username.startswith("dirk-")


def test_the_email_fallback_links_an_existing_account_where_configured(
    client, sso, claims, settings
):
    settings.OIDC_KOPPEL_OP_EMAIL = True
    lokaal = UserFactory(username="eva", email="Eva@douane.example", rol=rollen.AUDITOR)
    claims(
        "sub-eva", preferred_username="eva.k", email="eva@douane.example", groups=["adr-auditors"]
    )
    sso_inloggen(client, "sub-eva")
    assert OidcIdentiteit.objects.get(subject="sub-eva").user == lokaal
    assert User.objects.filter(email__iexact="eva@douane.example").count() == 1


def test_a_deactivated_account_loses_its_sso_session(client, sso, claims):
    claims("sub-kees", preferred_username="kees", groups=["portfolio-lezers"])
    sso_inloggen(client, "sub-kees")
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(username="kees").update(is_active=False)
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_an_sso_session_needs_no_second_factor_from_us(client, sso, claims, settings):
    settings.MFA_VERPLICHT = "alle"
    claims("sub-fem", preferred_username="fem", groups=["portfolio-office"])
    sso_inloggen(client, "sub-fem")
    assert client.get(reverse("home")).status_code == 200


def geweigerd(response, caplog, tekst):
    assert response.status_code in (400, 403)
    assert "Inloggen via Douane is mislukt" in response.content.decode()
    assert any(tekst in r.getMessage() for r in caplog.records if r.name == "inloggen"), [
        r.getMessage() for r in caplog.records
    ]


def test_a_wrong_nonce_is_refused(client, sso, claims, caplog):
    claims("sub-gijs", preferred_username="gijs")
    terug = toestemming(naar_provider(client), "sub-gijs")
    sessie = client.session
    for waarden in sessie["oidc_states"].values():
        waarden["nonce"] = "niet-de-echte-nonce"
    sessie.save()
    with caplog.at_level(logging.WARNING):
        response = client.get(terug)
    geweigerd(response, caplog, "Nonce")
    assert not ingelogd(client)


def test_a_tampered_state_is_refused(client, sso, claims, caplog):
    claims("sub-hans", preferred_username="hans")
    terug = toestemming(naar_provider(client), "sub-hans").replace("state=", "state=x")
    with caplog.at_level(logging.WARNING):
        response = client.get(terug)
    geweigerd(response, caplog, "state")
    assert not ingelogd(client)


def test_an_unknown_issuer_is_refused(client, sso, claims, settings, caplog):
    settings.OIDC_OP_ISSUER = "https://andere-provider.example"
    claims("sub-ilse", preferred_username="ilse")
    with caplog.at_level(logging.WARNING):
        response = sso_inloggen(client, "sub-ilse")
    geweigerd(response, caplog, "issuer")
    assert not User.objects.filter(username="ilse").exists()


def test_an_expired_token_is_refused(client, sso, claims, settings, caplog):
    settings.SESSION_COOKIE_AGE = 24 * 3600  # the session outlives the token here
    claims("sub-joop", preferred_username="joop")
    terug = toestemming(naar_provider(client), "sub-joop")
    # The provider's tokens live an hour; we read this one two hours later.
    with time_machine.travel(time.time() + 2 * 3600), caplog.at_level(logging.WARNING):
        response = client.get(terug)
    geweigerd(response, caplog, "expired")
    assert not ingelogd(client)


def test_a_refusal_at_the_provider_ends_on_the_dutch_page(client, sso, caplog):
    url = naar_provider(client)
    antwoord = requests.post(url, data={"action": "deny"}, allow_redirects=False, timeout=5)
    terug = urlsplit(antwoord.headers["Location"])
    with caplog.at_level(logging.WARNING):
        response = client.get(f"{terug.path}?{terug.query}")
    geweigerd(response, caplog, "access_denied")


def test_without_configuration_sso_is_off(client):
    assert client.get(reverse("sso_starten")).status_code == 404
    assert "Inloggen met" not in client.get(reverse("login")).content.decode()


def test_the_login_page_offers_sso_and_local_login(client, sso):
    pagina = client.get(reverse("login")).content.decode()
    assert "Inloggen met Douane" in pagina and 'name="password"' in pagina


def test_a_deactivated_account_is_told_so(client, sso, claims, caplog):
    claims("sub-lot", preferred_username="lot")
    sso_inloggen(client, "sub-lot")
    client.logout()
    User.objects.filter(username="lot").update(is_active=False)
    with caplog.at_level(logging.WARNING):
        response = sso_inloggen(client, "sub-lot")
    geweigerd(response, caplog, "niet actief")
    assert "Uw account in Douane Portfolio is uitgeschakeld" in response.content.decode()


def test_an_unreachable_provider_ends_on_the_dutch_page(client, sso, settings, caplog):
    # A free port: nobody listens there.
    settings.OIDC_OP_DISCOVERY_URL = f"http://127.0.0.1:{vrije_poort()}/.well-known/x"
    with caplog.at_level(logging.WARNING):
        response = client.get(reverse("sso_starten"))
    assert response.status_code == 503
    assert "Douane is nu niet bereikbaar" in response.content.decode()


def test_break_glass_works_while_the_provider_is_down(client, sso, settings):
    settings.OIDC_OP_DISCOVERY_URL = f"http://127.0.0.1:{vrije_poort()}/.well-known/x"
    settings.LOKAAL_INLOGGEN = False
    UserFactory(username="nood", is_superuser=True, is_staff=True)
    response = client.post(
        reverse("login_nood"), {"username": "nood", "password": "geheim-wachtwoord-1"}
    )
    assert response["Location"] == reverse("home") and ingelogd(client)
