"""WCAG 2.1 AA in the browser: an axe-core scan of every page type, and the checks axe
cannot do (reflow, text zoom, focus, announced errors).

One live server, one browser and one data set (the demo data) for the whole module: the
scan is a parametrised test over the page list and stays fast.
"""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test.utils import modify_settings, override_settings
from pytest_django.live_server_helper import LiveServer

from douane_portfolio.toegankelijkheid import AXE_UITZONDERINGEN, AXE_VERSIE

# The mark makes pytest-django create the test database; `_django_db_helper` below keeps
# it from wrapping each test in a transaction.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WACHTWOORD = "geheim-wachtwoord-1"
ERNSTIG = {"serious", "critical"}
AXE_REGELS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def _django_db_helper(django_db_setup):
    """No per-test transaction or flush: the tests share the demo data the module committed
    and only read it through the browser (on SQLite a test's open transaction would block
    the server's session writes). `demo_server` flushes the database afterwards."""
    yield


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """The demo data, committed once, behind a live server of this module's own.

    Not pytest-django's `live_server`: a test that uses it gets a flushed database each
    time, and loading the demo data per page would cost a minute.
    """
    snel = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DEMO_PASSWORD=WACHTWOORD,
        # `sessies` logs in before the autouse _zonder_tweede_factor applies; without
        # DEBUG the default would ask the Beheerder for a second factor.
        MFA_VERPLICHT="uit",
    )
    with django_db_blocker.unblock(), snel:
        call_command("laad_demo", stdout=io.StringIO())
        server = LiveServer("localhost")
        server.pks = {naam: pk() for naam, pk in _PKS.items()}
        with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
            yield server
        server.stop()
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def sessies(browser, demo_server):
    """A logged-in browser state per demo user, made once before any test's transaction."""
    staten = {}
    for username in sorted({p[1] for p in PAGINAS if p[1]}):
        context = browser.new_context(base_url=demo_server.url, locale="nl-NL")
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(WACHTWOORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(demo_server.url + "/")
        staten[username] = context.storage_state()
        context.close()
    return staten


@pytest.fixture
def venster(browser, demo_server, sessies):
    """`venster(username or None, **context options)`: a page in a fresh context."""
    contexten = []

    def venster(username="beheerder", **opties):
        staat = sessies[username] if username else None
        context = browser.new_context(
            base_url=demo_server.url, locale="nl-NL", storage_state=staat, **opties
        )
        context.set_default_timeout(10_000)
        contexten.append(context)
        return context.new_page()

    yield venster
    for context in contexten:
        context.close()


def _eerste(model):
    return model.objects.order_by("pk").first().pk


def _model(pad):
    from django.apps import apps

    return apps.get_model(pad)


# The objects the page list points at, resolved in the demo data.
_PKS = {
    "initiatief": lambda: _eerste(_model("programmas.Initiatief")),
    "mijlpaal": lambda: _eerste(_model("programmas.Mijlpaal")),
    "risico": lambda: _eerste(_model("risicos.Risico")),
    "maatregel": lambda: _eerste(_model("risicos.Beheersmaatregel")),
    "dialoog": lambda: _eerste(_model("risicos.Risicodialoog")),
    "auditrapport": lambda: _eerste(_model("audits.Auditrapport")),
    "bevinding": lambda: _eerste(_model("audits.Bevinding")),
    "vervolgactie": lambda: _eerste(_model("audits.Vervolgactie")),
}


# (id, user or None for anonymous, url with {placeholders}, submit the empty form first)
PAGINAS = [
    ("inloggen", None, "/accounts/login/", False),
    ("inloggen-fout", None, "/accounts/login/", True),
    ("toegankelijkheid", None, "/toegankelijkheid/", False),
    ("dashboard", "beheerder", "/", False),
    ("mijn-acties", "programmamanager", "/acties/", False),
    ("herinneringen", "programmamanager", "/acties/herinneringen/", False),
    ("wachtwoord", "lezer", "/accounts/wachtwoord/", False),
    ("portfolio", "beheerder", "/programmas/", False),
    ("activiteiten", "beheerder", "/programmas/activiteiten/", False),
    ("ronde", "beheerder", "/programmas/ronde/", False),
    ("indicatoren", "beheerder", "/programmas/indicatoren/", False),
    ("initiatief", "beheerder", "/programmas/{initiatief}/", False),
    ("initiatief-geschiedenis", "beheerder", "/programmas/{initiatief}/geschiedenis/", False),
    ("initiatief-nieuw", "beheerder", "/programmas/nieuw/", False),
    ("initiatief-nieuw-fout", "beheerder", "/programmas/nieuw/", True),
    ("initiatief-bewerken", "beheerder", "/programmas/{initiatief}/bewerken/", False),
    ("mijlpaal-bewerken-fout", "beheerder", "/programmas/mijlpalen/{mijlpaal}/bewerken/", True),
    ("risicoregister", "beheerder", "/risicos/", False),
    ("risico", "beheerder", "/risicos/{risico}/", False),
    ("risico-geschiedenis", "beheerder", "/risicos/{risico}/geschiedenis/", False),
    ("risico-nieuw-fout", "beheerder", "/risicos/nieuw/", True),
    ("risico-scoren", "beheerder", "/risicos/{risico}/scoren/", False),
    ("heatmap", "beheerder", "/risicos/heatmap/", False),
    ("maatregelen", "beheerder", "/risicos/maatregelen/", False),
    ("maatregel", "beheerder", "/risicos/maatregelen/{maatregel}/", False),
    ("maatregel-nieuw-fout", "beheerder", "/risicos/maatregelen/nieuw/", True),
    ("dialogen", "beheerder", "/risicos/dialogen/", False),
    ("dialoog", "beheerder", "/risicos/dialogen/{dialoog}/", False),
    ("dialoog-nieuw-fout", "beheerder", "/risicos/dialogen/nieuw/", True),
    ("bevindingen", "beheerder", "/audits/", False),
    ("opvolging", "beheerder", "/audits/opvolging/", False),
    ("vervolgacties", "beheerder", "/audits/acties/", False),
    ("auditrapporten", "beheerder", "/audits/rapporten/", False),
    ("auditrapport", "beheerder", "/audits/rapporten/{auditrapport}/", False),
    ("auditrapport-nieuw-fout", "beheerder", "/audits/rapporten/nieuw/", True),
    ("bevinding", "beheerder", "/audits/bevindingen/{bevinding}/", False),
    (
        "bevinding-geschiedenis",
        "beheerder",
        "/audits/bevindingen/{bevinding}/geschiedenis/",
        False,
    ),
    ("bevinding-nieuw", "beheerder", "/audits/bevindingen/nieuw/", False),
    ("bevinding-nieuw-fout", "beheerder", "/audits/bevindingen/nieuw/", True),
    ("vervolgactie-bewerken-fout", "beheerder", "/audits/acties/{vervolgactie}/bewerken/", True),
    ("rapportage", "beheerder", "/rapportage/", False),
    ("rapport-2023", "beheerder", "/rapportage/2023/", False),
    ("hoofdstukken-2023", "beheerder", "/rapportage/2023/hoofdstukken/", False),
    ("vergelijk", "beheerder", "/rapportage/vergelijk/", False),
]


def _leeg_verzenden(page):
    """Submit the form with every text field emptied: the page with errors."""
    formulier = page.locator("main form[method=post]").last
    for veld in formulier.locator("input[type=text], input[type=number], textarea").all():
        veld.fill("")
    formulier.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    "gebruiker, sjabloon, met_fouten", [p[1:] for p in PAGINAS], ids=[p[0] for p in PAGINAS]
)
def test_axe_finds_no_serious_violation(demo_server, venster, gebruiker, sjabloon, met_fouten):
    page = venster(gebruiker)
    antwoord = page.goto(sjabloon.format(**demo_server.pks))
    assert antwoord.status == 200, antwoord.status
    if met_fouten:
        _leeg_verzenden(page)
        assert page.locator(".veldfouten, .formulierfout, .foutmelding").count(), page.url
    resultaat = Axe().run(page, options=AXE_REGELS)
    ernstig = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in resultaat.response["violations"]
        if v["impact"] in ERNSTIG and v["id"] not in AXE_UITZONDERINGEN
    ]
    assert not ernstig, "\n".join(ernstig)


def test_the_statement_names_the_axe_engine_the_scan_runs():
    from pathlib import Path

    import axe_playwright_python

    motor = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    assert f'axe.version="{AXE_VERSIE}"' in motor


# Pages wide by nature (tables, the heat map, the report) and the forms: the manual checks.
BREDE_PAGINAS = [
    "/",
    "/programmas/activiteiten/",
    "/risicos/",
    "/risicos/heatmap/",
    "/audits/",
    "/audits/bevindingen/{bevinding}/",
    "/rapportage/2023/",
    "/programmas/nieuw/",
]

PAGINA_SCROLT = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.mark.parametrize("breedte", [320, 1366])
def test_pages_reflow_without_horizontal_scrolling_of_the_page(demo_server, venster, breedte):
    page = venster(viewport={"width": breedte, "height": 800})
    scrollen = []
    for sjabloon in BREDE_PAGINAS:
        page.goto(sjabloon.format(**demo_server.pks))
        if page.evaluate(PAGINA_SCROLT):
            scrollen.append(sjabloon)
    assert not scrollen, f"scrollen horizontaal bij {breedte}px"
    # The dashboard's findings table scrolls inside its own box, nothing is cut off.
    page.goto("/")
    tabellen = page.locator("main table")
    for n in range(tabellen.count()):
        kader = tabellen.nth(n).evaluate(
            "t => { let e = t.parentElement; while (e && e !== document.body) {"
            " const o = getComputedStyle(e).overflowX;"
            " if (o === 'auto' || o === 'scroll') return true; e = e.parentElement; }"
            " return t.scrollWidth <= t.getBoundingClientRect().width + 1; }"
        )
        assert kader, f"tabel {n} op het dashboard past niet en scrolt niet in een eigen kader"


def test_text_zoomed_to_200_percent_stays_readable(demo_server, venster):
    page = venster(viewport={"width": 1280, "height": 900})
    scrollen = []
    for sjabloon in BREDE_PAGINAS:
        page.goto(sjabloon.format(**demo_server.pks))
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        if page.evaluate(PAGINA_SCROLT):
            scrollen.append(sjabloon)
        # Text scales with the root (rem), so the zoom reaches the content.
        grootte = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('main p, main td, main label'))"
            ".fontSize)"
        )
        assert grootte >= 24, f"{sjabloon}: tekst groeit niet mee ({grootte}px)"
    assert not scrollen, "scrollen horizontaal bij tekst op 200 %"


def test_keyboard_focus_is_always_visible(demo_server, venster):
    page = venster()
    for sjabloon in ("/", "/programmas/nieuw/", "/risicos/heatmap/"):
        page.goto(sjabloon)
        for _ in range(25):
            page.keyboard.press("Tab")
            zichtbaar = page.evaluate(
                "() => { const e = document.activeElement; if (e === document.body) return true;"
                " const s = getComputedStyle(e);"
                " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)"
                " || s.boxShadow !== 'none'; }"
            )
            naam = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            assert zichtbaar, f"{sjabloon}: geen zichtbare focus op {naam}"


def test_errors_and_help_are_announced_through_aria_describedby(demo_server, venster):
    page = venster()
    for _, _, sjabloon, met_fouten in PAGINAS:
        if not met_fouten or "/accounts/" in sjabloon:
            continue
        page.goto(sjabloon.format(**demo_server.pks))
        _leeg_verzenden(page)
        velden = page.locator("main [aria-describedby]")
        assert velden.count(), sjabloon
        for n in range(velden.count()):
            veld = velden.nth(n)
            for id_ in veld.get_attribute("aria-describedby").split():
                assert page.locator(f"[id='{id_}']").count() == 1, f"{sjabloon}: #{id_} ontbreekt"
        # Every field in error points at its error message.
        for fout in page.locator("main .veld-fout").all():
            veld = fout.locator("input, select, textarea").first
            fout_id = fout.locator(".veldfouten").get_attribute("id")
            assert fout_id in (veld.get_attribute("aria-describedby") or ""), sjabloon
            assert veld.get_attribute("aria-invalid") == "true", sjabloon
