"""Exactly once: a second run, a redelivered task, a crash, a failing mail server, two
sweeps at the same moment; and queries that do not grow with the number of actions."""

import datetime
import smtplib
import threading

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail import get_connection
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from douane_portfolio.models import ActieStatus
from herinneringen import tasks
from herinneringen.models import Bezorging, Herinnering, Verzending, VerzendingStatus
from herinneringen.services import (
    _claimen,
    herinneringen_bepalen,
    herinneringen_opstellen,
    herinneringen_vastleggen,
)
from programmas.models import Initiatief, PeriodeStatus, Rapportageperiode
from tests.herinneringen.conftest import (
    ACTIE_MODELLEN,
    DAG,
    VANDAAG,
    maak_actie,
    moment,
    ontvangers,
    sweep,
)
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def van_alles(pm, pm2):
    """For every kind of action: one due soon, one overdue, one to escalate; and a
    missing status report. pm and pm2 report to beheerder."""
    for model in ACTIE_MODELLEN:
        maak_actie(model, eigenaar=pm, deadline=VANDAAG + 3 * DAG)
        maak_actie(model, eigenaar=pm, deadline=VANDAAG - DAG)
        maak_actie(model, eigenaar=pm2, deadline=VANDAAG - 30 * DAG)
    # Only pm2's initiative misses its report; milestones bring initiatives of their own.
    Initiatief.objects.update(actief=False)
    PeriodeFactory(status=PeriodeStatus.OPEN, indiendeadline=VANDAAG - DAG)
    InitiatiefFactory(eigenaar=pm2)


def test_the_second_run_sends_nothing(van_alles):
    eerste = sweep(VANDAAG)
    assert ontvangers(eerste) == [
        "beheerder@douane.example",
        "pm2@douane.example",
        "pm@douane.example",
    ]
    rijen = Herinnering.objects.count(), Bezorging.objects.count(), Verzending.objects.count()
    assert sweep(VANDAAG) == []
    assert sweep(moment(VANDAAG, 23, 59)) == []
    assert (Herinnering.objects.count(), Bezorging.objects.count()) == rijen[:2]
    assert Verzending.objects.count() == rijen[2]


def test_a_redelivered_task_sends_nothing_extra(van_alles):
    with time_machine.travel(moment(VANDAAG), tick=False):
        tasks.herinneringen_versturen.apply()
        aantal = len(mail.outbox)
        tasks.herinneringen_versturen.apply()
    assert aantal == 3 and len(mail.outbox) == 3


def test_a_dry_run_writes_and_sends_nothing(van_alles):
    with time_machine.travel(moment(VANDAAG), tick=False):
        from herinneringen.services import herinneringen_versturen

        uitslag = herinneringen_versturen(proefdraai=True)
    assert len(uitslag.geplande) == 3 * len(ACTIE_MODELLEN) + 1 + len(ACTIE_MODELLEN)
    assert mail.outbox == [] and not Herinnering.objects.exists()


def claim_en_crash(wanneer, persoon):
    """What a worker does before it dies: record, compose and claim the mail of
    `persoon`, never send; returns (the claim, the mail)."""
    with time_machine.travel(wanneer, tick=False):
        herinneringen_vastleggen(herinneringen_bepalen(op=wanneer.date()), op=wanneer.date())
        herinneringen_opstellen(ontvangers=[persoon.pk])
        claim = _claimen(Verzending.objects.all())
    [verzending] = claim.te_versturen
    return claim, verzending


def test_a_mail_claimed_by_a_crashed_worker_goes_out_once_on_a_later_run(pm, settings):
    settings.HERINNERINGEN_CLAIM_MINUTEN = 15
    maak_actie(ACTIE_MODELLEN[0], eigenaar=pm, deadline=VANDAAG - DAG)
    _, verzending = claim_en_crash(moment(VANDAAG, 7, 0), pm)
    assert mail.outbox == []
    # Within the claim the worker may still be busy: a second run leaves the mail alone.
    assert sweep(moment(VANDAAG, 7, 14)) == []
    [bericht] = sweep(moment(VANDAAG, 7, 16))
    assert bericht.to == ["pm@douane.example"]
    assert bericht.extra_headers["Message-ID"] == verzending.message_id
    verzending.refresh_from_db()
    assert (verzending.status, verzending.pogingen) == (VerzendingStatus.VERZONDEN, 2)
    assert verzending.claim is None
    assert sweep(moment(VANDAAG, 8, 31)) == []
    assert sweep(VANDAAG + DAG) == []


def test_a_run_that_lost_its_claim_does_not_record_the_outcome(pm, settings, caplog):
    """The fencing token: after a takeover, the old holder's UPDATE changes nothing."""
    settings.HERINNERINGEN_CLAIM_MINUTEN = 15
    maak_actie(ACTIE_MODELLEN[0], eigenaar=pm, deadline=VANDAAG - DAG)
    oud, verzending = claim_en_crash(moment(VANDAAG, 7, 0), pm)
    with time_machine.travel(moment(VANDAAG, 7, 20), tick=False):
        nieuw = _claimen(Verzending.objects.all())
        assert nieuw is not None and nieuw.token != oud.token
        # Taken: neither the old holder nor a third run may claim it now.
        assert _claimen(Verzending.objects.all()) is None
        # The old holder wakes up, sends after all and records what it did.
        oud.versturen(verzending, get_connection())
        oud.afsluiten()
    assert len(mail.outbox) == 1
    assert "mogelijk dubbel verstuurd" in caplog.text
    rij = Verzending.objects.get()
    assert (rij.status, rij.claim) == (VerzendingStatus.BEZIG, nieuw.token)


def weigeren(self, messages):
    raise smtplib.SMTPServerDisconnected("verbinding verbroken")


def test_a_failing_mail_server_is_retried_after_a_backoff(pm, monkeypatch, settings):
    settings.HERINNERINGEN_HERPROBEER_MINUTEN = 5
    maak_actie(ACTIE_MODELLEN[0], eigenaar=pm, deadline=VANDAAG - DAG)

    monkeypatch.setattr(EmailBackend, "send_messages", weigeren)
    assert sweep(moment(VANDAAG, 7, 0)) == []
    verzending = Verzending.objects.get()
    assert verzending.status == VerzendingStatus.MISLUKT
    assert "verbinding verbroken" in verzending.fout
    assert verzending.volgende_poging == moment(VANDAAG, 7, 5)

    monkeypatch.undo()
    assert sweep(moment(VANDAAG, 7, 4)) == []  # not due yet
    [bericht] = sweep(moment(VANDAAG, 7, 5))
    assert bericht.subject == "Douane Portfolio: 1 te laat"
    verzending.refresh_from_db()
    assert (verzending.status, verzending.pogingen) == (VerzendingStatus.VERZONDEN, 2)


def test_a_mail_that_keeps_failing_is_never_given_up_and_the_beheerder_is_warned_once(
    pm, monkeypatch, settings
):
    settings.HERINNERINGEN_HERPROBEER_MINUTEN = 5
    settings.HERINNERINGEN_WAARSCHUWEN_NA = 3
    settings.HERINNERINGEN_ALARM_ADRES = "functioneel-beheer@douane.example"
    maak_actie(ACTIE_MODELLEN[0], eigenaar=pm, deadline=VANDAAG - DAG)
    verstuurd = []

    def weigeren_behalve_alarm(self, messages):
        for bericht in messages:
            if bericht.to != [settings.HERINNERINGEN_ALARM_ADRES]:
                raise smtplib.SMTPRecipientsRefused({"pm@douane.example": (450, b"later")})
        verstuurd.extend(messages)
        return len(messages)

    monkeypatch.setattr(EmailBackend, "send_messages", weigeren_behalve_alarm)
    wachttijden = []
    wanneer = moment(VANDAAG, 7, 0)
    for _ in range(9):
        sweep(wanneer)
        verzending = Verzending.objects.get()
        wachttijden.append((verzending.volgende_poging - wanneer).total_seconds() / 60)
        wanneer = verzending.volgende_poging
    assert wachttijden == [5, 10, 20, 40, 80, 160, 240, 240, 240]
    assert (verzending.status, verzending.pogingen) == (VerzendingStatus.MISLUKT, 9)
    [alarm] = verstuurd
    assert (
        alarm.subject == "Douane Portfolio: herinneringsmail aan pm@douane.example mislukt 3 keer"
    )
    assert "/acties/herinneringen/onverzonden/" in alarm.body

    monkeypatch.undo()
    [bericht] = sweep(wanneer)
    assert bericht.to == ["pm@douane.example"]
    assert Verzending.objects.get().status == VerzendingStatus.VERZONDEN


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_send_each_reminder_once(van_alles):
    aantal = 4
    start = threading.Barrier(aantal)
    fouten = []

    def veeg():
        try:
            start.wait()
            from herinneringen.services import herinneringen_versturen

            herinneringen_versturen(op=VANDAAG)
        except Exception as fout:  # pragma: no cover - reported below
            fouten.append(fout)
        finally:
            connections.close_all()

    draden = [threading.Thread(target=veeg) for _ in range(aantal)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    assert fouten == []
    assert ontvangers(mail.outbox) == [
        "beheerder@douane.example",
        "pm2@douane.example",
        "pm@douane.example",
    ]
    assert not Bezorging.objects.filter(verzending__isnull=True).exists()
    assert set(Verzending.objects.values_list("status", flat=True)) == {"verzonden"}
    # Every reminder recorded once, delivered once, in one of the three mails.
    verwacht = 4 * len(ACTIE_MODELLEN) + 1
    assert Herinnering.objects.count() == Bezorging.objects.count() == verwacht
    assert Verzending.objects.count() == len(mail.outbox)


def test_the_sweep_needs_as_many_queries_for_many_actions_as_for_few(pm, pm2, beheerder):
    ContentType.objects.get_for_models(*ACTIE_MODELLEN, Initiatief)  # a warm cache, twice
    periode = PeriodeFactory(status=PeriodeStatus.OPEN, indiendeadline=VANDAAG)
    tellingen = []
    for aantal, dag in ((1, VANDAAG), (15, VANDAAG + 60 * DAG)):
        # Close what the previous round left open, so each round stands on its own.
        for model in ACTIE_MODELLEN:
            model.objects.update(status=ActieStatus.AFGEROND, afgerond_op=dag)
        Rapportageperiode.objects.filter(pk=periode.pk).update(indiendeadline=dag - DAG)
        for model in ACTIE_MODELLEN:
            for _ in range(aantal):
                maak_actie(model, eigenaar=pm, deadline=dag + 3 * DAG)
                maak_actie(model, eigenaar=pm, deadline=dag - DAG)
                maak_actie(model, eigenaar=pm2, deadline=dag - 20 * DAG)
        Initiatief.objects.update(actief=False)
        for _ in range(aantal):
            InitiatiefFactory(eigenaar=pm2)
        with CaptureQueriesContext(connection) as queries:
            mails = sweep(dag)
        assert ontvangers(mails) == [
            "beheerder@douane.example",
            "pm2@douane.example",
            "pm@douane.example",
        ]
        assert len(mails[0].body) > 0
        # The ledger rows go in with one bulk INSERT, which Django splits into batches
        # on SQLite (999 parameters per statement): count those apart.
        ledger = [
            q for q in queries.captured_queries if 'INTO "douane_portfolio_herinnering"' in q["sql"]
        ]
        tellingen.append(len(queries) - len(ledger))
        assert len(ledger) <= 1 + len(Herinnering.objects.all()) // 50
    assert tellingen[0] == tellingen[1], tellingen


def test_reminders_of_one_person_arrive_in_one_mail_per_run(pm):
    for model in ACTIE_MODELLEN:
        for dagen in (-40, -8, -1, 0, 3, 10):
            maak_actie(model, eigenaar=pm, deadline=VANDAAG + datetime.timedelta(days=dagen))
    mails = sweep(VANDAAG)
    assert ontvangers(mails) == ["beheerder@douane.example", "pm@douane.example"]
    n = len(ACTIE_MODELLEN)
    [aan_pm] = [m for m in mails if m.to == ["pm@douane.example"]]
    assert aan_pm.subject == f"Douane Portfolio: {3 * n} te laat, {3 * n} deadlines naderen"


def ingeplande_delen(wanneer, **kwargs):
    """Run the sweep as the Celery task does on a worker, keeping the batches it queues."""
    delen = []
    # Queued after commit; the test's transaction never commits, so run them at its end.
    with (
        time_machine.travel(wanneer, tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        from herinneringen.services import herinneringen_versturen

        herinneringen_versturen(inplannen=delen.append, **kwargs)
    return delen


def test_the_sweep_queues_one_batch_per_group_of_recipients_and_sends_nothing_itself(
    van_alles, settings, pm, pm2, beheerder
):
    settings.HERINNERINGEN_PER_TAAK = 2
    delen = ingeplande_delen(moment(VANDAAG))
    assert mail.outbox == []
    assert delen == [[beheerder.pk, pm.pk], [pm2.pk]]
    # Recorded, not yet composed: that is each batch's work.
    assert Bezorging.objects.filter(verzending__isnull=True).count() == Bezorging.objects.count()
    with time_machine.travel(moment(VANDAAG), tick=False):
        for deel in delen:
            tasks.herinneringen_deel_versturen.apply(args=[deel])
    assert ontvangers(mail.outbox) == [
        "beheerder@douane.example",
        "pm2@douane.example",
        "pm@douane.example",
    ]


def test_a_redelivered_batch_task_and_a_rival_sweeps_batch_send_nothing_extra(van_alles):
    eerste = ingeplande_delen(moment(VANDAAG))
    # A second sweep before any batch ran: the same people are still due.
    tweede = ingeplande_delen(moment(VANDAAG, 7, 1))
    assert eerste == tweede
    with time_machine.travel(moment(VANDAAG, 7, 2), tick=False):
        for deel in [*eerste, *eerste, *tweede]:
            tasks.herinneringen_deel_versturen.apply(args=[deel])
    assert len(mail.outbox) == 3
    assert Verzending.objects.count() == 3
    # Everything sent: the next sweep queues no batch at all.
    assert ingeplande_delen(moment(VANDAAG, 7, 15)) == []


def test_a_failed_mail_is_queued_again_once_its_backoff_has_passed(
    pm, monkeypatch, settings, caplog
):
    settings.HERINNERINGEN_HERPROBEER_MINUTEN = 5
    maak_actie(ACTIE_MODELLEN[0], eigenaar=pm, deadline=VANDAAG - DAG)
    [deel] = ingeplande_delen(moment(VANDAAG, 7, 0))

    monkeypatch.setattr(EmailBackend, "send_messages", weigeren)
    with time_machine.travel(moment(VANDAAG, 7, 0), tick=False):
        tasks.herinneringen_deel_versturen.apply(args=[deel])
    # The batch task fails, so Celery retries it (eagerly at once, when nothing is due).
    [eerste, *_] = [r for r in caplog.records if r.name == "celery.app.trace"]
    assert (
        "retry: Retry in 300s: HerinneringenMislukt('1 herinneringsmail(s)" in eerste.getMessage()
    )
    assert Verzending.objects.get().status == VerzendingStatus.MISLUKT
    monkeypatch.undo()

    assert ingeplande_delen(moment(VANDAAG, 7, 4)) == []
    assert ingeplande_delen(moment(VANDAAG, 7, 5)) == [[pm.pk]]
    with time_machine.travel(moment(VANDAAG, 7, 5), tick=False):
        tasks.herinneringen_deel_versturen.apply(args=[[pm.pk]])
    [bericht] = mail.outbox
    assert bericht.subject == "Douane Portfolio: 1 te laat"
    assert Verzending.objects.get().pogingen == 2
