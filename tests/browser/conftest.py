"""Real headless Chromium (Debian's) driven by Playwright, against the live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
UITVOER = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium ontbreekt op {CHROMIUM} (apt-get install chromium).")
        pytest.skip(f"Chromium ontbreekt op {CHROMIUM}.")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test
    # itself makes are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def pagina(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    UITVOER.mkdir(exist_ok=True)
    page.screenshot(path=str(UITVOER / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def inloggen(pagina):
    def inloggen(username, wachtwoord="geheim-wachtwoord-1"):
        pagina.goto("/accounts/login/")
        pagina.get_by_label("Gebruikersnaam").fill(username)
        pagina.get_by_label("Wachtwoord").fill(wachtwoord)
        pagina.get_by_role("button", name="Inloggen").click()
        pagina.wait_for_url("**/")
        return pagina

    return inloggen
