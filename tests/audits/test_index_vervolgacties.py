"""Every sort of the follow-up actions list walks an index in the list's order (audits
0014), both directions, on the first page and after a cursor; and following "Volgende"
gives every action once, in the order the sort's keys give (issue 13).

The EXPLAIN tests run on PostgreSQL only; the page walk on every database."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from audits.models import OMSCHRIJVING_VOLGORDE, Instantie, Vervolgactie
from douane_portfolio import rollen
from douane_portfolio.bladeren import Sleutel, _rij_na
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory
from tests.bladerhulp import rij_ids
from tests.factories import UserFactory
from tests.queryplan import uitleg, vraag_en_vang
from tests.risicos.test_indexen import VOLLEDIGE_SORTERING

pytestmark = pytest.mark.django_db

ACTIES = reverse("audits:acties")
OP_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"
)

# Each sort, the index its keyset query walks, and the keys the list orders by.
SORTERINGEN = {
    "status": ("vervolgactie_status_id", ("status", "pk")),
    "omschrijving": ("vervolgactie_omschr_id", (OMSCHRIJVING_VOLGORDE, "pk")),
    "aantal_verschuivingen": ("vervolgactie_uitstel_id", ("aantal_verschuivingen", "pk")),
    "oorspronkelijke_deadline": ("vervolgactie_oorspr_id", ("oorspronkelijke_deadline", "pk")),
    "deadline": ("vervolgactie_dl_id", ("deadline", "pk")),
    # From other tables: the findings by title, the reports by body and title (their
    # unique index), each into the actions of one finding.
    "bevinding": ("bevinding_titel_id", ("bevinding__titel", "bevinding_id", "pk")),
    "instantie": (
        # At scale the reports' (instantie, titel) index; on a few rows the planner may
        # take (instantie, id) and sort each body's few actions.
        ("audits_rapport_uniek", "rapport_instantie_id"),
        ("bevinding__rapport__instantie", "bevinding__rapport__titel", "pk"),
    ),
    # By name: the owners from the users' name index, each owner's actions from an owner
    # index (at scale the one with the deadline, on a few rows the foreign key's), sorted
    # per owner. It sorted by the owner's id: fast, but in no order a reader recognises.
    "eigenaar": (
        ("vervolgactie_eig_dl", "audits_vervolgactie_eigenaar_id"),
        ("eigenaar__first_name", "eigenaar__last_name", "eigenaar_id", "pk"),
    ),
}
# Where the walk keeps the order of the small table and sorts per finding or report only.
VOORGESORTEERD = {
    "bevinding": "Presorted Key: audits_bevinding.titel, audits_vervolgactie.bevinding_id",
    "instantie": "Presorted Key: audits_auditrapport.instantie",
}


def _volgorde(sortering):
    """The keys as `order_by` takes them, descending for `-sortering`."""
    naam = sortering.lstrip("-")
    sleutels = SORTERINGEN[naam][1]
    if not sortering.startswith("-"):
        return [s.asc() if not isinstance(s, str) else s for s in sleutels]
    return [s.desc() if not isinstance(s, str) else f"-{s}" for s in sleutels]


@pytest.fixture
def lijst(client_voor, settings):
    """Actions with keys that tie and differ in every column: bodies with several reports,
    findings with the same title in different reports, descriptions that share their
    first hundred characters, equal counts, dates and statuses."""
    settings.LIJST_PAGINA_GROOTTE = 4
    begin = datetime.date(2026, 1, 1)
    # The first made sorts last by name: by name and by id differ.
    eigenaren = [UserFactory(first_name="Zeger"), UserFactory(first_name="Anna")]
    gedeeld = "Gemeenschappelijk begin van een lange omschrijving " * 3
    n = 0
    for r, instantie in enumerate((Instantie.ARK, Instantie.ADR, Instantie.ARK, Instantie.INTERN)):
        rapport = AuditrapportFactory(instantie=instantie, titel=f"Rapport {3 - r}")
        for b in range(2):
            bevinding = BevindingFactory(rapport=rapport, titel=f"Bevinding {(r + b) % 3}")
            for _ in range(3):
                n += 1
                deadline = begin + datetime.timedelta(days=n % 4)
                VervolgactieFactory(
                    bevinding=bevinding,
                    eigenaar=eigenaren[n % 2],
                    # Same first hundred characters, a tail that sorts against the id.
                    omschrijving=gedeeld + f"staart {30 - n}" if n % 3 else f"Actie {n % 5}",
                    deadline=deadline,
                    oorspronkelijke_deadline=deadline - datetime.timedelta(days=n % 3),
                    aantal_verschuivingen=n % 3,
                    status=("open", "in_uitvoering", "vervallen")[n % 3],
                )
    assert Vervolgactie.objects.count() == 24
    return client_voor(UserFactory(rol=rollen.BEHEERDER))


def _plan(client, params, *uit):
    sql, response = vraag_en_vang(client, ACTIES, params, "_blader0")
    # Test data is small: without these the planner sorts a handful of rows.
    return uitleg(sql, "seqscan", "sort", "hashjoin", "mergejoin", "bitmapscan", *uit), response


@OP_POSTGRESQL
@pytest.mark.parametrize("richting", ["", "-"])
@pytest.mark.parametrize("naam", list(SORTERINGEN))
def test_every_sort_walks_its_index_on_the_first_and_a_deep_page(lijst, naam, richting):
    index = SORTERINGEN[naam][0]
    params = {"sort": richting + naam}
    # Where the index holds the whole order, also no incremental sort: on a few rows
    # (status, deadline) plus a sort by id cost the planner the same as (status, id).
    uit = () if naam in VOORGESORTEERD or naam == "eigenaar" else ("incremental_sort",)
    plan, response = _plan(lijst, params, *uit)
    volgende = response.context["table"].page.volgende
    assert volgende
    diep, _ = _plan(lijst, {**params, "cursor": volgende}, *uit)
    for uitgelegd in (plan, diep):
        assert (
            any(i in uitgelegd for i in index) if isinstance(index, tuple) else (index in uitgelegd)
        ), uitgelegd
        # No sort of every row. Only the walks from another table sort, and only the
        # actions of one finding or report at a time, presorted by the walk.
        assert not VOLLEDIGE_SORTERING.search(uitgelegd), uitgelegd
        if naam in VOORGESORTEERD:
            assert VOORGESORTEERD[naam] in uitgelegd, uitgelegd
        elif naam != "eigenaar":
            assert "Incremental Sort" not in uitgelegd, uitgelegd
    if naam not in VOORGESORTEERD and naam != "eigenaar":
        # After the cursor: one range in the index, seeking on every key (a row
        # comparison), not the first key only and a filter through its equal values.
        assert re.search(r"Index Cond: .*ROW\(.*\) [<>] ROW\(", diep), diep


def test_the_seek_is_one_row_comparison_only_where_it_means_the_same():
    """`(k0, k1) > (v0, v1)` only for keys in one direction that are never NULL."""
    oplopend = Sleutel(F("a"), False, True, False)
    assert _rij_na([oplopend, Sleutel(F("pk"), False, True, False)], ["a", "b"], [1, 2])
    assert _rij_na([oplopend, Sleutel(F("pk"), True, False, False)], ["a", "b"], [1, 2]) is None
    leeg = Sleutel(F("a"), False, True, True)
    assert _rij_na([leeg, Sleutel(F("pk"), False, True, False)], ["a", "b"], [1, 2]) is None
    assert _rij_na([oplopend, Sleutel(F("pk"), False, True, False)], ["a", "b"], [None, 2]) is None
    assert _rij_na([oplopend], ["a"], [1]) is None


def _alle_paginas(client, params):
    return rij_ids(client, ACTIES, params)


@pytest.mark.parametrize("richting", ["", "-"])
@pytest.mark.parametrize("naam", [n for n, (_, sleutels) in SORTERINGEN.items() if sleutels])
def test_following_next_gives_every_action_once_in_the_order_of_the_keys(lijst, naam, richting):
    gezien = _alle_paginas(lijst, {"sort": richting + naam})
    verwacht = Vervolgactie.objects.order_by(*_volgorde(richting + naam))
    assert gezien == list(verwacht.values_list("pk", flat=True))


def test_the_description_sorts_by_its_start_then_the_id(lijst):
    """Descriptions that share their first hundred characters go by id, not by the rest
    of their text (the index holds the start only)."""
    gezien = _alle_paginas(lijst, {"sort": "omschrijving"})
    lang = [pk for pk in gezien if len(Vervolgactie.objects.get(pk=pk).omschrijving) > 100]
    assert len(lang) == 16
    assert lang == sorted(lang)
