"""The report as a Word document (DOCX) that the communication department can edit."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from douane_portfolio.opmaak import getal

from .opmaak import KLEUREN, LEGENDA, stand

GRIJS = "6F6F6F"


def _status(cel, status, label):
    """A coloured dot and the word, as text runs so an editor can change them."""
    alinea = cel.paragraphs[0]
    stip = alinea.add_run("● " if status in KLEUREN else "○ ")
    stip.font.color.rgb = RGBColor.from_string((KLEUREN.get(status) or "#" + GRIJS)[1:].upper())
    tekst = alinea.add_run(label)
    if status not in KLEUREN:
        tekst.italic = True


def _kopcellen(tabel, koppen):
    for cel, kop in zip(tabel.rows[0].cells, koppen, strict=True):
        cel.text = ""
        run = cel.paragraphs[0].add_run(kop)
        run.bold = True
        _arceer(cel, "DCE3EA")


def _arceer(cel, kleur):
    tc_pr = cel._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), kleur)
    tc_pr.append(shd)


def _rechts(cel, tekst):
    cel.text = tekst
    cel.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _inhoudsopgave(document):
    """A Word TOC field; Word fills it when the document is opened and updated (F9)."""
    alinea = document.add_paragraph()
    run = alinea.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instructie = OxmlElement("w:instrText")
    instructie.set(qn("xml:space"), "preserve")
    instructie.text = 'TOC \\o "1-2" \\h \\z \\u'
    scheiding = OxmlElement("w:fldChar")
    scheiding.set(qn("w:fldCharType"), "separate")
    plaatshouder = OxmlElement("w:t")
    plaatshouder.text = (
        "Klik met de rechtermuisknop en kies 'Veld bijwerken' voor de inhoudsopgave."
    )
    einde = OxmlElement("w:fldChar")
    einde.set(qn("w:fldCharType"), "end")
    for element in (begin, instructie, scheiding, plaatshouder, einde):
        run._r.append(element)


def maak_docx(gegevens, titel, snapshot=None):
    document = Document()
    document.core_properties.title = titel
    document.core_properties.author = "Douane"
    stijl = document.styles["Normal"]
    stijl.font.name = "Calibri"
    stijl.font.size = Pt(10.5)

    periode = gegevens["periode"]
    document.add_paragraph("Douane · Ministerie van Financiën")
    document.add_heading(titel, level=0)
    document.add_paragraph(stand(periode, snapshot))
    document.add_heading("Inhoudsopgave", level=1)
    _inhoudsopgave(document)
    document.add_page_break()

    document.add_heading("1 Prestaties", level=1)
    for groep in gegevens["indicatoren"]["groepen"]:
        document.add_heading(groep["naam"], level=2)
        if groep["heeft_doel"]:
            tabel = document.add_table(rows=1, cols=5)
            tabel.style = "Table Grid"
            _kopcellen(tabel, ["Indicator", "Doelstelling", "Realisatie", "Bandbreedte", "Status"])
            for i in groep["rijen"]:
                rij = tabel.add_row().cells
                rij[0].text = i["naam"]
                _rechts(rij[1], getal(i["doelstelling"]) or "—")
                _rechts(rij[2], getal(i["realisatie"]) or "—")
                _rechts(rij[3], f"{getal(i['bandbreedte'])}%" if i["bandbreedte"] else "—")
                _status(rij[4], i["status"], i["status_label"])
        else:
            tabel = document.add_table(rows=1, cols=2)
            tabel.style = "Table Grid"
            _kopcellen(tabel, ["Onderdeel", "Realisatie"])
            for i in groep["rijen"]:
                rij = tabel.add_row().cells
                rij[0].text = i["naam"]
                _rechts(rij[1], getal(i["realisatie"]) or "—")
            if groep["totaal"]:
                rij = tabel.add_row().cells
                rij[0].paragraphs[0].add_run("Totaal").bold = True
                _rechts(rij[1], getal(groep["totaal"]))
                rij[1].paragraphs[0].runs[0].bold = True

    document.add_page_break()
    document.add_heading("2 Activiteiten uit het jaarplan", level=1)
    document.add_paragraph(LEGENDA)
    for n, thema in enumerate(gegevens["activiteiten"]["themas"], start=1):
        document.add_heading(f"2.{n} {thema['naam']}", level=2)
        tabel = document.add_table(rows=1, cols=2)
        tabel.style = "Table Grid"
        _kopcellen(tabel, [thema["naam"], "Status"])
        for i in thema["initiatieven"]:
            rij = tabel.add_row().cells
            rij[0].text = i["naam"]
            _status(rij[1], i["status"], i["status_label"])
        for i in thema["initiatieven"]:
            if i["status"] in ("oranje", "rood"):
                document.add_heading(f"{i['naam']} ({i['status_label'].lower()})", level=3)
                document.add_paragraph(i["toelichting"])
                if i["pad_naar_groen"]:
                    document.add_paragraph(f"Pad naar groen: {i['pad_naar_groen']}")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
