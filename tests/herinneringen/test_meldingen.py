"""Notifications (issue 16): a finding offered for review reaches its auditors, a verdict
its owner, by mail (through the reminders' ledger, exactly once) and under Mijn acties."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Verdict
from douane_portfolio import rollen
from herinneringen.models import Bezorging, Herinnering, HerinneringSoort
from tests.audits.factories import BevindingFactory
from tests.factories import UserFactory
from tests.herinneringen.conftest import ontvangers
from tests.herinneringen.smtp import SmtpPut

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditors(db):
    return [
        UserFactory(username="auditor1", rol=rollen.AUDITOR),
        UserFactory(username="auditor2", rol=rollen.AUDITOR),
    ]


@pytest.fixture
def bevinding(pm):
    return BevindingFactory(eigenaar=pm, titel="Onvolkomenheid inkoopbeheer")


def _nu_versturen():
    """The sweep the notification queues after commit, run here and now."""
    from django.core import mail

    from herinneringen.services import herinneringen_versturen

    voor = len(mail.outbox)
    with time_machine.travel(timezone.now(), tick=False):
        herinneringen_versturen()
    return mail.outbox[voor:]


def _aanbieden(bevinding, pm):
    return services.bevinding_aanbieden(
        bevinding=bevinding, door=pm, toelichting="Het nieuwe inkoopproces draait sinds mei."
    )


def test_offering_a_finding_mails_its_auditors_once_and_queues_the_send(
    bevinding, pm, auditors, lezer, django_capture_on_commit_callbacks
):
    # An auditor who is inactive or has no address, and a Lezer, get nothing.
    UserFactory(username="weg", rol=rollen.AUDITOR, is_active=False)
    UserFactory(username="zonder_adres", rol=rollen.AUDITOR, email="")
    with django_capture_on_commit_callbacks() as callbacks:
        _aanbieden(bevinding, pm)
    assert len(callbacks) == 1
    mails = _nu_versturen()
    assert ontvangers(mails) == ["auditor1@douane.example", "auditor2@douane.example"]
    bericht = mails[0]
    assert bericht.subject == "Douane Portfolio: Ter beoordeling: Onvolkomenheid inkoopbeheer"
    assert "Het nieuwe inkoopproces draait sinds mei." in bericht.body
    assert bevinding.get_absolute_url() in bericht.body
    [(html, soort)] = bericht.alternatives
    assert soort == "text/html" and "Onvolkomenheid inkoopbeheer" in html
    assert "MELDINGEN (1)" in bericht.body
    # A second run, or the same event recorded again, sends nothing.
    assert _nu_versturen() == []
    assert Herinnering.objects.filter(soort=HerinneringSoort.MELDING).count() == 1


def test_the_same_event_recorded_twice_is_one_notification(bevinding, pm, auditors):
    from herinneringen.meldingen import melden

    _aanbieden(bevinding, pm)
    beoordeling = bevinding.beoordelingen.get()
    # What a retry of the offer's notification would do: the key refuses it.
    assert (
        melden(
            over=bevinding,
            sleutel=f"aangeboden/{beoordeling.pk}",
            ontvangers=auditors,
            onderwerp="Nog eens",
            link="/",
        )
        is None
    )
    assert Bezorging.objects.filter(herinnering__soort=HerinneringSoort.MELDING).count() == 2


def test_an_owner_who_is_an_auditor_is_not_told_of_their_own_offer(auditors):
    eigenaar = UserFactory(username="auditor_eigenaar", rol=rollen.AUDITOR)
    b = BevindingFactory(eigenaar=eigenaar)
    _aanbieden(b, eigenaar)
    assert "auditor_eigenaar@douane.example" not in ontvangers(_nu_versturen())


def test_a_rejection_mails_the_owner_the_verdict_and_the_reason(bevinding, pm, auditors):
    _aanbieden(bevinding, pm)
    _nu_versturen()
    services.bevinding_beoordelen(
        bevinding=bevinding,
        door=auditors[0],
        oordeel=Verdict.NIET_AKKOORD,
        toelichting="Bewijs van de tweede helft van het jaar ontbreekt.",
    )
    [bericht] = _nu_versturen()
    assert bericht.to == ["pm@douane.example"]
    assert bericht.subject == "Douane Portfolio: Niet akkoord: Onvolkomenheid inkoopbeheer"
    assert "Reden: Bewijs van de tweede helft van het jaar ontbreekt." in bericht.body
    [(html, _)] = bericht.alternatives
    assert "Bewijs van de tweede helft van het jaar ontbreekt." in html
    assert _nu_versturen() == []


def test_an_approval_mails_the_owner(bevinding, pm, auditors):
    _aanbieden(bevinding, pm)
    _nu_versturen()
    services.bevinding_beoordelen(
        bevinding=bevinding, door=auditors[1], oordeel=Verdict.AKKOORD, toelichting=""
    )
    [bericht] = _nu_versturen()
    assert bericht.to == ["pm@douane.example"]
    assert bericht.subject == "Douane Portfolio: Akkoord: Onvolkomenheid inkoopbeheer is opgelost"


def test_a_refused_offer_notifies_nobody(bevinding, lezer, auditors):
    with pytest.raises(PermissionDenied):
        _aanbieden(bevinding, lezer)
    assert not Herinnering.objects.filter(soort=HerinneringSoort.MELDING).exists()


def test_mijn_acties_shows_notifications_unread_then_read(
    bevinding, pm, auditors, client_voor, django_assert_max_num_queries
):
    _aanbieden(bevinding, pm)
    client = client_voor(auditors[0])
    pagina = client.get(reverse("mijn_acties")).content.decode()
    assert "Meldingen" in pagina and "1 nieuw" in pagina
    assert "Ter beoordeling: Onvolkomenheid inkoopbeheer" in pagina
    bezorging = Bezorging.objects.get(ontvanger=auditors[0])
    assert client.post(reverse("melding_gelezen", args=[bezorging.pk])).status_code == 302
    bezorging.refresh_from_db()
    assert bezorging.gelezen_op is not None
    pagina = client.get(reverse("mijn_acties")).content.decode()
    assert "1 nieuw" not in pagina and "gelezen" in pagina
    # Someone else's notification does not exist for you.
    andere = Bezorging.objects.get(ontvanger=auditors[1])
    assert client.post(reverse("melding_gelezen", args=[andere.pk])).status_code == 404
    andere.refresh_from_db()
    assert andere.gelezen_op is None


@pytest.mark.django_db(transaction=True)
def test_notifications_go_through_a_real_mail_server_once(settings, pm, auditors):
    smtp = SmtpPut()
    smtp.instellingen(settings)
    smtp.start()
    try:
        bevinding = BevindingFactory(eigenaar=pm, titel="Onvolkomenheid grote geldstroom")
        _aanbieden(bevinding, pm)
        _nu_versturen()
        smtp.wachten_op(2)
        _nu_versturen()
        assert smtp.per_ontvanger() == {
            "auditor1@douane.example": 1,
            "auditor2@douane.example": 1,
        }
        bericht = smtp.berichten[0]
        assert bericht.is_multipart()
        assert "Onvolkomenheid grote geldstroom" in str(bericht["Subject"])
    finally:
        smtp.stop()
