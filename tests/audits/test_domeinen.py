"""The findings filter's domain choices: the distinct domains in order, in one query, by
stepping along the index on `domein` instead of reading every finding."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.filters import _domeinen
from audits.models import Bevinding
from tests.audits.factories import BevindingFactory

pytestmark = pytest.mark.django_db


def test_the_domains_are_the_distinct_values_in_order_in_one_query():
    for domein in ["Keten", "Data & IT", "Keten", "Aangifte", "Data & IT", "Zoëtermeer"]:
        BevindingFactory(domein=domein)

    with CaptureQueriesContext(connection) as queries:
        keuzes = _domeinen()

    verwacht = Bevinding.objects.order_by("domein").values_list("domein", flat=True).distinct()
    assert keuzes == [(d, d) for d in verwacht]
    assert len(keuzes) == 4
    assert len(queries) == 1


def test_no_findings_no_domains():
    assert _domeinen() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL")
def test_the_domains_step_along_their_index():
    for n in range(30):
        BevindingFactory(domein=f"domein {n % 3}")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as queries:
            _domeinen()
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(regel for (regel,) in cursor.fetchall())
    assert "bevinding_domein_id" in plan, plan
