"""The search boxes of the lists can be answered from a trigram index (PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from douane_portfolio import rollen
from tests.factories import UserFactory
from tests.queryplan import uitleg, vraag_en_vang

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


@pytest.mark.parametrize(
    ("lijst", "indexen"),
    [
        ("risicos:register", ["zoek_risico_titel", "zoek_risico_omschrijving"]),
        ("risicos:maatregelen", ["zoek_beheersmaatregel_omschrijving"]),
        ("risicos:dialogen", ["zoek_risicodialoog_titel"]),
        (
            "audits:bevindingen",
            ["zoek_bevinding_titel", "zoek_bevinding_omschrijving", "zoek_bevinding_domein"],
        ),
    ],
)
def test_a_search_reads_the_trigram_index_of_each_searched_column(client_voor, lijst, indexen):
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))
    # All statuses: the register's "active" filter would otherwise offer its own index.
    params = (
        {"zoek": "zeldzaam", "status": "alle"}
        if lijst == "risicos:register"
        else {"zoek": "zeldzaam"}
    )
    sql, _ = vraag_en_vang(client, reverse(lijst), params, "LIKE")
    # On a few rows a scan is cheapest; without scans of the table or of the sort's
    # index, what is left is the trigram index (at scale the planner takes it itself).
    plan = uitleg(sql, "seqscan", "indexscan", "indexonlyscan")
    for index in indexen:
        assert index in plan, plan


def test_the_actions_search_reads_an_index_for_the_description_and_the_findings_title(
    client_voor,
):
    """Not one OR across the join (every action read for a rare word): the findings whose
    title matches first, from their trigram index; then the actions by description or by
    those findings, each part from an index of its own."""
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("audits:acties"), {"zoek": "zeldzaam"}).status_code == 200
    zoekend = [q["sql"] for q in queries if "LIKE" in q["sql"]]
    bevindingen = [q for q in zoekend if 'FROM "audits_bevinding"' in q]
    acties = [q for q in zoekend if "_blader0" in q]
    assert bevindingen and acties, zoekend
    assert "zoek_bevinding_titel" in uitleg(bevindingen[0], "seqscan", "indexscan", "indexonlyscan")
    plan = uitleg(acties[0], "seqscan", "indexscan", "indexonlyscan")
    assert "zoek_vervolgactie_omschrijving" in plan, plan
    assert "audits_bevinding" not in plan, plan
