"""The demo data of chapter 4: what the report says, and nothing it does not."""

import io

import pytest
from django.core.management import call_command

from risicos.models import (
    Beheersmaatregel,
    Categorie,
    DialoogStatus,
    Risico,
    Risicodialoog,
    Scorewijziging,
)

pytestmark = pytest.mark.django_db

EXTERN = {
    "Enorme toename van het aanbod van aangiftes dat tot knelpunten in de handhaving leidt",
    "DWU-verplichtingen",
}
INTERN = {
    "Onvoldoende medewerkers met de juiste kwalificaties beschikbaar voor het werk van de Douane",
    "Personele veiligheid en integriteit",
    "Ontbreken integrale inrichting en governance van Gegevensmanagement",
    "Een organisatiestructuur die niet flexibel genoeg is om op veranderingen te kunnen inspelen",
    "Nederland moet Traditionele Eigen Middelen (TEM) en verdragingsrente nabetalen aan de EU",
}


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = "demo"
    call_command("laad_demo", stdout=io.StringIO())


def test_the_seven_top_risks_of_end_2023_are_loaded_in_their_group(demo):
    assert Risico.objects.filter(toprisico=True).count() == 7
    assert (
        set(Risico.objects.filter(categorie=Categorie.EXTERN).values_list("titel", flat=True))
        == EXTERN
    )
    assert (
        set(Risico.objects.filter(categorie=Categorie.INTERN).values_list("titel", flat=True))
        == INTERN
    )
    assert set(Risico.objects.values_list("eigenaar__username", flat=True)) == {
        "risicofunctionaris"
    }


def test_no_scores_appetite_or_review_dates_are_invented(demo):
    assert not Risico.objects.filter(bruto_kans__isnull=False).exists()
    assert not Risico.objects.filter(netto_kans__isnull=False).exists()
    assert not Risico.objects.filter(risicobereidheid__isnull=False).exists()
    assert not Risico.objects.filter(herbeoordeling__isnull=False).exists()
    assert not Scorewijziging.objects.exists()


def test_the_measures_of_the_report_hang_under_their_risk(demo):
    def aantal(titel):
        return Risico.objects.get(titel=titel).maatregelen.count()

    assert aantal("Personele veiligheid en integriteit") == 1
    assert aantal("Ontbreken integrale inrichting en governance van Gegevensmanagement") == 5
    assert aantal("DWU-verplichtingen") == 4
    # 2 + 1 + 4 + 5 + 4 + 2 + 4 bullets in the report.
    assert Beheersmaatregel.objects.filter(risicos__isnull=False).count() == 22
    gegevens = Risico.objects.get(titel__startswith="Ontbreken integrale")
    assert gegevens.maatregelen.filter(omschrijving__contains="eigen dataplatform").exists()


def test_the_four_overarching_measures_belong_to_no_risk(demo):
    overkoepelend = Beheersmaatregel.objects.overkoepelend()
    assert overkoepelend.count() == 4
    assert overkoepelend.filter(omschrijving__startswith="Groei naar risicovolwassen").exists()


def test_the_october_2023_dialogue_is_held_and_adopted_on_all_top_risks_without_scores(demo):
    dialoog = Risicodialoog.objects.get(titel="Risicodialoog oktober 2023")
    assert dialoog.status == DialoogStatus.VASTGESTELD
    assert (dialoog.datum.year, dialoog.datum.month) == (2023, 10)
    assert dialoog.punten.count() == 7
    assert set(dialoog.risicos.all()) == set(Risico.objects.filter(toprisico=True))
    assert not dialoog.punten.filter(netto_kans__isnull=False).exists()
    assert "jaarplan 2024" in dialoog.besluiten
    # The report names no chair or participants.
    assert dialoog.voorzitter is None and not dialoog.deelnemers.exists()


def test_the_demo_register_says_not_scored_everywhere(demo, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="lezer"))
    register = client.get(reverse("risicos:register")).content.decode()
    assert register.count("niet gescoord") >= 14  # bruto and netto of 7 risks
    heatmap = client.get(reverse("risicos:heatmap"))
    assert [k["niet_gescoord"] for k in heatmap.context["kaarten"]] == [7, 7]
    assert [k["gescoord"] for k in heatmap.context["kaarten"]] == [0, 0]
