"""The follow-up overview at scale (issue 13): each block shows its most urgent rows with
the block's total and a link to the full, keyset-paged list, at a constant query count."""

import datetime

import pytest
from django.db.models import Count

from audits import services
from audits.models import NOG_NIET_OPGELOST, Bevinding, BevindingStatus, Vervolgactie
from tests.audits.test_queries import _register
from tests.bladerhulp import queries_en_pagina

pytestmark = pytest.mark.django_db

URL = "/audits/opvolging/"


@pytest.mark.parametrize("wie", ["pm", "beheerder"])
def test_the_overview_is_bounded_and_counts_every_row(client_voor, request, pm2, beheerder, wie):
    client = client_voor(request.getfixturevalue(wie))
    _register(5, pm2, beheerder)
    client.get(URL)
    weinig, _ = queries_en_pagina(client, URL)

    _register(95, pm2, beheerder, vanaf=5)
    aantal, response = queries_en_pagina(client, URL)
    assert aantal == weinig
    c = response.context
    ter_beoordeling = Bevinding.objects.filter(status=BevindingStatus.TER_BEOORDELING).count()
    assert c["aantal_ter_beoordeling"] == ter_beoordeling == 25
    assert len(c["ter_beoordeling"]) == 25 and not c["meer_ter_beoordeling"]
    te_laat = Vervolgactie.objects.te_laat().count()
    assert c["aantal_te_laat"] == te_laat == 100 and len(c["te_laat"]) == 25
    assert Bevinding.objects.verwachting_verstreken().count() == c["aantal_verstreken"]
    inhoud = response.content.decode()
    assert "Te late vervolgacties <small>(100)</small>" in inhoud
    assert "Alle 100 te late vervolgacties" in inhoud

    # The block is the head of the full list it links to, which pages on from there.
    lijst = client.get("/audits/acties/", {"te_laat": "ja"}).context["table"].page
    assert [r.record.pk for r in lijst.object_list][:25] == [a.pk for a in c["te_laat"]]
    tweede = client.get("/audits/acties/", {"te_laat": "ja", "cursor": lijst.volgende})
    rest = [r.record.pk for r in tweede.context["table"].page.object_list]
    assert len(rest) == 50 and not set(rest) & {r.record.pk for r in lijst.object_list}


def test_the_most_postponed_are_ranked_by_their_postponements(client_voor, auditor, pm, beheerder):
    _register(30, pm, beheerder)
    # A few postponed again through the service, one of them on a resolved finding:
    # the block ranks by count and leaves resolved findings out.
    werk = Vervolgactie.objects.filter(
        aantal_verschuivingen=1, bevinding__status__in=BevindingStatus.values[:2]
    ).order_by("pk")
    for n, actie in enumerate(werk[:6]):
        for _ in range(n % 3 + 1):
            actie.refresh_from_db()
            services.deadline_verschuiven(
                actie=actie,
                nieuwe_deadline=actie.deadline + datetime.timedelta(days=7),
                reden="Later",
                goedgekeurd_door=auditor,
                door=pm,
            )
    Bevinding.objects.filter(pk=actie.bevinding_id).update(status=BevindingStatus.OPGELOST)

    uitgesteld = client_voor(auditor).get(URL).context["meest_uitgesteld"]
    # Counted from the ledger itself, not from the counter the page reads.
    verwacht = (
        Vervolgactie.objects.filter(bevinding__status__in=NOG_NIET_OPGELOST)
        .annotate(n=Count("deadlineverschuivingen"))
        .filter(n__gt=0)
        .order_by("-n", "deadline", "pk")[:10]
    )
    assert [(a.pk, a.aantal_verschuivingen) for a in uitgesteld] == [(a.pk, a.n) for a in verwacht]
    assert len(uitgesteld) == 10 and uitgesteld[0].aantal_verschuivingen == 4
    assert actie.pk not in {a.pk for a in uitgesteld}


@pytest.mark.parametrize("wie", ["auditor", "pm"])
def test_passed_expectations_count_overdue_actions_against_today(client_voor, request, pm, wie):
    """The auditor's block reads the counter (the page moved the peildatum to today
    first), a manager's, scoped to their own findings, counts per row: both say the
    same, also when the counters still count against last week."""
    from django.utils import timezone

    from douane_portfolio import tellers
    from tests.audits.factories import BevindingFactory, VervolgactieFactory

    vandaag = timezone.localdate()
    tellers.peildatum_zetten(vandaag - datetime.timedelta(days=7))
    bevinding = BevindingFactory(eigenaar=pm, verwacht_opgelost_jaar=vandaag.year - 1)
    VervolgactieFactory(
        bevinding=bevinding, eigenaar=pm, deadline=vandaag - datetime.timedelta(days=3)
    )
    VervolgactieFactory(
        bevinding=bevinding, eigenaar=pm, deadline=vandaag + datetime.timedelta(days=3)
    )
    response = client_voor(request.getfixturevalue(wie)).get(URL)
    (rij,) = response.context["verstreken"]
    assert (rij.pk, rij.te_late_acties, rij.open_acties) == (bevinding.pk, 1, 2)
