"""Issue 16, risk officers: a new dialogue's default date, an agreed net score needs a
gross score, and an adopted dialogue says when and by whom it was adopted."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from risicos import services
from risicos.models import GEEN_BRUTO_SCORE, DialoogStatus
from tests.risicos.factories import RisicodialoogFactory, RisicoFactory
from tests.risicos.test_dialogen import _sessie_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_rf(client_voor, risicofunctionaris):
    return client_voor(risicofunctionaris)


@pytest.fixture
def dialoog(risicofunctionaris):
    a = RisicoFactory(titel="A", bruto_kans=4, bruto_impact=4, netto_kans=3, netto_impact=3)
    b = RisicoFactory(titel="B")
    assert b.bruto_kans is None
    return services.dialoog_plannen(
        dialoog=RisicodialoogFactory.build(
            voorzitter=risicofunctionaris, datum=datetime.date.today()
        ),
        risicos=[a, b],
        door=risicofunctionaris,
    )


@time_machine.travel(datetime.datetime(2026, 3, 12, 9, 0), tick=False)
def test_a_new_dialogue_is_dated_today(client_rf):
    form = client_rf.get(reverse("risicos:dialoog_nieuw")).context["form"]
    assert form["datum"].value() == datetime.date(2026, 3, 12)
    assert form["titel"].value() == "Risicodialoog maart 2026"


def test_an_agreed_net_score_without_gross_score_is_refused_at_the_field(client_rf, dialoog):
    url = reverse("risicos:dialoog_sessie", args=[dialoog.pk])
    response = client_rf.post(
        url, _sessie_data(dialoog, B={"netto_kans": "2", "netto_impact": "2", "conclusie": "Laag"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit risico heeft nog geen bruto score" in html
    punt = dialoog.punten.get(risico__titel="B")
    assert f'id="id_punt-{punt.pk}-netto_kans_error"' in html
    assert "Laag" in html  # input kept
    punt.refresh_from_db()
    assert (punt.netto_kans, punt.conclusie) == (None, "")


def test_the_service_refuses_it_too(dialoog, risicofunctionaris):
    punten = {
        punt: {
            "netto_kans": 2 if punt.risico.titel == "B" else None,
            "netto_impact": 2 if punt.risico.titel == "B" else None,
            "conclusie": "",
            "actie": None,
        }
        for punt in dialoog.punten.select_related("risico")
    }
    with pytest.raises(ValidationError) as fout:
        services.sessie_vastleggen(
            dialoog=dialoog,
            besluiten="",
            punten=punten,
            door=risicofunctionaris,
            verwachte_versie=dialoog.versie,
        )
    assert any(GEEN_BRUTO_SCORE in m for m in fout.value.messages)
    assert not dialoog.punten.filter(netto_kans__isnull=False).exists()


def test_a_risk_with_gross_score_still_takes_an_agreed_net_score(client_rf, dialoog):
    url = reverse("risicos:dialoog_sessie", args=[dialoog.pk])
    response = client_rf.post(
        url, _sessie_data(dialoog, A={"netto_kans": "2", "netto_impact": "2"})
    )
    assert response.status_code == 302
    assert dialoog.punten.get(risico__titel="A").netto_kans == 2


def test_every_page_of_an_adopted_dialogue_says_when_and_by_whom(client_rf, risicofunctionaris):
    dialoog = RisicodialoogFactory(risicos=[RisicoFactory()], status=DialoogStatus.GEHOUDEN)
    services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
    for naam in (
        "risicos:dialoog_bewerken",
        "risicos:dialoog_sessie",
        "risicos:dialoog_gehouden",
        "risicos:dialoog_vaststellen",
    ):
        url = reverse(naam, args=[dialoog.pk])
        for response in (client_rf.get(url), client_rf.post(url, {})):
            html = response.content.decode()
            if response.status_code == 302:
                continue  # a redirect back to the dialogue, whose page says it
            assert response.status_code in (403, 405), naam
            if response.status_code == 403:
                assert "Deze dialoog is vastgesteld op" in html, naam
                assert f"door {escape(risicofunctionaris)}" in html, naam
    detail = client_rf.get(dialoog.get_absolute_url()).content.decode()
    assert "vastgesteld" in detail
