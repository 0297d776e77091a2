"""The findings' status filter is a range of the default order's index (PostgreSQL
only): not a filter on a walk past every finding sorted before the chosen status."""

import pytest
from django.db import connection
from django.urls import reverse

from audits.models import BevindingStatus
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory
from tests.factories import UserFactory
from tests.queryplan import keyset_plan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


@pytest.mark.parametrize(("waarde", "aantal"), [("opgelost", 2), ("open", 2), ("nog_open", 3)])
def test_the_status_filter_is_a_range_of_the_default_orders_index(
    client_voor, settings, waarde, aantal
):
    settings.LIJST_PAGINA_GROOTTE = 3
    for status in list(BevindingStatus) * 2:
        BevindingFactory(status=status)
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))

    plan, response = keyset_plan(client, reverse("audits:bevindingen"), {"status": waarde})

    # Either index that starts with the status order (the default order's, or the status
    # sort's): which one the planner takes on a few rows varies with the statistics.
    assert "bevinding_volgorde" in plan or "bevinding_status_titel" in plan, plan
    assert "Index Cond: (CASE" in plan or "Index Cond: ((CASE" in plan, plan
    getoond = response.context["table"].page.object_list
    assert len(getoond) == aantal
    assert all(rij.record.status != "opgelost" for rij in getoond) == (waarde != "opgelost")
