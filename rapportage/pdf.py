"""The report outline as PDF, drawn with ReportLab (pure Python: no system libraries needed)."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.shapes import Circle, Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreakIfNotEmpty,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from .opmaak import GRIJS, KLEUREN, kaartkleur
from .opzet import (
    INHOUDSOPGAVE,
    Alinea,
    Heatmap,
    Lijst,
    OpgemaakteAlinea,
    Opsomming,
    Statusstip,
    Tabel,
    Tekst,
)

LINT = colors.HexColor("#154273")
LICHT = colors.HexColor("#dce3ea")
RAND = colors.HexColor("#c4c4c4")


def _lettertype():
    """DejaVu when the system has it (full Unicode), else ReportLab's own Vera."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    vera = Path(reportlab.__file__).parent / "fonts"
    kandidaten = [
        [dejavu / f"DejaVuSans{s}.ttf" for s in ("", "-Bold", "-Oblique", "-BoldOblique")],
        [vera / f"Vera{s}.ttf" for s in ("", "Bd", "It", "BI")],
    ]
    for bestanden in kandidaten:
        if all(b.exists() for b in bestanden):
            if "Rapport" not in pdfmetrics.getRegisteredFontNames():
                namen = ("Rapport", "Rapport-Vet", "Rapport-Cursief", "Rapport-VetCursief")
                for naam, bestand in zip(namen, bestanden, strict=True):
                    pdfmetrics.registerFont(TTFont(naam, str(bestand)))
                pdfmetrics.registerFontFamily(
                    "Rapport",
                    normal=namen[0],
                    bold=namen[1],
                    italic=namen[2],
                    boldItalic=namen[3],
                )
            return "Rapport", "Rapport-Vet"
    return "Helvetica", "Helvetica-Bold"


def _stijlen():
    gewoon, vet = _lettertype()
    basis = getSampleStyleSheet()
    return {
        "titel": ParagraphStyle(
            "titel",
            parent=basis["Title"],
            fontName=vet,
            fontSize=22,
            textColor=LINT,
            leading=28,
            alignment=0,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=basis["Heading1"],
            keepWithNext=1,
            fontName=vet,
            fontSize=16,
            textColor=LINT,
            spaceBefore=6,
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=basis["Heading2"],
            keepWithNext=1,
            fontName=vet,
            fontSize=12.5,
            textColor=LINT,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=basis["Heading3"],
            fontName=vet,
            fontSize=10.5,
            spaceBefore=6,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "tekst": ParagraphStyle(
            "tekst", parent=basis["BodyText"], fontName=gewoon, fontSize=9.5, leading=13
        ),
        "lijst": ParagraphStyle(
            "lijst",
            parent=basis["BodyText"],
            fontName=gewoon,
            fontSize=9.5,
            leading=13,
            leftIndent=14,
            bulletIndent=2,
            bulletFontName=gewoon,
            spaceBefore=0,
            spaceAfter=2,
        ),
        "klein": ParagraphStyle(
            "klein",
            parent=basis["BodyText"],
            fontName=gewoon,
            fontSize=8.5,
            leading=11,
            textColor=colors.HexColor("#535353"),
        ),
        "cel": ParagraphStyle("cel", fontName=gewoon, fontSize=8.5, leading=10.5),
        "celvet": ParagraphStyle("celvet", fontName=vet, fontSize=8.5, leading=10.5),
        # A column header wraps only at spaces ("Doelstellin / g" is unreadable).
        "kolomkop": ParagraphStyle(
            "kolomkop", fontName=vet, fontSize=8.5, leading=10.5, splitLongWords=0
        ),
        "getal": ParagraphStyle(
            "getal", fontName=gewoon, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
        ),
        "leeg": ParagraphStyle(
            "leeg",
            parent=basis["BodyText"],
            fontName=gewoon,
            fontSize=9.5,
            leading=13,
            textColor=colors.HexColor("#535353"),
        ),
        "toc1": ParagraphStyle("toc1", fontName=vet, fontSize=10, leftIndent=0, leading=16),
        "toc2": ParagraphStyle("toc2", fontName=gewoon, fontSize=9.5, leftIndent=14, leading=13),
    }


class _Document(BaseDocTemplate):
    """Registers headings in the table of contents and puts page numbers in the footer."""

    def __init__(self, buffer, titel, **kwargs):
        super().__init__(buffer, pagesize=A4, title=titel, author="Douane", **kwargs)
        self.titel = titel
        frame = Frame(20 * mm, 18 * mm, A4[0] - 40 * mm, A4[1] - 36 * mm, id="inhoud")
        self.addPageTemplates([PageTemplate(id="pagina", frames=[frame], onPage=self._voet)])

    def _voet(self, canvas, doc):
        canvas.saveState()
        canvas.setFont(_lettertype()[0], 8)
        canvas.setFillColor(colors.HexColor("#535353"))
        canvas.drawString(20 * mm, 10 * mm, self.titel)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"{doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        niveau = getattr(flowable, "toc_niveau", None)
        if niveau is not None:
            sleutel = f"kop-{self.seq.nextf('kop')}"
            self.canv.bookmarkPage(sleutel)
            self.canv.addOutlineEntry(flowable.getPlainText(), sleutel, level=niveau)
            self.notify("TOCEntry", (niveau, flowable.getPlainText(), self.page, sleutel))


def _markup(tekst):
    """ReportLab reads paragraph text as markup: escape <, & and >, keep line breaks."""
    return escape(tekst).replace("\n", "<br/>")


def _p(tekst, stijl):
    return Paragraph(_markup(tekst), stijl)


def _kop(tekst, stijl, niveau):
    p = _p(tekst, stijl)
    p.toc_niveau = niveau
    return p


def _stip(stip):
    d = Drawing(8, 8)
    if stip.gevuld:
        kleur = colors.HexColor(KLEUREN[stip.status])
        d.add(Circle(4, 4, 3.6, fillColor=kleur, strokeColor=kleur))
    else:
        d.add(
            Circle(
                4,
                4,
                3.2,
                fillColor=None,
                strokeColor=colors.HexColor(GRIJS),
                strokeDashArray=[1, 1],
            )
        )
    return d


def _status(stip, s):
    """A dot and the word: never the colour alone."""
    cel = Table([[_stip(stip), _p(stip.label, s["cel"])]], colWidths=[10, None])
    cel.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return cel


def _cel(cel, stijl, s):
    if isinstance(cel, Statusstip):
        return _status(cel, s)
    if isinstance(cel, Tekst):
        bijschrift = f"<br/><font size=7>{_markup(cel.bijschrift)}</font>" if cel.bijschrift else ""
        return Paragraph(_markup(cel.tekst) + bijschrift, stijl)
    return _p(cel, stijl)


CELMARGE = 2 * 6 + 1  # ReportLab's default left and right cell padding, and a point to spare


def _kolombreedtes(tabel, stijl, breedte):
    """The table's relative widths, but every column at least as wide as the longest word
    of its header; what that costs comes from the columns with room to spare."""
    breedtes = [breedte * b for b in tabel.breedtes]
    minimum = [
        max(stringWidth(woord, stijl.fontName, stijl.fontSize) for woord in kop.split() or [""])
        + CELMARGE
        for kop in tabel.kolommen
    ]
    tekort = sum(max(0, m - b) for m, b in zip(minimum, breedtes, strict=True))
    ruimte = [max(0, b - m) for m, b in zip(minimum, breedtes, strict=True)]
    if tekort and sum(ruimte):
        aandeel = min(1, tekort / sum(ruimte))
        breedtes = [
            max(m, b - r * aandeel) for m, b, r in zip(minimum, breedtes, ruimte, strict=True)
        ]
    return breedtes


def _tabel(tabel, s, breedte):
    def stijl(k, vet=False):
        return s["getal"] if k in tabel.getallen else s["celvet" if vet else "cel"]

    rijen = [[_p(k, s["kolomkop"]) for k in tabel.kolommen]]
    rijen += [[_cel(c, stijl(k), s) for k, c in enumerate(rij)] for rij in tabel.rijen]
    if tabel.voet:
        rijen.append([_cel(c, stijl(k, vet=True), s) for k, c in enumerate(tabel.voet)])
    breedtes = _kolombreedtes(tabel, s["kolomkop"], breedte) if tabel.breedtes else None
    # splitInRow: a row taller than what is left of the page continues on the next.
    t = Table(rijen, colWidths=breedtes, repeatRows=1, splitInRow=1)
    opmaak = [
        ("BACKGROUND", (0, 0), (-1, 0), LICHT),
        ("LINEBELOW", (0, 0), (-1, 0), 1, LINT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if tabel.voet:
        opmaak.append(("LINEABOVE", (0, -1), (-1, -1), 1, LINT))
    t.setStyle(TableStyle(opmaak))
    t.spaceAfter = 3 * mm  # not a Spacer, which could start a page of its own
    return [t]


def _kaart(kaart, s, breedte):
    """The 5×5 map as a table: counts in cells coloured by band, labels on the axes."""
    rijen = [[_p(kaart.hoek, s["klein"])] + [_p(label, s["klein"]) for label in kaart.impacts]]
    opmaak = [
        ("GRID", (1, 1), (-1, -1), 1.5, colors.white),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for r, rij in enumerate(kaart.rijen, start=1):
        rijen.append(
            [_p(rij.label, s["klein"])] + [_p(str(c.aantal), s["cel"]) for c in rij.cellen]
        )
        for k, cel in enumerate(rij.cellen, start=1):
            opmaak.append(("BACKGROUND", (k, r), (k, r), colors.HexColor(kaartkleur(cel))))
    kolom = (breedte / 2 - 22 * mm) / 5
    tabel = Table(rijen, colWidths=[20 * mm] + [kolom] * 5, rowHeights=[None] + [9 * mm] * 5)
    tabel.setStyle(TableStyle(opmaak))
    return [_p(kaart.titel, s["h3"]), tabel, _p(kaart.voet, s["klein"])]


def _heatmap(blok, s, breedte):
    kaarten = [_kaart(k, s, breedte) for k in blok.kaarten]
    naast = Table([kaarten], colWidths=[breedte / len(kaarten)] * len(kaarten))
    naast.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [naast]


def _alinea(alinea, s):
    stijl = s[{"leeg": "leeg", "klein": "klein"}.get(alinea.soort, "tekst")]
    label = f"<b>{escape(alinea.label)}</b> " if alinea.label else ""
    tekst = _markup(alinea.tekst)
    return [Paragraph(label + (f"<i>{tekst}</i>" if alinea.soort == "leeg" else tekst), stijl)]


def _fragmenten(delen):
    def fragment(deel):
        markup = _markup(deel.tekst)
        if deel.cursief:
            markup = f"<i>{markup}</i>"
        return f"<b>{markup}</b>" if deel.vet else markup

    return "".join(fragment(deel) for deel in delen)


def _blok(blok, s, breedte):
    if isinstance(blok, Alinea):
        return _alinea(blok, s)
    if isinstance(blok, Opsomming):
        return [_p(f"• {item}", s["tekst"]) for item in blok.items]
    if isinstance(blok, OpgemaakteAlinea):
        return [Paragraph(_fragmenten(blok.delen), s["tekst"])]
    if isinstance(blok, Lijst):
        return [
            Paragraph(
                _fragmenten(item),
                s["lijst"],
                bulletText=f"{n}." if blok.genummerd else "•",
            )
            for n, item in enumerate(blok.items, start=1)
        ]
    if isinstance(blok, Tabel):
        return _tabel(blok, s, breedte)
    if isinstance(blok, Heatmap):
        return _heatmap(blok, s, breedte)
    raise TypeError(blok)


KOPSTIJLEN = {1: "h1", 2: "h2"}


def _sectie(sectie, diepte, s, breedte):
    # Chapters start on a new page; chapters and sections are bookmarks and in the contents.
    if diepte == 1:
        # Not when the page is still empty: a chapter that filled the page exactly would
        # otherwise leave a blank page behind it.
        yield PageBreakIfNotEmpty()
    if diepte <= 2:
        yield _kop(sectie.kop, s[KOPSTIJLEN[diepte]], diepte - 1)
    else:
        yield _p(sectie.kop, s["h3"])
    for blok in sectie.blokken:
        yield from _blok(blok, s, breedte)
    for sub in sectie.subsecties:
        yield from _sectie(sub, diepte + 1, s, breedte)


def verhaal(rapport, s):
    """The flowables of the report, in the order of its outline."""
    breedte = A4[0] - 40 * mm
    yield _p(rapport.afzender, s["klein"])
    yield Spacer(0, 4 * mm)
    yield _p(rapport.titel, s["titel"])
    yield _p(rapport.stand, s["klein"])
    yield Spacer(0, 8 * mm)
    # Not kept with the contents, which may be longer than the rest of the title page.
    yield _p(INHOUDSOPGAVE, ParagraphStyle("inhoud", parent=s["h1"], keepWithNext=0))
    toc = TableOfContents()
    toc.levelStyles = [s["toc1"], s["toc2"]]
    yield toc
    for sectie in rapport.secties:
        yield from _sectie(sectie, 1, s, breedte)


def maak_pdf(rapport):
    buffer = io.BytesIO()
    document = _Document(buffer, rapport.titel)
    document.multiBuild(list(verhaal(rapport, _stijlen())))
    return buffer.getvalue()
