"""EXPLAIN of a query a real request made (PostgreSQL), for the index tests.

Test data is too small for the planner to prefer an index on its own, so the caller
names the plan types to switch off for the one EXPLAIN."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def uitleg(sql, *uit):
    """The plan of `sql` with `enable_<x>` off for each x in `uit` (this transaction)."""
    with connection.cursor() as cursor:
        for soort in uit:
            cursor.execute(f"SET LOCAL enable_{soort} = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(rij[0] for rij in cursor.fetchall())


def vraag_en_vang(client, url, params, kenmerk):
    """(the first query of GET `url` holding `kenmerk`, the response)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    gevonden = [q["sql"] for q in queries if kenmerk in q["sql"]]
    assert gevonden, f"geen query met {kenmerk} gevonden"
    return gevonden[0], response


def keyset_plan(client, url, params=None):
    """(plan, response): the lean keyset query of a list page, explained with
    sequential scans and sorts off."""
    sql, response = vraag_en_vang(client, url, params, "_blader0")
    return uitleg(sql, "seqscan", "sort"), response
