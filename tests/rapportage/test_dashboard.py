import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmas.models import Periodesoort, PeriodeStatus, Status
from rapportage import dashboard
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gegevens(pm, pm2):
    t2 = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    t3 = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    data = ThemaFactory(naam="Datagedreven organisatie")
    a, b, c = (InitiatiefFactory(thema=data, eigenaar=pm) for _ in range(3))
    StatusrapportageFactory(initiatief=a, periode=t2, status=Status.GROEN)
    StatusrapportageFactory(initiatief=b, periode=t2, status=Status.GROEN)
    StatusrapportageFactory(initiatief=a, periode=t3, status=Status.ROOD)
    StatusrapportageFactory(initiatief=b, periode=t3, status=Status.GROEN)
    MijlpaalFactory(initiatief=a, deadline=datetime.date(2026, 11, 1))
    MijlpaalFactory(initiatief=c, eigenaar=pm2, deadline=datetime.date(2026, 10, 1))
    MijlpaalFactory(initiatief=c, eigenaar=pm2, deadline=datetime.date(2026, 12, 31))
    return t3


def test_status_counts_per_theme_with_the_change_since_the_previous_period(gegevens):
    blok = dashboard.status_per_thema(gegevens)
    (thema,) = blok["themas"]
    assert {s: n for s, _, n in thema["tellingen"]} == {
        "groen": 1,
        "oranje": 0,
        "rood": 1,
        "niet_gerapporteerd": 1,
    }
    assert thema["verschil"] == {"groen": -1, "oranje": 0, "rood": 1, "niet_gerapporteerd": 0}


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_overdue_actions_per_kind_and_owner(gegevens, pm, pm2):
    blok = dashboard.te_late_acties()
    mijlpalen = next(r for r in blok["per_soort"] if r["soort"] == "mijlpalen")
    assert mijlpalen["aantal"] == 2
    assert {r["eigenaar"]: r["totaal"] for r in blok["per_eigenaar"]} == {pm: 1, pm2: 1}


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_the_counts_in_one_query_match_the_blocks_read_apart(gegevens, pm):
    from tests.audits.factories import BevindingFactory
    from tests.risicos.factories import RisicoFactory

    RisicoFactory(gescoord=True)
    RisicoFactory()
    BevindingFactory(eigenaar=pm)
    op = datetime.date(2026, 11, 27)
    pm.has_perm("audits.view_bevinding")  # the rights: read once per request
    # The first read of a day moves the counters' peildatum (douane_portfolio.tellers).
    dashboard.tellingen(pm, op, beheer=True, mag_lezen=True)
    with CaptureQueriesContext(connection) as queries:
        geteld = dashboard.tellingen(pm, op, beheer=True, mag_lezen=True)
    assert len(queries) == 1
    assert (geteld["open"], geteld["te_laat"]) == (1, 1)
    assert dashboard.te_late_acties(op, geteld=geteld) == (dashboard.te_late_acties(op))
    assert dashboard.netto_heatmap(pm, geteld=geteld["heatmap"]) == dashboard.netto_heatmap(pm)
    assert dashboard.bevindingen_per_instantie(
        pm, geteld=geteld["bevindingen"]
    ) == dashboard.bevindingen_per_instantie(pm)


def test_round_progress(gegevens):
    assert dashboard.ronde_voortgang()["ingediend"] == 2
    assert dashboard.ronde_voortgang()["totaal"] == 3


def test_dashboard_page_shows_the_numbers_as_a_table(client_voor, lezer, gegevens):
    gegevens.status = PeriodeStatus.GESLOTEN  # no open round: the newest period, vs T2
    gegevens.save()
    html = client_voor(lezer).get(reverse("home")).content.decode()
    assert "Status per thema – 2026 T3" in html
    assert "(+1)" in html and "(-1)" in html


def test_the_status_rows_and_bars_are_the_markup_the_template_loops_made(
    client_voor, lezer, gegevens
):
    """Rendered in Python (templatetags statusrijen/statusbalken): the same cells, escaped."""
    from douane_portfolio.templatetags.portfolio import statusbalken, statusrijen

    gegevens.status = PeriodeStatus.GESLOTEN
    gegevens.save()
    html = client_voor(lezer).get(reverse("home")).content.decode()
    assert (
        '<tr><th scope="row">Datagedreven organisatie</th>'
        '<td class="getal">1 <small class="verschil">(-1)</small></td>'
        '<td class="getal">0 <small class="verschil">(0)</small></td>'
        '<td class="getal">1 <small class="verschil">(+1)</small></td>'
        '<td class="getal">1 <small class="verschil">(0)</small></td>'
        '<td class="getal">3</td></tr>'
    ) in html
    assert (
        '<rect class="vlak-rood" x="33.33" y="0" width="33.33" height="10">'
        "<title>Rood: 1</title></rect>"
    ) in html
    thema = {
        "naam": "<b>R&D</b>",
        "totaal": 1200,
        "tellingen": [("groen", "Groen", 1200)],
        "verschil": None,
        "balk": [("groen", "Groen", 1200, 0.0, 100.0)],
    }
    assert statusrijen([thema]) == (
        '<tr><th scope="row">&lt;b&gt;R&amp;D&lt;/b&gt;</th><td class="getal">1.200</td>'
        '<td class="getal">1.200</td></tr>'
    )
    assert '<span class="balklabel">&lt;b&gt;R&amp;D&lt;/b&gt;</span>' in statusbalken([thema])
    assert "<title>Groen: 1.200</title>" in statusbalken([thema])


def test_an_open_round_shows_the_last_closed_colours_next_to_its_progress(
    client_voor, lezer, gegevens
):
    # Issue 16: T3 is open with 2 of 3 reports in; the colours stay those of closed T2.
    html = client_voor(lezer).get(reverse("home")).content.decode()
    assert "Status per thema – 2026 T2" in html
    assert "Kleuren van de laatst gesloten periode, 2026 T2." in html
    assert "Rapportageronde 2026 T3: 2 van 3 ingediend." in html
    assert "2 van 3 initiatieven hebben gerapporteerd" in html
    status, ronde = dashboard.status_en_ronde()
    (thema,) = status["themas"]
    assert {s: n for s, _, n in thema["tellingen"]} == {
        "groen": 2,
        "oranje": 0,
        "rood": 0,
        "niet_gerapporteerd": 1,
    }
    assert (ronde["periode"], ronde["ingediend"], ronde["totaal"]) == (gegevens, 2, 3)


def test_without_a_closed_period_the_open_round_is_shown(gegevens):
    type(gegevens).objects.exclude(pk=gegevens.pk).update(status=PeriodeStatus.GEPLAND)
    status, ronde = dashboard.status_en_ronde()
    assert status["periode"] == ronde["periode"] == gegevens


@pytest.mark.parametrize("wie", ["pm", "beheerder"])
def test_dashboard_counts_and_queries_for_a_manager_and_the_portfolio_office(
    client_voor, request, wie, gegevens
):
    """The same number of queries for 5 and for 200 initiatives, and at most 17 (of which
    the session and the user take 5 in a test); the numbers come from SQL aggregates."""
    gebruiker = request.getfixturevalue(wie)
    client = client_voor(gebruiker)
    client.get(reverse("home"))

    def tel():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("home"))
        return len(ctx.captured_queries), response.context

    weinig, _ = tel()
    thema = ThemaFactory()
    for i in InitiatiefFactory.create_batch(200, thema=thema):
        StatusrapportageFactory(initiatief=i, periode=gegevens, status=Status.ORANJE)
    veel, context = tel()
    assert veel == weinig <= 17
    assert context["ronde"]["ingediend"] == 202 and context["ronde"]["totaal"] == 203
    gesloten = {
        t["naam"]: {s: n for s, _, n in t["tellingen"]} for t in context["status"]["themas"]
    }
    # T2 is the closed period: the 200 new initiatives have not reported there.
    assert gesloten[thema.naam]["niet_gerapporteerd"] == 200


def test_dashboard_queries_do_not_grow(client_voor, lezer, pm, gegevens):
    client = client_voor(lezer)

    def tel():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx.captured_queries)

    tel()  # the day's first read moves the counters' peildatum: a one-off, not growth
    weinig = tel()
    from tests.audits.factories import BevindingFactory
    from tests.risicos.factories import RisicoFactory

    for _ in range(20):
        i = InitiatiefFactory(eigenaar=pm, thema=ThemaFactory())
        StatusrapportageFactory(initiatief=i, periode=gegevens, status=Status.ORANJE)
        MijlpaalFactory(initiatief=i, deadline=datetime.date(2020, 1, 1))
        RisicoFactory(toprisico=True, gescoord=True, risicobereidheid=4)
        BevindingFactory(eigenaar=pm)
    assert tel() == weinig


def test_risk_and_audit_blocks(client_voor, lezer, pm):
    from tests.audits.factories import BevindingFactory
    from tests.risicos.factories import RisicoFactory

    boven = RisicoFactory(
        titel="Te hoog", toprisico=True, gescoord=True, risicobereidheid=6
    )  # netto 3×3 = 9 > 6
    RisicoFactory(titel="Binnen", toprisico=True, gescoord=True, risicobereidheid=12)
    RisicoFactory(titel="Zonder score", toprisico=True)
    BevindingFactory(eigenaar=pm)
    kaart = dashboard.netto_heatmap(lezer)
    cel = next(
        c for rij in kaart["rijen"] for c in rij["cellen"] if (c["kans"], c["impact"]) == (3, 3)
    )
    assert cel["aantal"] == 2 and "netto_kans=3" in cel["url"]
    assert kaart["niet_gescoord"] == 1
    assert dashboard.toprisicos_boven_bereidheid(lezer) == [boven]
    blok = dashboard.bevindingen_per_instantie(lezer)
    assert sum(r["totaal"] for r in blok["rijen"]) == 1
    html = client_voor(lezer).get(reverse("home")).content.decode()
    assert (
        "Te hoog" in html and "Netto heat map" in html and "Auditbevindingen per instantie" in html
    )


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_the_owners_block_names_the_owners_with_the_most_and_counts_them_all(
    client_voor, lezer, gegevens, pm, pm2, monkeypatch
):
    MijlpaalFactory(eigenaar=pm2, deadline=datetime.date(2026, 9, 1))  # pm2: 2, pm: 1
    monkeypatch.setattr(dashboard, "EIGENAREN_MAX", 1)
    blok = dashboard.te_late_acties()
    assert [(r["eigenaar"], r["totaal"]) for r in blok["per_eigenaar"]] == [(pm2, 2)]
    assert blok["eigenaren"] == 2
    assert sum(r["aantal"] for r in blok["per_soort"]) == 3
    html = client_voor(lezer).get(reverse("home")).content.decode()
    assert "in totaal hebben 2 eigenaren te late acties" in html


# The loop `rapportage/_heatmap.html` had before the tag (issue 13).
HEATMAP_LUS = """{% for rij in kaart.rijen %}<tr><th scope="row">{{ rij.label }}</th>\
{% for cel in rij.cellen %}<td class="cel cel-{{ cel.niveau }}\
{% if not cel.aantal %} cel-leeg{% endif %}">\
{% if cel.url %}<a href="{{ cel.url }}" aria-label="Kans {{ cel.kans }}, impact {{ cel.impact }}: \
{{ cel.aantal }} risico{{ cel.aantal|pluralize:"'s" }}">{% else %}<span class="cel-inhoud" \
aria-label="Kans {{ cel.kans }}, impact {{ cel.impact }}: {{ cel.aantal }} risico\
{{ cel.aantal|pluralize:"'s" }}">{% endif %}<span class="cel-aantal">{{ cel.aantal }}</span>\
<span class="cel-score" aria-hidden="true">{{ cel.score }}</span>{% if cel.url %}</a>{% else %}\
</span>{% endif %}</td>{% endfor %}</tr>\n{% endfor %}"""


@pytest.mark.parametrize("met_links", [True, False])
def test_the_heat_map_rows_are_the_markup_the_template_loop_made(met_links):
    """Rendered in Python (templatetags heatmaprijen), for the dashboard and the report:
    the same as the loop, with a count of one, thousands, escaping and empty cells."""
    from django.template import Context, Template

    from douane_portfolio.templatetags.portfolio import heatmaprijen
    from risicos import heatmap

    url = (lambda k, i: f"/risicos/?netto_kans={k}&netto_impact={i}") if met_links else None
    kaart = heatmap.kaart({(5, 5): 1, (5, 4): 1234, (2, 3): 7}, "netto", 0, url=url)
    verwacht = Template(HEATMAP_LUS).render(Context({"kaart": kaart})).strip()
    assert heatmaprijen(kaart) == verwacht
    assert "1.234 risico&#x27;s" in verwacht and 'Kans 5, impact 5: 1 risico"' in verwacht
