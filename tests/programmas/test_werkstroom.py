"""Issue 16, programme managers: carry-over of the previous period, Mijn rapportage
(one page for every initiative of the open round) and the portfolio while a round is open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmas.models import Periodesoort, PeriodeStatus, Status, Statusrapportage
from tests.programmas.factories import (
    InitiatiefFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)

pytestmark = pytest.mark.django_db

MIJN = reverse("programmas:mijn_rapportage")


@pytest.fixture
def vorige():
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)


@pytest.fixture
def periode(vorige):
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)


@pytest.fixture
def eigen(pm):
    return InitiatiefFactory(eigenaar=pm, naam="Verbetering informatiepositie")


@pytest.fixture
def andermans(pm2):
    return InitiatiefFactory(eigenaar=pm2, naam="Ondermijning")


def status_url(initiatief, periode):
    return reverse("programmas:status_indienen", args=[initiatief.pk, periode.pk])


def _oranje_in(initiatief, periode):
    return StatusrapportageFactory(
        initiatief=initiatief,
        periode=periode,
        status=Status.ORANJE,
        toelichting="Leverancier te laat.",
        pad_naar_groen="Nieuwe leverancier per juni.",
    )


def _body(initiatief, **velden):
    return {"initiatief": initiatief.pk, **{f"i{initiatief.pk}-{k}": v for k, v in velden.items()}}


# --- Carry-over on the status form ------------------------------------------------------


def test_the_status_form_shows_the_previous_period_next_to_the_fields(
    client_voor, pm, eigen, periode, vorige
):
    _oranje_in(eigen, vorige)
    html = client_voor(pm).get(status_url(eigen, periode)).content.decode()
    assert "Vorige periode (2026 T2)" in html
    assert "Leverancier te laat." in html and "Nieuwe leverancier per juni." in html
    assert 'class="status-stip status-oranje"' in html or "Oranje" in html
    assert "Overnemen als startpunt" in html
    # Not carried over until asked: no colour is chosen yet.
    assert "checked" not in html


def test_carry_over_fills_the_form_and_saves_nothing(client_voor, pm, eigen, periode, vorige):
    _oranje_in(eigen, vorige)
    response = client_voor(pm).get(status_url(eigen, periode), {"overnemen": "1"})
    form = response.context["form"]
    assert form["status"].value() == Status.ORANJE
    assert form["toelichting"].value() == "Leverancier te laat."
    assert form["pad_naar_groen"].value() == "Nieuwe leverancier per juni."
    assert 'value="oranje" checked' in response.content.decode()
    assert not Statusrapportage.objects.filter(periode=periode).exists()


def test_carry_over_keeps_the_version_of_a_report_being_revised(
    client_voor, pm, eigen, periode, vorige
):
    _oranje_in(eigen, vorige)
    huidig = StatusrapportageFactory(initiatief=eigen, periode=periode, status=Status.GROEN)
    form = client_voor(pm).get(status_url(eigen, periode), {"overnemen": "1"}).context["form"]
    assert form["status"].value() == Status.ORANJE
    assert form["versie"].value() == huidig.versie


def test_without_a_previous_report_it_says_niet_gerapporteerd(
    client_voor, pm, eigen, periode, vorige
):
    response = client_voor(pm).get(status_url(eigen, periode), {"overnemen": "1"})
    html = response.content.decode()
    assert "Vorige periode (2026 T2)" in html and "niet gerapporteerd" in html
    assert "Overnemen als startpunt" not in html
    assert response.context["form"]["status"].value() is None


# --- Mijn rapportage ---------------------------------------------------------------------


def test_mijn_rapportage_lists_only_own_active_initiatives_with_progress(
    client_voor, pm, eigen, andermans, periode
):
    tweede = InitiatiefFactory(eigenaar=pm, thema=eigen.thema, naam="Data op orde")
    InitiatiefFactory(eigenaar=pm, naam="Afgesloten", actief=False)
    StatusrapportageFactory(initiatief=tweede, periode=periode, status=Status.GROEN)
    html = client_voor(pm).get(MIJN).content.decode()
    assert "1 van 2 ingediend" in html
    assert "Verbetering informatiepositie" in html and "Data op orde" in html
    assert "Ondermijning" not in html and "Afgesloten" not in html
    assert f'id="initiatief-{eigen.pk}"' in html
    assert f'name="i{eigen.pk}-status"' in html


def test_each_initiative_is_saved_on_its_own_and_the_page_returns_to_it(
    client_voor, pm, eigen, periode
):
    tweede = InitiatiefFactory(eigenaar=pm, thema=eigen.thema, naam="Data op orde")
    client = client_voor(pm)
    response = client.post(MIJN, _body(eigen, status="groen"))
    assert response.status_code == 302
    assert response["Location"] == f"{MIJN}#initiatief-{eigen.pk}"
    r = Statusrapportage.objects.get(initiatief=eigen, periode=periode)
    assert (r.status, r.ingediend_door) == (Status.GROEN, pm)
    assert r.history.get().history_change_reason == "ingediend: groen"
    assert not Statusrapportage.objects.filter(initiatief=tweede).exists()
    assert "1 van 2 ingediend" in client.get(MIJN).content.decode()


def test_an_error_shows_at_that_initiatives_fields_and_keeps_the_input(
    client_voor, pm, eigen, periode
):
    tweede = InitiatiefFactory(eigenaar=pm, thema=eigen.thema, naam="Data op orde")
    response = client_voor(pm).post(
        MIJN, _body(eigen, status="rood", toelichting="", pad_naar_groen="Eerst plannen")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_i{eigen.pk}-toelichting_error"' in html
    assert "Een toelichting is verplicht bij oranje en rood." in html
    assert "Eerst plannen" in html
    assert f'id="id_i{tweede.pk}-toelichting_error"' not in html
    assert not Statusrapportage.objects.exists()


def test_a_revision_needs_the_version_it_was_opened_with(client_voor, pm, eigen, periode):
    r = StatusrapportageFactory(initiatief=eigen, periode=periode, status=Status.GROEN)
    client = client_voor(pm)
    verouderd = client.post(
        MIJN, _body(eigen, status="oranje", toelichting="x", pad_naar_groen="y")
    )
    assert "intussen gewijzigd" in verouderd.content.decode()
    response = client.post(
        MIJN,
        _body(eigen, status="oranje", toelichting="x", pad_naar_groen="y", versie=r.versie),
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.ORANJE


def test_someone_elses_initiative_is_refused_and_nothing_saved(
    client_voor, pm, lezer, beheerder, andermans, periode
):
    assert client_voor(pm).post(MIJN, _body(andermans, status="groen")).status_code == 403
    assert client_voor(beheerder).post(MIJN, _body(andermans, status="groen")).status_code == 403
    assert client_voor(lezer).get(MIJN).status_code == 403
    assert client_voor(lezer).post(MIJN, _body(andermans, status="groen")).status_code == 403
    assert client_voor(pm).post(MIJN, {"initiatief": "999999"}).status_code == 404
    assert not Statusrapportage.objects.exists()


def test_carry_over_on_mijn_rapportage_fills_only_that_initiative(
    client_voor, pm, eigen, periode, vorige
):
    tweede = InitiatiefFactory(eigenaar=pm, thema=eigen.thema, naam="Data op orde")
    _oranje_in(eigen, vorige)
    _oranje_in(tweede, vorige)
    response = client_voor(pm).get(MIJN, {"overnemen": eigen.pk})
    html = response.content.decode()
    assert f'name="i{eigen.pk}-status" id="id_i{eigen.pk}-status_1" value="oranje" checked' in html
    assert (
        f'name="i{tweede.pk}-status" id="id_i{tweede.pk}-status_1" value="oranje" checked'
        not in (html)
    )
    assert f"?overnemen={tweede.pk}#initiatief-{tweede.pk}" in html
    assert not Statusrapportage.objects.filter(periode=periode).exists()


def test_without_an_open_round_it_says_so(client_voor, pm, eigen, vorige):
    response = client_voor(pm).get(MIJN)
    assert "Er is geen rapportageronde open" in response.content.decode()
    assert client_voor(pm).post(MIJN, _body(eigen, status="groen")).status_code == 302
    assert not Statusrapportage.objects.exists()


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_mijn_rapportage_query_count_is_the_same_for_one_and_ten(client_voor, pm, periode, vorige):
    thema = ThemaFactory()
    eerste = InitiatiefFactory(eigenaar=pm, thema=thema, naam="Initiatief 0")
    _oranje_in(eerste, vorige)
    client = client_voor(pm)
    een = _queries(client, MIJN)
    for i in range(1, 10):
        initiatief = InitiatiefFactory(eigenaar=pm, thema=thema, naam=f"Initiatief {i}")
        _oranje_in(initiatief, vorige)
        if i % 2:
            StatusrapportageFactory(initiatief=initiatief, periode=periode, status=Status.GROEN)
    assert _queries(client, MIJN) == een
    assert "5 van 10 ingediend" in client.get(MIJN).content.decode()


# --- The portfolio while a round is open ------------------------------------------------


def test_portfolio_keeps_the_last_closed_colours_while_a_round_is_open(
    client_voor, lezer, eigen, andermans, periode, vorige
):
    _oranje_in(eigen, vorige)
    StatusrapportageFactory(initiatief=andermans, periode=vorige, status=Status.GROEN)
    StatusrapportageFactory(initiatief=eigen, periode=periode, status=Status.ROOD, toelichting="x")
    response = client_voor(lezer).get(reverse("programmas:portfolio"))
    assert response.context["periode"] == vorige
    html = response.content.decode()
    assert "Open ronde 2026 T3" in html
    assert "1 van 2 ingediend" in html
    rij = html[html.index("Ondermijning") :]
    rij = rij[: rij.index("</tr>")]
    assert "Groen" in rij and "nog niet ingediend" in rij
    rij = html[html.index("Verbetering informatiepositie") :]
    rij = rij[: rij.index("</tr>")]
    assert "Oranje" in rij and "Rood" in rij


def test_choosing_the_open_round_shows_the_last_closed_colours_beside_it(
    client_voor, lezer, eigen, periode, vorige
):
    _oranje_in(eigen, vorige)
    response = client_voor(lezer).get(reverse("programmas:portfolio"), {"periode": periode.pk})
    assert response.context["periode"] == periode
    html = response.content.decode()
    assert "Laatst gesloten: 2026 T2" in html
    rij = html[html.index("Verbetering informatiepositie") :]
    rij = rij[: rij.index("</tr>")]
    assert "Oranje" in rij and "niet gerapporteerd" in rij


def test_without_an_open_round_the_portfolio_is_unchanged(client_voor, lezer, eigen, vorige):
    _oranje_in(eigen, vorige)
    response = client_voor(lezer).get(reverse("programmas:portfolio"))
    assert response.context["periode"] == vorige
    html = response.content.decode()
    assert "Open ronde" not in html and "Laatst gesloten" not in html
