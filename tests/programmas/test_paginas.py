"""The activity table page and creating a reporting period: the pages chapter 3 is built from."""

import datetime

import pytest
from django.urls import reverse

from programmas.models import Periodesoort, PeriodeStatus, Rapportageperiode, Status
from tests.programmas.factories import (
    InitiatiefFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)

pytestmark = pytest.mark.django_db


def test_activity_table_groups_by_theme_with_dot_word_and_toelichting_for_oranje(
    client_voor, lezer, pm
):
    periode = PeriodeFactory(jaar=2023, soort=Periodesoort.JAAR, status=PeriodeStatus.GESLOTEN)
    handhaving = ThemaFactory(naam="Handhaving", volgorde=1)
    dienstverlening = ThemaFactory(naam="Dienstverlening", volgorde=2)
    groen = InitiatiefFactory(thema=handhaving, naam="Douane Digitaal", eigenaar=pm)
    oranje = InitiatiefFactory(thema=dienstverlening, naam="Brexit-aanpak", eigenaar=pm)
    stil = InitiatiefFactory(thema=dienstverlening, naam="Zonder rapportage", eigenaar=pm)
    StatusrapportageFactory(initiatief=groen, periode=periode, status=Status.GROEN)
    StatusrapportageFactory(
        initiatief=oranje,
        periode=periode,
        status=Status.ORANJE,
        toelichting="Vertraagd door de aanbesteding.",
    )

    response = client_voor(lezer).get(reverse("programmas:activiteiten"), {"periode": periode.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Handhaving") < html.index("Dienstverlening")
    assert html.index(groen.naam) < html.index(oranje.naam)
    assert "Vertraagd door de aanbesteding." in html
    assert stil.naam in html and "niet gerapporteerd" in html
    assert "Peildatum 31 december 2023" in html


def test_activity_table_without_periods_says_so(client_voor, lezer):
    response = client_voor(lezer).get(reverse("programmas:activiteiten"))
    assert response.status_code == 200
    assert "Er zijn nog geen rapportageperiodes." in response.content.decode()


def test_portfolio_office_creates_a_planned_period(client_voor, beheerder):
    response = client_voor(beheerder).post(
        reverse("programmas:periode_nieuw"),
        {"jaar": 2027, "soort": Periodesoort.T1, "indiendeadline": "2027-05-15"},
    )
    assert response.status_code == 302
    periode = Rapportageperiode.objects.get(jaar=2027, soort=Periodesoort.T1)
    assert periode.status == PeriodeStatus.GEPLAND
    assert periode.indiendeadline == datetime.date(2027, 5, 15)
    assert periode.history.get().history_user == beheerder


def test_a_duplicate_period_is_refused_next_to_the_form_and_nothing_saved(client_voor, beheerder):
    PeriodeFactory(jaar=2027, soort=Periodesoort.T1, status=PeriodeStatus.GEPLAND)
    response = client_voor(beheerder).post(
        reverse("programmas:periode_nieuw"),
        {"jaar": 2027, "soort": Periodesoort.T1, "indiendeadline": "2027-05-15"},
    )
    assert response.status_code == 200
    assert "Rapportageperiode met deze Jaar en Periode bestaat al." in response.content.decode()
    assert Rapportageperiode.objects.filter(jaar=2027).count() == 1


def test_only_the_portfolio_office_creates_periods(client_voor, pm):
    response = client_voor(pm).post(
        reverse("programmas:periode_nieuw"),
        {"jaar": 2027, "soort": Periodesoort.T1, "indiendeadline": "2027-05-15"},
    )
    assert response.status_code == 403
    assert not Rapportageperiode.objects.exists()
