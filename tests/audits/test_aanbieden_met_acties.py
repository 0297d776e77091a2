"""Issue 16: offering a finding closes its remaining actions on the same page, in one
transaction (all or nothing), each through its own permission and with history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import BevindingStatus, Vervolgactie
from tests.audits.factories import VervolgactieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tweede(bevinding, pm):
    return VervolgactieFactory(
        bevinding=bevinding,
        eigenaar=pm,
        omschrijving="Werkinstructie vernieuwen",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )


def _url(bevinding):
    return reverse("audits:bevinding_aanbieden", args=[bevinding.pk])


def _post(client, bevinding, *acties, notitie=""):
    data = {"toelichting": "Alles is klaar; zie het bewijs.", "versie": bevinding.versie}
    for actie in acties:
        data[f"afronden_{actie.pk}"] = "on"
        data[f"notitie_{actie.pk}"] = notitie
    return client.post(_url(bevinding), data)


def test_the_offer_page_lists_each_open_action_with_a_check_box(
    client_voor, pm, bevinding, actie, tweede
):
    html = client_voor(pm).get(_url(bevinding)).content.decode()
    assert "Open vervolgacties afronden" in html
    for a in (actie, tweede):
        assert f'name="afronden_{a.pk}"' in html
        assert f'name="notitie_{a.pk}"' in html
        assert f"Afronden: {a.omschrijving}" in html


def test_offering_closes_the_ticked_actions_in_one_go(client_voor, pm, bevinding, actie, tweede):
    response = _post(client_voor(pm), bevinding, actie, tweede, notitie="Gecontroleerd")
    assert response.status_code == 302
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.TER_BEOORDELING
    for a in (actie, tweede):
        a.refresh_from_db()
        assert a.status == "afgerond" and a.afgerond_op == timezone.localdate()
        laatste = a.history.order_by("-history_date", "-history_id").first()
        assert laatste.history_user == pm
        assert laatste.history_change_reason == (
            "Afgerond bij het aanbieden van de bevinding: Gecontroleerd"
        )


def test_an_action_left_open_refuses_the_whole_offer_and_saves_nothing(
    client_voor, pm, bevinding, actie, tweede
):
    response = _post(client_voor(pm), bevinding, tweede)
    assert response.status_code == 200
    html = response.content.decode()
    assert "nog 1 vervolgactie open" in html
    assert f'name="afronden_{tweede.pk}" id="id_afronden_{tweede.pk}" checked' in html
    tweede.refresh_from_db()
    assert tweede.status != "afgerond"
    bevinding.refresh_from_db()
    assert bevinding.status != BevindingStatus.TER_BEOORDELING


def test_the_service_checks_the_permission_per_action(bevinding, actie, pm2, lezer):
    # pm2 owns the action but not the finding: not allowed to offer it, nothing closes.
    with pytest.raises(PermissionDenied):
        services.bevinding_aanbieden(
            bevinding=bevinding, door=pm2, toelichting="Klaar", afronden=[(actie, "")]
        )
    actie.refresh_from_db()
    assert actie.status != "afgerond"


def test_the_service_refuses_an_action_of_another_finding(bevinding, pm, pm2):
    ander = VervolgactieFactory(eigenaar=pm)
    with pytest.raises(ValidationError):
        services.bevinding_aanbieden(
            bevinding=bevinding, door=pm, toelichting="Klaar", afronden=[(ander, "")]
        )
    ander.refresh_from_db()
    assert ander.status != "afgerond"


def test_an_action_closed_meanwhile_is_refused_with_a_message(client_voor, pm, bevinding, actie):
    client = client_voor(pm)
    client.get(_url(bevinding))
    Vervolgactie.objects.filter(pk=actie.pk).update(status="vervallen")
    response = _post(client, bevinding, actie)
    # The form no longer offers it; the finding can be offered without it.
    assert response.status_code == 302
    actie.refresh_from_db()
    assert actie.status == "vervallen"


def test_no_actions_means_the_plain_offer_form(client_voor, pm, bevinding):
    html = client_voor(pm).get(_url(bevinding)).content.decode()
    assert "Open vervolgacties afronden" not in html
    assert _post(client_voor(pm), bevinding).status_code == 302
