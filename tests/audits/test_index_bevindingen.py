"""The findings list's default sort is served by its index (PostgreSQL only), on the
first page and on a deep one; see tests/douane_portfolio/test_indexen.py for the method."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Bevinding, BevindingStatus
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


def _plan(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audits:bevindingen"), params)
    assert response.status_code == 200
    lean = [q["sql"] for q in queries if "_blader0" in q["sql"]]
    assert lean, "geen keyset-query gevonden"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + lean[0])
        return "\n".join(rij[0] for rij in cursor.fetchall()), response


@pytest.mark.parametrize("wie", [rollen.BEHEERDER, rollen.PROGRAMMAMANAGER])
def test_the_default_sort_of_the_findings_uses_its_index(client_voor, settings, wie):
    settings.LIJST_PAGINA_GROOTTE = 3
    for n, status in enumerate(list(BevindingStatus) * 2):
        BevindingFactory(status=status, verwacht_opgelost_jaar=2020 + n % 3 if n % 4 else None)
    assert Bevinding.objects.count() == 8
    client = client_voor(UserFactory(rol=wie))
    plan, response = _plan(client, {})
    assert "bevinding_volgorde" in plan, plan
    volgende = response.context["table"].page.volgende
    plan, _ = _plan(client, {"cursor": volgende})
    assert "bevinding_volgorde" in plan, plan
