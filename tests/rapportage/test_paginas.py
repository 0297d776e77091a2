"""The report on screen in pages of bounded size (issue 13): a long chapter is cut at its
sections and rows, every row is on exactly one page, the contents lead to each page, and
a second request reads the cache instead of gathering the data again."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmas.models import Status
from rapportage import bestanden, paginas, services
from rapportage.opzet import Alinea, Rapport, Sectie, Statusstip, Tabel
from tests.programmas.factories import (
    InitiatiefFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)

URL = reverse("rapportage:periode", args=[2026, "t3"])


def _artikel(inhoud):
    """The report itself, without the page chrome (the log-out form's CSRF token)."""
    return inhoud[inhoud.index(b'<article class="rapport">') :]


def _thema(m, rijen, toelichtingen=0):
    tabel = Tabel(
        kolommen=[f"Thema {m}", "Status"],
        rijen=[[f"T{m} rij {i}", Statusstip("groen", "Groen")] for i in range(rijen)],
        voet=["Totaal", str(rijen)],
    )
    onder = [
        Sectie("", f"T{m} toelichting {i}", [Alinea("Vertraagd.")]) for i in range(toelichtingen)
    ]
    return Sectie(f"2.{m}", f"Thema {m}", [tabel], onder, anker=f"thema-{m}")


def _rapport(*themas):
    return Rapport(
        titel="Jaarrapportage",
        afzender="Douane",
        stand="Stand",
        secties=[
            Sectie("1", "Prestaties", [Alinea("Kort.")], anker="prestaties"),
            Sectie("2", "Activiteiten", [Alinea("Legenda.")], themas, anker="activiteiten"),
        ],
    )


def _rijen(sectie):
    """Table rows and headings, a continued heading not again."""
    if not sectie.titel.endswith(paginas.VERVOLG):
        yield sectie.titel
    for blok in sectie.blokken:
        if isinstance(blok, Tabel):
            yield from (rij[0] for rij in blok.rijen)
    for sub in sectie.subsecties:
        yield from _rijen(sub)


def test_a_short_chapter_stays_one_page_and_is_the_chapter_itself():
    rapport = _rapport(_thema(1, 5, 2))
    indeling = paginas.indelen(rapport, 250)
    assert [len(h) for h in indeling] == [1, 1]
    assert [pagina for pagina, _ in indeling[1]] == [rapport.secties[1]]


def test_a_long_chapter_is_cut_at_its_sections_then_at_its_rows_each_row_once():
    # Two themes that fit a page each, one that needs three.
    rapport = _rapport(_thema(1, 80, 3), _thema(2, 90), _thema(3, 260, 4))
    pagina_s = [pagina for pagina, _ in paginas.indelen(rapport, 100)[1]]

    alle_rijen = [r for p in pagina_s for r in _rijen(p)]
    assert alle_rijen == list(_rijen(rapport.secties[1]))  # each once, in order
    # A theme that fits on a page starts on a page of its own rather than being cut.
    assert [s.titel for s in pagina_s[1].subsecties] == ["Thema 2"]
    assert pagina_s[0].titel == "Activiteiten" and pagina_s[1].titel.endswith("(vervolg)")
    vervolg = pagina_s[3].subsecties[0]
    assert vervolg.titel == "Thema 3 (vervolg)" and vervolg.anker == ""
    # The column heads come back; the totals row only under the last part.
    delen = [p.subsecties[0].blokken[0] for p in pagina_s[2:] if p.subsecties[0].blokken]
    assert all(d.kolommen == ("Thema 3", "Status") for d in delen)
    assert [bool(d.voet) for d in delen] == [False] * (len(delen) - 1) + [True]
    for pagina in pagina_s:
        assert sum(s.gewicht for s in paginas._stukken(pagina)) <= 100 + 3


def test_a_heading_never_ends_a_page():
    rapport = _rapport(_thema(1, 97), _thema(2, 300))
    for pagina, _ in paginas.indelen(rapport, 100)[1]:
        laatste = pagina
        while laatste.subsecties:
            laatste = laatste.subsecties[-1]
        assert laatste.blokken, laatste.titel


@pytest.fixture
def groot(pm, settings):
    """A live report whose activity chapter needs several pages at 20 lines a page."""
    settings.RAPPORT_PAGINA_OMVANG = 20
    settings.RAPPORT_ALLES_TOT = 40
    periode = PeriodeFactory()
    for thema, aantal in zip(ThemaFactory.create_batch(2), (15, 30), strict=True):
        for i in InitiatiefFactory.create_batch(aantal, thema=thema, eigenaar=pm):
            StatusrapportageFactory(initiatief=i, periode=periode, status=Status.GROEN)
    return periode


@pytest.mark.django_db
def test_the_contents_lead_to_every_page_and_the_pages_to_each_other(client_voor, lezer, groot):
    client = client_voor(lezer)
    inhoud = client.get(URL).content.decode()
    assert "?hoofdstuk=2&amp;pagina=2" in inhoud and "Pagina's: <a" in inhoud

    tweede = client.get(URL, {"hoofdstuk": 2, "pagina": 2}).content.decode()
    assert "(vervolg)" in tweede and "Pagina 2 van" in tweede
    assert 'href="?hoofdstuk=2" rel="prev">Vorige pagina' in tweede
    assert 'href="?hoofdstuk=2&amp;pagina=3" rel="next">Volgende pagina' in tweede
    assert client.get(URL, {"hoofdstuk": 2, "pagina": 99}).status_code == 404
    assert client.get(URL, {"hoofdstuk": 2, "pagina": "x"}).status_code == 404

    # Every initiative of the chapter is on exactly one of its pages.
    aantal = int(inhoud.split("?hoofdstuk=2&amp;pagina=")[-1].split('"')[0])
    teksten = [
        client.get(URL, {"hoofdstuk": 2, "pagina": p}).content.decode()
        for p in range(1, aantal + 1)
    ]
    for initiatief in groot.rapportages.select_related("initiatief"):
        naam = f">{initiatief.initiatief.naam}<"
        assert sum(t.count(naam) for t in teksten) == 1, naam


@pytest.mark.django_db
def test_the_whole_report_on_one_page_only_below_the_threshold(client_voor, lezer, groot, settings):
    client = client_voor(lezer)
    groot_html = client.get(URL, {"hoofdstuk": "alle"}).content.decode()
    assert "<section " not in groot_html
    assert "te veel om in één keer te laden" in groot_html and "PDF of Word" in groot_html
    assert "Het hele rapport op één pagina</a>" not in client.get(URL).content.decode()

    settings.RAPPORT_ALLES_TOT = 10_000  # in no key: it counts from the next change of data
    StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Nieuw.")
    klein = client.get(URL, {"hoofdstuk": "alle"}).content.decode()
    assert klein.count("<section ") >= 2 and "Nieuw." in klein


@pytest.mark.django_db
def test_a_second_request_reads_the_cache_until_the_data_changes(
    client_voor, lezer, groot, monkeypatch
):
    client = client_voor(lezer)
    with CaptureQueriesContext(connection) as eerste:
        eerste_html = client.get(URL, {"hoofdstuk": 2, "pagina": 2}).content
    # Counted at once: the next request empties the connection's log.
    eerste = len(eerste)

    def niet_opnieuw(periode):
        raise AssertionError("the outline was built again")

    with monkeypatch.context() as m:
        m.setattr(services, "opzet_voor", niet_opnieuw)
        with CaptureQueriesContext(connection) as tweede:
            tweede_html = client.get(URL, {"hoofdstuk": 2, "pagina": 2}).content
        tweede = len(tweede)
        assert client.get(URL).status_code == 200  # the contents: the same cache
    assert _artikel(tweede_html) == _artikel(eerste_html)
    assert tweede < eerste and tweede <= 10

    StatusrapportageFactory(periode=groot, status=Status.ROOD, toelichting="Nieuw na wijziging.")
    with CaptureQueriesContext(connection) as na_wijziging:
        html = client.get(URL, {"hoofdstuk": 2}).content.decode()
    assert len(na_wijziging) > tweede
    assert "Nieuw na wijziging." in html or "Nieuw na wijziging." in "".join(
        client.get(URL, {"hoofdstuk": 2, "pagina": p}).content.decode() for p in range(2, 6)
    )


@pytest.mark.django_db
def test_an_evicted_page_is_made_again(client_voor, lezer, groot):
    client = client_voor(lezer)
    eerst = client.get(URL, {"hoofdstuk": 2, "pagina": 2}).content
    cache.delete(paginas._sleutel(bestanden.sleutel(groot), paginas._bundel(2, 2)))
    assert _artikel(client.get(URL, {"hoofdstuk": 2, "pagina": 2}).content) == _artikel(eerst)
