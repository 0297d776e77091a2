"""Streaming CSV/XLSX export of a list: the filtered rows in constant memory.

The cells are those of django-tables2's `Table.as_values()` (the headers shown on
screen, `value_<kolom>` where a table defines it), each through `spreadsheetcel`. The
rows come from the database in chunks (a server-side cursor on PostgreSQL), so 500 000
measures never sit in memory at once.
"""

import csv
import io
from zipfile import ZIP_DEFLATED, ZipFile

from django.core.exceptions import BadRequest
from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.encoding import force_str
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRow
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from .tabelrijen import exportwaarden
from .tekst import spreadsheetcel

# Rows per database round trip; prefetches (the risks of a measure) run once per chunk.
STUK = 2000
# Bytes per piece sent to the client.
BLOK = 64 * 1024

MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _records(data):
    if isinstance(data, QuerySet):
        # On PostgreSQL a named cursor; inside a transaction it is not WITH HOLD, so the
        # database sends the first rows at once instead of materialising the whole result.
        with transaction.atomic():
            yield from data.iterator(chunk_size=STUK)
    else:
        yield from data


def in_stukken(data, grootte=None):
    """The rows of `data` (a queryset: through one server-side cursor) in lists of up to
    `grootte`, for a table's `exportrijen` that reads more per chunk in one query."""
    grootte = grootte or STUK
    stuk = []
    for rij in _records(data):
        stuk.append(rij)
        if len(stuk) >= grootte:
            yield stuk
            stuk = []
    if stuk:
        yield stuk


def tabelrijen(table, exclude_columns=()):
    """The header row, then one row of cell values per record, all spreadsheet-safe.

    A table may read its export rows itself: `exportrijen(queryset, kolommen)` gives,
    per row, the values of those columns as `value_<kolom>` would (the tests compare
    with as_values), from `values_list` instead of model instances; the measures, 500 000
    at scale 1.0, spent most of their time building instances and prefetching.
    """
    kolommen = [
        kolom.name
        for kolom in table.columns.iterall()
        if not (kolom.column.exclude_from_export or kolom.name in exclude_columns)
    ]
    yield [spreadsheetcel(force_str(table.columns[k].header, strings_only=True)) for k in kolommen]
    data = table.data.data
    eigen = getattr(table, "exportrijen", None)
    if eigen is not None and isinstance(data, QuerySet):
        for rij in eigen(data, kolommen):
            yield [spreadsheetcel(force_str(w, strings_only=True)) for w in rij]
        return
    waarden = exportwaarden(table, kolommen)
    for record in _records(data):
        yield [
            spreadsheetcel(force_str(w, strings_only=True))
            for w in waarden(BoundRow(record, table=table))
        ]


class _Regel:
    """A file-like object for csv.writer that hands back what it is given."""

    def write(self, tekst):
        return tekst


def csv_stukken(rijen):
    """CSV text as tablib wrote it (csv.writer defaults), in pieces of about BLOK bytes."""
    schrijver = csv.writer(_Regel())
    rijen = iter(rijen)
    # The header row at once, before the database sends its first rows: the download
    # starts within a second whatever the size of the selection.
    kop = next(rijen, None)
    if kop is not None:
        yield schrijver.writerow(kop).encode("utf-8")
    stuk, grootte = [], 0
    for rij in rijen:
        regel = schrijver.writerow(rij).encode("utf-8")
        stuk.append(regel)
        grootte += len(regel)
        if grootte >= BLOK:
            yield b"".join(stuk)
            stuk, grootte = [], 0
    if stuk:
        yield b"".join(stuk)


def _bladnaam(titel):
    for teken in "\\*?:/[]":
        titel = titel.replace(teken, "-")
    return titel[:31] or "export"


class _Opvang(io.RawIOBase):
    """An unseekable sink for ZipFile: it keeps what is written until it is taken."""

    def __init__(self):
        self.stukken, self.grootte = [], 0

    def writable(self):
        return True

    def write(self, data):
        self.stukken.append(bytes(data))
        self.grootte += len(data)
        return len(data)

    def neem(self):
        data = b"".join(self.stukken)
        self.stukken, self.grootte = [], 0
        return data


class _BladAlGeschreven(ExcelWriter):
    """openpyxl's writer for the other parts: the sheet went into the zip as it grew."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


def xlsx_stukken(rijen, titel):
    """An XLSX workbook in openpyxl's write-only mode, sent while it is written.

    openpyxl writes a write-only sheet to a temporary file and zips it at save, so the
    first byte of 500 000 rows would wait for the last row. Here the sheet's XML goes
    straight into a zip entry over an unseekable sink (ZipFile then writes data
    descriptors) and each piece is sent as it is compressed; the workbook, styles and
    manifest follow from openpyxl's own writer. This uses openpyxl internals
    (`WorksheetWriter(out=)`, `ExcelWriter.write_worksheet`), pinned in requirements.txt and
    checked by reading the result back with openpyxl in the tests.

    The layout follows the former tablib export: a bold, frozen header row, wrapped text
    where a cell holds a line break, column widths from the longest value (here: of the
    first chunk, as a write-only sheet fixes its widths before the first row).
    """
    boek = Workbook(write_only=True)
    blad = boek.create_sheet(_bladnaam(titel))
    blad.freeze_panes = "A2"
    blad._id = 1  # ExcelWriter numbers the sheets only at save; the path needs it now
    opvang = _Opvang()
    archief = ZipFile(opvang, "w", ZIP_DEFLATED, allowZip64=True)
    # No zip64 in the entry: Excel reads plain data descriptors best; a sheet stays far
    # below 2 GiB (500 000 measures are about 150 MB of XML).
    with archief.open(blad.path[1:], "w") as ingang:
        # The entry's local header at once, before the database sends its first rows:
        # the download starts within a second whatever the size of the selection.
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


def _breedtes(rijen):
    breedtes = []
    for rij in rijen:
        for i, waarde in enumerate(rij):
            lengte = len(str(waarde))
            if i < len(breedtes):
                breedtes[i] = max(breedtes[i], lengte)
            else:
                breedtes.append(lengte)
    return breedtes


class StreamendeExportMixin:
    """`?_export=csv|xlsx` on a list view (SingleTableMixin + FilterView): the filtered,
    sorted rows of the whole selection as a StreamingHttpResponse."""

    export_formats = ("csv", "xlsx")
    export_trigger_param = "_export"
    exclude_columns = ()

    def get(self, request, *args, **kwargs):
        formaat = request.GET.get(self.export_trigger_param)
        if formaat is None:
            return super().get(request, *args, **kwargs)
        if formaat not in self.export_formats:
            raise BadRequest("Onbekend exportformaat.")
        return self.export_response(formaat)

    def export_queryset(self):
        """The rows of the list as FilterView.get selects them, without its page."""
        filterset_class = self.get_filterset_class()
        if filterset_class is None:
            return self.get_queryset()
        self.filterset = self.get_filterset(filterset_class)
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            return self.filterset.qs
        return self.filterset.queryset.none()

    def export_table(self):
        self.object_list = self.export_queryset()
        table = self.get_table_class()(data=self.object_list, **self.get_table_kwargs())
        # Sorting as on screen (`?sort=`), no pagination.
        RequestConfig(self.request, paginate=False).configure(table)
        # The screen pages by (sort, id); without the same tie-breaker PostgreSQL may
        # return rows with an equal sort key in any order, differently per run.
        rijen = table.data.data
        volgorde = list(rijen.query.order_by or rijen.model._meta.ordering)
        if "pk" not in volgorde and "id" not in volgorde:
            table.data.data = rijen.order_by(*volgorde, "pk")
        return table

    def export_titel(self):
        return "export"

    def get_export_filename(self, export_format):
        return f"export.{export_format}"

    def export_response(self, formaat):
        rijen = tabelrijen(self.export_table(), self.exclude_columns)
        if formaat == "csv":
            stukken = csv_stukken(rijen)
        else:
            stukken = xlsx_stukken(rijen, self.export_titel())
        response = StreamingHttpResponse(stukken, content_type=MIME[formaat])
        response["Content-Disposition"] = (
            f'attachment; filename="{self.get_export_filename(formaat)}"'
        )
        return response
