"""The sweep at scale: finding what is due costs the same number of queries for few and
many actions, a batch of recipients the same for few and many mails, it records batch
by batch, and a digest lists only the most urgent."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from herinneringen.models import Bezorging, Herinnering, Verzending, VerzendingStatus
from herinneringen.services import (
    herinneringen_bepalen,
    herinneringen_deel_versturen,
    herinneringen_vastleggen,
)
from tests.factories import UserFactory
from tests.herinneringen.conftest import ACTIE_MODELLEN, DAG, VANDAAG, maak_actie, moment, sweep

pytestmark = pytest.mark.django_db

# Overdue (with escalation), overdue, due soon: every kind of reminder.
AFSTANDEN = (-30, -1, 3)


def _acties(eigenaar, aantal):
    for model in ACTIE_MODELLEN:
        for dagen in AFSTANDEN:
            for _ in range(aantal):
                maak_actie(model, eigenaar=eigenaar, deadline=VANDAAG + dagen * DAG)


def _bepalen():
    with (
        time_machine.travel(moment(VANDAAG), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        geplande = herinneringen_bepalen(op=VANDAAG)
    return geplande, len(queries)


def test_finding_what_is_due_takes_as_many_queries_for_many_actions_as_for_few(pm, pm2):
    _acties(pm, 1)
    _bepalen()  # content types cached, as in every run after the first
    weinig, weinig_queries = _bepalen()
    _acties(pm2, 15)
    veel, veel_queries = _bepalen()
    assert len(veel) > 10 * len(weinig)
    assert veel_queries == weinig_queries


def test_a_sweep_with_nothing_new_reads_no_ledger_rows_and_finds_nothing(pm):
    _acties(pm, 5)
    sweep(VANDAAG)
    geplande, _ = _bepalen()
    assert geplande == []


def _deel(ontvangers):
    """(queries, mails sent) of one batch task for `ontvangers`; savepoints left out (the
    test's transaction turns each atomic block into two)."""
    with (
        time_machine.travel(moment(VANDAAG), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        uitslag = herinneringen_deel_versturen(ontvangers=[u.pk for u in ontvangers])
    echte = [q for q in queries if "SAVEPOINT" not in q["sql"]]
    return len(echte), len(uitslag.verzonden)


def test_a_batch_composes_and_claims_set_based_and_records_each_mail_in_two_queries(pm):
    """Composing and claiming are set-based; each outcome is recorded right after its
    send (lock and update), so a crash resends at most the mail in flight."""
    drie, dertig = UserFactory.create_batch(3), UserFactory.create_batch(30)
    for persoon in [*drie, *dertig]:
        # Overdue, escalated (to pm, their manager) and due soon, each kind of action.
        persoon.manager = pm
        persoon.save(update_fields=["manager"])
        _acties(persoon, 2)
    with time_machine.travel(moment(VANDAAG), tick=False):
        herinneringen_vastleggen(herinneringen_bepalen(op=VANDAAG), op=VANDAAG)

    weinig, verzonden = _deel(drie)
    assert verzonden == 3
    veel, verzonden = _deel(dertig)
    assert verzonden == 30
    assert veel - weinig == 2 * (30 - 3), (weinig, veel)
    # pm's escalations are still waiting for pm's own batch.
    assert Verzending.objects.filter(ontvanger=pm).count() == 0
    assert set(Verzending.objects.values_list("status", flat=True)) == {VerzendingStatus.VERZONDEN}
    assert sweep(VANDAAG)[0].to == ["pm@douane.example"]


def test_it_records_batch_by_batch_and_still_exactly_once(pm, settings):
    settings.HERINNERINGEN_BATCH = 4
    _acties(pm, 5)
    [bericht] = [m for m in sweep(VANDAAG) if m.to == ["pm@douane.example"]]
    n = len(ACTIE_MODELLEN)
    assert bericht.subject == f"Douane Portfolio: {10 * n} te laat, {5 * n} deadlines naderen"
    sleutels = list(Herinnering.objects.values_list("object_id", "content_type", "soort"))
    assert len(sleutels) == len(set(sleutels)) == 5 * n * 4  # te laat x2, escalatie, nadert
    assert Bezorging.objects.filter(verzending__isnull=True).count() == 0
    assert sweep(VANDAAG) == []
    assert sweep(VANDAAG + DAG) == []


def test_a_digest_lists_the_most_urgent_per_section_with_the_count_and_a_link(pm, settings):
    settings.HERINNERINGEN_PER_DEEL = 4
    model = ACTIE_MODELLEN[0]
    for dagen in range(1, 11):
        maak_actie(
            model, eigenaar=pm, omschrijving=f"Actie {dagen:02d}", deadline=VANDAAG - dagen * DAG
        )
    [bericht] = sweep(VANDAAG)
    assert bericht.subject == "Douane Portfolio: 10 te laat"
    tekst = bericht.body
    assert "TE LAAT (10)" in tekst
    # The four longest overdue, and not the others.
    for nummer in (10, 9, 8, 7):
        assert f"Actie {nummer:02d}" in tekst
    for nummer in range(1, 7):
        assert f"Actie {nummer:02d}" not in tekst
    acties_url = settings.SITE_URL + "/acties/"
    assert f"En nog 6 — bekijk ze in Mijn acties: {acties_url}" in tekst
    [(html, _)] = bericht.alternatives
    assert html.count("Actie ") == 4
    assert f'En nog 6 — <a href="{acties_url}"' in html
    # The application still holds all ten.
    assert Bezorging.objects.filter(ontvanger=pm).count() == 10
