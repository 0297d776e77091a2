"""The report as a Word document (DOCX) that the communication department can edit."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from douane_portfolio.opmaak import getal

from .opmaak import KLEUREN, LEGENDA, NIVEAU_KLEUREN, datum, heatmap_kaarten, score_tekst, stand

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


def _opsomming(document, tekst):
    document.add_paragraph(tekst, style="List Bullet")


def _risicoparagraaf(document, gegevens):
    risicos = gegevens.get("risicos")
    if not risicos:
        return
    document.add_page_break()
    document.add_heading("3 Risicomanagement", level=1)
    document.add_heading("3.1 Toprisico's", level=2)
    jaar = gegevens["periode"]["jaar"]
    document.add_paragraph(
        f"Eind {jaar} waren onderstaande risico's formeel de toprisico's voor de Douane:"
    )
    for groep in risicos["groepen"]:
        for risico in groep["risicos"]:
            _opsomming(document, risico["titel"])
    document.add_heading("3.2 Overkoepelende maatregelen", level=2)
    for m in risicos["overkoepelend"]:
        _opsomming(document, f"{m['omschrijving']} ({m['status'].lower()})")
    for n, groep in enumerate(risicos["groepen"], start=3):
        oorsprong = (
            "externe ontwikkelingen" if groep["categorie"] == "extern" else "interne organisatie"
        )
        document.add_heading(f"3.{n} Risico's voortkomend uit {oorsprong}", level=2)
        for risico in groep["risicos"]:
            document.add_heading(risico["titel"], level=3)
            netto = score_tekst(risico["netto"])
            if risico["boven_bereidheid"]:
                netto += f" (boven risicobereidheid {risico['risicobereidheid']})"
            document.add_paragraph(f"Bruto: {score_tekst(risico['bruto'])} · Netto: {netto}")
            for m in risico["maatregelen"]:
                _opsomming(document, f"{m['omschrijving']} ({m['status'].lower()})")
    document.add_heading("3.5 Heat map", level=2)
    for kaart in heatmap_kaarten(gegevens):
        document.add_heading(kaart["titel"], level=3)
        tabel = document.add_table(rows=1, cols=6)
        tabel.style = "Table Grid"
        _kopcellen(tabel, ["Kans \\ impact", *[label for _, label in kaart["impacts"]]])
        for rij in kaart["rijen"]:
            cellen = tabel.add_row().cells
            cellen[0].text = rij["label"]
            for cel, c in zip(cellen[1:], rij["cellen"], strict=True):
                _rechts(cel, str(c["aantal"]))
                vol, licht = NIVEAU_KLEUREN[c["niveau"]]
                _arceer(cel, (vol if c["aantal"] else licht)[1:].upper())
        voet = f"{kaart['gescoord']} risico's in de kaart"
        if kaart["niet_gescoord"]:
            voet += f"; {kaart['niet_gescoord']} niet gescoord (niet in de kaart)"
        document.add_paragraph(voet + ".")
    document.add_heading("3.6 Risicodialogen", level=2)
    if not risicos["dialogen"]:
        document.add_paragraph("In deze periode zijn geen risicodialogen gehouden.")
    for d in risicos["dialogen"]:
        wat = f"{d['niveau'].lower()}, {d['status'].lower()}, {d['aantal_risicos']} risico's"
        _opsomming(document, f"{datum(d['datum'])}: {d['titel']} ({wat})")
        if d["besluiten"]:
            document.add_paragraph(f"Besluiten: {d['besluiten']}")


def _auditparagraaf(document, gegevens):
    audits = gegevens.get("audits")
    if not audits:
        return
    document.add_page_break()
    document.add_heading("4 Aanpak tekortkomingen Auditdienst Rijk en Algemene Rekenkamer", level=1)
    for n, groep in enumerate(audits["instanties"], start=1):
        document.add_heading(f"4.{n} {groep['naam']}", level=2)
        tabel = document.add_table(rows=1, cols=5)
        tabel.style = "Table Grid"
        _kopcellen(
            tabel,
            ["Bevinding", "Soort", "Status", "Verwacht opgelost", f"Oordeel {audits['jaar']}"],
        )
        for b in groep["bevindingen"]:
            cellen = tabel.add_row().cells
            cellen[0].text = f"{b['titel']} ({b['rapport']})"
            cellen[1].text = b["soort"]
            cellen[2].text = b["status_label"]
            cellen[3].text = (
                datum(b["verwacht_opgelost"]) if b["verwacht_opgelost"] else "niet vermeld"
            )
            cellen[4].text = b["oordeel"] or "niet vastgelegd"


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

    _risicoparagraaf(document, gegevens)
    _auditparagraaf(document, gegevens)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
