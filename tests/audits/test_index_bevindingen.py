"""The findings list's default sort is served by its index (PostgreSQL only), on the
first page and on a deep one; see tests/douane_portfolio/test_indexen.py for the method."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audits.models import Bevinding, BevindingStatus
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.audits.test_sorteringen import bevindingen_met_gelijken
from tests.factories import UserFactory
from tests.queryplan import uitleg, vraag_en_vang

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


VOLLEDIGE_SORTERING = re.compile(r"(^|->)\s*Sort\b")


def _plan(client, params):
    # Incremental sorts off as well: on a handful of rows the planner sometimes took the
    # status index and sorted each status group, a tie with the full order's index (CI).
    sql, response = vraag_en_vang(client, reverse("audits:bevindingen"), params, "_blader0")
    return uitleg(sql, "seqscan", "sort", "incremental_sort"), response


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
def test_the_filter_with_overdue_actions_is_a_condition_on_the_findings_counter(
    client_voor, settings, wie
):
    # The list shows the counter column `acties_te_laat` (the peildatum made today
    # first), so the filter is a condition on the row as the list's index walks it: no
    # subplan and no semi join into the actions per finding.
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
    assert "SubPlan" not in plan and "Semi Join" not in plan, plan
    assert "bevinding_volgorde" in plan and "acties_te_laat > 0" in plan, plan
    getoond = [rij.record.pk for rij in response.context["table"].page.object_list]
    assert len(getoond) == 3 and set(getoond) <= te_laat


# Each sort, both directions, and the index that serves it (migration 0015). The owner and
# instantie sorts join: the users' or reports' index in order, into the findings'.
SORTERINGEN = [
    ("audits:bevindingen", "titel", ["bevinding_titel_id"]),
    ("audits:bevindingen", "soort", ["bevinding_soort_id"]),
    ("audits:bevindingen", "domein", ["bevinding_domein_id"]),
    ("audits:bevindingen", "status", ["bevinding_status_titel"]),
    ("audits:bevindingen", "verwacht", ["bevinding_verwacht"]),
    # On the counters the database keeps (migration 0017).
    ("audits:bevindingen", "open_acties", ["bevinding_open_acties"]),
    ("audits:bevindingen", "te_late_acties", ["bevinding_te_laat_id"]),
    ("audits:bevindingen", "verschuivingen", ["bevinding_uitstel_id"]),
    # Into an owner's few findings by any index on eigenaar_id (at scale
    # bevinding_eigenaar_id; on these few rows the planner may take the foreign key's).
    ("audits:bevindingen", "eigenaar", ["user_naam_id", "Nested Loop"]),
    # Into a report's few findings by any index on rapport_id (at scale bevinding_rapport_id).
    ("audits:bevindingen", "instantie", ["rapport_instantie_id", "Nested Loop"]),
    ("audits:rapporten", None, ["rapport_volgorde"]),
    ("audits:rapporten", "instantie", ["rapport_instantie_id"]),
    ("audits:rapporten", "titel", ["rapport_titel_id"]),
    ("audits:rapporten", "jaar", ["rapport_jaar_id"]),
    ("audits:rapporten", "aantal_bevindingen", ["rapport_bev_aantal"]),
    ("audits:rapporten", "nog_open", ["rapport_bev_open"]),
]


@pytest.mark.parametrize("aflopend", [False, True], ids=["oplopend", "aflopend"])
@pytest.mark.parametrize(
    ("lijst", "kolom", "indexen"), SORTERINGEN, ids=lambda w: w if isinstance(w, str) else None
)
def test_every_sort_walks_its_index_on_the_first_and_a_deep_page(
    client_voor, settings, lijst, kolom, indexen, aflopend
):
    """No Sort node over all rows (at most an incremental sort of a report's or an
    owner's few findings by id), on the first page and on the pages after a cursor; a
    descending sort reads the same index backward."""
    if kolom is None and aflopend:
        pytest.skip("de standaardvolgorde heeft één richting")
    settings.LIJST_PAGINA_GROOTTE = 3
    bevindingen_met_gelijken()
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))
    url = reverse(lijst)
    params = {"sort": f"-{kolom}" if aflopend else kolom} if kolom else {}
    # On a few rows a hash join and a sort of all rows are cheapest; at scale the planner
    # walks the indexes by itself (measured in the migration).
    uit = ("seqscan", "sort", "hashjoin", "mergejoin", "bitmapscan")
    for pagina in range(2):
        sql, response = vraag_en_vang(client, url, params, "_blader0")
        plan = uitleg(sql, *uit)
        for index in indexen:
            assert re.search(rf"\b{index}\b", plan), plan
        assert not VOLLEDIGE_SORTERING.search(plan), plan
        if aflopend and len(indexen) == 1:
            assert "Backward" in plan, plan
        if pagina == 0:
            params = {**params, "cursor": response.context["table"].page.volgende}
            assert params["cursor"]


@pytest.mark.parametrize(
    ("kolom", "index"), [("status", "bevinding_status_titel"), ("verwacht", "bevinding_verwacht")]
)
@pytest.mark.parametrize("aflopend", [False, True], ids=["oplopend", "aflopend"])
def test_the_seek_past_a_cursor_is_an_index_range(client_voor, settings, kolom, index, aflopend):
    """Status and expectation as values for every row (no OR with IS NULL): the rows after
    the cursor start at an Index Cond, not at the top of the index."""
    settings.LIJST_PAGINA_GROOTTE = 3
    bevindingen_met_gelijken()
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))
    params = {"sort": f"-{kolom}" if aflopend else kolom}
    _, response = _plan(client, params)
    plan, _ = _plan(client, {**params, "cursor": response.context["table"].page.volgende})
    assert f"using {index} on" in plan, plan
    # (With the row comparison of the keyset seek, if any, around or next to it.)
    assert re.search(r"Index Cond: \(+(ROW\()?(CASE|COALESCE)", plan), plan


def test_no_index_of_the_finding_only_repeats_the_start_of_another():
    """The foreign keys' own indexes on report and owner went (migration 0019): each write
    of an action updates its finding's counters, so every index of the finding costs on
    every such write, and (rapport, id) and (eigenaar, id) serve what they served."""
    with connection.cursor() as cursor:
        indexen = connection.introspection.get_constraints(cursor, "audits_bevinding")
    kolommen = [tuple(i["columns"]) for i in indexen.values() if i["index"] and i["columns"]]
    for kolom in ("rapport_id", "eigenaar_id"):
        assert (kolom,) not in kolommen, kolommen
        assert any(k[0] == kolom and len(k) > 1 for k in kolommen), kolommen
