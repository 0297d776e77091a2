"""The PDF's layout: table headers keep their words whole, and no page is left nearly empty."""

import io

from pypdf import PdfReader

from rapportage import pdf, services
from rapportage.opzet import secties_met_diepte

VOET = 2  # every page's footer: the title and the page number


def _pdf(periode):
    rapport = services.opzet_voor(periode)[0]
    return rapport, PdfReader(io.BytesIO(pdf.maak_pdf(rapport)))


def _regels(pagina):
    return [r.strip() for r in pagina.extract_text().split("\n") if r.strip()][VOET:]


def test_table_headers_never_break_inside_a_word(demo):
    tekst = "\n".join(p.extract_text() for p in _pdf(demo)[1].pages)
    assert "Doelstelling" in tekst and "Bandbreedte" in tekst
    assert "Doelstellin\ng" not in tekst and "Bandbreedt\ne" not in tekst


def test_the_2023_report_has_no_nearly_empty_page_and_no_orphaned_heading(demo):
    rapport, reader = _pdf(demo)
    koppen = {sectie.kop for _, sectie in secties_met_diepte(rapport.secties)}
    for nummer, pagina in enumerate(reader.pages, start=1):
        regels = _regels(pagina)
        if any(".  .  ." in r for r in regels):
            continue  # the table of contents
        assert len(regels) >= 8, f"pagina {nummer} is bijna leeg: {regels}"
        assert regels[-1] not in koppen, f"pagina {nummer} eindigt met een kop: {regels[-1]}"
    # Two pages of title and contents, 8 of chapters 1 and 2, 7 of the generated chapters.
    assert len(reader.pages) <= 17
