"""Enrolling a second factor in Chromium, under the real Content-Security-Policy."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from douane_portfolio import rollen
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_beheerder_scans_the_qr_code_confirms_a_code_and_gets_recovery_codes(
    pagina, live_server, settings
):
    settings.MFA_VERPLICHT = "beheer"
    UserFactory(username="bea", first_name="Bea", last_name="Beheer", rol=rollen.BEHEERDER)
    schendingen = []
    pagina.on(
        "console",
        lambda m: schendingen.append(m.text) if "Content Security Policy" in m.text else None,
    )

    pagina.goto("/accounts/login/")
    pagina.get_by_label("Gebruikersnaam").fill("bea")
    pagina.get_by_label("Wachtwoord").fill("geheim-wachtwoord-1")
    pagina.get_by_role("button", name="Inloggen").click()
    expect(pagina.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    qr = pagina.locator(".qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100

    geheim = pagina.locator(".geheim").inner_text().replace(" ", "")
    totp = TOTP(b32decode(geheim))
    totp.time = time.time()
    pagina.get_by_label("Code").fill(f"{totp.token():06d}")
    pagina.get_by_role("button", name="Instellen").click()
    expect(pagina.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    expect(pagina.locator(".herstelcodes li")).to_have_count(10)
    pagina.get_by_role("link", name="Verder").click()
    expect(pagina.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(pagina.get_by_role("link", name="Beheer", exact=True)).to_have_count(0)
    assert schendingen == []
