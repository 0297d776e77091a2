"""The report as PDF, drawn with ReportLab (pure Python: no system libraries needed)."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from douane_portfolio.opmaak import getal

from .opmaak import (
    KLEUREN,
    LEGENDA,
    NIVEAU_KLEUREN,
    datum,
    heatmap_kaarten,
    score_tekst,
    stand,
)

LINT = colors.HexColor("#154273")
LICHT = colors.HexColor("#dce3ea")
RAND = colors.HexColor("#c4c4c4")


def _lettertype():
    """DejaVu when the system has it (full Unicode), else ReportLab's own Vera."""
    import reportlab

    kandidaten = [
        (
            Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
            Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        ),
        (
            Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
            Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf",
        ),
    ]
    for gewoon, vet in kandidaten:
        if gewoon.exists() and vet.exists():
            if "Rapport" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("Rapport", str(gewoon)))
                pdfmetrics.registerFont(TTFont("Rapport-Vet", str(vet)))
                pdfmetrics.registerFontFamily("Rapport", normal="Rapport", bold="Rapport-Vet")
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
            fontName=vet,
            fontSize=16,
            textColor=LINT,
            spaceBefore=6,
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=basis["Heading2"],
            fontName=vet,
            fontSize=12.5,
            textColor=LINT,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3", parent=basis["Heading3"], fontName=vet, fontSize=10.5, spaceBefore=6, spaceAfter=2
        ),
        "tekst": ParagraphStyle(
            "tekst", parent=basis["BodyText"], fontName=gewoon, fontSize=9.5, leading=13
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
        "getal": ParagraphStyle(
            "getal", fontName=gewoon, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
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


def _kop(tekst, stijl, niveau):
    p = Paragraph(escape(tekst), stijl)
    p.toc_niveau = niveau
    return p


def _stip(status):
    kleur = KLEUREN.get(status)
    d = Drawing(8, 8)
    if kleur:
        d.add(
            Circle(4, 4, 3.6, fillColor=colors.HexColor(kleur), strokeColor=colors.HexColor(kleur))
        )
    else:
        d.add(
            Circle(
                4,
                4,
                3.2,
                fillColor=None,
                strokeColor=colors.HexColor("#6f6f6f"),
                strokeDashArray=[1, 1],
            )
        )
    return d


def _status(status, label, s):
    """A dot and the word: never the colour alone."""
    cel = Table([[_stip(status), Paragraph(escape(label), s["cel"])]], colWidths=[10, None])
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


def _tabel(rijen, breedtes, kop_rijen=1, voet=False):
    t = Table(rijen, colWidths=breedtes, repeatRows=kop_rijen)
    stijl = [
        ("BACKGROUND", (0, 0), (-1, kop_rijen - 1), LICHT),
        ("LINEBELOW", (0, kop_rijen - 1), (-1, kop_rijen - 1), 1, LINT),
        ("LINEBELOW", (0, kop_rijen), (-1, -1), 0.25, RAND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if voet:
        stijl.append(("LINEABOVE", (0, -1), (-1, -1), 1, LINT))
    t.setStyle(TableStyle(stijl))
    return t


def _p(tekst, stijl):
    return Paragraph(escape(str(tekst or "")).replace("\n", "<br/>"), stijl)


def verhaal(gegevens, titel, snapshot, s):
    """The flowables of the report, in the order of the source."""
    breedte = A4[0] - 40 * mm
    periode = gegevens["periode"]
    yield Paragraph("Douane · <i>Ministerie van Financiën</i>", s["klein"])
    yield Spacer(0, 4 * mm)
    yield Paragraph(escape(titel), s["titel"])
    yield Paragraph(escape(stand(periode, snapshot)), s["klein"])
    yield Spacer(0, 8 * mm)
    yield Paragraph("Inhoudsopgave", s["h1"])
    toc = TableOfContents()
    toc.levelStyles = [s["toc1"], s["toc2"]]
    yield toc
    yield PageBreak()

    # 1 Prestaties
    yield _kop("1 Prestaties", s["h1"], 0)
    for groep in gegevens["indicatoren"]["groepen"]:
        yield _kop(groep["naam"], s["h2"], 1)
        if groep["heeft_doel"]:
            rijen = [
                [
                    _p(k, s["celvet"])
                    for k in ("Indicator", "Doelstelling", "Realisatie", "Bandbreedte", "Status")
                ]
            ]
            for i in groep["rijen"]:
                band = f"{getal(i['bandbreedte'])}%" if i["bandbreedte"] else "—"
                rijen.append(
                    [
                        _p(i["naam"], s["cel"]),
                        _p(getal(i["doelstelling"]) or "—", s["getal"]),
                        _p(getal(i["realisatie"]) or "—", s["getal"]),
                        _p(band, s["getal"]),
                        _status(i["status"], i["status_label"], s),
                    ]
                )
            yield _tabel(
                rijen,
                [breedte * 0.42, breedte * 0.14, breedte * 0.14, breedte * 0.12, breedte * 0.18],
            )
        else:
            rijen = [[_p("Onderdeel", s["celvet"]), _p("Realisatie", s["celvet"])]]
            rijen += [
                [_p(i["naam"], s["cel"]), _p(getal(i["realisatie"]) or "—", s["getal"])]
                for i in groep["rijen"]
            ]
            if groep["totaal"]:
                rijen.append([_p("Totaal", s["celvet"]), _p(getal(groep["totaal"]), s["getal"])])
            yield _tabel(rijen, [breedte * 0.7, breedte * 0.3], voet=bool(groep["totaal"]))
        yield Spacer(0, 4 * mm)
    if not gegevens["indicatoren"]["groepen"]:
        yield Paragraph("Geen indicatoren voor deze periode.", s["tekst"])

    # 2 Activiteiten
    yield PageBreak()
    yield _kop("2 Activiteiten uit het jaarplan", s["h1"], 0)
    yield Paragraph(escape(LEGENDA), s["tekst"])
    for n, thema in enumerate(gegevens["activiteiten"]["themas"], start=1):
        yield _kop(f"2.{n} {thema['naam']}", s["h2"], 1)
        rijen = [[_p(thema["naam"], s["celvet"]), _p("Status", s["celvet"])]]
        rijen += [
            [_p(i["naam"], s["cel"]), _status(i["status"], i["status_label"], s)]
            for i in thema["initiatieven"]
        ]
        yield _tabel(rijen, [breedte * 0.72, breedte * 0.28])
        for i in thema["initiatieven"]:
            if i["status"] in ("oranje", "rood"):
                yield Spacer(0, 2 * mm)
                yield Paragraph(
                    f"{escape(i['naam'])} ({escape(i['status_label'].lower())})", s["h3"]
                )
                yield _p(i["toelichting"], s["tekst"])
                if i["pad_naar_groen"]:
                    yield _p(f"Pad naar groen: {i['pad_naar_groen']}", s["tekst"])
        yield Spacer(0, 4 * mm)

    yield from _risicoparagraaf(gegevens, s, breedte)
    yield from _auditparagraaf(gegevens, s, breedte)


def _heatmap(kaart, s, breedte):
    """The 5×5 map as a table: counts in cells coloured by band, labels on the axes."""
    rijen = [
        [_p("Kans \\ impact", s["klein"])]
        + [_p(label, s["klein"]) for _, label in kaart["impacts"]]
    ]
    stijl = [
        ("GRID", (1, 1), (-1, -1), 1.5, colors.white),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for r, rij in enumerate(kaart["rijen"], start=1):
        rijen.append(
            [_p(rij["label"], s["klein"])] + [_p(str(c["aantal"]), s["cel"]) for c in rij["cellen"]]
        )
        for c, cel in enumerate(rij["cellen"], start=1):
            vol, licht = NIVEAU_KLEUREN[cel["niveau"]]
            stijl.append(
                ("BACKGROUND", (c, r), (c, r), colors.HexColor(vol if cel["aantal"] else licht))
            )
    kolom = (breedte / 2 - 22 * mm) / 5
    tabel = Table(rijen, colWidths=[20 * mm] + [kolom] * 5, rowHeights=[None] + [9 * mm] * 5)
    tabel.setStyle(TableStyle(stijl))
    voet = f"{kaart['gescoord']} risico's in de kaart"
    if kaart["niet_gescoord"]:
        voet += f"; {kaart['niet_gescoord']} niet gescoord (niet in de kaart)"
    return [
        Paragraph(escape(kaart["titel"]), s["h3"]),
        tabel,
        Paragraph(escape(voet + "."), s["klein"]),
    ]


def _risicoparagraaf(gegevens, s, breedte):
    risicos = gegevens.get("risicos")
    if not risicos:
        return
    jaar = gegevens["periode"]["jaar"]
    yield PageBreak()
    yield _kop("3 Risicomanagement", s["h1"], 0)
    yield _kop("3.1 Toprisico's", s["h2"], 1)
    yield _p(
        f"Eind {jaar} waren onderstaande risico's formeel de toprisico's voor de Douane:",
        s["tekst"],
    )
    for groep in risicos["groepen"]:
        for risico in groep["risicos"]:
            yield _p(f"• {risico['titel']}", s["tekst"])
    yield _kop("3.2 Overkoepelende maatregelen", s["h2"], 1)
    for m in risicos["overkoepelend"]:
        yield _p(f"• {m['omschrijving']} ({m['status'].lower()})", s["tekst"])
    for n, groep in enumerate(risicos["groepen"], start=3):
        oorsprong = (
            "externe ontwikkelingen" if groep["categorie"] == "extern" else "interne organisatie"
        )
        yield _kop(f"3.{n} Risico's voortkomend uit {oorsprong}", s["h2"], 1)
        for risico in groep["risicos"]:
            yield Paragraph(escape(risico["titel"]), s["h3"])
            netto = score_tekst(risico["netto"])
            if risico["boven_bereidheid"]:
                netto += f" (boven risicobereidheid {risico['risicobereidheid']})"
            yield _p(f"Bruto: {score_tekst(risico['bruto'])} · Netto: {netto}", s["klein"])
            for m in risico["maatregelen"]:
                yield _p(f"• {m['omschrijving']} ({m['status'].lower()})", s["tekst"])
    yield _kop("3.5 Heat map", s["h2"], 1)
    kaarten = [_heatmap(k, s, breedte) for k in heatmap_kaarten(gegevens)]
    naast = Table([[kaarten[0], kaarten[1]]], colWidths=[breedte / 2, breedte / 2])
    naast.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    yield naast
    yield _kop("3.6 Risicodialogen", s["h2"], 1)
    if risicos["dialogen"]:
        rijen = [[_p(k, s["celvet"]) for k in ("Datum", "Dialoog", "Niveau", "Status", "Risico's")]]
        for d in risicos["dialogen"]:
            rijen.append(
                [
                    _p(datum(d["datum"]), s["cel"]),
                    _p(d["titel"], s["cel"]),
                    _p(d["niveau"], s["cel"]),
                    _p(d["status"], s["cel"]),
                    _p(str(d["aantal_risicos"]), s["getal"]),
                ]
            )
        yield _tabel(
            rijen, [breedte * 0.18, breedte * 0.37, breedte * 0.15, breedte * 0.15, breedte * 0.15]
        )
        for d in risicos["dialogen"]:
            if d["besluiten"]:
                yield _p(f"Besluiten {d['titel']}: {d['besluiten']}", s["tekst"])
    else:
        yield _p("In deze periode zijn geen risicodialogen gehouden.", s["tekst"])


def _auditparagraaf(gegevens, s, breedte):
    audits = gegevens.get("audits")
    if not audits:
        return
    yield PageBreak()
    yield _kop("4 Aanpak tekortkomingen Auditdienst Rijk en Algemene Rekenkamer", s["h1"], 0)
    for n, groep in enumerate(audits["instanties"], start=1):
        yield _kop(f"4.{n} {groep['naam']}", s["h2"], 1)
        koppen = ("Bevinding", "Soort", "Status", "Verwacht opgelost", f"Oordeel {audits['jaar']}")
        rijen = [[_p(k, s["celvet"]) for k in koppen]]
        for b in groep["bevindingen"]:
            verwacht = datum(b["verwacht_opgelost"]) if b["verwacht_opgelost"] else "niet vermeld"
            rijen.append(
                [
                    Paragraph(
                        f"{escape(b['titel'])}<br/><font size=7>{escape(b['rapport'])}</font>",
                        s["cel"],
                    ),
                    _p(b["soort"], s["cel"]),
                    _p(b["status_label"], s["cel"]),
                    _p(verwacht, s["cel"]),
                    _p(b["oordeel"] or "niet vastgelegd", s["cel"]),
                ]
            )
        yield _tabel(
            rijen, [breedte * 0.36, breedte * 0.16, breedte * 0.15, breedte * 0.16, breedte * 0.17]
        )


def maak_pdf(gegevens, titel, snapshot=None):
    buffer = io.BytesIO()
    document = _Document(buffer, titel)
    s = _stijlen()
    document.multiBuild(list(verhaal(gegevens, titel, snapshot, s)))
    return buffer.getvalue()
