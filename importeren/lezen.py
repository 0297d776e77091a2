"""Read an uploaded XLSX or CSV into a header row and data rows, refusing files that
are not what they claim (wrong type, a zip bomb, formulas)."""

import csv
import io
import zipfile

from django.conf import settings
from openpyxl import load_workbook


class Onleesbaar(Exception):
    """The file cannot be read as a register; the message is for the user."""


# openpyxl loads shared strings and styles in full; this caps what a small file may
# unpack to (a zip bomb expands a few kB into gigabytes).
MAX_UITGEPAKT_FACTOR = 100


def soort_bestand(naam, begin):
    """ "xlsx" or "csv" from the name, checked against the first bytes."""
    naam = (naam or "").lower()
    if naam.endswith(".xlsx"):
        if not begin.startswith(b"PK\x03\x04"):
            raise Onleesbaar("Dit is geen Excel-bestand (.xlsx), al heeft het die naam.")
        return "xlsx"
    if naam.endswith((".csv", ".txt")):
        if begin.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"MZ")) or (
            b"\x00" in begin
        ):
            raise Onleesbaar("Dit is geen tekstbestand (CSV), al heeft het die naam.")
        return "csv"
    raise Onleesbaar("Kies een Excel-bestand (.xlsx) of een CSV-bestand (.csv).")


def _tekst(waarde):
    if waarde is None:
        return ""
    return waarde


def lees(bestand, naam):
    """(headers, rows): headers as strings, rows as lists of cell values (str, int,
    float, date, datetime or "")."""
    data = bestand.read()
    if len(data) > settings.IMPORTEREN_MAX_BYTES:
        raise Onleesbaar(
            f"Het bestand is groter dan {settings.IMPORTEREN_MAX_BYTES // 1_000_000} MB."
        )
    soort = soort_bestand(naam, data[:8])
    rijen = _lees_xlsx(data) if soort == "xlsx" else _lees_csv(data)
    rijen = [r for r in rijen if any(str(c).strip() for c in r)]
    if not rijen:
        raise Onleesbaar("Het bestand is leeg.")
    koppen = [str(k).strip() for k in rijen[0]]
    data_rijen = rijen[1:]
    if len(data_rijen) > settings.IMPORTEREN_MAX_RIJEN:
        raise Onleesbaar(
            f"Het bestand heeft {len(data_rijen)} rijen; er kunnen er hoogstens "
            f"{settings.IMPORTEREN_MAX_RIJEN} tegelijk worden geïmporteerd."
        )
    breedte = len(koppen)
    return koppen, [list(r[:breedte]) + [""] * (breedte - len(r)) for r in data_rijen]


def _lees_xlsx(data):
    try:
        archief = zipfile.ZipFile(io.BytesIO(data))
        uitgepakt = sum(i.file_size for i in archief.infolist())
    except zipfile.BadZipFile:
        raise Onleesbaar("Dit Excel-bestand is beschadigd of geen .xlsx.")
    if uitgepakt > max(len(data) * MAX_UITGEPAKT_FACTOR, 1_000_000) or (
        uitgepakt > settings.IMPORTEREN_MAX_BYTES * 20
    ):
        raise Onleesbaar(
            "Dit Excel-bestand pakt uit tot een onredelijke grootte; het is geweigerd."
        )
    if "xl/workbook.xml" not in archief.namelist():
        raise Onleesbaar("Dit is geen Excel-werkmap (.xlsx).")
    try:
        # Not data_only: a formula must be seen (and refused), not its cached result.
        boek = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise Onleesbaar("Dit Excel-bestand kan niet worden gelezen.")
    try:
        blad = boek.worksheets[0]
        rijen = []
        for nummer, rij in enumerate(blad.iter_rows(values_only=True), start=1):
            for waarde in rij:
                if isinstance(waarde, str) and waarde.startswith("="):
                    raise Onleesbaar(
                        f"Rij {nummer} bevat een formule; importeer alleen waarden "
                        "(in Excel: kopiëren, plakken als waarden)."
                    )
            rijen.append([_tekst(w) for w in rij])
            if len(rijen) > settings.IMPORTEREN_MAX_RIJEN + 1:
                break
        return rijen
    finally:
        boek.close()


def _lees_csv(data):
    # Dutch Excel writes Windows-1252 with semicolons; others UTF-8 with commas.
    try:
        tekst = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        tekst = data.decode("cp1252", errors="replace")
    eerste = tekst.split("\n", 1)[0]
    scheiding = ";" if eerste.count(";") > eerste.count(",") else ","
    rijen = list(csv.reader(io.StringIO(tekst, newline=""), delimiter=scheiding))
    for nummer, rij in enumerate(rijen, start=1):
        for waarde in rij:
            if waarde.startswith("=") and len(waarde) > 1:
                raise Onleesbaar(
                    f"Rij {nummer} bevat een formule ({waarde[:30]}); importeer alleen waarden."
                )
    return rijen
