"""An initiative's open milestones (`mijlpalen_open`) stay equal to a recount through
every path that adds, closes, moves or deletes a milestone: database triggers keep it
(programmas 0009). The portfolio sorts and pages by it, through its index."""

import datetime
import importlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from douane_portfolio import tellers
from douane_portfolio.models import OPEN_STATUSSEN
from programmas import services
from programmas.models import Initiatief, Mijlpaal
from tests.bladerhulp import rij_ids
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory, ThemaFactory
from tests.queryplan import uitleg, vraag_en_vang

pytestmark = pytest.mark.django_db

MIGRATIE = importlib.import_module("programmas.migrations.0009_mijlpaalteller")
PORTFOLIO = reverse("programmas:portfolio")
DAG = datetime.date(2026, 12, 31)


def telling(initiatief):
    return Initiatief.objects.values_list("mijlpalen_open", flat=True).get(pk=initiatief.pk)


def herteld(initiatief):
    return Mijlpaal.objects.filter(initiatief=initiatief, status__in=OPEN_STATUSSEN).count()


def test_the_services_add_and_close_milestones(beheerder):
    initiatief = InitiatiefFactory()
    mijlpaal = services.mijlpaal_toevoegen(
        mijlpaal=Mijlpaal(omschrijving="Go-live", eigenaar=initiatief.eigenaar, deadline=DAG),
        initiatief=initiatief,
        door=beheerder,
    )
    MijlpaalFactory(initiatief=initiatief)
    assert telling(initiatief) == 2
    mijlpaal.status = "afgerond"
    mijlpaal.afgerond_op = DAG
    services.mijlpaal_bijwerken(mijlpaal=mijlpaal, door=beheerder, verwachte_versie=mijlpaal.versie)
    assert telling(initiatief) == 1 == herteld(initiatief)


def test_bulk_writes_moves_and_deletes_keep_the_counter():
    a, b = InitiatiefFactory(), InitiatiefFactory()
    Mijlpaal.objects.bulk_create(
        Mijlpaal(
            initiatief=a,
            omschrijving=f"M{n}",
            eigenaar=a.eigenaar,
            deadline=DAG,
            oorspronkelijke_deadline=DAG,
            status=status,
            afgerond_op=DAG if status == "afgerond" else None,
        )
        for n, status in enumerate(("open", "in_uitvoering", "afgerond", "vervallen"))
    )
    assert telling(a) == 2
    Mijlpaal.objects.update(deadline=DAG + datetime.timedelta(days=1))  # counts nothing
    Mijlpaal.objects.filter(status="vervallen").update(status="open")
    assert telling(a) == 3
    Mijlpaal.objects.filter(status="open").update(initiatief=b)
    assert (telling(a), telling(b)) == (1, 2)
    Mijlpaal.objects.filter(initiatief=b).first().delete()
    assert (telling(a), telling(b)) == (herteld(a), herteld(b)) == (1, 1)


def test_a_stale_initiative_saved_after_a_milestone_changed_keeps_the_count():
    initiatief = InitiatiefFactory()
    geladen = Initiatief.objects.get(pk=initiatief.pk)
    MijlpaalFactory(initiatief=initiatief)
    geladen.omschrijving = "Bijgewerkt"
    geladen.save()
    assert telling(initiatief) == 1


def test_the_migration_counts_what_was_there():
    initiatief = InitiatiefFactory()
    MijlpaalFactory(initiatief=initiatief)
    MijlpaalFactory(initiatief=initiatief, status="vervallen")
    Initiatief.objects.update(mijlpalen_open=5)
    with connection.cursor() as cursor:
        cursor.execute(MIGRATIE.TELLERS.tellen)
    assert telling(initiatief) == 1


def test_the_triggers_spell_the_statuses_as_the_model_does():
    assert "(" + ", ".join(f"'{s}'" for s in OPEN_STATUSSEN) + ")" == MIGRATIE.OPEN


def te_laat(initiatief):
    return Initiatief.objects.values_list("mijlpalen_te_laat", flat=True).get(pk=initiatief.pk)


def test_overdue_follows_the_peildatum_and_every_write():
    initiatief = InitiatiefFactory()
    vandaag = timezone.localdate()
    tellers.peildatum_zetten(vandaag)
    dag = datetime.timedelta(days=1)
    gisteren = MijlpaalFactory(initiatief=initiatief, deadline=vandaag - dag)
    MijlpaalFactory(initiatief=initiatief, deadline=vandaag + dag)
    assert te_laat(initiatief) == 1
    tellers.peildatum_zetten(vandaag + 2 * dag)
    assert te_laat(initiatief) == 2
    tellers.peildatum_zetten(vandaag)
    Mijlpaal.objects.filter(pk=gisteren.pk).update(deadline=vandaag + 5 * dag)
    assert te_laat(initiatief) == 0
    assert tellers.verschillen(vandaag) == []


@pytest.fixture
def portfolio(settings, client_voor, lezer):
    """Initiatives with 0, 1 or 2 open milestones, some overdue (ties in every count)."""
    settings.LIJST_PAGINA_GROOTTE = 3
    thema = ThemaFactory()
    vandaag = timezone.localdate()
    for n in range(10):
        initiatief = InitiatiefFactory(thema=thema, naam=f"I{n:02}")
        for m in range(n % 3):
            verschil = (-3, 4, -1)[(n + m) % 3]
            MijlpaalFactory(initiatief=initiatief, deadline=vandaag + datetime.timedelta(verschil))
        MijlpaalFactory(initiatief=initiatief, status="vervallen")
    return client_voor(lezer)


def herteld_te_laat(initiatief):
    return Mijlpaal.objects.filter(initiatief=initiatief).te_laat().count()


@pytest.mark.parametrize("aflopend", [False, True], ids=["oplopend", "aflopend"])
@pytest.mark.parametrize(
    ("kolom", "herteld"), [("open_mijlpalen", herteld), ("te_late_mijlpalen", herteld_te_laat)]
)
def test_the_portfolio_pages_through_its_milestone_counts_in_order(
    portfolio, kolom, herteld, aflopend
):
    verwacht = sorted(Initiatief.objects.all(), key=lambda i: (herteld(i), i.pk), reverse=aflopend)
    assert len({herteld(i) for i in verwacht}) > 1
    sort = f"-{kolom}" if aflopend else kolom
    assert rij_ids(portfolio, PORTFOLIO, {"sort": sort}) == [i.pk for i in verwacht]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL")
@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("open_mijlpalen", "initiatief_mp_open"),
        ("-open_mijlpalen", "initiatief_mp_open"),
        ("te_late_mijlpalen", "initiatief_mp_laat"),
        ("-te_late_mijlpalen", "initiatief_mp_laat"),
    ],
)
def test_the_sort_walks_the_counters_index_on_a_deep_page(portfolio, sort, index):
    volgende = portfolio.get(PORTFOLIO, {"sort": sort}).context["table"].page.volgende
    sql, _ = vraag_en_vang(portfolio, PORTFOLIO, {"sort": sort, "cursor": volgende}, "_blader0")
    plan = uitleg(sql, "seqscan", "sort", "hashjoin", "mergejoin", "bitmapscan")
    assert index in plan, plan
    assert "programmas_mijlpaal" not in sql, sql
