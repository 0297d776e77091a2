"""The Beheerder sees mails that keep failing (page and dashboard) and re-sends or
cancels them with a reason, kept in the mail's history."""

import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from herinneringen.models import Verzending, VerzendingStatus
from tests.herinneringen.conftest import DAG, VANDAAG, moment, sweep
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory

pytestmark = pytest.mark.django_db

URL = "/acties/herinneringen/onverzonden/"


@pytest.fixture
def mislukt(pm, monkeypatch, settings):
    """pm's digest, refused three times by the mail server."""
    settings.HERINNERINGEN_WAARSCHUWEN_NA = 3
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), deadline=VANDAAG - DAG)

    def weigeren(self, messages):
        raise smtplib.SMTPRecipientsRefused({"pm@douane.example": (550, b"mailbox vol")})

    with monkeypatch.context() as m:
        m.setattr(EmailBackend, "send_messages", weigeren)
        for wanneer in (moment(VANDAAG, 7), moment(VANDAAG, 7, 5), moment(VANDAAG, 7, 15)):
            sweep(wanneer)
    verzending = Verzending.objects.get()
    assert (verzending.status, verzending.pogingen) == (VerzendingStatus.MISLUKT, 3)
    return verzending


def test_the_page_and_the_decisions_are_for_the_beheerder_only(client_voor, pm, lezer, mislukt):
    assert reverse("onverzonden_herinneringen") == URL
    for gebruiker in (pm, lezer):
        client = client_voor(gebruiker)
        assert client.get(URL).status_code == 403
        antwoord = client.post(f"{URL}{mislukt.pk}/", {"actie": "annuleren", "reden": "x"})
        assert antwoord.status_code == 403
    mislukt.refresh_from_db()
    assert mislukt.status == VerzendingStatus.MISLUKT


def test_the_beheerder_sees_the_failed_mail_with_its_error_and_attempts(
    client_voor, beheerder, mislukt
):
    inhoud = client_voor(beheerder).get(URL).content.decode()
    assert "pm@douane.example" in inhoud
    assert "Douane Portfolio: 1 te laat" in inhoud
    assert "mailbox vol" in inhoud
    assert '<td class="getal">3</td>' in inhoud


def test_the_dashboard_warns_the_beheerder_and_only_the_beheerder(
    client_voor, beheerder, pm, mislukt
):
    inhoud = client_voor(beheerder).get("/").content.decode()
    assert "1 herinneringsmail</strong> kon herhaaldelijk niet worden verstuurd" in inhoud
    assert f'href="{URL}"' in inhoud
    assert "herhaaldelijk niet worden verstuurd" not in client_voor(pm).get("/").content.decode()


def test_the_dashboard_says_nothing_below_the_threshold(client_voor, beheerder, mislukt, settings):
    settings.HERINNERINGEN_WAARSCHUWEN_NA = 4
    assert "herinneringsmail" not in client_voor(beheerder).get("/").content.decode()


def test_cancelling_needs_a_reason_and_is_kept_in_history(client_voor, beheerder, mislukt):
    client = client_voor(beheerder)
    antwoord = client.post(f"{URL}{mislukt.pk}/", {"actie": "annuleren", "reden": " "}, follow=True)
    assert "Geef een reden" in antwoord.content.decode()
    mislukt.refresh_from_db()
    assert mislukt.status == VerzendingStatus.MISLUKT

    reden = "pm is uit dienst; zijn acties zijn overgedragen"
    antwoord = client.post(
        f"{URL}{mislukt.pk}/", {"actie": "annuleren", "reden": reden}, follow=True
    )
    assert "is geannuleerd" in antwoord.content.decode()
    mislukt.refresh_from_db()
    assert mislukt.status == VerzendingStatus.GEANNULEERD
    laatste = mislukt.history.latest()
    assert (laatste.history_user, laatste.history_change_reason) == (beheerder, reden)
    assert reden in client.get(URL).content.decode()
    # Never sent again, and no longer a warning.
    assert sweep(VANDAAG + 2 * DAG) == []
    assert "herhaaldelijk" not in client.get("/").content.decode()


def test_re_sending_makes_the_mail_due_at_once_and_the_next_run_sends_it(
    client_voor, beheerder, mislukt, django_capture_on_commit_callbacks
):
    client = client_voor(beheerder)
    with (
        time_machine.travel(moment(VANDAAG, 7, 16), tick=False),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        client.post(f"{URL}{mislukt.pk}/", {"actie": "opnieuw", "reden": ""})
    assert len(callbacks) == 1  # a run is queued after commit
    mislukt.refresh_from_db()
    assert mislukt.status == VerzendingStatus.WACHT
    assert mislukt.history.latest().history_change_reason == "opnieuw versturen"
    [bericht] = sweep(moment(VANDAAG, 7, 16))
    assert bericht.to == ["pm@douane.example"]
    assert bericht.extra_headers["Message-ID"] == mislukt.message_id


def test_a_mail_being_sent_or_sent_cannot_be_cancelled(client_voor, beheerder, mislukt):
    Verzending.objects.filter(pk=mislukt.pk).update(status=VerzendingStatus.VERZONDEN)
    antwoord = client_voor(beheerder).post(
        f"{URL}{mislukt.pk}/", {"actie": "annuleren", "reden": "te laat"}, follow=True
    )
    assert "Deze e-mail is verzonden" in antwoord.content.decode()
    assert Verzending.objects.get().status == VerzendingStatus.VERZONDEN
    assert len(mail.outbox) == 0
