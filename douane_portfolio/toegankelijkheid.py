"""What the accessibility checks know about this application, in one place.

The browser test (tests/browser/test_toegankelijkheid.py) skips exactly the axe-core rules
in AXE_UITZONDERINGEN, and the accessibility statement (/toegankelijkheid/) lists them
with the other known problems, the checks and their date.
"""

# The axe-core engine the browser test runs (axe-playwright-python's); a test keeps it true.
AXE_VERSIE = "4.12.1"

# axe-core rule id -> why it is an exception. Empty: no known serious or critical finding.
AXE_UITZONDERINGEN = {}

# What is known not to comply (WCAG success criterion, what, why, until when).
BEKENDE_PROBLEMEN = (
    (
        "1.3.1 Info en relaties",
        "De PDF van het jaarrapport is geen getagde PDF: een schermlezer leest koppen en "
        "tabellen daarin niet als zodanig voor.",
        "Gebruik de HTML-versie of de Word-versie van hetzelfde rapport; die zijn wel "
        "gestructureerd. Een getagde PDF is gepland.",
    ),
    (
        "2.1.1 Toetsenbord",
        "De volledige werkstromen (status rapporteren, risicodialoog, opvolging van een "
        "bevinding) zijn nog niet van begin tot eind met alleen het toetsenbord getoetst.",
        "Volgt bij de herziening van de werkstromen.",
    ),
)

GETOETST_OP = "2 december 2026"
CONTACT = "portfoliobureau@douane.example"

# The manual checks, each a browser test in tests/browser/test_toegankelijkheid.py.
HANDMATIGE_CONTROLES = (
    "Herschikken bij 320 CSS-pixels breed zonder horizontaal scrollen van de pagina "
    "(WCAG 1.4.10); brede tabellen scrollen binnen hun eigen kader.",
    "Tekst vergroten tot 200 % zonder verlies van inhoud of functionaliteit (WCAG 1.4.4).",
    "Zichtbare toetsenbordfocus op links, knoppen en formuliervelden (WCAG 2.4.7).",
    "Status nooit alleen met kleur: altijd ook het woord (WCAG 1.4.1).",
    "Foutmeldingen en hulpteksten zijn met aria-describedby aan hun veld gekoppeld, zodat "
    "een schermlezer ze voorleest (WCAG 3.3.1, 4.1.2).",
)

GETOETSTE_PAGINAS = (
    "Inloggen (met en zonder foutmelding), dashboard, Mijn acties en herinneringen",
    "Portfolio, activiteitentabel, rapportageronde, indicatoren, initiatief en de "
    "formulieren voor initiatieven, mijlpalen en periodes",
    "Risicoregister, risico, scoren, heat map, maatregelen, risicodialogen en hun formulieren",
    "Bevindingen, opvolging, vervolgacties, auditrapporten en hun formulieren",
    "Rapportage: overzicht, het jaarrapport, hoofdstukken 1 en 2 bewerken, periodes vergelijken",
    "Deze toegankelijkheidsverklaring",
)


def verklaring():
    """The context of the statement page."""
    return {
        "titel": "Toegankelijkheidsverklaring",
        "axe_versie": AXE_VERSIE,
        "uitzonderingen": AXE_UITZONDERINGEN,
        "bekende_problemen": BEKENDE_PROBLEMEN,
        "getoetst_op": GETOETST_OP,
        "contact": CONTACT,
        "handmatige_controles": HANDMATIGE_CONTROLES,
        "getoetste_paginas": GETOETSTE_PAGINAS,
    }
