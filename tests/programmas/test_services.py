import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from douane_portfolio.locking import VerouderdeVersie
from programmas import services
from programmas.models import Periodesoort, PeriodeStatus, Status, Statusrapportage
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory, StatusrapportageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiatief(pm):
    return InitiatiefFactory(eigenaar=pm, naam="Datamanagement")


@pytest.fixture
def open_periode():
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)


def indienen(**kwargs):
    kwargs.setdefault("toelichting", "")
    kwargs.setdefault("pad_naar_groen", "")
    return services.statusrapportage_indienen(**kwargs)


def test_it_records_a_green_status_with_who_and_when(initiatief, open_periode, pm):
    r = indienen(initiatief=initiatief, periode=open_periode, status=Status.GROEN, door=pm)
    assert (r.status, r.ingediend_door, r.versie) == (Status.GROEN, pm, 1)
    record = r.history.get()
    assert (record.history_user, record.history_change_reason) == (pm, "ingediend: groen")


def test_it_refuses_status_rood_without_toelichting(initiatief, open_periode, pm):
    with pytest.raises(ValidationError) as fout:
        indienen(initiatief=initiatief, periode=open_periode, status=Status.ROOD, door=pm)
    assert "toelichting" in fout.value.error_dict
    assert "pad_naar_groen" in fout.value.error_dict
    assert not Statusrapportage.objects.exists()


def test_a_revision_is_kept_in_the_history_from_what_to_what(initiatief, open_periode, pm):
    r = indienen(initiatief=initiatief, periode=open_periode, status=Status.GROEN, door=pm)
    indienen(
        initiatief=initiatief,
        periode=open_periode,
        status=Status.ORANJE,
        toelichting="Vertraging dataplatform.",
        pad_naar_groen="Scenario voor continuïteit in Q2.",
        door=pm,
        verwachte_versie=r.versie,
    )
    nieuw, oud = r.history.order_by("-history_date")[:2]
    assert (oud.status, nieuw.status) == (Status.GROEN, Status.ORANJE)
    assert nieuw.history_change_reason == "herzien"


def test_a_stale_revision_is_refused_and_writes_nothing(initiatief, open_periode, pm, beheerder):
    r = indienen(initiatief=initiatief, periode=open_periode, status=Status.GROEN, door=pm)
    # Someone else revises first …
    indienen(
        initiatief=initiatief,
        periode=open_periode,
        status=Status.GROEN,
        door=beheerder,
        verwachte_versie=1,
    )
    # … then the owner saves the form opened on version 1.
    with pytest.raises(VerouderdeVersie):
        indienen(
            initiatief=initiatief,
            periode=open_periode,
            status=Status.ROOD,
            toelichting="x",
            pad_naar_groen="y",
            door=pm,
            verwachte_versie=1,
        )
    r.refresh_from_db()
    assert (r.status, r.ingediend_door, r.versie) == (Status.GROEN, beheerder, 2)


def test_a_form_opened_before_anyone_reported_cannot_overwrite_a_new_report(
    initiatief, open_periode, pm, beheerder
):
    indienen(initiatief=initiatief, periode=open_periode, status=Status.GROEN, door=beheerder)
    with pytest.raises(VerouderdeVersie):
        indienen(initiatief=initiatief, periode=open_periode, status=Status.GROEN, door=pm)


def test_a_closed_period_is_locked_for_the_programme_manager(initiatief, pm):
    gesloten = PeriodeFactory(jaar=2025, soort=Periodesoort.T3, status=PeriodeStatus.GESLOTEN)
    with pytest.raises(ValidationError, match="gesloten"):
        indienen(initiatief=initiatief, periode=gesloten, status=Status.GROEN, door=pm)


def test_a_beheerder_may_correct_a_closed_period_and_the_history_says_so(initiatief, beheerder):
    gesloten = PeriodeFactory(jaar=2025, soort=Periodesoort.T3, status=PeriodeStatus.GESLOTEN)
    r = StatusrapportageFactory(initiatief=initiatief, periode=gesloten, status=Status.GROEN)
    indienen(
        initiatief=initiatief,
        periode=gesloten,
        status=Status.ORANJE,
        toelichting="Bij nader inzien vertraagd.",
        door=beheerder,
        verwachte_versie=r.versie,
    )
    laatste = r.history.latest()
    assert laatste.status == Status.ORANJE
    assert (laatste.history_user, laatste.history_change_reason) == (
        beheerder,
        "gewijzigd na sluiting van de periode",
    )


def test_a_planned_period_does_not_take_reports_yet(initiatief, pm):
    gepland = PeriodeFactory(jaar=2027, soort=Periodesoort.T1, status=PeriodeStatus.GEPLAND)
    with pytest.raises(ValidationError, match="nog niet geopend"):
        indienen(initiatief=initiatief, periode=gepland, status=Status.GROEN, door=pm)


def test_nobody_reports_for_someone_elses_initiative(initiatief, open_periode, pm2, lezer):
    for user in (pm2, lezer):
        with pytest.raises(PermissionDenied):
            indienen(initiatief=initiatief, periode=open_periode, status=Status.GROEN, door=user)


def test_round_opens_and_closes_one_at_a_time(beheerder):
    t1 = services.periode_aanmaken(
        jaar=2027, soort="T1", indiendeadline="2027-05-15", door=beheerder
    )
    t2 = services.periode_aanmaken(
        jaar=2027, soort="T2", indiendeadline="2027-09-15", door=beheerder
    )
    services.periode_openen(periode=t1, door=beheerder)
    with pytest.raises(ValidationError, match="nog open"):
        services.periode_openen(periode=t2, door=beheerder)
    services.periode_sluiten(periode=t1, door=beheerder)
    services.periode_openen(periode=t2, door=beheerder)
    t1.refresh_from_db()
    assert t1.status == PeriodeStatus.GESLOTEN and t1.gesloten_op is not None
    with pytest.raises(ValidationError, match="bestaat al"):
        services.periode_aanmaken(
            jaar=2027, soort="T1", indiendeadline="2027-05-15", door=beheerder
        )


def test_only_the_portfolio_office_runs_rounds(pm):
    with pytest.raises(PermissionDenied):
        services.periode_aanmaken(jaar=2027, soort="T1", indiendeadline="2027-05-15", door=pm)


def test_the_history_of_a_new_report_names_its_colour(initiatief, open_periode, pm):
    r = indienen(
        initiatief=initiatief,
        periode=open_periode,
        status=Status.ORANJE,
        toelichting="Later",
        pad_naar_groen="Extra team in mei",
        door=pm,
    )
    assert r.history.get().history_change_reason == "ingediend: oranje"
