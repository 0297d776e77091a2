"""Forms that choose among thousands (risks, initiatives, colleagues) show the chosen
ones and a search field, not a check box or option for every row (issue 13: the
measure form was 3.6 MB for 20,000 risks)."""

import datetime

import pytest
from django.urls import reverse

from douane_portfolio import rollen
from risicos.models import Beheersmaatregel, Risicodialoog, RisicoStatus
from tests.factories import UserFactory
from tests.programmas.factories import InitiatiefFactory
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db

DEADLINE = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()


@pytest.fixture
def risicos():
    return [RisicoFactory(titel=f"Risico zoekveld {n:02}") for n in range(30)]


def _maatregel(client, risicos, **extra):
    return client.post(
        reverse("risicos:maatregel_nieuw"),
        {
            "omschrijving": "Pentest",
            "risicos": risicos,
            "eigenaar": extra.pop("eigenaar"),
            "deadline": DEADLINE,
            "status": "open",
        },
    )


def test_the_measure_form_shows_no_box_per_risk_however_many_there_are(
    client_voor, risicofunctionaris, risicos
):
    response = client_voor(risicofunctionaris).get(reverse("risicos:maatregel_nieuw"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="risicos"' in html and 'data-zoekveld="/zoeken/risico-keuze/"' in html
    assert "Risico zoekveld" not in html
    assert 'type="checkbox" name="risicos"' not in html


def test_the_chosen_risks_are_ticked_on_the_edit_form_and_unticking_drops_one(
    client_voor, risicofunctionaris, pm, risicos
):
    a, b, c = risicos[:3]
    maatregel = BeheersmaatregelFactory(eigenaar=pm, risicos=[a, b])
    client = client_voor(risicofunctionaris)

    html = client.get(reverse("risicos:maatregel_bewerken", args=[maatregel.pk])).content.decode()

    for risico in (a, b):
        assert f'type="checkbox" name="risicos" value="{risico.pk}" checked' in html
    assert c.titel not in html
    response = client.post(
        reverse("risicos:maatregel_bewerken", args=[maatregel.pk]),
        {
            "omschrijving": maatregel.omschrijving,
            "risicos": [str(b.pk), str(c.pk)],
            "eigenaar": pm.pk,
            "deadline": DEADLINE,
            "status": "open",
            "versie": maatregel.versie,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert set(maatregel.risicos.all()) == {b, c}


def test_without_javascript_a_typed_title_adds_the_risk(
    client_voor, risicofunctionaris, pm, risicos
):
    response = _maatregel(
        client_voor(risicofunctionaris), [str(risicos[0].pk), "zoekveld 07"], eigenaar=pm.pk
    )

    assert response.status_code == 302, response.context["form"].errors
    maatregel = Beheersmaatregel.objects.get(omschrijving="Pentest")
    assert set(maatregel.risicos.all()) == {risicos[0], risicos[7]}


@pytest.mark.parametrize(
    ("getypt", "fout"),
    [
        ("bestaat niet", "Niets gevonden dat zo heet: bestaat niet. Kies uit de zoeklijst."),
        (
            "zoekveld 1",
            "Meer dan één keuze past bij zoekveld 1; kies uit de zoeklijst of typ meer.",
        ),
    ],
)
def test_a_typed_name_that_fits_none_or_several_is_refused_at_the_field_and_kept(
    client_voor, risicofunctionaris, pm, risicos, getypt, fout
):
    response = _maatregel(
        client_voor(risicofunctionaris), [str(risicos[0].pk), getypt], eigenaar=pm.pk
    )

    assert response.status_code == 200
    assert response.context["form"].errors["risicos"] == [fout]
    html = response.content.decode()
    # Nothing is lost: the ticked risk stays ticked, the typed text stays to correct.
    assert f'value="{risicos[0].pk}" checked' in html
    assert f'value="{getypt}"' in html
    assert not Beheersmaatregel.objects.exists()


def test_a_closed_risk_cannot_be_added_by_its_number(client_voor, risicofunctionaris, pm):
    gesloten = RisicoFactory(status=RisicoStatus.GESLOTEN)

    response = _maatregel(client_voor(risicofunctionaris), [str(gesloten.pk)], eigenaar=pm.pk)

    assert response.status_code == 200
    assert response.context["form"].errors["risicos"] == [
        f"{gesloten.pk} kan hier niet gekozen worden."
    ]


def test_the_search_offers_active_risks_top_risks_first(client_voor, risicofunctionaris, risicos):
    top = RisicoFactory(titel="Risico zoekveld top", toprisico=True)
    RisicoFactory(titel="Risico zoekveld gesloten", status=RisicoStatus.GESLOTEN)

    response = client_voor(risicofunctionaris).get(
        reverse("zoeken", args=["risico-keuze"]), {"q": "zoekveld"}
    )

    namen = [r["naam"] for r in response.json()["resultaten"]]
    assert namen[0] == top.titel
    assert "Risico zoekveld gesloten" not in namen
    assert len(namen) == 20


def test_a_dialogue_takes_its_chair_and_participants_by_search(
    client_voor, risicofunctionaris, risicos
):
    collega = UserFactory(rol=rollen.PROGRAMMAMANAGER, first_name="Zwaantje", last_name="Zoekmans")
    andere = UserFactory(rol=rollen.AUDITOR)
    client = client_voor(risicofunctionaris)
    html = client.get(reverse("risicos:dialoog_nieuw")).content.decode()
    assert "<option" not in html.split('id="id_voorzitter"')[1].split("</div>")[0]

    response = client.post(
        reverse("risicos:dialoog_nieuw"),
        {
            "titel": "Dialoog met zoekvelden",
            "datum": datetime.date.today().isoformat(),
            "niveau": "strategisch",
            "voorzitter": "Zoekmans",
            "deelnemers": [str(andere.pk), "Zwaantje Zoekmans"],
            "risico_keuze": [str(risicos[0].pk)],
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    dialoog = Risicodialoog.objects.get(titel="Dialoog met zoekvelden")
    assert dialoog.voorzitter == collega
    assert set(dialoog.deelnemers.all()) == {andere, collega}


def test_a_risk_takes_initiatives_by_search(client_voor, risicofunctionaris):
    initiatieven = [InitiatiefFactory(naam=f"Initiatief zoekveld {n}") for n in range(3)]
    client = client_voor(risicofunctionaris)
    html = client.get(reverse("risicos:risico_nieuw")).content.decode()
    assert "Initiatief zoekveld" not in html
    assert 'data-zoekveld="/zoeken/initiatief-keuze/"' in html
    _ = initiatieven


@pytest.mark.parametrize("tekst", ["²", "٣", "99999999999999999999999"])
def test_digits_that_are_no_id_find_nothing_and_are_refused_at_the_field(
    client_voor, risicofunctionaris, tekst
):
    client = client_voor(risicofunctionaris)

    zoek = client.get(reverse("zoeken", args=["medewerkers"]), {"q": tekst})
    response = client.post(
        reverse("risicos:dialoog_nieuw"),
        {
            "titel": "Dialoog",
            "datum": datetime.date.today().isoformat(),
            "niveau": "strategisch",
            "voorzitter": tekst,
            "deelnemers": [tekst],
            "risico_keuze": [tekst],
        },
    )

    assert zoek.status_code == 200 and zoek.json() == {"resultaten": []}
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"voorzitter", "deelnemers", "risico_keuze"}


def test_control_characters_in_a_search_are_dropped_not_sent_to_the_database(
    client_voor, risicofunctionaris, risicos
):
    # PostgreSQL refuses a NUL in a query's text (a 500 found by the form fuzz test).
    client = client_voor(risicofunctionaris)

    zoek = client.get(reverse("zoeken", args=["risico-keuze"]), {"q": "zoekveld\x0007"})
    response = _maatregel(client, ["\x00", "zoek\x00veld 07"], eigenaar=risicofunctionaris.pk)

    assert zoek.status_code == 200
    assert response.status_code == 302, response.context["form"].errors
    assert list(Beheersmaatregel.objects.get().risicos.all()) == [risicos[7]]
