"""Running a risk dialogue through its pages: plan from the register, record the
session, mark held, adopt, read the minutes."""

import datetime

import pytest
from django.urls import reverse

from risicos.models import Beheersmaatregel, DialoogStatus, Risico, Risicodialoog
from tests.risicos.factories import RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db

NIEUW = reverse("risicos:dialoog_nieuw")


@pytest.fixture
def client_rf(client_voor, risicofunctionaris):
    return client_voor(risicofunctionaris)


def _aangevinkt(response):
    return set(response.context["form"]["risico_keuze"].value())


def test_without_a_choice_the_new_dialogue_starts_with_the_active_top_risks(client_rf):
    top = RisicoFactory(toprisico=True)
    RisicoFactory(toprisico=True, status="gesloten")
    RisicoFactory()
    assert _aangevinkt(client_rf.get(NIEUW)) == {top.pk}


def test_risks_ticked_in_the_register_are_ticked_in_the_new_dialogue(client_rf):
    a, b, _ = RisicoFactory(), RisicoFactory(), RisicoFactory()
    assert _aangevinkt(client_rf.get(NIEUW, {"risico": [a.pk, b.pk, "x"]})) == {a.pk, b.pk}


def test_a_register_filter_can_be_taken_over_whole(client_rf):
    extern = RisicoFactory(categorie="extern")
    RisicoFactory(categorie="intern")
    response = client_rf.get(NIEUW, {"selectie": "filter", "categorie": "extern"})
    assert _aangevinkt(response) == {extern.pk}


def test_planning_a_dialogue_from_the_form(client_rf, risicofunctionaris, lezer):
    a, b = RisicoFactory(titel="A"), RisicoFactory(titel="B", toprisico=True)
    response = client_rf.post(
        NIEUW,
        {
            "titel": "Risicodialoog maart",
            "datum": "2025-03-10",
            "niveau": "tactisch",
            "voorzitter": risicofunctionaris.pk,
            "deelnemers": [lezer.pk],
            "externe_deelnemers": "Jan Extern\n\nMarie Stakeholder\n",
            "risico_keuze": [a.pk, b.pk],
        },
    )
    dialoog = Risicodialoog.objects.get(titel="Risicodialoog maart")
    assert response.status_code == 302 and response["Location"] == dialoog.get_absolute_url()
    assert [p.risico.titel for p in dialoog.punten.all()] == ["B", "A"]
    assert list(dialoog.deelnemers.all()) == [lezer]
    assert dialoog.externe_deelnemers_lijst == ["Jan Extern", "Marie Stakeholder"]


def test_a_dialogue_needs_a_chair_and_at_least_one_risk(client_rf):
    response = client_rf.post(NIEUW, {"titel": "Leeg", "datum": "2025-03-10", "niveau": "tactisch"})
    fouten = response.context["form"].errors
    assert fouten["voorzitter"] == ["Kies de voorzitter."]
    assert fouten["risico_keuze"] == ["Kies minstens één risico om te bespreken."]


@pytest.fixture
def dialoog(risicofunctionaris):
    from risicos import services

    a = RisicoFactory(titel="A", bruto_kans=4, bruto_impact=4, netto_kans=3, netto_impact=3)
    b = RisicoFactory(titel="B")
    return services.dialoog_plannen(
        dialoog=RisicodialoogFactory.build(
            voorzitter=risicofunctionaris,
            datum=datetime.date.today() - datetime.timedelta(days=1),
        ),
        risicos=[a, b],
        door=risicofunctionaris,
    )


def _sessie_data(dialoog, **per_titel):
    data = {"besluiten": "Algemeen besluit", "versie": dialoog.versie}
    for punt in dialoog.punten.select_related("risico"):
        prefix = f"punt-{punt.pk}-"
        waarden = {
            "netto_kans": "",
            "netto_impact": "",
            "conclusie": "",
            "actie_omschrijving": "",
            "actie_eigenaar": "",
            "actie_deadline": "",
        }
        waarden.update(per_titel.get(punt.risico.titel, {}))
        data.update({prefix + k: v for k, v in waarden.items()})
    return data


def test_the_agenda_lists_each_risk_with_current_scores_and_open_measures(client_rf, dialoog):
    from tests.risicos.factories import BeheersmaatregelFactory

    a = Risico.objects.get(titel="A")
    BeheersmaatregelFactory(risicos=[a], omschrijving="Open maatregel")
    BeheersmaatregelFactory(risicos=[a], omschrijving="Afgeronde maatregel", status="afgerond")
    html = client_rf.get(dialoog.get_absolute_url()).content.decode()
    # A word no generated person name contains ("Klaar" matched "van Klaarwater").
    assert "Open maatregel" in html and "Afgeronde maatregel" not in html
    assert ">9<" in html  # current net score of A


def test_the_session_page_records_scores_conclusions_and_actions(client_rf, dialoog, pm):
    url = reverse("risicos:dialoog_sessie", args=[dialoog.pk])
    deadline = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    response = client_rf.post(
        url,
        _sessie_data(
            dialoog,
            A={"netto_kans": "2", "netto_impact": "3", "conclusie": "Omlaag"},
            B={
                "actie_omschrijving": "Analyse",
                "actie_eigenaar": pm.pk,
                "actie_deadline": deadline,
            },
        ),
    )
    assert response.status_code == 302
    punt = dialoog.punten.get(risico__titel="A")
    assert (punt.netto_kans, punt.netto_impact, punt.conclusie) == (2, 3, "Omlaag")
    actie = Beheersmaatregel.objects.get(omschrijving="Analyse")
    assert actie.dialoog == dialoog and actie.eigenaar == pm
    assert Risicodialoog.objects.get(pk=dialoog.pk).besluiten == "Algemeen besluit"
    # Not in the register until adopted.
    assert Risico.objects.get(titel="A").netto_score == 9


def test_the_session_page_shows_errors_per_risk_and_saves_nothing(client_rf, dialoog):
    url = reverse("risicos:dialoog_sessie", args=[dialoog.pk])
    response = client_rf.post(
        url,
        _sessie_data(
            dialoog,
            A={"netto_kans": "5", "netto_impact": "1", "conclusie": "Te hoog"},
            B={"actie_omschrijving": "Zonder eigenaar"},
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Er is niets opgeslagen" in html
    assert "kan niet hoger zijn dan de bruto kans" in html
    assert "Kies de eigenaar van de actie." in html
    assert "Vul de deadline van de actie in." in html
    assert "Te hoog" in html  # input kept
    assert not dialoog.punten.exclude(conclusie="").exists()
    assert not Beheersmaatregel.objects.exists()


def test_the_session_page_refuses_to_save_over_a_newer_version(client_rf, dialoog):
    url = reverse("risicos:dialoog_sessie", args=[dialoog.pk])
    client_rf.post(url, _sessie_data(dialoog, A={"conclusie": "Eerste"}))
    response = client_rf.post(url, _sessie_data(dialoog, A={"conclusie": "Tweede"}))
    assert "Dit gegeven is intussen gewijzigd" in response.content.decode()
    assert dialoog.punten.get(risico__titel="A").conclusie == "Eerste"


def test_adopting_through_the_pages_applies_the_score_and_shows_the_minutes(client_rf, dialoog):
    client_rf.post(
        reverse("risicos:dialoog_sessie", args=[dialoog.pk]),
        _sessie_data(dialoog, A={"netto_kans": "2", "netto_impact": "3"}),
    )
    client_rf.post(reverse("risicos:dialoog_gehouden", args=[dialoog.pk]))
    bevestiging = client_rf.get(reverse("risicos:dialoog_vaststellen", args=[dialoog.pk]))
    assert [p.risico.titel for p in bevestiging.context["wijzigingen"]] == ["A"]

    response = client_rf.post(reverse("risicos:dialoog_vaststellen", args=[dialoog.pk]))
    assert response["Location"] == reverse("risicos:dialoog_verslag", args=[dialoog.pk])
    assert Risicodialoog.objects.get(pk=dialoog.pk).status == DialoogStatus.VASTGESTELD
    assert Risico.objects.get(titel="A").netto_score == 6
    verslag = client_rf.get(response["Location"]).content.decode()
    assert "Concept" not in verslag
    assert "Algemeen besluit" in verslag


def test_minutes_are_marked_as_draft_until_adopted(client_rf, dialoog):
    html = client_rf.get(reverse("risicos:dialoog_verslag", args=[dialoog.pk])).content.decode()
    assert "Concept — dit verslag is nog niet vastgesteld." in html


def test_the_agenda_can_be_changed_while_planned(client_rf, dialoog, risicofunctionaris):
    c = RisicoFactory(titel="C")
    url = reverse("risicos:dialoog_bewerken", args=[dialoog.pk])
    response = client_rf.post(
        url,
        {
            "titel": dialoog.titel,
            "datum": dialoog.datum.isoformat(),
            "niveau": dialoog.niveau,
            "voorzitter": risicofunctionaris.pk,
            "risico_keuze": [Risico.objects.get(titel="A").pk, c.pk],
            "versie": dialoog.versie,
        },
    )
    assert response.status_code == 302
    assert sorted(p.risico.titel for p in dialoog.punten.all()) == ["A", "C"]
