"""The follow-up overview's blocks read their indexes, not the whole table (PostgreSQL
only; see tests/douane_portfolio/test_indexen.py for the method): "meest uitgesteld" walks
the partial index of postponed actions in its order and stops after 10, "verwacht
opgelost" the partial index of unresolved findings in its order."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from audits import services
from audits.models import Vervolgactie
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.queryplan import uitleg, vraag_en_vang

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


@pytest.fixture
def gegevens(pm, pm2, auditor):
    for n in range(4):
        bevinding = BevindingFactory(eigenaar=pm, verwacht_opgelost_jaar=2020 + n)
        actie = VervolgactieFactory(bevinding=bevinding, eigenaar=pm2)
        VervolgactieFactory(bevinding=bevinding, eigenaar=pm2)
        for _ in range(n):
            actie.refresh_from_db()
            services.deadline_verschuiven(
                actie=actie,
                nieuwe_deadline=actie.deadline + datetime.timedelta(days=7),
                reden="Later",
                goedgekeurd_door=auditor,
                door=pm2,
            )


def _query(client_voor, kenmerk):
    client = client_voor(UserFactory(rol=rollen.AUDITOR))
    return vraag_en_vang(client, reverse("audits:opvolging"), None, kenmerk)


def test_the_most_postponed_walk_their_partial_index_and_stop(client_voor, gegevens):
    sql, response = _query(client_voor, '"audits_vervolgactie"."aantal_verschuivingen" > 0')
    assert [a.aantal_verschuivingen for a in response.context["meest_uitgesteld"]] == [3, 2, 1]
    plan = uitleg(sql, "seqscan", "bitmapscan", "sort")
    assert "vervolgactie_uitstel" in plan, plan
    # In the index's order: no sort of all postponed actions, and never the whole table.
    assert "Sort" not in plan.split("Limit", 1)[1], plan
    assert "Seq Scan on audits_vervolgactie" not in plan, plan


def test_the_passed_expectations_are_read_in_their_index_order(client_voor, gegevens):
    kenmerk = 'ORDER BY "audits_bevinding"."verwacht_opgelost_jaar" ASC NULLS LAST'
    sql, _ = _query(client_voor, kenmerk)
    plan = uitleg(sql, "seqscan", "bitmapscan")
    assert "bevinding_open_verwacht" in plan, plan
    assert "Sort" not in plan.split("Limit", 1)[1].split("SubPlan", 1)[0], plan


def test_the_passed_expectations_are_counted_from_their_index_alone(client_voor, gegevens):
    sql, response = _query(client_voor, 'SELECT COUNT(*) FROM (SELECT "audits_bevinding"')
    assert response.context["aantal_verstreken"] == 4
    plan = uitleg(sql, "seqscan", "bitmapscan")
    assert "Index Only Scan using bevinding_open_verwacht" in plan, plan


def test_the_counter_is_what_the_block_ranks_by(gegevens):
    assert sorted(Vervolgactie.objects.values_list("aantal_verschuivingen", flat=True)) == [
        0, 0, 0, 0, 0, 1, 2, 3,
    ]  # fmt: skip


@pytest.mark.parametrize("sort", [None, "-deadline"])
def test_the_postponed_filter_walks_its_partial_index_in_the_lists_order(
    client_voor, gegevens, sort
):
    """Postponed actions lie late in the deadline order: the list's filter reads the
    partial index of postponed actions in that order, not the whole list's index."""
    client = client_voor(UserFactory(rol=rollen.AUDITOR))
    params = {"uitgesteld": "ja", **({"sort": sort} if sort else {})}
    sql, response = vraag_en_vang(client, reverse("audits:acties"), params, "_blader0")
    rijen = [r.record for r in response.context["table"].page.object_list]
    assert len(rijen) == 3 and all(a.aantal_verschuivingen > 0 for a in rijen)
    plan = uitleg(sql, "seqscan", "bitmapscan", "sort")
    assert "vervolgactie_uitgesteld_dl" in plan, plan
    # At most an incremental sort by id within one deadline (descending), never all rows.
    assert not re.search(r"(^|->)\s*Sort\b", plan), plan
