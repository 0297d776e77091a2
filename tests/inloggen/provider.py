"""A real OpenID Connect provider (oidc-provider-mock) as a separate process, and the
application configured for it. Fixtures, imported by the tests that need them."""

import socket
import subprocess
import sys
import time

import pytest
import requests

CLIENT_ID = "douane-portfolio"


def vrije_poort():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def idp():
    """Base URL of the provider; one process for the whole session."""
    poort = vrije_poort()
    proces = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(poort)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{poort}"
    tot = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{url}/.well-known/openid-configuration", timeout=1)
            break
        except requests.ConnectionError:
            if proces.poll() is not None or time.monotonic() > tot:
                proces.kill()
                pytest.fail("De OIDC-testprovider startte niet.")
            time.sleep(0.05)
    yield url
    proces.terminate()
    proces.wait(timeout=10)


@pytest.fixture
def sso(settings, idp):
    """The application configured for the provider, as the README tells production."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    settings.OIDC_OP_DISCOVERY_URL = f"{idp}/.well-known/openid-configuration"
    settings.OIDC_ORGANISATIE = "Douane"
    settings.OIDC_CLAIM_MANAGER = "manager"
    settings.OIDC_ROLLEN = {
        "Programmamanager": ["programmamanagers"],
        "Risicofunctionaris": [],
        "Auditor": ["adr-auditors"],
        "Beheerder": ["portfolio-office"],
        "Lezer": ["portfolio-lezers"],
    }
    return idp


@pytest.fixture
def claims(idp):
    """Set what the provider says about a subject: `claims("sub", groups=[...])`."""

    def zetten(sub, **waarden):
        requests.put(f"{idp}/users/{sub}", json=waarden, timeout=5).raise_for_status()

    return zetten
