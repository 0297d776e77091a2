"""The report is one outline (rapportage/opzet.py) that HTML, PDF and Word only walk."""

import copy
import datetime
import io
import json
import re

import docx
import pytest
from django.db import connection
from django.urls import reverse
from lxml import html as lxml_html
from pypdf import PdfReader

from programmas.models import Periodesoort, PeriodeStatus, Status
from rapportage import docx as rapport_docx
from rapportage import html as rapport_html
from rapportage import pdf as rapport_pdf
from rapportage.gegevens import rapport_gegevens
from rapportage.models import Rapportsnapshot
from rapportage.opzet import (
    SCHEMA_VERSIE,
    Alinea,
    Heatmap,
    Opsomming,
    Rapport,
    Statusstip,
    Tabel,
    Tekst,
    bouw_rapport,
    secties_met_diepte,
    tekst,
)
from rapportage.services import opzet_voor, rapport_vastleggen
from tests.audits.factories import BevindingFactory
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory, StatusrapportageFactory
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

# A report's data as snapshots stored it before the outline existed (schema 0: only
# `gegevens`), with text that breaks documents: a vertical tab (Word's Shift+Enter), a form
# feed, NUL and other controls, and characters that are markup in HTML and ReportLab.
OUDE_GEGEVENS = {
    "periode": {
        "id": 1,
        "naam": "Jaar 2019",
        "jaar": 2019,
        "soort": "JAAR",
        "is_jaar": True,
        "status": "gesloten",
        "begindatum": "2019-01-01",
        "einddatum": "2019-12-31",
    },
    "gemaakt_op": "2020-01-03T09:15:00+00:00",
    "indicatoren": {
        "groepen": [
            {
                "naam": "Afdrachten in 2019",
                "heeft_doel": False,
                "totaal": "1500",
                "rijen": [
                    {
                        "naam": "Invoerrechten",
                        "eenheid": "x € 1.000",
                        "richting": "hoger",
                        "initiatief": "",
                        "doelstelling": None,
                        "realisatie": "1000",
                        "bandbreedte": None,
                        "percentage": None,
                        "status": "geen_doel",
                        "status_label": "geen doelstelling",
                        "toelichting": "",
                    },
                    {
                        "naam": "Accijnzen",
                        "eenheid": "x € 1.000",
                        "richting": "hoger",
                        "initiatief": "",
                        "doelstelling": None,
                        "realisatie": "500",
                        "bandbreedte": None,
                        "percentage": None,
                        "status": "geen_doel",
                        "status_label": "geen doelstelling",
                        "toelichting": "",
                    },
                ],
            },
            {
                "naam": "Controles in 2019",
                "heeft_doel": True,
                "totaal": None,
                "rijen": [
                    {
                        "naam": "Controles vracht",
                        "eenheid": "aantal",
                        "richting": "hoger",
                        "initiatief": "",
                        "doelstelling": "1000",
                        "realisatie": "900",
                        "bandbreedte": "5",
                        "percentage": "90",
                        "status": "rood",
                        "status_label": "Rood",
                        "toelichting": "",
                    },
                    {
                        "naam": "Controles post",
                        "eenheid": "aantal",
                        "richting": "hoger",
                        "initiatief": "",
                        "doelstelling": "10",
                        "realisatie": None,
                        "bandbreedte": None,
                        "percentage": None,
                        "status": "niet_gerapporteerd",
                        "status_label": "niet gerapporteerd",
                        "toelichting": "",
                    },
                ],
            },
        ]
    },
    "activiteiten": {
        "vorige_periode": "2019 T3",
        "themas": [
            {
                "naam": "Datagedreven organisatie",
                "paragraaf": "3.3",
                "initiatieven": [
                    {
                        "id": 1,
                        "naam": "Datamanagement",
                        "eigenaar": "pm",
                        "status": "rood",
                        "status_label": "Rood",
                        "vorige_status": "oranje",
                        "trend": "slechter",
                        "trend_label": "Verslechterd",
                        "toelichting": "Eerste regel\x0btweede regel\x0c derde\x00 <b>R&D</b>",
                        "pad_naar_groen": "Extra capaciteit\x1f inhuren.",
                    },
                    {
                        "id": 2,
                        "naam": "Dataplatform",
                        "eigenaar": "pm",
                        "status": "groen",
                        "status_label": "Groen",
                        "vorige_status": None,
                        "trend": "",
                        "trend_label": "",
                        "toelichting": "",
                        "pad_naar_groen": "",
                    },
                    {
                        "id": 3,
                        "naam": "Datakwaliteit",
                        "eigenaar": "pm",
                        "status": None,
                        "status_label": "niet gerapporteerd",
                        "vorige_status": None,
                        "trend": "",
                        "trend_label": "",
                        "toelichting": "",
                        "pad_naar_groen": "",
                    },
                ],
            }
        ],
    },
    "risicos": {
        "groepen": [
            {
                "categorie": "extern",
                "naam": "Externe ontwikkelingen",
                "risicos": [
                    {
                        "id": 1,
                        "titel": "Toename\x0baangiftes <script>",
                        "eigenaar": "rf",
                        "bruto": 16,
                        "bruto_niveau": "hoog",
                        "netto": 9,
                        "netto_niveau": "midden",
                        "risicobereidheid": 6,
                        "boven_bereidheid": True,
                        "maatregelen": [
                            {
                                "omschrijving": "Automatiseren",
                                "status": "In uitvoering",
                                "deadline": "2019-06-30",
                            }
                        ],
                    }
                ],
            },
            {
                "categorie": "intern",
                "naam": "Interne organisatie",
                "risicos": [
                    {
                        "id": 2,
                        "titel": "Personeel",
                        "eigenaar": "rf",
                        "bruto": None,
                        "bruto_niveau": None,
                        "netto": None,
                        "netto_niveau": None,
                        "risicobereidheid": None,
                        "boven_bereidheid": False,
                        "maatregelen": [],
                    }
                ],
            },
        ],
        "aantal_toprisicos": 2,
        "overkoepelend": [{"omschrijving": "Regie op doelen", "status": "Gereed"}],
        "heatmap": {"bruto": {"4,4": 1}, "netto": {"3,3": 1}},
        "niet_gescoord": {"bruto": 1, "netto": 1},
        "niet_gescoord_label": "niet gescoord",
        "dialogen": [
            {
                "titel": "Risicodialoog oktober 2019",
                "datum": "2019-10-31",
                "niveau": "Strategisch",
                "status": "Vastgesteld",
                "aantal_risicos": 2,
                "besluiten": "Toprisico's\nherijkt.",
            }
        ],
    },
    "audits": {
        "jaar": 2019,
        "instanties": [
            {
                "instantie": "ADR",
                "naam": "Auditdienst Rijk",
                "bevindingen": [
                    {
                        "id": 1,
                        "titel": "Onvolkomenheid\x0b inkoop & <beheer>",
                        "rapport": "ADR 2018",
                        "soort": "Onvolkomenheid",
                        "domein": "inkoop",
                        "status": "open",
                        "status_label": "Open",
                        "verwacht_opgelost": 2020,
                        "oordeel": "",
                    }
                ],
            }
        ],
    },
}
VASTGELEGD_OP = datetime.datetime(2020, 1, 5, 10, 30, tzinfo=datetime.UTC)


def _plat(waarde):
    """Text without layout: no whitespace, no dots or bullets drawn as characters."""
    return re.sub(r"[\s●○•]+", "", waarde)


def _celtekst(cel):
    if isinstance(cel, Statusstip):
        return cel.label
    if isinstance(cel, Tekst):
        return cel.tekst + cel.bijschrift
    return cel


def verwacht(rapport):
    """What the outline says, walked once: headings, text fragments in order, tables."""
    koppen, fragmenten, tabellen = [], [], []
    for diepte, sectie in secties_met_diepte(rapport.secties):
        koppen.append((diepte, sectie.kop))
        fragmenten.append(sectie.kop)
        for blok in sectie.blokken:
            if isinstance(blok, Alinea):
                fragmenten.append(blok.label + blok.tekst)
            elif isinstance(blok, Opsomming):
                fragmenten += blok.items
            elif isinstance(blok, Tabel):
                rijen = [list(blok.kolommen), *blok.rijen] + ([blok.voet] if blok.voet else [])
                rijen = [[_plat(_celtekst(c)) for c in rij] for rij in rijen]
                tabellen.append(rijen)
                fragmenten += [c for rij in rijen for c in rij]
            elif isinstance(blok, Heatmap):
                for kaart in blok.kaarten:
                    koppen.append((3, kaart.titel))
                    fragmenten += [kaart.titel, kaart.hoek, *kaart.impacts]
                    for rij in kaart.rijen:
                        fragmenten += [rij.label, *(str(c.aantal) for c in rij.cellen)]
                    fragmenten.append(kaart.voet)
    return koppen, [_plat(f) for f in fragmenten], tabellen


def _in_volgorde(fragmenten, tekst):
    """The fragments that are not found, in order, in `tekst` (empty: all are)."""
    tekst, positie, ontbreekt = _plat(tekst), 0, []
    for fragment in fragmenten:
        gevonden = tekst.find(fragment, positie)
        if gevonden < 0:
            ontbreekt.append(fragment)
        else:
            positie = gevonden + len(fragment)
    return ontbreekt


def html_lezen(rapport):
    boom = lxml_html.fromstring(f"<div>{rapport_html.inhoud(rapport)}</div>")
    for nav in boom.xpath("//nav"):
        nav.getparent().remove(nav)
    for verborgen in boom.xpath("//*[@aria-hidden='true' or contains(@class, 'sr-only')]"):
        verborgen.drop_tree()
    koppen = [(int(e.tag[1]) - 1, e.text_content().strip()) for e in boom.xpath("//h2|//h3|//h4")]
    tabellen = [
        [[_plat(c.text_content()) for c in tr.xpath("th|td")] for tr in t.xpath(".//tr")]
        for t in boom.xpath("//table[contains(@class, 'rapporttabel')]")
    ]
    return koppen, boom.text_content(), tabellen


def word_lezen(rapport):
    document = docx.Document(io.BytesIO(rapport_docx.maak_docx(rapport)))
    koppen = [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading") and p.text != "Inhoudsopgave"
    ]
    # Body order: paragraphs and tables interleaved, as Word shows them.
    delen = []
    for element in document.element.body.iterchildren():
        delen.append("".join(element.itertext()))
    hoeken = {k.hoek for b in _blokken(rapport) if isinstance(b, Heatmap) for k in b.kaarten}
    tabellen = [
        [[_plat(c.text) for c in rij.cells] for rij in t.rows]
        for t in document.tables
        if t.rows[0].cells[0].text not in hoeken
    ]
    return koppen, "\n".join(delen), tabellen


def pdf_lezen(rapport):
    pdf = PdfReader(io.BytesIO(rapport_pdf.maak_pdf(rapport)))

    def bladwijzers(items, niveau=1):
        for item in items:
            if isinstance(item, list):
                yield from bladwijzers(item, niveau + 1)
            else:
                yield niveau, item.title

    return list(bladwijzers(pdf.outline)), "\n".join(p.extract_text() for p in pdf.pages)


def _blokken(rapport):
    return [b for _, s in secties_met_diepte(rapport.secties) for b in s.blokken]


def assert_drie_formaten_gelijk(rapport):
    koppen, fragmenten, tabellen = verwacht(rapport)
    html_koppen, html_tekst, html_tabellen = html_lezen(rapport)
    word_koppen, word_tekst, word_tabellen = word_lezen(rapport)
    pdf_bladwijzers, pdf_tekst = pdf_lezen(rapport)

    assert html_koppen == koppen
    assert word_koppen == koppen
    assert pdf_bladwijzers == [(d, k) for d, k in koppen if d <= 2]
    assert html_tabellen == tabellen
    assert word_tabellen == tabellen
    for tekst_ in (html_tekst, word_tekst, pdf_tekst):
        assert _in_volgorde(fragmenten, tekst_) == []
    for tekst_ in (word_tekst, pdf_tekst):
        assert _plat(rapport.titel) in _plat(tekst_) and _plat(rapport.stand) in _plat(tekst_)


def test_one_outline_renders_the_same_text_in_html_pdf_and_word():
    rapport = bouw_rapport(OUDE_GEGEVENS, vastgelegd_op=VASTGELEGD_OP)
    assert_drie_formaten_gelijk(rapport)
    # The comparison can fail: a rendering that lacks a sentence is caught.
    legenda = rapport.secties[1].blokken[0].tekst
    word_tekst = word_lezen(rapport)[1]
    assert _in_volgorde(verwacht(rapport)[1], word_tekst.replace(legenda, "")) == [_plat(legenda)]


@pytest.mark.django_db
def test_the_2023_report_reads_the_same_in_html_pdf_and_word(demo):
    assert_drie_formaten_gelijk(opzet_voor(demo)[0])


def test_each_sentence_is_written_once_in_the_outline():
    rapport = bouw_rapport(OUDE_GEGEVENS, vastgelegd_op=VASTGELEGD_OP)
    activiteiten = rapport.secties[1]
    legenda = activiteiten.blokken[0].tekst
    assert legenda == (
        "De activiteitentabel geeft de status weer van de activiteiten uit het jaarplan. "
        "Groen: verloopt zoals gepland in het jaarplan. Oranje: verloopt minder of anders dan "
        "gepland was in het jaarplan. Rood: verloopt niet zoals gepland in het jaarplan. "
        "De trend vergelijkt met 2019 T3."
    )
    assert rapport.stand == (
        "Stand op de peildatum 31 december 2019: momentopname vastgelegd op "
        "5 januari 2020 om 11:30."
    )
    # Only oranje and rood get a toelichting: the red initiative, not the green or unreported.
    thema = activiteiten.subsecties[0]
    assert [s.titel for s in thema.subsecties] == ["Datamanagement (rood)"]
    assert thema.blokken[0].rijen[2][1] == Statusstip("", "niet gerapporteerd")
    risico = rapport.secties[2].subsecties[2].subsecties[0]
    assert risico.blokken[0].tekst == "Bruto: 16 · Netto: 9 (boven risicobereidheid 6)"
    assert rapport.secties[2].subsecties[3].subsecties[0].blokken[1] == Alinea(
        "Geen maatregelen vastgelegd.", soort="leeg"
    )


def test_control_characters_are_removed_once_in_the_outline():
    assert tekst("a\x0bb\x0cc\r\nd\x00e\x1f\x7ff\tg") == "a\nb\nc\nde" + "f\tg"
    assert tekst(" a\x0b\x0b\x0b \x0bb \n") == "a\n\nb"
    rapport = bouw_rapport(OUDE_GEGEVENS, vastgelegd_op=VASTGELEGD_OP)
    opgeslagen = json.dumps(rapport.naar_dict())
    assert not re.search(r"\\u00(0[0-8bcef]|1[0-9a-f])", opgeslagen)
    bevinding = rapport.secties[3].subsecties[0].blokken[0].rijen[0][0]
    assert bevinding == Tekst("Onvolkomenheid inkoop & <beheer>", "ADR 2018")


def test_the_outline_survives_its_round_trip_and_refuses_an_unknown_version():
    rapport = bouw_rapport(OUDE_GEGEVENS, vastgelegd_op=VASTGELEGD_OP)
    data = json.loads(json.dumps(rapport.naar_dict()))
    assert data["schema_versie"] == SCHEMA_VERSIE
    assert Rapport.van_dict(data) == rapport
    with pytest.raises(ValueError, match="schemaversie"):
        Rapport.van_dict({**data, "schema_versie": SCHEMA_VERSIE + 1})


@pytest.mark.django_db
def test_an_old_snapshot_without_outline_still_renders_in_all_formats(client_voor, lezer):
    periode = PeriodeFactory(jaar=2019, soort=Periodesoort.JAAR, status=PeriodeStatus.GESLOTEN)
    gegevens = copy.deepcopy(OUDE_GEGEVENS)
    if connection.vendor == "postgresql":
        # jsonb cannot hold NUL, so no stored snapshot there has one.
        gegevens = json.loads(json.dumps(gegevens).replace("\\u0000", ""))
    Rapportsnapshot.objects.create(periode=periode, gegevens=gegevens, vastgelegd_op=VASTGELEGD_OP)
    snapshot = Rapportsnapshot.objects.get()
    assert snapshot.schema_versie == 0 and snapshot.opzet is None
    client = client_voor(lezer)

    pagina = client.get(
        reverse("rapportage:jaar", args=[2019]), {"hoofdstuk": "alle"}
    ).content.decode()
    assert "Stand op de peildatum 31 december 2019: momentopname vastgelegd op" in pagina
    assert "Toename aangiftes &lt;script&gt;" in pagina
    assert "Eerste regel<br>tweede regel<br> derde &lt;b&gt;R&amp;D&lt;/b&gt;" in pagina

    pdf = client.get(reverse("rapportage:jaar_pdf", args=[2019]))
    tekst_ = _plat("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages))
    assert _plat("Toename aangiftes <script>") in tekst_
    assert _plat("derde <b>R&D</b>") in tekst_

    woord = client.get(reverse("rapportage:jaar_docx", args=[2019]))
    document = docx.Document(io.BytesIO(woord.getvalue()))
    cellen = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Onvolkomenheid inkoop & <beheer>\nADR 2018" in cellen
    assert "Toename aangiftes <script>" in [p.text for p in document.paragraphs]


@pytest.mark.django_db
def test_a_snapshot_stores_the_outline_with_its_schema_version(beheerder, pm):
    periode = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    StatusrapportageFactory(initiatief=InitiatiefFactory(eigenaar=pm), periode=periode)
    snapshot = rapport_vastleggen(periode=periode, door=beheerder)
    snapshot.refresh_from_db()
    assert snapshot.schema_versie == SCHEMA_VERSIE
    opgeslagen = Rapport.van_dict(snapshot.opzet)
    assert opgeslagen == bouw_rapport(snapshot.gegevens, vastgelegd_op=snapshot.vastgelegd_op)
    assert opzet_voor(periode)[0] == opgeslagen


@pytest.mark.django_db
def test_stored_control_characters_break_no_report_format(client_voor, lezer, pm):
    periode = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    StatusrapportageFactory(
        initiatief=InitiatiefFactory(eigenaar=pm, naam="Datamanagement"),
        periode=periode,
        status=Status.ROOD,
        toelichting="Plakte uit Word\x0bmet Shift+Enter\x0c en \x01\x1f<&>",
    )
    risico = RisicoFactory(toprisico=True, titel="Risico\x0bmet\x08 tab", eigenaar=pm)
    BeheersmaatregelFactory(eigenaar=pm, risicos=[risico], omschrijving="Maatregel\x0b1")
    BevindingFactory(titel="Bevinding\x0c<titel>\x1b", eigenaar=pm)
    # A title of line breaks or of one long word must not make a table row taller than a page.
    BevindingFactory(titel="\x0b" * 199 + "x", eigenaar=pm)
    BevindingFactory(titel="W" * 200, eigenaar=pm)
    client = client_voor(lezer)
    urls = [
        reverse(naam, args=[2026, "t3"])
        for naam in ("rapportage:periode", "rapportage:periode_pdf", "rapportage:periode_docx")
    ]
    pagina, pdf, woord = (client.get(url, {"hoofdstuk": "alle"}) for url in urls)
    assert all(r.status_code == 200 for r in (pagina, pdf, woord))

    verwachte = ["Plakte uit Word met Shift+Enter en <&>", "Risico met tab", "Bevinding <titel>"]
    html_tekst = lxml_html.fromstring(pagina.content).text_content()
    pdf_tekst = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    document = docx.Document(io.BytesIO(woord.getvalue()))
    word_tekst = "".join(document.element.body.itertext())
    for tekst_ in (html_tekst, pdf_tekst, word_tekst):
        for zin in verwachte:
            assert _plat(zin) in _plat(tekst_)


@pytest.mark.django_db
def test_report_data_takes_scores_and_appetite_from_the_risk_model(pm):
    periode = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    boven = RisicoFactory(toprisico=True, gescoord=True, risicobereidheid=6, eigenaar=pm)
    binnen = RisicoFactory(toprisico=True, gescoord=True, risicobereidheid=9, eigenaar=pm)
    risicos = {
        r["titel"]: r for g in rapport_gegevens(periode)["risicos"]["groepen"] for r in g["risicos"]
    }
    for risico in (boven, binnen):
        rij = risicos[risico.titel]
        assert (rij["bruto"], rij["netto"]) == (risico.bruto_score, risico.netto_score)
        assert rij["boven_bereidheid"] is risico.boven_risicobereidheid
    assert risicos[boven.titel]["boven_bereidheid"]
    assert not risicos[binnen.titel]["boven_bereidheid"]


LASTIGE_TEKSTEN = [
    "".join(chr(c) for c in range(32)) + "\x7f",  # every C0 control and DEL
    "<para>&amp; <b>vet</b> </font> <br/> &#0; &nbsp; ]]> {{ x }} {% if %}",
    "\x0b" * 500,
    "W" * 5000,
    "regel\n" * 100,
    "\ufffe\uffff \u2028\u2029 \U0001f600 ‮rechts-naar-links‬ ­zacht",
]


@pytest.mark.parametrize("lastig", LASTIGE_TEKSTEN)
def test_no_free_text_breaks_the_html_pdf_or_word_report(lastig):
    gegevens = copy.deepcopy(OUDE_GEGEVENS)
    initiatief = gegevens["activiteiten"]["themas"][0]["initiatieven"][0]
    initiatief["naam"] = initiatief["toelichting"] = initiatief["pad_naar_groen"] = lastig
    risico = gegevens["risicos"]["groepen"][0]["risicos"][0]
    risico["titel"] = risico["maatregelen"][0]["omschrijving"] = lastig
    gegevens["risicos"]["dialogen"][0]["besluiten"] = lastig
    gegevens["audits"]["instanties"][0]["bevindingen"][0]["titel"] = lastig
    rapport = bouw_rapport(gegevens, vastgelegd_op=VASTGELEGD_OP)

    assert Rapport.van_dict(json.loads(json.dumps(rapport.naar_dict()))) == rapport
    html_lezen(rapport)
    word_lezen(rapport)
    assert pdf_lezen(rapport)[0]
