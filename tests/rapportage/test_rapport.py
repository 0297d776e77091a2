import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from programmas import services as programma_services
from programmas.models import (
    Periodesoort,
    PeriodeStatus,
    Status,
    Statusrapportage,
)
from rapportage.gegevens import rapport_gegevens
from rapportage.models import Rapportsnapshot
from rapportage.services import rapport_voor
from tests.audits.factories import BevindingFactory
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory, StatusrapportageFactory
from tests.programmas.test_demo import RAPPORT_2023
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db


def test_the_2023_report_has_the_activity_tables_of_chapter_3(demo):
    gegevens, snapshot = rapport_voor(demo)
    assert snapshot is not None  # closed period: the frozen report
    gevonden = {
        thema["naam"]: [(i["naam"], i["status"]) for i in thema["initiatieven"]]
        for thema in gegevens["activiteiten"]["themas"]
    }
    assert gevonden == RAPPORT_2023
    labels = [
        i["status_label"] for t in gegevens["activiteiten"]["themas"] for i in t["initiatieven"]
    ]
    assert labels.count("niet gerapporteerd") == 7


def test_the_2023_report_has_the_tables_of_chapter_2(demo):
    groepen = {g["naam"]: g for g in rapport_voor(demo)[0]["indicatoren"]["groepen"]}
    afdrachten = groepen["Afdrachten in 2023 (bedragen x € 1.000)"]
    assert afdrachten["totaal"] == "17395454"
    controles = groepen["Controles in 2023"]
    assert [r["status"] for r in controles["rijen"]].count("groen") == 5
    # A single figure is not "totalled".
    assert groepen["Klantgericht Toezicht"]["totaal"] is None


def test_html_report_shows_dots_words_toelichting_and_the_peildatum(client_voor, lezer, demo):
    html = client_voor(lezer).get(reverse("rapportage:jaar", args=[2023])).content.decode()
    assert "Jaarrapportage Douane 2023" in html
    assert "Stand op de peildatum 31 december 2023" in html
    assert "Inhoudsopgave" in html
    assert 'class="status status-rood"' in html and "Rood" in html
    assert "geëscaleerd naar het bestuurlijk niveau" in html  # VID's toelichting
    assert html.count("niet gerapporteerd") >= 7


def test_a_closed_report_does_not_change_after_later_edits(client_voor, lezer, beheerder, pm):
    t2 = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.OPEN)
    initiatief = InitiatiefFactory(eigenaar=pm, naam="Datamanagement")
    StatusrapportageFactory(initiatief=initiatief, periode=t2, status=Status.GROEN)
    programma_services.periode_sluiten(periode=t2, door=beheerder)
    assert Rapportsnapshot.objects.filter(periode=t2).exists()

    # After closing, the Beheerder corrects the status …
    r = Statusrapportage.objects.get()
    programma_services.statusrapportage_indienen(
        initiatief=initiatief,
        periode=t2,
        status=Status.ROOD,
        toelichting="Correctie.",
        door=beheerder,
        verwachte_versie=r.versie,
    )
    # … the report of the closed period still shows the state at closing,
    url = reverse("rapportage:periode", args=[2026, "t2"])
    gegevens = rapport_voor(t2)[0]
    assert gegevens["activiteiten"]["themas"][0]["initiatieven"][0]["status"] == "groen"
    assert "momentopname vastgelegd" in client_voor(lezer).get(url).content.decode()
    # until someone retakes it on purpose.
    client_voor(beheerder).post(reverse("rapportage:vastleggen", args=[t2.pk]))
    assert rapport_voor(t2)[0]["activiteiten"]["themas"][0]["initiatieven"][0]["status"] == "rood"
    assert Rapportsnapshot.history.filter(periode_id=t2.pk).count() == 2


def test_comparing_two_periods_shows_status_changes(client_voor, lezer, pm):
    t2 = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    t3 = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    initiatief = InitiatiefFactory(eigenaar=pm, naam="Datamanagement")
    StatusrapportageFactory(initiatief=initiatief, periode=t2, status=Status.GROEN)
    StatusrapportageFactory(initiatief=initiatief, periode=t3, status=Status.ORANJE)
    html = client_voor(lezer).get(reverse("rapportage:vergelijk"), {"van": t2.pk, "tot": t3.pk})
    html = html.content.decode()
    rij = html[html.index("Datamanagement") :]
    assert "Groen" in rij[: rij.index("</tr>")] and "Oranje" in rij[: rij.index("</tr>")]


def test_pdf_is_a_valid_file_with_the_headings(client_voor, lezer, demo):
    response = client_voor(lezer).get(reverse("rapportage:jaar_pdf", args=[2023]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapportage-douane-2023.pdf"' in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.content))
    tekst = "\n".join(pagina.extract_text() for pagina in pdf.pages)
    for kop in (
        "Jaarrapportage Douane 2023",
        "Inhoudsopgave",
        "1 Inleiding",
        "2 De Douane in 2023",
        "3 Prestaties",
        "4 Activiteiten uit het jaarplan",
        "Controles in 2023",
    ):
        assert kop in tekst
    # Chapters are PDF bookmarks too, for navigation in a viewer.
    hoofdstukken = [o.title for o in pdf.outline if not isinstance(o, list)]
    assert hoofdstukken == [
        "1 Inleiding",
        "2 De Douane in 2023",
        "3 Prestaties",
        "4 Activiteiten uit het jaarplan",
        "5 Risicomanagement",
        "6 Aanpak tekortkomingen Auditdienst Rijk en Algemene Rekenkamer",
    ]


def test_docx_is_a_valid_word_file_with_the_headings(client_voor, lezer, demo):
    response = client_voor(lezer).get(reverse("rapportage:jaar_docx", args=[2023]))
    assert 'filename="rapportage-douane-2023.docx"' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    koppen = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "Jaarrapportage Douane 2023" in koppen
    assert koppen.index("1 Inleiding") < koppen.index("2 De Douane in 2023")
    assert "2.3 Sanctiemaatregelen" in koppen
    assert "4 Activiteiten uit het jaarplan" in koppen
    assert "4.3 Datagedreven organisatie" in koppen
    assert "5.2 Overkoepelende maatregelen" in koppen
    assert "6.1 Auditdienst Rijk" in koppen
    cellen = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "● Rood" in cellen and "○ niet gerapporteerd" in cellen


def test_report_queries_do_not_grow_with_initiatives(pm):
    periode = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)

    def tel():
        with CaptureQueriesContext(connection) as ctx:
            rapport_gegevens(periode)
        return len(ctx.captured_queries)

    def maak(aantal):
        for _ in range(aantal):
            StatusrapportageFactory(initiatief=InitiatiefFactory(eigenaar=pm), periode=periode)
            risico = RisicoFactory(toprisico=True, eigenaar=pm)
            BeheersmaatregelFactory(eigenaar=pm, risicos=[risico])
            BevindingFactory(eigenaar=pm)

    maak(3)
    weinig = tel()
    maak(30)
    assert tel() == weinig


def test_a_lezer_reads_reports_an_outsider_does_not(client_voor, lezer, buitenstaander, demo):
    assert (
        client_voor(buitenstaander).get(reverse("rapportage:jaar", args=[2023])).status_code == 403
    )
    assert client_voor(lezer).get(reverse("rapportage:jaar", args=[2099])).status_code == 404
    assert (
        client_voor(lezer).post(reverse("rapportage:vastleggen", args=[demo.pk])).status_code == 403
    )


TOPRISICOS = {
    "extern": {
        "Enorme toename van het aanbod van aangiftes dat tot knelpunten in de handhaving leidt",
        "DWU-verplichtingen",
    },
    "intern": {
        "Onvoldoende medewerkers met de juiste kwalificaties beschikbaar voor het werk van de Douane",  # noqa: E501
        "Personele veiligheid en integriteit",
        "Ontbreken integrale inrichting en governance van Gegevensmanagement",
        "Een organisatiestructuur die niet flexibel genoeg is om op veranderingen te kunnen inspelen",  # noqa: E501
        "Nederland moet Traditionele Eigen Middelen (TEM) en verdragingsrente nabetalen aan de EU",
    },
}


def test_the_2023_report_has_the_risk_paragraph_of_chapter_4(demo):
    risicos = rapport_voor(demo)[0]["risicos"]
    gevonden = {g["categorie"]: {r["titel"] for r in g["risicos"]} for g in risicos["groepen"]}
    assert gevonden == TOPRISICOS
    assert len(risicos["overkoepelend"]) == 4
    assert all(r["maatregelen"] for g in risicos["groepen"] for r in g["risicos"])
    # The source gives no scores: nothing in the heat map, all seven said to be unscored.
    assert risicos["heatmap"] == {"bruto": {}, "netto": {}}
    assert risicos["niet_gescoord"] == {"bruto": 7, "netto": 7}
    assert [d["titel"] for d in risicos["dialogen"]] == ["Risicodialoog oktober 2023"]


def test_the_2023_report_has_the_audit_section(demo):
    audits = rapport_voor(demo)[0]["audits"]
    bevindingen = {b["titel"]: b for groep in audits["instanties"] for b in groep["bevindingen"]}
    assert bevindingen["Onvolkomenheid inkoopbeheer"]["verwacht_opgelost"] == 2024
    assert bevindingen["Onvolkomenheid grote geldstroom"]["verwacht_opgelost"] == 2025
    assert bevindingen["Tekortkoming logische toegangsbeveiliging"]["status"] == "opgelost"
    assert bevindingen["Onzekerheid Diplomaten"]["status"] == "opgelost"
    assert bevindingen["Onzekerheid Accijns"]["status"] == "in_uitvoering"
    namen = [g["naam"] for g in audits["instanties"]]
    assert "Auditdienst Rijk" in namen and "Algemene Rekenkamer" in namen


def test_html_report_has_chapter_4_with_heat_map_and_unscored_risks(client_voor, lezer, demo):
    html = client_voor(lezer).get(reverse("rapportage:jaar", args=[2023])).content.decode()
    assert "5 Risicomanagement" in html and "Overkoepelende maatregelen" in html
    assert "niet gescoord" in html and 'class="heatmap"' in html
    assert "6 Aanpak tekortkomingen Auditdienst Rijk en Algemene Rekenkamer" in html
    assert "Oordeel 2023" in html


def test_comparison_shows_new_and_closed_risks_and_resolved_findings():
    from rapportage.vergelijking import vergelijk

    def rapport(risicos, bevindingen):
        return {
            "activiteiten": {"themas": []},
            "risicos": {"groepen": [{"risicos": [{"titel": t, "netto": n} for t, n in risicos]}]},
            "audits": {
                "instanties": [{"bevindingen": [{"titel": t, "status": s} for t, s in bevindingen]}]
            },
        }

    van = rapport([("A", None), ("B", 12)], [("Inkoop", "in_uitvoering"), ("Wpg", "open")])
    tot = rapport(
        [("B", 9), ("C", None)], [("Inkoop", "opgelost"), ("Wpg", "open"), ("Nieuw", "open")]
    )
    verschil = vergelijk(van, tot)
    assert verschil["risicos_nieuw"] == ["C"] and verschil["risicos_vervallen"] == ["A"]
    assert verschil["scores"] == [{"titel": "B", "van": 12, "tot": 9}]
    assert verschil["bevindingen_opgelost"] == ["Inkoop"]
    assert verschil["bevindingen_nieuw"] == ["Nieuw"]
