"""The findings list's default sort is served by its index (PostgreSQL only), on the
first page and on a deep one; see tests/douane_portfolio/test_indexen.py for the method."""

import pytest
from django.db import connection
from django.urls import reverse

from audits.models import Bevinding, BevindingStatus
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory
from tests.factories import UserFactory
from tests.queryplan import keyset_plan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


def _plan(client, params):
    return keyset_plan(client, reverse("audits:bevindingen"), params)


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
    # The seek past the cursor is a range in the index, not a filter from its top: both
    # keys have a value for every row (no OR with IS NULL).
    assert "Index Cond: (CASE" in plan, plan
