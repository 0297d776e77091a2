"""The lists' main queries use the indexes made for them (PostgreSQL only).

The lean keyset query of each list page (the one that picks the page's ids) is caught
from a real request and explained with sequential scans switched off, as the test data
is too small for the planner to prefer an index on its own.
"""

import pytest
from django.db import connection
from django.urls import reverse

from douane_portfolio import rollen
from tests.audits.factories import VervolgactieFactory
from tests.factories import UserFactory
from tests.queryplan import keyset_plan, uitleg, vraag_en_vang
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL"),
]


@pytest.fixture
def data(db):
    eigenaar = UserFactory(rol=rollen.RISICOFUNCTIONARIS)
    for n in range(3):
        BeheersmaatregelFactory(eigenaar=eigenaar)
        VervolgactieFactory(eigenaar=eigenaar)
        RisicoFactory(gescoord=True, titel=f"Risico index {n}")
    return eigenaar


@pytest.mark.parametrize(
    ("url", "params", "index"),
    [
        (reverse("risicos:maatregelen"), {}, "maatregel_dl_id"),
        (reverse("risicos:maatregelen"), {"te_laat": "ja"}, "maatregel_open_dl"),
        (reverse("risicos:maatregelen"), {"status": "lopend"}, "maatregel_open_dl"),
        (reverse("risicos:maatregelen"), {"eigenaar": "EIGENAAR"}, "maatregel_eig_dl"),
        (reverse("audits:acties"), {}, "vervolgactie_dl_id"),
        (reverse("audits:acties"), {"status": "nog_open"}, "vervolgactie_open_dl"),
        (reverse("audits:acties"), {"te_laat": "ja"}, "vervolgactie_open_dl"),
        (reverse("audits:acties"), {"eigenaar": "EIGENAAR"}, "vervolgactie_eig_dl"),
        (reverse("risicos:register"), {}, "risico_netto_titel"),
        (reverse("risicos:register"), {"toprisico": "nee"}, "risico_netto_titel"),
    ],
)
def test_the_list_query_uses_its_index(client_voor, data, url, params, index):
    params = {k: (data.pk if v == "EIGENAAR" else v) for k, v in params.items()}
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))
    plan, _ = keyset_plan(client, url, params)
    assert index in plan, plan


def test_the_milestone_counts_use_their_index(client_voor, data):
    from programmas.models import Initiatief, Mijlpaal

    sql = str(
        Mijlpaal.objects.filter(initiatief=Initiatief(pk=1), status__in=("open", "in_uitvoering"))
        .values("pk")
        .query
    )
    plan = uitleg(
        "SELECT count(*) FROM programmas_mijlpaal "
        "WHERE initiatief_id = 1 AND status IN ('open', 'in_uitvoering')",
        "seqscan",
        "sort",
    )
    assert "mijlpaal_init_st" in plan or "mijlpaal_initiatief" in plan, (sql, plan)


def test_the_counts_per_finding_come_from_the_findings_own_columns(client_voor, data):
    """The list of findings shows open, overdue and postponed actions from the counters
    on the finding (audits 0017): its page reads no action and no ledger row. It summed
    each finding's postponed actions from a partial index, and counted the others."""
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))
    sql, response = vraag_en_vang(client, reverse("audits:bevindingen"), {}, '"verschuivingen"')
    assert '"acties_uitstel" AS "verschuivingen"' in sql, sql
    assert "audits_vervolgactie" not in sql and "audits_deadlineverschuiving" not in sql, sql
    assert response.status_code == 200


def test_an_owners_open_actions_are_counted_from_the_owner_indexes_alone(client_voor, data):
    """Mijn acties counts the open and overdue actions of every kind with COUNT(*): each
    kind is an index-only scan of its partial owner index. COUNT(id) read every open
    action from the table (~800 rows for one manager at scale 1.0, 10 ms)."""
    # On a handful of rows the owner's plain foreign key index costs about what the
    # partial one costs, and the planner took either (seen twice in full runs). What is
    # tested is that the partial index alone answers the count: the plain ones go, in
    # this test's transaction only.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef LIKE '%%(eigenaar_id)' AND indexdef NOT LIKE '%%WHERE%%'",
            [["programmas_mijlpaal", "risicos_beheersmaatregel", "audits_vervolgactie"]],
        )
        gewone = cursor.fetchall()
        assert len(gewone) == 3, gewone
        for (naam,) in gewone:
            cursor.execute(f'DROP INDEX "{naam}"')
    client = client_voor(data)
    sql, response = vraag_en_vang(client, reverse("mijn_acties"), {}, "UNION ALL")
    plan = uitleg(sql, "seqscan", "bitmapscan")
    for index in ("mijlpaal_eig_open", "maatregel_eig_open", "vervolgactie_eig_open"):
        assert f"Index Only Scan using {index}" in plan, plan
    assert response.context["aantal_acties"] == 6
