"""Who may do what, enforced on the server: 404 without read access, 403 without the
right to act; the buttons follow the same rules."""

import datetime

import pytest
from django.urls import reverse

from risicos import services
from risicos.models import Beheersmaatregel, DialoogStatus, Risico, Scorewijziging
from tests.risicos.factories import (
    BeheersmaatregelFactory,
    DialoogrisicoFactory,
    RisicodialoogFactory,
    RisicoFactory,
)

pytestmark = pytest.mark.django_db

ROLLEN = ("risicofunctionaris", "beheerder", "pm", "auditor", "lezer")
BEHEREN = ("risicofunctionaris", "beheerder")
ALLEEN_LEZEN = ("pm", "auditor", "lezer")


@pytest.fixture
def gegevens(pm):
    risico = RisicoFactory(gescoord=True)
    maatregel = BeheersmaatregelFactory(risicos=[risico], eigenaar=pm)
    dialoog = RisicodialoogFactory()
    DialoogrisicoFactory(dialoog=dialoog, risico=risico)
    return {"risico": risico, "maatregel": maatregel, "dialoog": dialoog}


def _urls(g):
    r, m, d = g["risico"].pk, g["maatregel"].pk, g["dialoog"].pk
    lezen = [
        reverse("risicos:register"),
        reverse("risicos:heatmap"),
        reverse("risicos:maatregelen"),
        reverse("risicos:dialogen"),
    ]
    objecten = [
        reverse("risicos:risico", args=[r]),
        reverse("risicos:maatregel", args=[m]),
        reverse("risicos:dialoog", args=[d]),
        reverse("risicos:dialoog_verslag", args=[d]),
    ]
    beheren = [
        reverse("risicos:risico_nieuw"),
        reverse("risicos:maatregel_nieuw"),
        reverse("risicos:dialoog_nieuw"),
    ]
    beheren_object = [
        reverse("risicos:risico_bewerken", args=[r]),
        reverse("risicos:risico_scoren", args=[r]),
        reverse("risicos:maatregel_bewerken", args=[m]),
        reverse("risicos:dialoog_bewerken", args=[d]),
        reverse("risicos:dialoog_sessie", args=[d]),
    ]
    return lezen, objecten, beheren, beheren_object


@pytest.mark.parametrize("rol", ROLLEN)
def test_every_role_reads_the_register_heat_map_measures_and_dialogues(
    request, client_voor, gegevens, rol
):
    client = client_voor(request.getfixturevalue(rol))
    lezen, objecten, _, _ = _urls(gegevens)
    for url in lezen + objecten:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("rol", BEHEREN)
def test_risk_officers_and_the_portfolio_office_open_every_form(
    request, client_voor, gegevens, rol
):
    client = client_voor(request.getfixturevalue(rol))
    _, _, beheren, beheren_object = _urls(gegevens)
    for url in beheren + beheren_object:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("rol", ALLEEN_LEZEN)
def test_other_roles_get_403_on_every_form_and_see_no_buttons(request, client_voor, gegevens, rol):
    client = client_voor(request.getfixturevalue(rol))
    _, _, beheren, beheren_object = _urls(gegevens)
    for url in beheren + beheren_object:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    html = client.get(reverse("risicos:register")).content.decode()
    assert "Nieuw risico" not in html
    assert 'form="dialoog-selectie"' not in html
    html = client.get(gegevens["risico"].get_absolute_url()).content.decode()
    assert "Score wijzigen" not in html and "Bewerken" not in html


def test_someone_without_a_role_gets_403_on_lists_and_404_on_objects(
    client_voor, buitenstaander, gegevens
):
    client = client_voor(buitenstaander)
    lezen, objecten, beheren, beheren_object = _urls(gegevens)
    for url in lezen + beheren:
        assert client.get(url).status_code == 403, url
    for url in objecten + beheren_object:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, gegevens):
    response = client.get(reverse("risicos:register"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_reader_cannot_change_scores_by_posting_directly(client_voor, lezer, gegevens):
    risico = gegevens["risico"]
    response = client_voor(lezer).post(
        reverse("risicos:risico_scoren", args=[risico.pk]),
        {"netto_kans": "1", "netto_impact": "1", "reden": "stiekem", "versie": risico.versie},
    )
    assert response.status_code == 403
    assert Risico.objects.get(pk=risico.pk).netto_score == 9
    assert not Scorewijziging.objects.exists()


# --- Measure owners --------------------------------------------------------------------


def test_the_owner_of_a_measure_may_update_its_status(client_voor, pm, gegevens):
    maatregel = gegevens["maatregel"]
    url = reverse("risicos:maatregel_status", args=[maatregel.pk])
    client = client_voor(pm)
    assert "Status bijwerken" in client.get(maatregel.get_absolute_url()).content.decode()
    response = client.post(url, {"status": "afgerond", "versie": maatregel.versie})
    assert response.status_code == 302
    maatregel.refresh_from_db()
    assert maatregel.status == "afgerond" and maatregel.afgerond_op is not None
    assert maatregel.history.latest("history_date").history_user == pm


def test_the_owner_may_not_edit_the_rest_of_the_measure(client_voor, pm, gegevens):
    maatregel = gegevens["maatregel"]
    client = client_voor(pm)
    url = reverse("risicos:maatregel_bewerken", args=[maatregel.pk])
    assert client.get(url).status_code == 403
    # Extra fields posted to the status form are ignored.
    client.post(
        reverse("risicos:maatregel_status", args=[maatregel.pk]),
        {"status": "in_uitvoering", "omschrijving": "Anders", "versie": maatregel.versie},
    )
    maatregel.refresh_from_db()
    assert maatregel.omschrijving != "Anders" and maatregel.status == "in_uitvoering"


@pytest.mark.parametrize("rol", ("pm2", "auditor", "lezer"))
def test_a_colleague_or_reader_may_not_update_someone_elses_measure(
    request, client_voor, gegevens, rol
):
    maatregel = gegevens["maatregel"]
    client = client_voor(request.getfixturevalue(rol))
    url = reverse("risicos:maatregel_status", args=[maatregel.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"status": "vervallen", "versie": maatregel.versie}).status_code == 403
    assert Beheersmaatregel.objects.get(pk=maatregel.pk).status == "open"


def test_the_status_form_refuses_to_save_over_a_newer_version(client_voor, pm, gegevens):
    maatregel = gegevens["maatregel"]
    url = reverse("risicos:maatregel_status", args=[maatregel.pk])
    client = client_voor(pm)
    client.post(url, {"status": "in_uitvoering", "versie": maatregel.versie})
    response = client.post(url, {"status": "afgerond", "versie": maatregel.versie})
    assert response.status_code == 200
    assert "Dit gegeven is intussen gewijzigd" in response.content.decode()
    assert Beheersmaatregel.objects.get(pk=maatregel.pk).status == "in_uitvoering"


# --- Dialogue steps ----------------------------------------------------------------------


def test_readers_cannot_mark_held_or_adopt(client_voor, lezer, gegevens):
    dialoog = gegevens["dialoog"]
    client = client_voor(lezer)
    assert client.post(reverse("risicos:dialoog_gehouden", args=[dialoog.pk])).status_code == 403
    dialoog.status = DialoogStatus.GEHOUDEN
    dialoog.save()
    assert client.post(reverse("risicos:dialoog_vaststellen", args=[dialoog.pk])).status_code == 403
    assert type(dialoog).objects.get(pk=dialoog.pk).status == DialoogStatus.GEHOUDEN
    dialoog.status = DialoogStatus.VASTGESTELD
    dialoog.save()
    assert client.post(reverse("risicos:dialoog_vaststellen", args=[dialoog.pk])).status_code == 403


def test_adopted_minutes_are_locked_for_everyone(client_voor, risicofunctionaris, gegevens):
    dialoog = gegevens["dialoog"]
    services.dialoog_gehouden(dialoog=dialoog, door=risicofunctionaris)
    services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
    client = client_voor(risicofunctionaris)
    for naam in ("dialoog_sessie", "dialoog_bewerken"):
        assert client.get(reverse(f"risicos:{naam}", args=[dialoog.pk])).status_code == 403
    html = client.get(dialoog.get_absolute_url()).content.decode()
    assert "Sessie vastleggen" not in html and "Vaststellen</a>" not in html


def test_a_second_adoption_through_the_page_is_refused_with_a_message(
    client_voor, risicofunctionaris, gegevens
):
    dialoog = gegevens["dialoog"]
    punt = dialoog.punten.get()
    punt.netto_kans, punt.netto_impact = 2, 2
    punt.save()
    services.dialoog_gehouden(dialoog=dialoog, door=risicofunctionaris)
    client = client_voor(risicofunctionaris)
    url = reverse("risicos:dialoog_vaststellen", args=[dialoog.pk])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert "al vastgesteld" in response.content.decode()
    assert Scorewijziging.objects.count() == 1


def test_marking_held_before_the_date_shows_why(client_voor, risicofunctionaris):
    dialoog = RisicodialoogFactory(datum=datetime.date.today() + datetime.timedelta(days=3))
    response = client_voor(risicofunctionaris).post(
        reverse("risicos:dialoog_gehouden", args=[dialoog.pk]), follow=True
    )
    assert "pas op of na de datum" in response.content.decode()
    dialoog.refresh_from_db()
    assert dialoog.status == DialoogStatus.GEPLAND
