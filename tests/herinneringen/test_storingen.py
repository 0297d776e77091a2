"""Faults with a real SMTP server (tests/herinneringen/smtp.py): a slow one while
several sweeps run at once, and one that refuses connections for a while. Every
recipient gets exactly one digest; meanwhile the failure is visible."""

import io
import threading

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from herinneringen.models import Verzending, VerzendingStatus
from herinneringen.services import herinneringen_versturen
from tests.factories import UserFactory
from tests.herinneringen.conftest import ACTIE_MODELLEN, DAG, VANDAAG, maak_actie, moment
from tests.herinneringen.smtp import SmtpPut
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory


@pytest.fixture
def smtp(settings):
    put = SmtpPut()
    put.instellingen(settings)
    put.start()
    yield put
    put.stop()


@pytest.mark.django_db(transaction=True)
def test_sweeps_at_once_with_a_slow_mail_server_and_a_short_claim_send_each_digest_once(
    smtp, settings
):
    """Issue 11, item 1: a retry run whose batch outlasts the claim. Each send takes 0.1 s
    and a claim lasts 2 s (twenty sends), the batch 60 sends: a run that claimed its
    whole batch up front would see a later run take over the rest and send it too."""
    settings.HERINNERINGEN_HERPROBEER_MINUTEN = 0  # a failed mail is due again at once
    settings.HERINNERINGEN_CLAIM_MINUTEN = 2 / 60
    dag = timezone.localdate()
    aantal = 60
    for eigenaar in UserFactory.create_batch(aantal):
        maak_actie(ACTIE_MODELLEN[0], eigenaar=eigenaar, deadline=dag - DAG)

    # First the mail server is down: every digest is left behind, failed.
    smtp.stop()
    assert len(herinneringen_versturen(op=dag).mislukt) == aantal
    assert Verzending.objects.filter(status=VerzendingStatus.MISLUKT).count() == aantal

    smtp.vertraging = 0.1
    smtp.start()
    fouten = []

    def veeg():
        try:
            herinneringen_versturen(op=dag)
        except Exception as fout:  # pragma: no cover - reported below
            fouten.append(fout)
        finally:
            connections.close_all()

    twee = [threading.Thread(target=veeg) for _ in range(2)]
    for draad in twee:
        draad.start()
    # A third run once 45 mails are in: at least 2.25 s after the two began (two at a
    # time, 0.1 s each), so any claim they had taken up front would have expired.
    smtp.wachten_op(45)
    derde = threading.Thread(target=veeg)
    derde.start()
    for draad in [*twee, derde]:
        draad.join()

    assert fouten == []
    per_ontvanger = smtp.per_ontvanger()
    assert len(per_ontvanger) == aantal
    assert set(per_ontvanger.values()) == {1}, per_ontvanger.most_common(3)
    assert set(Verzending.objects.values_list("status", flat=True)) == {"verzonden"}


@pytest.mark.django_db
def test_a_mail_server_refusing_connections_for_three_runs_then_back_delivers_each_digest_once(
    smtp, settings, client_voor, beheerder, pm, pm2
):
    settings.HERINNERINGEN_HERPROBEER_MINUTEN = 5
    settings.HERINNERINGEN_WAARSCHUWEN_NA = 3
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), deadline=VANDAAG - DAG)
    # pm2's is 20 days late: it also escalates to pm2's manager, beheerder.
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm2), deadline=VANDAAG - 20 * DAG)
    dashboard = client_voor(beheerder)
    smtp.stop()

    def commando(minuut):
        uit = io.StringIO()
        with time_machine.travel(moment(VANDAAG, 7, minuut), tick=False):
            call_command("verstuur_herinneringen", stdout=uit, stderr=io.StringIO())
        return uit.getvalue()

    # Each run when the backoff of the one before has passed: 5, then 10 minutes.
    for minuut, waarschuwing in ((0, False), (5, False), (15, True)):
        with pytest.raises(CommandError) as fout:
            commando(minuut)
        assert fout.value.returncode == 1
        assert "3 e-mail(s) mislukt in deze run" in str(fout.value)
        inhoud = dashboard.get("/").content.decode()
        assert ("3 herinneringsmails</strong> konden herhaaldelijk" in inhoud) is waarschuwing
    assert "Connection refused" in Verzending.objects.first().fout

    smtp.start()
    # The next attempt is due 20 minutes after the third failure.
    uit = commando(35)
    assert "3 e-mail(s) verstuurd, 0 mislukt; 0 e-mail(s) wachten" in uit
    smtp.wachten_op(3)
    assert smtp.per_ontvanger() == {
        "beheerder@douane.example": 1,
        "pm2@douane.example": 1,
        "pm@douane.example": 1,
    }
    assert "0 e-mail(s) verstuurd" in commando(50)
    assert len(smtp.berichten) == 3
    assert "herhaaldelijk" not in dashboard.get("/").content.decode()
