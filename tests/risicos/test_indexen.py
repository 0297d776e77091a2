"""Every sort and filter of the register, the measures and the dialogues is served by an
index (PostgreSQL only): the lean keyset query of a real request, explained with
sequential scans and sorts switched off, names the index made for it (issue 13)."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from douane_portfolio import rollen
from douane_portfolio.bladeren import CURSOR, cursor_maken
from tests.factories import UserFactory
from tests.queryplan import keyset_plan, uitleg, vraag_en_vang
from tests.risicos.factories import (
    BeheersmaatregelFactory,
    RisicodialoogFactory,
    RisicoFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]

REGISTER = reverse("risicos:register")
VOLLEDIGE_SORTERING = re.compile(r"(^|->)\s*Sort\b")
MAATREGELEN = reverse("risicos:maatregelen")


@pytest.fixture
def client(client_voor):
    eigenaar = UserFactory(rol=rollen.RISICOFUNCTIONARIS)
    for n in range(4):
        risico = RisicoFactory(gescoord=n % 2 == 0, titel=f"Risico {n}", eigenaar=eigenaar)
        BeheersmaatregelFactory(eigenaar=eigenaar, risicos=[risico], status="afgerond")
        BeheersmaatregelFactory(eigenaar=eigenaar)
        RisicodialoogFactory(risicos=[risico])
    return client_voor(UserFactory(rol=rollen.BEHEERDER))


@pytest.mark.parametrize(
    ("url", "params", "index"),
    [
        (REGISTER, {"sort": "maatregelen"}, "risico_mr_telling"),
        (REGISTER, {"sort": "-maatregelen"}, "risico_mr_telling"),
        (REGISTER, {"sort": "netto"}, "risico_netto_op"),
        (REGISTER, {"sort": "-netto"}, "risico_netto_titel"),
        (REGISTER, {"sort": "bruto"}, "risico_bruto_op"),
        (REGISTER, {"sort": "-bruto"}, "risico_bruto_af"),
        (REGISTER, {"sort": "titel"}, "risicos_risico_titel"),
        (REGISTER, {"sort": "-titel"}, "risicos_risico_titel"),
        (REGISTER, {"netto": "hoog"}, "risico_netto_titel"),
        (REGISTER, {"categorie": "extern"}, "risico_netto_titel"),
        (MAATREGELEN, {"sort": "status"}, "maatregel_status_id"),
        (MAATREGELEN, {"sort": "-status"}, "maatregel_status_id"),
        (MAATREGELEN, {"sort": "-deadline"}, "maatregel_dl_id"),
        (MAATREGELEN, {"soort": "overkoepelend"}, "maatregel_dl_id"),
        (MAATREGELEN, {"soort": "risico"}, "maatregel_dl_id"),
        (reverse("risicos:dialogen"), {}, "dialoog_datum_id"),
    ],
)
def test_each_sort_and_filter_walks_its_index(client, url, params, index):
    sql, _ = vraag_en_vang(client, url, params, "_blader0")
    # On a few rows (status, deadline) with an incremental sort by id costs the same;
    # at scale (status, id) needs no sort at all.
    uit = ("incremental_sort",) if index == "maatregel_status_id" else ()
    plan = uitleg(sql, "seqscan", "sort", *uit)
    assert index in plan, plan
    # At most an incremental sort of rows with equal leading keys, never all rows.
    assert not VOLLEDIGE_SORTERING.search(plan), plan


def test_the_measure_count_sort_has_no_sort_step_either_way(client):
    """The index holds the counts in the page's order: no Sort node, and the
    descending page walks it backward (the id is part of the sort)."""
    for richting in ("maatregelen", "-maatregelen"):
        plan, _ = keyset_plan(client, REGISTER, {"sort": richting})
        assert "risico_mr_telling" in plan and "Sort" not in plan, plan
    plan, _ = keyset_plan(client, REGISTER, {"sort": "-maatregelen"})
    assert "Backward" in plan, plan


def test_a_deep_page_seeks_into_the_index(client):
    """Page 300 starts where the cursor points (an Index Cond on the counts), not by
    reading and skipping the pages before it."""
    cursor = cursor_maken("n", 300, [1, 1, 10**6])
    plan, response = keyset_plan(client, REGISTER, {"sort": "maatregelen", CURSOR: cursor})
    assert "risico_mr_telling" in plan and "Index Cond" in plan, plan
    assert response.status_code == 200


def test_a_deep_page_of_the_default_order_seeks_past_its_unscored_risks(client):
    """The default order puts unscored risks last. With NULLS LAST the rows after a scored
    cursor were an OR with IS NULL, no index range: the scan began at the top of the
    index and filtered (36 ms at scale 1.0). On the COALESCE they are one range."""
    cursor = cursor_maken("n", 300, [4, "Risico 9", 10**6])
    plan, response = keyset_plan(client, REGISTER, {CURSOR: cursor})
    assert "risico_netto_titel" in plan, plan
    assert "Index Cond: (COALESCE" in plan and "<= 4)" in plan, plan
    # The unscored risks (two of the four) follow on this page, after any scored ones.
    getoond = [r.record for r in response.context["table"].page.object_list]
    assert [r.netto_score is None for r in getoond][-2:] == [True, True]
    assert sum(r.netto_score is None for r in getoond) == 2


@pytest.mark.parametrize("sortering", ["netto", "-netto", "bruto", "-bruto"])
def test_every_score_sort_seeks_by_a_range(client, sortering):
    """After a scored cursor, each score sort is an index range, both directions."""
    waarde = 4
    cursor = cursor_maken("n", 2, [waarde, "Risico 0", 0])
    plan, response = keyset_plan(client, REGISTER, {"sort": sortering, CURSOR: cursor})
    # Ascending, all keys run one way: the row comparison joins the range (one more "(").
    assert re.search(r"Index Cond: \(+COALESCE", plan), plan
    assert response.status_code == 200


def test_the_owner_sort_walks_owners_and_their_rows_in_order(client):
    """Sorting by owner goes owner by owner (name, then id) into each owner's rows by
    index, instead of joining and sorting every row."""
    for url in (REGISTER, MAATREGELEN):
        sql, _ = vraag_en_vang(client, url, {"sort": "eigenaar"}, "_blader0")
        # On a few rows sorting them all is cheapest; at scale the planner walks the
        # owners' index by itself (0.7 ms for 500,000 measures).
        plan = uitleg(sql, "seqscan", "hashjoin", "mergejoin", "sort")
        assert "Nested Loop" in plan, plan
        assert "eigenaar" in plan, plan
        # The owners in name order from their own index: no sort of all owners or rows.
        assert "user_naam_id" in plan, plan
        assert not VOLLEDIGE_SORTERING.search(plan), plan


def test_the_register_reads_its_counts_from_the_risk_row(client):
    """No subquery over the link table per row any more (the counters of 0005)."""
    rijen, _ = vraag_en_vang(client, REGISTER, None, '"maatregelen_gereed"')
    assert "risicos_beheersmaatregel_risicos" not in rijen, rijen


@pytest.mark.parametrize(
    ("soort", "index"), [("bruto", "risico_status_bruto"), ("netto", "risico_status_netto")]
)
def test_both_heat_maps_count_their_cells_from_an_index_alone(client, soort, index):
    # The gross map read every active risk from the table (6,700 pages at scale 1.0).
    sql, response = vraag_en_vang(client, reverse("risicos:heatmap"), {}, f'"{soort}_impact"')
    plan = uitleg(sql, "seqscan", "bitmapscan")
    assert f"Index Only Scan using {index}" in plan, plan
    assert response.status_code == 200


# Every sort the two lists offer on screen, each way, with the index that serves it.
ZICHTBARE_SORTERINGEN = [
    *(
        (REGISTER, f"{richting}{kolom}", index)
        for kolom, index in [
            ("titel", "risicos_risico_titel"),
            ("categorie", "risico_categorie_id"),
            ("toprisico", "risico_top_id"),
            ("eigenaar", "user_naam_id"),
            ("risicobereidheid", "risico_bereid_id"),
            ("maatregelen", "risico_mr_telling"),
            ("herbeoordeling", "risico_herb_id"),
            ("status", "risico_status_id"),
            ("open_bevindingen", "risico_bev_open"),
        ]
        for richting in ("", "-")
    ),
    (REGISTER, "bruto", "risico_bruto_op"),
    (REGISTER, "-bruto", "risico_bruto_af"),
    (REGISTER, "netto", "risico_netto_op"),
    (REGISTER, "-netto", "risico_netto_titel"),
    *(
        (MAATREGELEN, f"{richting}{kolom}", index)
        for kolom, index in [
            ("omschrijving", "maatregel_omschr_id"),
            ("eigenaar", "user_naam_id"),
            ("deadline", "maatregel_dl_id"),
            ("status", "maatregel_status_id"),
            ("dialoog", "maatregel_dlg_id"),
        ]
        for richting in ("", "-")
    ),
]
# The sorts of migration 0012: a deep page seeks to its cursor by one row comparison,
# also inside a run of equal keys (here every risk is active, internal, not a top risk,
# without appetite or review date; every measure without a dialogue).
RIJ_ZOEKEND = {
    "categorie",
    "toprisico",
    "status",
    "risicobereidheid",
    "herbeoordeling",
    "omschrijving",
    "dialoog",
    "open_bevindingen",
}


@pytest.mark.parametrize(("url", "sortering", "index"), ZICHTBARE_SORTERINGEN)
def test_every_visible_sort_walks_its_index_on_the_first_and_a_deep_page(
    settings, client, url, sortering, index
):
    """First page and the page "Volgende" leads to, each way: the plan reads the sort's
    index (the owners' by name, then each owner's rows) and sorts no rows in full."""
    settings.LIJST_PAGINA_GROOTTE = 2
    uit = ["seqscan", "sort", "hashjoin", "mergejoin"]
    if index == "maatregel_status_id":
        uit.append("incremental_sort")  # as in test_each_sort_and_filter_walks_its_index
    params = {"sort": sortering}
    for pagina in ("eerste", "diep"):
        sql, response = vraag_en_vang(client, url, params, "_blader0")
        plan = uitleg(sql, *uit)
        assert index in plan, (pagina, plan)
        assert not VOLLEDIGE_SORTERING.search(plan), (pagina, plan)
        if pagina == "diep" and sortering.lstrip("-") in RIJ_ZOEKEND:
            assert re.search(r"Index Cond: .*ROW\(", plan), plan
        params = {**params, CURSOR: response.context["table"].page.volgende}
        assert params[CURSOR] or pagina == "diep"


@pytest.mark.parametrize("sortering", ["eigenaar", "-eigenaar"])
def test_no_row_comparison_over_a_join(settings, client, sortering):
    """The owner's name lies in another table: no index holds it with the risk's id.
    Compared as a row, the planner sorted all risks (20 -> 50 ms). (The open findings
    were a subquery too, until the database kept them on the risk: audits 0016.)"""
    settings.LIJST_PAGINA_GROOTTE = 2
    volgende = client.get(REGISTER, {"sort": sortering}).context["table"].page.volgende
    sql, _ = vraag_en_vang(client, REGISTER, {"sort": sortering, CURSOR: volgende}, "_blader0")
    assert "ROW(" not in uitleg(sql), sql
