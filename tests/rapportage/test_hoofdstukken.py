"""Chapters 1 and 2: written per period, parsed once into outline blocks, in all formats."""

import io

import docx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from rapportage import html, pdf, services
from rapportage.models import Rapporttekst
from rapportage.opzet import (
    Fragment,
    Lijst,
    OpgemaakteAlinea,
    Rapport,
    bouw_rapport,
    opgemaakte_tekst,
)
from tests.programmas.factories import PeriodeFactory

BRON = """Eerste **vet** en *cursief* in snake_case, 3 \\* 4.
Zelfde alinea. <script>alert(1)</script>

- een
- twee

1. eerste
2. tweede

## Sancties
Tekst over sancties.
### Russische auto's
Onder de kop.
"""


def test_the_markup_becomes_paragraphs_lists_and_numbered_sections():
    blokken, secties = opgemaakte_tekst(BRON, nummer=2, anker="verhaal")
    alinea, bullets, genummerd = blokken
    assert alinea == OpgemaakteAlinea(
        [
            Fragment("Eerste "),
            Fragment("vet", vet=True),
            Fragment(" en "),
            Fragment("cursief", cursief=True),
            Fragment(" in snake_case, 3 * 4. Zelfde alinea. <script>alert(1)</script>"),
        ]
    )
    assert bullets == Lijst([[Fragment("een")], [Fragment("twee")]])
    assert genummerd.genummerd and len(genummerd.items) == 2
    (sancties,) = secties
    assert (sancties.kop, sancties.anker) == ("2.1 Sancties", "verhaal-1")
    assert sancties.subsecties[0].kop == "Russische auto's"


def _gegevens(periode, **teksten):
    from rapportage.gegevens import rapport_gegevens

    Rapporttekst.objects.create(periode=periode, **teksten)
    return rapport_gegevens(periode)


@pytest.mark.django_db
def test_the_chapters_come_first_in_html_pdf_and_word_and_raw_html_stays_text(client_voor, lezer):
    periode = PeriodeFactory(jaar=2031, soort="JAAR")
    rapport = bouw_rapport(_gegevens(periode, inleiding="Welkom **allen**.", verhaal=BRON))
    assert [s.kop for s in rapport.secties][:3] == [
        "1 Inleiding",
        "2 De Douane in 2031",
        "3 Prestaties",
    ]

    inhoud = str(html.inhoud(rapport))
    assert "Welkom <strong>allen</strong>." in inhoud
    assert "&lt;script&gt;" in inhoud and "<script>" not in inhoud
    assert "<ol><li>eerste</li><li>tweede</li></ol>" in inhoud

    tekst = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.maak_pdf(rapport))).pages)
    assert "1 Inleiding" in tekst and "2.1 Sancties" in tekst and "<script>" in tekst

    from rapportage.docx import maak_docx

    document = docx.Document(io.BytesIO(maak_docx(rapport)))
    vet = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "allen" in vet and "vet" in vet
    assert any(p.style.name == "List Number" and p.text == "eerste" for p in document.paragraphs)


@pytest.mark.django_db
def test_without_text_there_are_no_extra_chapters():
    periode = PeriodeFactory(jaar=2032, soort="JAAR")
    rapport = bouw_rapport(_gegevens(periode, inleiding="  \n", verhaal=""))
    assert rapport.secties[0].kop == "1 Prestaties"


def test_a_version_1_outline_still_renders_and_the_new_blocks_round_trip(demo):
    snapshot = demo.snapshot
    rapport = services.opzet_van(snapshot)
    assert Rapport.van_dict(rapport.naar_dict()) == rapport
    assert rapport.secties[0].kop == "1 Inleiding"
    # A snapshot taken before chapters 1 and 2 existed (schema 1) keeps rendering.
    oud = bouw_rapport({**snapshot.gegevens, "teksten": {}}).naar_dict()
    oud["schema_versie"] = 1
    snapshot.opzet, snapshot.schema_versie = oud, 1
    oude = services.opzet_van(snapshot)
    assert oude.schema_versie == 1 and oude.secties[0].kop == "1 Prestaties"
    assert "Prestaties" in str(html.inhoud(oude))
    with pytest.raises(ValueError):
        Rapport.van_dict({**oud, "schema_versie": 3})


def test_the_beheerder_writes_the_chapters_with_history(client_voor, beheerder, lezer, demo):
    url = reverse("rapportage:hoofdstukken", args=[2023])
    assert client_voor(lezer).get(url).status_code == 403
    client = client_voor(beheerder)
    pagina = client.get(url).content.decode()
    assert 'aria-describedby="id_inleiding_helptext"' in pagina
    versie = Rapporttekst.objects.get(periode=demo).versie
    antwoord = client.post(
        url, {"inleiding": "Nieuw.", "verhaal_titel": "", "verhaal": "Verhaal.", "versie": versie}
    )
    assert antwoord.status_code == 302
    tekst = Rapporttekst.objects.get(periode=demo)
    assert tekst.inleiding == "Nieuw."
    assert tekst.history.count() == 2 and tekst.history.first().history_user == beheerder
    # The closed period shows its snapshot until it is retaken on purpose.
    assert (
        "Nieuw."
        not in client.get(
            reverse("rapportage:jaar", args=[2023]), {"hoofdstuk": "alle"}
        ).content.decode()
    )
    services.rapport_vastleggen(periode=demo, door=beheerder)
    html_ = client.get(
        reverse("rapportage:jaar", args=[2023]), {"hoofdstuk": "alle"}
    ).content.decode()
    assert "Nieuw." in html_ and "2 De Douane in 2023" in html_
    assert "Hoofdstukken 1 en 2 bewerken" in html_


def test_two_people_editing_the_chapters_lose_nothing(client_voor, beheerder, demo):
    url = reverse("rapportage:hoofdstukken", args=[2023])
    client = client_voor(beheerder)
    versie = Rapporttekst.objects.get(periode=demo).versie
    velden = {"verhaal_titel": "", "verhaal": "Verhaal.", "versie": versie}
    assert client.post(url, {**velden, "inleiding": "Eerst."}).status_code == 302

    antwoord = client.post(url, {**velden, "inleiding": "Daarna, op de oude versie."})

    pagina = antwoord.content.decode()
    assert antwoord.status_code == 200
    assert "intussen gewijzigd" in pagina and "Daarna, op de oude versie." in pagina
    assert Rapporttekst.objects.get(periode=demo).inleiding == "Eerst."
    zonder_versie = {k: v for k, v in velden.items() if k != "versie"}
    assert client.post(url, {**zonder_versie, "inleiding": "Zonder versie."}).status_code == 200
    assert Rapporttekst.objects.get(periode=demo).inleiding == "Eerst."
