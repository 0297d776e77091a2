"""The register's filters decide per row (PostgreSQL only): no subquery over the whole
table before the list's index walk can start (issue 13)."""

import pytest
from django.db import connection
from django.urls import reverse

from douane_portfolio import rollen
from tests.factories import UserFactory
from tests.queryplan import keyset_plan
from tests.risicos.factories import RisicoFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


@pytest.mark.parametrize("waarde", ["ja", "nee"])
def test_within_or_above_appetite_is_a_filter_on_the_row(client_voor, waarde):
    # "nee" was NOT IN (every risk above appetite): a subplan that read the whole table
    # (210 ms for 20,000 risks at scale 1.0).
    for n in range(4):
        RisicoFactory(netto_kans=n + 1, netto_impact=3, risicobereidheid=6)
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))

    plan, response = keyset_plan(
        client, reverse("risicos:register"), {"boven_risicobereidheid": waarde}
    )

    assert "SubPlan" not in plan, plan
    assert "risico_netto_titel" in plan, plan
    assert len(response.context["table"].page.object_list) == 2
