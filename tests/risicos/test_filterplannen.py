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


@pytest.mark.parametrize("waarde", ["laag", "hoog", "niet_gescoord"])
def test_a_net_band_is_a_range_of_the_registers_score_index(client_voor, waarde):
    # On the bare product the band was a filter while walking the index from the top
    # (16-22 ms at scale 1.0); on the sort key's own expression it is its index range.
    for kans, impact in [(1, 2), (2, 2), (3, 4), (4, 4), (None, None)]:
        RisicoFactory(netto_kans=kans, netto_impact=impact, bruto_kans=kans, bruto_impact=impact)
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))

    plan, response = keyset_plan(client, reverse("risicos:register"), {"netto": waarde})

    assert "risico_netto_titel" in plan, plan
    assert "Index Cond: ((COALESCE" in plan or "Index Cond: (COALESCE" in plan, plan
    assert len(response.context["table"].page.object_list) == {"laag": 2, "hoog": 2}.get(waarde, 1)
