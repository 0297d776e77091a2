"""The findings list's default sort is served by its index (PostgreSQL only), on the
first page and on a deep one; see tests/douane_portfolio/test_indexen.py for the method."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audits.models import Bevinding, BevindingStatus
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory, VervolgactieFactory
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
    # keys have a value for every row (no OR with IS NULL), and one row comparison on all
    # the keys (bladeren._rij_na) seeks to the cursor itself.
    assert "Index Cond: ((CASE" in plan and "ROW(CASE" in plan, plan


@pytest.mark.parametrize("wie", [rollen.BEHEERDER, rollen.PROGRAMMAMANAGER])
def test_the_filter_with_overdue_actions_is_a_semi_join_on_the_open_actions_index(
    client_voor, settings, wie
):
    # The filter walks the list's order and asks, per finding, whether one open action
    # is overdue: an EXISTS that stops at the first, on the open actions alone. The count
    # the column shows, compared with 0, ran as a subplan over every action per finding.
    settings.LIJST_PAGINA_GROOTTE = 3
    gisteren = timezone.localdate() - datetime.timedelta(days=1)
    te_laat = set()
    for n, status in enumerate(list(BevindingStatus) * 2):
        bevinding = BevindingFactory(status=status)
        VervolgactieFactory(bevinding=bevinding, deadline=gisteren, status="afgerond")
        if n % 2:
            VervolgactieFactory(bevinding=bevinding, deadline=gisteren)
            te_laat.add(bevinding.pk)
    client = client_voor(UserFactory(rol=wie))
    plan, response = _plan(client, {"te_laat": "ja"})
    assert "SubPlan" not in plan, plan
    assert "Semi Join" in plan, plan
    assert "vervolgactie_bev_open" in plan, plan
    getoond = [rij.record.pk for rij in response.context["table"].page.object_list]
    assert len(getoond) == 3 and set(getoond) <= te_laat
