"""The report outline as a Word document (DOCX) that the communication department can edit."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

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


def _kleur(hex_kleur):
    return hex_kleur[1:].upper()


def _status(alinea, stip):
    """A coloured dot and the word, as text runs so an editor can change them."""
    punt = alinea.add_run("● " if stip.gevuld else "○ ")
    punt.font.color.rgb = RGBColor.from_string(
        _kleur(KLEUREN[stip.status] if stip.gevuld else GRIJS)
    )
    woord = alinea.add_run(stip.label)
    woord.italic = not stip.gevuld


def _arceer(cel, kleur):
    tc_pr = cel._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), kleur)
    tc_pr.append(shd)


def _vul(cel, inhoud, *, rechts=False, vet=False):
    alinea = cel.paragraphs[0]
    if rechts:
        alinea.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if isinstance(inhoud, Statusstip):
        _status(alinea, inhoud)
        return
    tekst, bijschrift = (
        (inhoud.tekst, inhoud.bijschrift) if isinstance(inhoud, Tekst) else (inhoud, "")
    )
    alinea.add_run(tekst).bold = vet
    if bijschrift:
        cel.add_paragraph().add_run(bijschrift).font.size = Pt(8)


def _kopcellen(rij, koppen):
    for cel, kop in zip(rij.cells, koppen, strict=True):
        _vul(cel, kop, vet=True)
        _arceer(cel, "DCE3EA")


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


def _tabel(document, tabel):
    t = document.add_table(rows=1, cols=len(tabel.kolommen))
    t.style = "Table Grid"
    _kopcellen(t.rows[0], tabel.kolommen)
    for rij in tabel.rijen:
        for k, (cel, inhoud) in enumerate(zip(t.add_row().cells, rij, strict=True)):
            _vul(cel, inhoud, rechts=k in tabel.getallen)
    if tabel.voet:
        for k, (cel, inhoud) in enumerate(zip(t.add_row().cells, tabel.voet, strict=True)):
            _vul(cel, inhoud, rechts=k in tabel.getallen, vet=True)


def _heatmap(document, blok):
    for kaart in blok.kaarten:
        document.add_heading(kaart.titel, level=3)
        t = document.add_table(rows=1, cols=1 + len(kaart.impacts))
        t.style = "Table Grid"
        _kopcellen(t.rows[0], [kaart.hoek, *kaart.impacts])
        for rij in kaart.rijen:
            cellen = t.add_row().cells
            _vul(cellen[0], rij.label)
            for cel, c in zip(cellen[1:], rij.cellen, strict=True):
                _vul(cel, str(c.aantal), rechts=True)
                _arceer(cel, _kleur(kaartkleur(c)))
        document.add_paragraph(kaart.voet)


def _alinea(document, alinea):
    p = document.add_paragraph()
    if alinea.label:
        p.add_run(alinea.label + " ").bold = True
    run = p.add_run(alinea.tekst)
    run.italic = alinea.soort == "leeg"
    if alinea.soort == "klein":
        run.font.size = Pt(9)


def _fragmenten(alinea, delen):
    for deel in delen:
        run = alinea.add_run(deel.tekst)
        run.bold, run.italic = deel.vet or None, deel.cursief or None


def _blok(document, blok):
    if isinstance(blok, Alinea):
        _alinea(document, blok)
    elif isinstance(blok, Opsomming):
        for item in blok.items:
            document.add_paragraph(item, style="List Bullet")
    elif isinstance(blok, OpgemaakteAlinea):
        _fragmenten(document.add_paragraph(), blok.delen)
    elif isinstance(blok, Lijst):
        stijl = "List Number" if blok.genummerd else "List Bullet"
        for item in blok.items:
            _fragmenten(document.add_paragraph(style=stijl), item)
    elif isinstance(blok, Tabel):
        _tabel(document, blok)
    elif isinstance(blok, Heatmap):
        _heatmap(document, blok)
    else:
        raise TypeError(blok)


def _sectie(document, sectie, diepte):
    if diepte == 1:
        document.add_page_break()
    document.add_heading(sectie.kop, level=diepte)
    for blok in sectie.blokken:
        _blok(document, blok)
    for sub in sectie.subsecties:
        _sectie(document, sub, diepte + 1)


def maak_docx(rapport):
    document = Document()
    document.core_properties.title = rapport.titel
    document.core_properties.author = "Douane"
    stijl = document.styles["Normal"]
    stijl.font.name = "Calibri"
    stijl.font.size = Pt(10.5)

    document.add_paragraph(rapport.afzender)
    document.add_heading(rapport.titel, level=0)
    document.add_paragraph(rapport.stand)
    document.add_heading(INHOUDSOPGAVE, level=1)
    _inhoudsopgave(document)
    for sectie in rapport.secties:
        _sectie(document, sectie, 1)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
