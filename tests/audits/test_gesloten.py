"""Closed means closed: a resolved finding keeps its actions, evidence and deadlines
until an auditor reopens it with a reason; a refused step says why."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audits import services
from audits.models import BevindingStatus, Bewijsstuk, Vervolgactie
from risicos.models import DialoogStatus
from tests.formulieren import formulierdata
from tests.risicos.factories import RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db

LATER = timezone.localdate() + datetime.timedelta(days=60)


@pytest.fixture
def opgelost(bevinding, actie, pm, auditor):
    """pm's finding, its action (owned by pm2) done, offered and judged akkoord."""
    actie.status = "afgerond"
    actie.save()
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Alles op orde")
    services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel="akkoord", toelichting=""
    )
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.OPGELOST
    return bevinding


def _stappen(bevinding, actie, pm):
    return [
        ("audits:vervolgactie_bewerken", actie.pk, {"status": "in_uitvoering", "versie": 1}),
        (
            "audits:deadline_verschuiven",
            actie.pk,
            {
                "nieuwe_deadline": LATER.isoformat(),
                "reden": "Later",
                "goedgekeurd_door": pm.pk,
                "versie": 1,
            },
        ),
        ("audits:bewijs_nieuw", actie.pk, {"toelichting": "Nog meer bewijs"}),
        (
            "audits:vervolgactie_nieuw",
            bevinding.pk,
            {"omschrijving": "Nog iets", "eigenaar": pm.pk, "deadline": LATER.isoformat()},
        ),
        ("audits:bevinding_bewerken", bevinding.pk, {"titel": "Anders", "versie": 3}),
    ]


@pytest.mark.parametrize("wie", ["pm", "pm2", "auditor", "beheerder"])
def test_nothing_on_a_resolved_finding_can_be_changed_and_the_page_says_why(
    request, client_voor, opgelost, actie, pm, wie
):
    client = client_voor(request.getfixturevalue(wie))
    actie.refresh_from_db()
    voor = (actie.versie, actie.status, actie.deadline, Vervolgactie.objects.count())
    for naam, pk, data in _stappen(opgelost, actie, pm):
        url = reverse(naam, args=[pk])
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 403, (naam, response.status_code)
            html = response.content.decode()
            assert "Deze bevinding is opgelost op" in html, naam
            assert "heropen de bevinding" in html
            assert "Geen toegang" not in html
    actie.refresh_from_db()
    assert (actie.versie, actie.status, actie.deadline, Vervolgactie.objects.count()) == voor
    assert Bewijsstuk.objects.count() == 0
    opgelost.refresh_from_db()
    assert opgelost.titel == "Onvolkomenheid inkoopbeheer"


def test_the_resolved_finding_offers_no_forms_but_the_auditor_may_reopen(
    client_voor, opgelost, pm2, auditor
):
    url = opgelost.get_absolute_url()
    html = client_voor(pm2).get(url).content.decode()
    for knop in ("Bewijs toevoegen", "Deadline verschuiven", "Nieuwe vervolgactie", "Heropenen"):
        assert knop not in html
    assert reverse("audits:vervolgactie_bewerken", args=[opgelost.vervolgacties.get().pk]) not in (
        html
    )
    assert "Heropenen" in client_voor(auditor).get(url).content.decode()


def test_the_services_refuse_even_the_portfolio_office(opgelost, actie, beheerder, pm):
    actie.refresh_from_db()
    reden = opgelost.gesloten_reden()
    with pytest.raises(ValidationError) as fout:
        services.bewijsstuk_toevoegen(actie=actie, door=beheerder, toelichting="x")
    assert fout.value.messages == [reden]
    with pytest.raises(ValidationError):
        services.deadline_verschuiven(
            actie=actie,
            nieuwe_deadline=LATER,
            reden="x",
            goedgekeurd_door=pm,
            door=beheerder,
        )
    with pytest.raises(ValidationError):
        services.vervolgactie_toevoegen(
            bevinding=opgelost, omschrijving="x", eigenaar=pm, deadline=LATER, door=beheerder
        )
    actie.status = "open"
    with pytest.raises(ValidationError):
        services.vervolgactie_bijwerken(actie=actie, door=beheerder, verwachte_versie=actie.versie)
    actie.refresh_from_db()
    assert actie.status == "afgerond"


def test_an_action_form_opened_before_the_verdict_cannot_save_after_it(
    client_voor, bevinding, actie, pm, pm2, auditor
):
    url = reverse("audits:vervolgactie_bewerken", args=[actie.pk])
    client = client_voor(pm)
    data = formulierdata(client.get(url).context["form"], status="afgerond")
    # Meanwhile the action is finished, offered and accepted.
    actie.status = "afgerond"
    actie.save()
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar")
    services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel="akkoord", toelichting=""
    )
    assert client.post(url, {**data, "status": "in_uitvoering"}).status_code == 403
    actie.refresh_from_db()
    assert actie.status == "afgerond"


def test_an_auditor_reopens_with_a_reason_recorded_in_history(client_voor, opgelost, auditor, pm2):
    url = reverse("audits:bevinding_heropenen", args=[opgelost.pk])
    client = client_voor(auditor)
    data = formulierdata(client.get(url).context["form"])

    zonder = client.post(url, {**data, "reden": "  "})
    assert zonder.status_code == 200
    assert zonder.context["form"].errors["reden"]
    opgelost.refresh_from_db()
    assert opgelost.status == BevindingStatus.OPGELOST

    response = client.post(url, {**data, "reden": "Steekproef laat nieuwe fouten zien"})
    assert response.status_code == 302
    opgelost.refresh_from_db()
    assert opgelost.status == BevindingStatus.IN_UITVOERING
    laatste = opgelost.history.order_by("-history_date", "-history_id").first()
    assert laatste.history_user == auditor
    assert laatste.history_change_reason == "Heropend: Steekproef laat nieuwe fouten zien"
    # Open again: the action owner may add evidence.
    actie = opgelost.vervolgacties.get()
    bewijs = reverse("audits:bewijs_nieuw", args=[actie.pk])
    assert client_voor(pm2).post(bewijs, {"toelichting": "Nieuw bewijs"}).status_code == 302


@pytest.mark.parametrize("wie", ["pm", "pm2", "beheerder", "lezer"])
def test_only_an_auditor_reopens(request, client_voor, opgelost, wie):
    url = reverse("audits:bevinding_heropenen", args=[opgelost.pk])
    response = client_voor(request.getfixturevalue(wie)).post(url, {"reden": "x", "versie": 5})
    assert response.status_code == 403
    opgelost.refresh_from_db()
    assert opgelost.status == BevindingStatus.OPGELOST


def test_an_open_finding_cannot_be_reopened(client_voor, bevinding, auditor):
    url = reverse("audits:bevinding_heropenen", args=[bevinding.pk])
    assert client_voor(auditor).get(url).status_code == 403
    with pytest.raises(ValidationError):
        services.bevinding_heropenen(bevinding=bevinding, door=auditor, reden="x")


def test_an_adopted_dialogue_says_when_and_by_whom(client_voor, risicofunctionaris):
    dialoog = RisicodialoogFactory(risicos=[RisicoFactory()], status=DialoogStatus.GEHOUDEN)
    from risicos import services as risico_services

    risico_services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
    for naam in ("risicos:dialoog_bewerken", "risicos:dialoog_sessie"):
        response = client_voor(risicofunctionaris).get(reverse(naam, args=[dialoog.pk]))
        assert response.status_code == 403
        html = response.content.decode()
        assert "Deze dialoog is vastgesteld op" in html
        assert f"door {escape(risicofunctionaris)}" in html
