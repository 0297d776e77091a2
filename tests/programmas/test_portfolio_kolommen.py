"""The portfolio's per-initiative columns as SQL written once (`PerInitiatief`), and the
open round's progress from the counters (issue 13): the same values as before, also
inside a subquery, sorted and paged by status, in a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from douane_portfolio.models import ActieStatus
from programmas.models import (
    Initiatief,
    Periodesoort,
    PeriodeStatus,
    Status,
    Statusrapportage,
    Thema,
)
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)
from tests.queryplan import uitleg, vraag_en_vang

pytestmark = pytest.mark.django_db

URL = reverse("programmas:portfolio")
OP = datetime.date(2026, 10, 1)


@pytest.fixture
def vorige():
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T1, status=PeriodeStatus.GESLOTEN)


@pytest.fixture
def gesloten():
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)


@pytest.fixture
def ronde():
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)


def test_statuses_and_milestone_counts_per_initiative(vorige, gesloten, ronde):
    rood = InitiatiefFactory(naam="Rood")
    leeg = InitiatiefFactory(naam="Leeg")
    StatusrapportageFactory(initiatief=rood, periode=gesloten, status=Status.ROOD, toelichting="x")
    StatusrapportageFactory(initiatief=rood, periode=vorige, status=Status.GROEN)
    StatusrapportageFactory(initiatief=leeg, periode=ronde, status=Status.GROEN)
    dag = datetime.timedelta(days=1)
    for status, deadline in [
        (ActieStatus.OPEN, OP - dag),  # late
        (ActieStatus.IN_UITVOERING, OP - dag),  # late
        (ActieStatus.OPEN, OP),  # due today: not late
        (ActieStatus.AFGEROND, OP - dag),  # done: neither
        (ActieStatus.VERVALLEN, OP + dag),
    ]:
        MijlpaalFactory(initiatief=rood, status=status, deadline=deadline)
    rijen = {
        i.naam: (
            i.huidige_status,
            i.vorige_status,
            i.tweede_status,
            i.open_mijlpalen,
            i.te_late_mijlpalen,
        )
        for i in Initiatief.objects.met_status(gesloten, vorige)
        .met_status_in(ronde, "tweede_status")
        .met_mijlpaaltellingen(OP)
    }
    assert rijen == {
        "Rood": (Status.ROOD, Status.GROEN, None, 3, 2),
        # No report is no colour: None, shown as "niet gerapporteerd".
        "Leeg": (None, None, Status.GROEN, 0, 0),
    }
    assert list(Initiatief.objects.met_status(gesloten).filter(huidige_status__isnull=True)) == [
        leeg
    ]
    assert list(Initiatief.objects.met_status(None, None).values_list("huidige_status")) == [
        (None,),
        (None,),
    ]


def test_the_columns_hold_inside_a_subquery(gesloten, ronde):
    """The outer table is the alias the query gives it, not the table's name: inside a
    subquery Django renames it."""
    rood = InitiatiefFactory(thema=ThemaFactory(naam="Met rood"))
    InitiatiefFactory(thema=ThemaFactory(naam="Zonder"))
    StatusrapportageFactory(initiatief=rood, periode=gesloten, status=Status.ROOD, toelichting="x")
    MijlpaalFactory(initiatief=rood, deadline=OP - datetime.timedelta(days=1))
    rode = Initiatief.objects.met_status(gesloten).filter(huidige_status=Status.ROOD)
    assert [t.naam for t in Thema.objects.filter(initiatieven__in=rode)] == ["Met rood"]
    laat = Initiatief.objects.met_mijlpaaltellingen(OP).filter(te_late_mijlpalen__gt=0)
    assert [t.naam for t in Thema.objects.filter(initiatieven__in=laat)] == ["Met rood"]
    zonder = Initiatief.objects.zonder_rapportage_in(gesloten)
    assert [t.naam for t in Thema.objects.filter(initiatieven__in=zonder)] == ["Zonder"]
    assert list(Initiatief.objects.zonder_rapportage_in(ronde.pk).order_by("pk")) == list(
        Initiatief.objects.order_by("pk")
    )


def test_sorting_by_status_pages_through_every_initiative_once(client_voor, lezer, gesloten):
    thema = ThemaFactory()
    eigenaar = InitiatiefFactory(thema=thema).eigenaar
    kleuren = [Status.GROEN, Status.ROOD, None, Status.ORANJE]
    Initiatief.objects.bulk_create(
        Initiatief(thema=thema, naam=f"I{n:03}", eigenaar=eigenaar) for n in range(110)
    )
    Statusrapportage.objects.bulk_create(
        Statusrapportage(initiatief=i, periode=gesloten, status=kleuren[n % 4], toelichting="x")
        for n, i in enumerate(Initiatief.objects.order_by("pk"))
        if kleuren[n % 4]
    )
    client = client_voor(lezer)
    rijen, params = [], {"sort": "-huidige_status"}
    for _ in range(5):
        table = client.get(URL, params).context["table"]
        rijen += [(r.record.huidige_status, r.record.naam) for r in table.page.object_list]
        if not table.page.volgende:
            break
        params = {"sort": "-huidige_status", "cursor": table.page.volgende}
    assert len(rijen) == 111
    # Descending in both keys: NULL ("niet gerapporteerd") first, as PostgreSQL sorts it.
    rang = {"groen": 0, "oranje": 1, "rood": 2, None: 3}
    assert rijen == sorted(rijen, key=lambda r: (rang[r[0]], r[1]), reverse=True)
    assert len({naam for _, naam in rijen}) == 111
    assert {status for status, _ in rijen} == {None, *Status.values}


def test_the_rounds_progress_counts_active_initiatives_and_their_reports(
    client_voor, lezer, pm, gesloten, ronde
):
    ingediend = InitiatiefFactory(eigenaar=pm)
    InitiatiefFactory(eigenaar=pm)
    gestopt = InitiatiefFactory(eigenaar=pm, actief=False)
    StatusrapportageFactory(initiatief=ingediend, periode=ronde)
    StatusrapportageFactory(initiatief=gestopt, periode=ronde)
    client = client_voor(lezer)
    assert "1 van 2 ingediend" in client.get(URL).content.decode()
    # The counters follow every write: a stopped initiative and its report leave both.
    ingediend.actief = False
    ingediend.save()
    assert "0 van 1 ingediend" in client.get(URL).content.decode()
    Initiatief.objects.filter(pk=gestopt.pk).update(actief=True)
    assert "1 van 2 ingediend" in client.get(URL).content.decode()


def test_the_page_of_a_manager_with_a_round_open_stays_within_ten_queries(
    client_voor, pm, gesloten, ronde, peildatum_vandaag
):
    client = client_voor(pm)
    zwaar = {"eigenaar": pm.pk, "sort": "-te_late_mijlpalen", "status": "geen"}

    def maak(aantal):
        for _ in range(aantal):
            initiatief = InitiatiefFactory(eigenaar=pm)
            MijlpaalFactory(initiatief=initiatief, deadline=OP)
            StatusrapportageFactory(initiatief=initiatief, periode=ronde)

    def tel(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        return len(queries), response

    maak(3)
    weinig = [tel(p)[0] for p in ({}, zwaar, {"periode": ronde.pk})]
    maak(57)
    veel = [tel(p)[0] for p in ({}, zwaar, {"periode": ronde.pk})]
    assert veel == weinig
    assert max(veel) <= 10
    n, response = tel({"periode": ronde.pk, "sort": "huidige_status"})
    assert n <= 10
    n, _ = tel(
        {
            "periode": ronde.pk,
            "sort": "huidige_status",
            "cursor": response.context["table"].page.volgende,
        }
    )
    assert n <= 10


@pytest.fixture
def kleurrijk(gesloten, ronde):
    """Initiatives over three themes with every colour, and none, in two periods."""
    themas = [ThemaFactory(volgorde=v) for v in (3, 1, 2)]
    eigenaar = InitiatiefFactory(thema=themas[0]).eigenaar
    Initiatief.objects.bulk_create(
        Initiatief(thema=themas[n % 3], naam=f"I{n:03}", eigenaar=eigenaar, volgorde=n % 4)
        for n in range(40)
    )
    kleuren = [Status.GROEN, Status.ROOD, None, Status.ORANJE, None]
    Statusrapportage.objects.bulk_create(
        Statusrapportage(initiatief=i, periode=p, status=kleuren[(n + p.pk) % 5], toelichting="x")
        for n, i in enumerate(Initiatief.objects.order_by("pk"))
        for p in (gesloten, ronde)
        if kleuren[(n + p.pk) % 5]
    )


def _kleur(initiatief, periode):
    rapportage = initiatief.rapportages.filter(periode=periode).first()
    return rapportage.status if rapportage else None


@pytest.mark.parametrize("status", ["geen", *Status.values])
def test_the_status_filter_gives_the_initiatives_of_that_colour_in_page_order(
    client_voor, lezer, settings, kleurrijk, gesloten, ronde, status
):
    settings.LIJST_PAGINA_GROOTTE = 4
    client = client_voor(lezer)
    volgorde = Initiatief.objects.order_by("thema__volgorde", "volgorde", "pk")
    for periode in (gesloten, ronde):
        kleur = None if status == "geen" else status
        verwacht = [i.pk for i in volgorde if _kleur(i, periode) == kleur]
        assert verwacht
        params, gezien = {"periode": periode.pk, "status": status}, []
        for _ in range(20):
            table = client.get(URL, params).context["table"]
            gezien += [r.record.pk for r in table.page.object_list]
            if not table.page.volgende:
                break
            params = {**params, "cursor": table.page.volgende}
        assert gezien == verwacht


def test_without_periods_every_initiative_is_not_reported(client_voor, lezer):
    InitiatiefFactory.create_batch(2)
    client = client_voor(lezer)
    rijen = client.get(URL, {"status": "geen"}).context["table"].page.object_list
    assert len(rijen) == 2
    assert not client.get(URL, {"status": "rood"}).context["table"].page.object_list


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL")
@pytest.mark.parametrize("status", ["geen", "rood"])
def test_the_status_filter_is_an_exists_on_the_reports_index(
    client_voor, lezer, kleurrijk, gesloten, status
):
    """Not the colour looked up for every initiative (a SubPlan in the filter, with a
    guess of 0.5% of the rows) but a (NOT) EXISTS: a join on the reports' index."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programmas_statusrapportage, programmas_initiatief")
    params = {"periode": gesloten.pk, "status": status}
    sql, _ = vraag_en_vang(client_voor(lezer), URL, params, "_blader0")
    # On a few rows the reports' index on the period alone, with the colour as a filter,
    # costs the same as the index for it: plain index scans only, as at scale.
    plan = uitleg(sql, "seqscan", "sort", "bitmapscan")
    assert "SubPlan" not in plan, plan
    if status == "geen":
        # Either index of the reports on the period answers "none in this period".
        assert "Anti Join" in plan and "periode_id =" in plan, plan
    else:
        # A join on an index of the reports. Which one the planner takes on forty rows
        # depends on their statistics (in one CI run the one on the initiative, with
        # period and colour as a filter); at scale it is rapportage_periode_status.
        assert "Join" in plan and "Index" in plan, plan
        assert "on programmas_statusrapportage pi_r" in plan, plan


def test_the_list_to_report_is_asked_for_only_when_there_is_something_on_it(
    client_voor, pm, beheerder, gesloten, ronde
):
    """Whether the user has an active initiative left without a report in the open round
    is read with the periods: the list is a query of its own only when it has rows."""
    eigen = InitiatiefFactory(eigenaar=pm, naam="Eigen initiatief")
    InitiatiefFactory(eigenaar=pm, naam="Gestopt", actief=False)
    InitiatiefFactory(naam="Van een ander")
    StatusrapportageFactory(initiatief=eigen, periode=gesloten)
    lijst = 'WHERE ("programmas_initiatief"."actief" AND "programmas_initiatief"."eigenaar_id"'

    def bekijk(user):
        with CaptureQueriesContext(connection) as queries:
            response = client_voor(user).get(URL)
        assert response.status_code == 200
        gevraagd = any(lijst in q["sql"] for q in queries)
        return [i.naam for i in response.context["nog_te_rapporteren"]], gevraagd

    assert bekijk(pm) == (["Eigen initiatief"], True)
    StatusrapportageFactory(initiatief=eigen, periode=ronde)
    assert bekijk(pm) == ([], False)
    assert (
        "U heeft over al uw initiatieven gerapporteerd" in client_voor(pm).get(URL).content.decode()
    )
    assert bekijk(beheerder) == ([], False)
