"""The streamed XLSX writes the rows' XML itself (`_Werkblad`): the same cells, styles and
layout as openpyxl's write-only cells wrote, read back with openpyxl."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import IllegalCharacterError

from douane_portfolio import exporteren
from tests.beveiliging.test_exports import LIJSTEN, kwaadaardige_gegevens  # noqa: F401
from tests.douane_portfolio import oude_xlsx
from tests.factories import UserFactory


def _xlsx(schrijver, rijen, titel="Proef"):
    return b"".join(schrijver(iter(rijen), titel))


def blad_van(inhoud):
    """What a reader sees of the sheet: title, frozen panes, column widths and per cell
    its value, type, bold, wrap and number format (an empty cell counts only when it has
    a style of its own, as the header's)."""
    blad = openpyxl.load_workbook(io.BytesIO(inhoud)).active
    cellen = {}
    for rij in blad.iter_rows():
        for cel in rij:
            if cel.value is None and not cel.has_style:
                continue
            cellen[cel.coordinate] = (
                cel.value,
                cel.data_type if cel.value is not None else None,
                cel.font.bold,
                cel.alignment.wrap_text,
                cel.number_format,
            )
    breedtes = {k: d.width for k, d in blad.column_dimensions.items()}
    return blad.title, blad.freeze_panes, breedtes, cellen


def _werkblad_xml(inhoud):
    with zipfile.ZipFile(io.BytesIO(inhoud)) as archief:
        return archief.read("xl/worksheets/sheet1.xml").decode()


# What spreadsheetcel may hand the writer, and a few things it never does (\r, a row
# longer than the header).
RIJEN = [
    ["Tekst", "Getal", "Datum", "Ja/nee", ""],
    ["gewoon", 0, datetime.date(2026, 12, 3), True, None],
    ["  spaties ervoor", -12, datetime.datetime(2026, 12, 3, 14, 5, 6), False, ""],
    ["spaties erna  ", 3.25, datetime.time(9, 30), None, "\tmet tab"],
    ["regel 1\nregel 2", Decimal("1.10"), datetime.date(1900, 2, 28), 12345678901234567, "x"],
    ["a & b < c > d \"q\" 'x' ]]>", float("nan"), Decimal("-0.5"), 2**70, "'=1+1"],
    ["é ü ß 漢字 🙂 \u200b \x85 \x7f", 1e-7, -1.5e300, "", "a\rb"],
    ["x" * 40_000, "-12", "3.5", "", "'@SUM(1)"],
    ["", "", "", "", "", "te lang", 7],
    [],
]


def test_the_writer_gives_the_cells_openpyxl_wrote():
    assert blad_van(_xlsx(exporteren.xlsx_stukken, RIJEN)) == blad_van(
        _xlsx(oude_xlsx.xlsx_stukken, RIJEN)
    )


def test_the_writer_keeps_leading_and_trailing_space_and_cuts_at_excels_limit():
    blad = openpyxl.load_workbook(io.BytesIO(_xlsx(exporteren.xlsx_stukken, RIJEN))).active
    assert blad["A3"].value == "  spaties ervoor"
    assert blad["A4"].value == "spaties erna  "
    assert blad["A8"].value == "x" * exporteren.MAX_TEKST
    assert blad["A5"].alignment.wrap_text and not blad["A4"].alignment.wrap_text
    assert '<t xml:space="preserve">  spaties ervoor</t>' in _werkblad_xml(
        _xlsx(exporteren.xlsx_stukken, RIJEN)
    )


@pytest.mark.parametrize(
    "tekst",
    ["a\x01b", "\x00", "a\x1fb", "a\ufffeb\uffff", "a\ud800b", "einde\x0c"],
)
def test_text_xml_cannot_carry_is_escaped_as_excel_reads_it_instead_of_failing(tekst):
    # openpyxl refused the C0 controls (IllegalCharacterError) and lxml the rest
    # (ValueError), halfway through a download. spreadsheetcel removes the controls
    # before any cell gets here; whatever still arrives gets OOXML's escape _xHHHH_,
    # which Excel reads back as the character (openpyxl's unescape does the same).
    with pytest.raises((IllegalCharacterError, ValueError)):
        _xlsx(oude_xlsx.xlsx_stukken, [["Kop"], [tekst]])
    blad = openpyxl.load_workbook(io.BytesIO(_xlsx(exporteren.xlsx_stukken, [["Kop"], [tekst]])))
    assert unescape(blad.active["A2"].value) == tekst


def test_a_literal_ooxml_escape_stays_text_in_excel():
    # "_x0041_" in a cell is Excel's escape of "A": the old writer let Excel show "A". Its
    # underscore is escaped (_x005F_), so Excel shows the text as typed; openpyxl itself
    # does not decode these escapes and reads the escaped form.
    tekst = "bestand_x0020_2026 _x00e9_ _xZZZZ_ _x12_"
    blad = openpyxl.load_workbook(io.BytesIO(_xlsx(exporteren.xlsx_stukken, [["Kop"], [tekst]])))
    waarde = blad.active["A2"].value
    assert waarde == "bestand_x005F_x0020_2026 _x005F_x00e9_ _xZZZZ_ _x12_"
    assert unescape(waarde) == tekst


def test_text_that_looks_like_an_error_code_stays_text():
    # openpyxl made a cell "#N/A" an error value; it is what someone typed.
    blad = openpyxl.load_workbook(
        io.BytesIO(_xlsx(exporteren.xlsx_stukken, [["Kop"], ["#N/A"], ["#DIV/0!"]]))
    ).active
    assert [(c.value, c.data_type) for c in blad["A"][1:]] == [("#N/A", "s"), ("#DIV/0!", "s")]


def test_text_starting_with_an_equals_sign_is_never_a_formula():
    # spreadsheetcel puts an apostrophe before it in every export; the writer itself
    # writes text as text too (openpyxl made "=…" a formula).
    inhoud = _xlsx(exporteren.xlsx_stukken, [["Kop"], ["=1+1"], ["'=1+1"]])
    assert "<f>" not in _werkblad_xml(inhoud)
    blad = openpyxl.load_workbook(io.BytesIO(inhoud)).active
    assert [(c.value, c.data_type) for c in blad["A"][1:]] == [("=1+1", "s"), ("'=1+1", "s")]


def test_an_empty_export_is_a_header_alone():
    assert blad_van(_xlsx(exporteren.xlsx_stukken, [["Kop", "Ander"]])) == blad_van(
        _xlsx(oude_xlsx.xlsx_stukken, [["Kop", "Ander"]])
    )


@pytest.mark.django_db
@pytest.mark.parametrize("lijst", LIJSTEN)
def test_every_list_exports_the_cells_of_the_former_writer(
    client_voor,
    kwaadaardige_gegevens,  # noqa: F811
    monkeypatch,
    lijst,
):
    client = client_voor(UserFactory(is_superuser=True))
    nieuw = client.get(reverse(lijst), {"_export": "xlsx"}).getvalue()
    monkeypatch.setattr(exporteren, "xlsx_stukken", oude_xlsx.xlsx_stukken)
    oud = client.get(reverse(lijst), {"_export": "xlsx"}).getvalue()
    titel, vast, breedtes, cellen = blad_van(nieuw)
    assert (titel, vast, breedtes, cellen) == blad_van(oud)
    assert len({plek.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for plek in cellen}) > 7  # rows
    assert any(isinstance(c[0], str) and c[0].startswith("'=") for c in cellen.values())
