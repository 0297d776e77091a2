"""The XLSX writer before `_Werkblad` (openpyxl's write-only cells), kept as the reference
the tests compare the streamed export with, cell by cell."""

from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from douane_portfolio.exporteren import (
    BLOK,
    STUK,
    _bladnaam,
    _breedtes,
    _Opvang,
)


class _BladAlGeschreven(ExcelWriter):
    """openpyxl's writer for the other parts: the sheet went into the zip as it grew."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


def xlsx_stukken(rijen, titel):
    boek = Workbook(write_only=True)
    blad = boek.create_sheet(_bladnaam(titel))
    blad.freeze_panes = "A2"
    blad._id = 1
    opvang = _Opvang()
    with ZipFile(opvang, "w", ZIP_DEFLATED, allowZip64=True) as archief:
        with archief.open(blad.path[1:], "w") as ingang:
            yield opvang.neem()
            rijen = iter(rijen)
            kop = next(rijen)
            eerste = [rij for _, rij in zip(range(STUK), rijen, strict=False)]
            for i, breedte in enumerate(_breedtes([kop, *eerste]), 1):
                blad.column_dimensions[get_column_letter(i)].width = breedte
            vet, terugloop = Font(bold=True), Alignment(wrap_text=True)

            def cel(waarde, **stijl):
                c = WriteOnlyCell(blad, value=waarde)
                for naam, w in stijl.items():
                    setattr(c, naam, w)
                return c

            blad._writer = WorksheetWriter(blad, out=ingang)
            blad._writer.write_top()
            blad.append([cel(w, font=vet) for w in kop])
            for rijen_deel in (eerste, rijen):
                for rij in rijen_deel:
                    blad.append(
                        [
                            cel(w, alignment=terugloop) if isinstance(w, str) and "\n" in w else w
                            for w in rij
                        ]
                    )
                    if opvang.grootte >= BLOK:
                        yield opvang.neem()
            blad.close()
        _BladAlGeschreven(boek, archief).save()
    yield opvang.neem()
