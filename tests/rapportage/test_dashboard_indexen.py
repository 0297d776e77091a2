"""The dashboard's reads (PostgreSQL only; see tests/douane_portfolio/test_indexen.py for
the method): its action counts read the counters the database keeps (migration douane_portfolio
0009) and no action table at all; moving the counters' peildatum reads a day's range of
the partial index of open actions per kind; the heat map reads its counters (risicos
0008); the top risks and the pending reviews of the follow-up page read their indexes."""

import copy
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Beoordeling
from douane_portfolio import rollen, tellers
from douane_portfolio.acties import actie_modellen
from rapportage import dashboard
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import MijlpaalFactory
from tests.queryplan import uitleg
from tests.risicos.factories import BeheersmaatregelFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]

OP = datetime.date(2026, 12, 3)
ACTIETABELLEN = ("programmas_mijlpaal", "risicos_beheersmaatregel", "audits_vervolgactie")


@pytest.fixture
def eigenaar(db):
    eigenaar = UserFactory(rol=rollen.PROGRAMMAMANAGER)
    for dagen in (-30, 30):
        deadline = OP + datetime.timedelta(days=dagen)
        MijlpaalFactory(eigenaar=eigenaar, deadline=deadline)
        BeheersmaatregelFactory(eigenaar=eigenaar, deadline=deadline)
        VervolgactieFactory(eigenaar=eigenaar, deadline=deadline)
    return eigenaar


def _tellingen_sql(user):
    dashboard.tellingen(user, OP, beheer=True, mag_lezen=True)  # moves the peildatum to OP
    with CaptureQueriesContext(connection) as queries:
        geteld = dashboard.tellingen(user, OP, beheer=True, mag_lezen=True)
    (query,) = [q["sql"] for q in queries if '"tel_bron"' in q["sql"]]
    return query, geteld


def test_the_action_counts_read_the_counters_and_no_action_table(eigenaar):
    sql, geteld = _tellingen_sql(eigenaar)
    assert (geteld["open"], geteld["te_laat"]) == (6, 3)
    assert geteld["te_laat_per_soort"] == dict.fromkeys(ACTIETABELLEN, 1)
    assert geteld["eigenaren"] == 1
    assert {(r["soort"], r["n"]) for r in geteld["te_laat_rijen"]} == {
        (t, 1) for t in ACTIETABELLEN
    }
    for tabel in ACTIETABELLEN:
        assert f'"{tabel}"' not in sql, tabel
    assert '"douane_portfolio_actieteller"' in sql and '"audits_bevinding"' not in sql
    # The heat map: from its counters (risicos 0008), not the register.
    assert '"risicos_heatmapteller"' in sql and '"risicos_risico"' not in sql


@pytest.mark.parametrize(
    "tabel, kort",
    [
        ("programmas_mijlpaal", "mijlpaal"),
        ("risicos_beheersmaatregel", "maatregel"),
        ("audits_vervolgactie", "vervolgactie"),
    ],
)
def test_moving_the_peildatum_reads_a_range_of_an_open_actions_index(eigenaar, tabel, kort):
    """A day's deadlines: a range of an index that starts with the deadline among open
    actions (`<kort>_open_dl`) or with the status and then the deadline (`<kort>_open_idx`,
    the reminder sweep's; PostgreSQL chose it at scale 1.0), never the whole table or
    the whole per-owner index `<kort>_eig_open` (which holds the deadline too). A few
    hundred deadlines, analysed, so the planner sees that a day is a small range."""
    model = next(m for m in actie_modellen() if m._meta.db_table == tabel)
    voorbeeld = model.objects.filter(eigenaar=eigenaar).first()
    kopieen = []
    for n in range(400):
        voorbeeld.pk = None
        voorbeeld.deadline = OP + datetime.timedelta(days=n - 200)
        kopieen.append(copy.copy(voorbeeld))
    model.objects.bulk_create(kopieen)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tabel}")
    tellers.peildatum_zetten(OP)
    with CaptureQueriesContext(connection) as queries:
        assert tellers.peildatum_zetten(OP + datetime.timedelta(days=1))
    # The hub's counters per owner, and (milestones, follow-up actions) the overdue
    # columns of the initiatives and findings (douane_portfolio.tellerkolommen).
    verwacht = 1 if tabel == "risicos_beheersmaatregel" else 3
    gelezen = [q["sql"] for q in queries if f"FROM {tabel}" in q["sql"]]
    assert len(gelezen) == verwacht, gelezen
    for sql in gelezen:
        plan = uitleg(sql, "seqscan")
        assert f"Seq Scan on {tabel}" not in plan, plan
        assert f"{kort}_open_dl" in plan or f"{kort}_open_idx" in plan, plan
        assert f"{kort}_eig_open" not in plan, plan


def test_the_pending_reviews_are_read_in_the_order_of_their_index(client_voor, auditor):
    bevinding = BevindingFactory()
    Beoordeling.objects.create(
        bevinding=bevinding, aangeboden_door=bevinding.eigenaar, aanbieding="Klaar"
    )
    type(bevinding).objects.filter(pk=bevinding.pk).update(status="ter_beoordeling")
    with CaptureQueriesContext(connection) as queries:
        assert client_voor(auditor).get(reverse("audits:opvolging")).status_code == 200
    (sql,) = [q["sql"] for q in queries if 'FROM "audits_beoordeling"' in q["sql"]]
    # Sorts off: the 25 longest waiting come off the index in its order, not all sorted.
    plan = uitleg(sql, "seqscan", "sort", "bitmapscan")
    assert "beoordeling_lopend" in plan and "Sort" not in plan, plan


def test_the_top_risks_above_appetite_read_their_partial_index(eigenaar):
    from risicos.models import Risico
    from tests.risicos.factories import RisicoFactory

    boven = RisicoFactory(toprisico=True, gescoord=True, risicobereidheid=4)
    RisicoFactory(toprisico=False, gescoord=True, risicobereidheid=4)
    with CaptureQueriesContext(connection) as queries:
        assert dashboard.toprisicos_boven_bereidheid(eigenaar) == [boven]
    (sql,) = [q["sql"] for q in queries if Risico._meta.db_table in q["sql"]]
    plan = uitleg(sql, "seqscan")
    assert "risico_top_actief" in plan, plan
