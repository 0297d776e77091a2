"""Reading through the API: the screens' scope, permissions, filters; paging; query counts."""

import datetime

import pytest
from django.utils import timezone

from douane_portfolio import rollen, tellers
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import (
    IndicatorwaardeFactory,
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory, RisicoFactory

LIJSTEN = [
    "initiatieven",
    "statusrapportages",
    "mijlpalen",
    "indicatoren",
    "indicatorwaarden",
    "risicos",
    "maatregelen",
    "dialogen",
    "bevindingen",
    "vervolgacties",
    "jaaroordelen",
]


@pytest.mark.parametrize("lijst", LIJSTEN)
def test_anonymous_gets_401_problem_with_bearer_challenge(api, db, lijst):
    response = api().get(f"/api/v1/{lijst}/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Niet aangemeld"


@pytest.mark.parametrize("lijst", LIJSTEN)
def test_a_user_without_a_role_is_refused_like_on_the_screens(api, buitenstaander, lijst):
    response = api(buitenstaander).get(f"/api/v1/{lijst}/")
    assert response.status_code == 403
    assert response.json()["title"] == "Geen toegang"


@pytest.mark.parametrize("lijst", LIJSTEN)
def test_a_lezer_reads_every_list(api, lezer, lijst):
    response = api(lezer).get(f"/api/v1/{lijst}/")
    assert response.status_code == 200
    assert set(response.json()) == {"next", "previous", "results"}


def test_initiatives_carry_the_status_of_the_chosen_period_and_filter_on_it(api, lezer, pm):
    periode = PeriodeFactory()
    rood = StatusrapportageFactory(periode=periode, status="rood").initiatief
    groen = StatusrapportageFactory(periode=periode, status="groen").initiatief
    InitiatiefFactory()
    body = api(lezer).get(f"/api/v1/initiatieven/?periode={periode.pk}").json()
    statussen = {i["id"]: i["huidige_status"] for i in body["results"]}
    assert statussen[rood.pk] == "rood" and statussen[groen.pk] == "groen"
    assert list(statussen.values()).count(None) == 1
    rode = api(lezer).get(f"/api/v1/initiatieven/?periode={periode.pk}&status=rood").json()
    assert [i["id"] for i in rode["results"]] == [rood.pk]


def test_a_bad_filter_value_is_a_400_problem_with_the_field(api, lezer):
    response = api(lezer).get("/api/v1/risicos/?netto=heel_hoog")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["pointer"] == "#/netto"


def test_risks_show_scores_and_appetite_and_the_register_filter_applies(api, lezer):
    boven = RisicoFactory(
        bruto_kans=5, bruto_impact=5, netto_kans=4, netto_impact=4, risicobereidheid=9
    )
    RisicoFactory(bruto_kans=2, bruto_impact=2, netto_kans=1, netto_impact=1, risicobereidheid=9)
    RisicoFactory(status="gesloten")
    body = api(lezer).get("/api/v1/risicos/").json()
    assert len(body["results"]) == 2  # the register shows active risks by default
    rij = next(r for r in body["results"] if r["id"] == boven.pk)
    assert (rij["netto_score"], rij["bruto_score"], rij["boven_risicobereidheid"]) == (16, 25, True)
    alleen_boven = api(lezer).get("/api/v1/risicos/?boven_risicobereidheid=ja").json()
    assert [r["id"] for r in alleen_boven["results"]] == [boven.pk]


def test_findings_count_and_filter_overdue_actions_against_today(api, lezer):
    # The counters count "overdue" against their peildatum, here still last week's:
    # the API moves it to today first, as the findings list does, so an action due
    # three days ago counts and the filter finds its finding.
    vandaag = timezone.localdate()
    tellers.peildatum_zetten(vandaag - datetime.timedelta(days=7))
    te_laat = BevindingFactory()
    VervolgactieFactory(bevinding=te_laat, deadline=vandaag - datetime.timedelta(days=3))
    op_tijd = BevindingFactory()
    VervolgactieFactory(bevinding=op_tijd, deadline=vandaag + datetime.timedelta(days=3))

    gefilterd = api(lezer).get("/api/v1/bevindingen/?te_laat=ja").json()["results"]
    assert [r["id"] for r in gefilterd] == [te_laat.pk]
    alle = {r["id"]: r for r in api(lezer).get("/api/v1/bevindingen/").json()["results"]}
    assert (alle[te_laat.pk]["acties_te_laat"], alle[op_tijd.pk]["acties_te_laat"]) == (1, 0)
    assert alle[te_laat.pk]["acties_open"] == alle[op_tijd.pk]["acties_open"] == 1
    assert tellers.peildatum() == vandaag


def test_detail_carries_the_version_as_etag(api, lezer):
    risico = RisicoFactory()
    response = api(lezer).get(f"/api/v1/risicos/{risico.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{risico.versie}"'
    assert response.json()["versie"] == risico.versie


def test_an_object_is_found_with_a_role_and_not_found_without(api, lezer, buitenstaander):
    for obj, lijst in (
        (InitiatiefFactory(), "initiatieven"),
        (RisicoFactory(), "risicos"),
        (BeheersmaatregelFactory(), "maatregelen"),
        (BevindingFactory(), "bevindingen"),
        (VervolgactieFactory(), "vervolgacties"),
    ):
        assert api(lezer).get(f"/api/v1/{lijst}/{obj.pk}/").status_code == 200
        assert api(buitenstaander).get(f"/api/v1/{lijst}/{obj.pk}/").status_code == 404


@pytest.mark.parametrize("pk", ["999999", "abc", "-1", "99999999999999999999999"])
def test_an_unknown_object_is_a_404_problem(api, lezer, pk):
    response = api(lezer).get(f"/api/v1/bevindingen/{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_cursor_pages_are_stable_when_rows_are_added_meanwhile(api, lezer):
    eerst = [RisicoFactory() for _ in range(5)]
    client = api(lezer)
    pagina1 = client.get("/api/v1/risicos/?aantal=3").json()
    assert [r["id"] for r in pagina1["results"]] == [r.pk for r in eerst[:3]]
    nieuw = RisicoFactory()
    pagina2 = client.get(pagina1["next"]).json()
    # No row shifts between pages: the next page starts right after the last one seen.
    assert [r["id"] for r in pagina2["results"]] == [eerst[3].pk, eerst[4].pk, nieuw.pk]
    assert pagina2["next"] is None


def test_a_garbled_cursor_is_a_400_problem(api, lezer):
    response = api(lezer).get("/api/v1/risicos/?cursor=onzin")
    assert response.status_code == 404 or response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def _vul(lijst, n, pm):
    periode = PeriodeFactory() if lijst in ("statusrapportages", "indicatorwaarden") else None
    for _ in range(n):
        if lijst == "initiatieven":
            InitiatiefFactory(eigenaar=pm)
        elif lijst == "statusrapportages":
            StatusrapportageFactory(periode=periode)
        elif lijst == "mijlpalen":
            MijlpaalFactory()
        elif lijst == "indicatorwaarden":
            IndicatorwaardeFactory(periode=periode)
        elif lijst == "risicos":
            RisicoFactory().initiatieven.add(InitiatiefFactory())
        elif lijst == "maatregelen":
            BeheersmaatregelFactory().risicos.add(RisicoFactory())
        elif lijst == "dialogen":
            RisicodialoogFactory().deelnemers.add(UserFactory())
        elif lijst == "bevindingen":
            BevindingFactory().risicos.add(RisicoFactory())
        elif lijst == "vervolgacties":
            VervolgactieFactory()


@pytest.mark.parametrize(
    "lijst",
    [
        "initiatieven",
        "statusrapportages",
        "mijlpalen",
        "indicatorwaarden",
        "risicos",
        "maatregelen",
        "dialogen",
        "bevindingen",
        "vervolgacties",
    ],
)
def test_queries_do_not_grow_with_the_page(
    api, pm, lijst, django_assert_max_num_queries, django_assert_num_queries
):
    lezer = UserFactory(username="lezer-q", rol=rollen.LEZER)
    client = api(lezer)
    client.get("/api/v1/initiatieven/")  # the key's first use records itself once
    _vul(lijst, 5, pm)
    with django_assert_max_num_queries(8) as weinig:
        assert len(client.get(f"/api/v1/{lijst}/").json()["results"]) == 5
    _vul(lijst, 45, pm)
    with django_assert_num_queries(len(weinig.captured_queries)):
        assert len(client.get(f"/api/v1/{lijst}/").json()["results"]) == 50
