"""Streaming CSV/XLSX export of a list: the filtered rows in constant memory.

The cells are those of django-tables2's `Table.as_values()` (the headers shown on
screen, `value_<kolom>` where a table defines it), each through `spreadsheetcel`. The
rows come from the database in chunks (a server-side cursor on PostgreSQL), so 500 000
measures never sit in memory at once.
"""

import csv
import datetime
import io
import itertools
import re
from decimal import Decimal
from math import isinf, isnan
from zipfile import ZIP_DEFLATED, ZipFile

from django.core.exceptions import BadRequest
from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.encoding import force_str
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRow
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

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
    with as_values), from `values_list` instead of model instances; the measures (500 000
    at scale 1.0) and follow-up actions (350 000) spent most of their time building
    instances and prefetching. The other lists have at most 20 000 rows.
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


# The one sheet's part in the package, as openpyxl names it.
BLAD = "xl/worksheets/sheet1.xml"
# A value of each kind of date and time, for the number format openpyxl gives it.
_VOORBEELD = {
    "datum": datetime.date(2000, 1, 1),
    "tijdstip": datetime.datetime(2000, 1, 1),
    "tijd": datetime.time(),
}
_STIJLEN = ("kop", "terugloop", *_VOORBEELD)


class _Sjabloon:
    """The workbook but its rows, from openpyxl's public API: a workbook with the sheet's
    title, frozen header and column widths and one cell in each style, saved to memory.
    Its sheet's XML before and after <sheetData> surrounds the rows written here
    (`_Werkblad`); the other parts (workbook, styles, manifest) are sent as openpyxl
    saved them. Nothing of openpyxl's internals: the tests read every export back."""

    def __init__(self, titel, breedtes):
        boek = Workbook()
        blad = boek.active
        blad.title = _bladnaam(titel)
        blad.freeze_panes = "A2"
        for i, breedte in enumerate(breedtes, 1):
            blad.column_dimensions[get_column_letter(i)].width = breedte
        for rij, soort in enumerate(_STIJLEN, 1):
            cel = blad.cell(rij, 1)
            if soort == "kop":
                cel.font = Font(bold=True)
            elif soort == "terugloop":
                cel.alignment = Alignment(wrap_text=True)
            else:  # openpyxl's number format for this kind of date or time
                cel.value = _VOORBEELD[soort]
        bestand = io.BytesIO()
        boek.save(bestand)
        with ZipFile(bestand) as archief:
            self.delen = {naam: archief.read(naam) for naam in archief.namelist()}
        voor, rest = self.delen.pop(BLAD).split(b"<sheetData>", 1)
        cellen, na = rest.split(b"</sheetData>", 1)
        # The cells above stand for styles only; the range they span is not the export's.
        self.voor = re.sub(rb"<dimension [^>]*/>", b"", voor) + b"<sheetData>"
        self.na = b"</sheetData>" + na
        stijl_van = {
            int(rij): int(stijl)
            for rij, stijl in re.findall(rb'<c r="A(\d+)"[^>]*? s="(\d+)"', cellen)
        }
        self.stijlen = {soort: stijl_van[rij] for rij, soort in enumerate(_STIJLEN, 1)}
        self.epoch = boek.epoch


# Excel's limit for the text of a cell; openpyxl cut longer text here too.
MAX_TEKST = 32_767
# What a text cell cannot carry as it is: XML's own &, < and >; \r (an XML parser reads
# a bare one as \n); what XML 1.0 does not allow at all (C0 controls but tab and line
# feed, lone surrogates, U+FFFE and U+FFFF), and a literal "_x0041_", which Excel would
# read as the OOXML escape of "A". spreadsheetcel has removed the controls already; text
# that reaches the writer with one gets its escape instead of an error mid-download.
_BIJZONDER = re.compile(
    "[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_"
)
_OOXML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _ooxml_escape(match):
    return f"_x{ord(match.group()):04X}_"


def _xml_tekst(tekst):
    """`tekst` as the content of <t>: what Excel reads back as the same text."""
    return _OOXML.sub(_ooxml_escape, tekst).translate(_XML)


class _Werkblad:
    """The rows of a sheet as SpreadsheetML, written here instead of by openpyxl.

    openpyxl spends about 40 µs on a cell (a cell object, type checks, lxml); 500 000
    measures have three million. The cells are the ones openpyxl wrote: text inline
    (`t="inlineStr"`, `xml:space="preserve"` where it starts or ends with white space),
    numbers as "%.16g", dates as Excel serial numbers with openpyxl's date format, a
    line break with wrapped text, the header bold; an empty cell is left out. Text is
    always text: openpyxl made "#N/A" an error cell (and "=…" a formula, which
    spreadsheetcel prevents).
    """

    def __init__(self, sjabloon):
        self.letters = []
        self.stijlen = sjabloon.stijlen  # kind -> the style's index in styles.xml
        self.epoch = sjabloon.epoch

    def stijl(self, soort):
        return self.stijlen[soort]

    def rij(self, nummer, waarden, kop=False):
        letters = self.letters
        while len(letters) < len(waarden):
            letters.append(get_column_letter(len(letters) + 1))
        delen = [f'<row r="{nummer}">']
        for letter, waarde in zip(letters, waarden, strict=False):
            soort = type(waarde)
            if soort is str:
                if not waarde:
                    if kop:
                        delen.append(f'<c r="{letter}{nummer}" s="{self.stijl("kop")}"/>')
                    continue
                delen.append(self.tekst(f"{letter}{nummer}", waarde, kop))
            elif soort is int or soort is float or soort is Decimal:
                delen.append(f'<c r="{letter}{nummer}" t="n"><v>{_getal(waarde)}</v></c>')
            elif soort is bool:
                delen.append(f'<c r="{letter}{nummer}" t="b"><v>{int(waarde)}</v></c>')
            elif waarde is None:
                continue
            elif isinstance(waarde, datetime.date | datetime.time):
                if isinstance(waarde, datetime.datetime):
                    s = self.stijl("tijdstip")
                elif isinstance(waarde, datetime.date):
                    s = self.stijl("datum")
                else:
                    s = self.stijl("tijd")
                serieel = _getal(to_excel(waarde, self.epoch))
                delen.append(f'<c r="{letter}{nummer}" s="{s}" t="n"><v>{serieel}</v></c>')
            elif isinstance(waarde, int | float | Decimal):
                delen.append(f'<c r="{letter}{nummer}" t="n"><v>{_getal(waarde)}</v></c>')
            else:
                delen.append(self.tekst(f"{letter}{nummer}", str(waarde), kop))
        delen.append("</row>")
        return "".join(delen)

    def tekst(self, plek, tekst, kop):
        if len(tekst) > MAX_TEKST:
            tekst = tekst[:MAX_TEKST]
        if kop:
            stijl = f' s="{self.stijl("kop")}"'
        elif "\n" in tekst:
            stijl = f' s="{self.stijl("terugloop")}"'
        else:
            stijl = ""
        # Without it, Excel drops leading and trailing spaces (openpyxl's test: strip()).
        ruimte = ' xml:space="preserve"' if tekst[0].isspace() or tekst[-1].isspace() else ""
        if _BIJZONDER.search(tekst):
            tekst = _xml_tekst(tekst)
        return f'<c r="{plek}"{stijl} t="inlineStr"><is><t{ruimte}>{tekst}</t></is></c>'


def _getal(waarde):
    # openpyxl's safe_string: 16 significant digits; no value for NaN and infinity.
    if isnan(waarde) or isinf(waarde):
        return ""
    return f"{float(waarde):.16g}"


def xlsx_stukken(rijen, titel):
    """An XLSX workbook, sent while it is written.

    openpyxl writes a write-only sheet to a temporary file and zips it at save, so the
    first byte of 500 000 rows would wait for the last row. Here the sheet's XML goes
    straight into a zip entry over an unseekable sink (ZipFile then writes data
    descriptors) and each piece is sent as it is compressed. The rows' XML is written
    here (`_Werkblad`); what surrounds them comes from a workbook openpyxl saves
    (`_Sjabloon`).

    The layout follows the former tablib export: a bold, frozen header row, wrapped text
    where a cell holds a line break, column widths from the longest value (here: of the
    first chunk, as the widths come before the first row).
    """
    opvang = _Opvang()
    # Closed however the download ends: a zip left open by an error halfway is
    # otherwise closed by the collector, after its sink, and complains.
    with ZipFile(opvang, "w", ZIP_DEFLATED, allowZip64=True) as archief:
        # No zip64 in the entry: Excel reads plain data descriptors best; a sheet stays far
        # below 2 GiB (500 000 measures are about 150 MB of XML).
        with archief.open(BLAD, "w") as ingang:
            # The entry's local header at once, before the database sends its first rows:
            # the download starts within a second whatever the size of the selection.
            yield opvang.neem()
            rijen = iter(rijen)
            kop = next(rijen)
            eerste = [rij for _, rij in zip(range(STUK), rijen, strict=False)]
            sjabloon = _Sjabloon(titel, _breedtes([kop, *eerste]))
            werkblad = _Werkblad(sjabloon)
            ingang.write(sjabloon.voor + werkblad.rij(1, kop, kop=True).encode())
            stuk, grootte = [], 0
            for nummer, rij in enumerate(itertools.chain(eerste, rijen), 2):
                xml = werkblad.rij(nummer, rij)
                stuk.append(xml)
                grootte += len(xml)
                if grootte >= BLOK:
                    ingang.write("".join(stuk).encode())
                    stuk, grootte = [], 0
                    if opvang.grootte >= BLOK:
                        yield opvang.neem()
            ingang.write("".join(stuk).encode() + sjabloon.na)
        for naam, inhoud in sjabloon.delen.items():
            archief.writestr(naam, inhoud)
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
