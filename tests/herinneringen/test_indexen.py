"""What the sweep asks the ledger: for each open action and kind of reminder, one key of
its unique index, whatever the size of the ledger. A list of periods in that probe (as
before) made PostgreSQL descend the index once per period: 700 times per action."""

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import DateField, Value
from django.test.utils import CaptureQueriesContext

from herinneringen.services import (
    herinneringen_bepalen,
    herinneringen_vastleggen,
    in_grootboek,
    verschuldigd,
)
from tests.herinneringen.conftest import ACTIE_MODELLEN, DAG, VANDAAG, maak_actie, moment
from tests.queryplan import uitleg

pytestmark = pytest.mark.django_db


def test_the_ledger_is_asked_for_the_very_period_the_sweep_records(pm):
    """The period computed in SQL matches `verschuldigd` on every day around a deadline:
    once recorded, nothing is due again."""
    model = ACTIE_MODELLEN[0]
    for dagen in range(-120, 15):
        maak_actie(model, eigenaar=pm, deadline=VANDAAG + dagen * DAG)
    with time_machine.travel(moment(VANDAAG), tick=False):
        geplande = herinneringen_bepalen(op=VANDAAG)
        # Every day overdue, escalated from day 14, due soon at 14 and 3 days.
        assert len(geplande) == 120 + (120 - 13) + 15
        herinneringen_vastleggen(geplande, op=VANDAAG)
        assert herinneringen_bepalen(op=VANDAAG) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL")
@pytest.mark.parametrize("dagen", [-30, 3])
def test_the_sweep_probes_the_ledger_by_its_whole_unique_key(pm, dagen):
    model = ACTIE_MODELLEN[0]
    actie = maak_actie(model, eigenaar=pm, deadline=VANDAAG + dagen * DAG)
    # A ledger full of this kind of action, with statistics that say so.
    for n in range(200):
        maak_actie(model, eigenaar=pm, deadline=VANDAAG - (n % 60 + 1) * DAG)
    with time_machine.travel(moment(VANDAAG), tick=False):
        herinneringen_vastleggen(herinneringen_bepalen(op=VANDAAG), op=VANDAAG)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE douane_portfolio_herinnering")
    soort_id = ContentType.objects.get_for_model(model).pk
    deadline = Value(actie.deadline, output_field=DateField())
    soorten = [soort for soort, _ in verschuldigd(actie.deadline, VANDAAG)]
    assert soorten  # overdue and escalated, or due soon
    for soort in soorten:
        with CaptureQueriesContext(connection) as queries:
            list(in_grootboek(soort_id, actie.pk, soort, VANDAAG, deadline))
        plan = uitleg(queries[-1]["sql"], "seqscan", "bitmapscan")
        assert "herinnering_een_per_actie_soort_periode" in plan, plan
        [conditie] = [regel for regel in plan.splitlines() if "Index Cond" in regel]
        assert "(object_id = " in conditie and "(periode)::text = " in conditie, plan
        assert "ANY" not in conditie, plan
