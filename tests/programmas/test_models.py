import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from programmas.models import (
    IndicatorStatus,
    Indicatorwaarde,
    Periodesoort,
    PeriodeStatus,
    Rapportageperiode,
    Richting,
    Status,
    Trend,
    indicator_status,
    trend,
)
from tests.programmas.factories import (
    IndicatorFactory,
    IndicatorwaardeFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)

G, OR, R = IndicatorStatus.GROEN, IndicatorStatus.ORANJE, IndicatorStatus.ROOD

# (target, realisation, band %, direction, expected)
GEVALLEN = [
    (100, 100, 0, Richting.HOGER, G),
    (100, 99, 0, Richting.HOGER, R),
    (100, 95, 5, Richting.HOGER, G),  # exactly on the band
    (100, Decimal("94.99"), 5, Richting.HOGER, OR),
    (100, 90, 5, Richting.HOGER, OR),  # exactly twice the band
    (100, Decimal("89.99"), 5, Richting.HOGER, R),
    (100, 140, 5, Richting.HOGER, G),
    (10, 10, None, Richting.LAGER, G),
    (10, Decimal("10.5"), 5, Richting.LAGER, G),
    (10, 11, 5, Richting.LAGER, OR),
    (10, Decimal("11.01"), 5, Richting.LAGER, R),
    (10, 2, 5, Richting.LAGER, G),
    (None, 5, 5, Richting.HOGER, IndicatorStatus.GEEN_DOEL),
    (100, None, 5, Richting.HOGER, IndicatorStatus.NIET_GERAPPORTEERD),
]


@pytest.mark.parametrize("doel,realisatie,band,richting,verwacht", GEVALLEN)
def test_indicator_status_rule(doel, realisatie, band, richting, verwacht):
    d = None if doel is None else Decimal(doel)
    r = None if realisatie is None else Decimal(realisatie)
    b = None if band is None else Decimal(band)
    assert indicator_status(d, r, b, richting) == verwacht


@pytest.mark.django_db
def test_sql_status_agrees_with_the_python_rule():
    periode = PeriodeFactory()
    for i, (doel, realisatie, band, richting, _) in enumerate(GEVALLEN):
        IndicatorwaardeFactory(
            indicator=IndicatorFactory(naam=f"geval {i}", richting=richting),
            periode=periode,
            doelstelling=doel,
            realisatie=realisatie,
            bandbreedte=band,
        )
    rijen = Indicatorwaarde.objects.select_related("indicator")
    for waarde in rijen:
        i = int(waarde.indicator.naam.split()[-1])
        assert waarde.berekende_status == GEVALLEN[i][4] == waarde.status, waarde.indicator


def test_trend():
    assert trend(Status.GROEN, Status.ORANJE) == Trend.BETER
    assert trend(Status.ROOD, Status.ORANJE) == Trend.SLECHTER
    assert trend(Status.ORANJE, Status.ORANJE) == Trend.GELIJK
    assert trend(Status.ROOD, None) is None
    assert trend(None, Status.ROOD) is None


@pytest.mark.django_db
def test_period_dates_follow_its_kind():
    t2 = PeriodeFactory(jaar=2024, soort=Periodesoort.T2)
    assert (t2.begindatum, t2.einddatum) == (datetime.date(2024, 5, 1), datetime.date(2024, 8, 31))
    jaar = PeriodeFactory(jaar=2024, soort=Periodesoort.JAAR, status=PeriodeStatus.GESLOTEN)
    assert (jaar.begindatum, jaar.einddatum) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
    )
    assert str(jaar) == "Jaar 2024"


@pytest.mark.django_db
def test_previous_period_is_the_previous_tertial_or_the_previous_year():
    gesloten = PeriodeStatus.GESLOTEN
    j23 = PeriodeFactory(jaar=2023, soort=Periodesoort.JAAR, status=gesloten)
    t3_23 = PeriodeFactory(jaar=2023, soort=Periodesoort.T3, status=gesloten)
    t1 = PeriodeFactory(jaar=2024, soort=Periodesoort.T1, status=gesloten)
    j24 = PeriodeFactory(jaar=2024, soort=Periodesoort.JAAR, status=PeriodeStatus.GEPLAND)
    assert t1.vorige() == t3_23
    assert j24.vorige() == j23
    assert j23.vorige() is None


@pytest.mark.django_db
def test_only_one_period_can_be_open():
    PeriodeFactory(jaar=2026, soort=Periodesoort.T2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rapportageperiode.objects.create(
            jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN
        )


@pytest.mark.django_db
def test_database_refuses_oranje_without_toelichting():
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusrapportageFactory(status=Status.ORANJE, toelichting="")
    StatusrapportageFactory(status=Status.GROEN, toelichting="")


@pytest.mark.django_db
def test_zonder_rapportage_in_gives_the_active_initiatives_not_reported_in_the_period():
    from programmas.models import Initiatief, Statusrapportage
    from tests.programmas.factories import InitiatiefFactory

    periode = PeriodeFactory()
    gerapporteerd = InitiatiefFactory()
    Statusrapportage.objects.create(initiatief=gerapporteerd, periode=periode, status="groen")
    open_ = InitiatiefFactory()
    InitiatiefFactory(actief=False)

    assert list(Initiatief.objects.actief().zonder_rapportage_in(periode)) == [open_]
    assert list(Initiatief.objects.actief().van(open_.eigenaar)) == [open_]
    assert Statusrapportage.objects.van_actieve_initiatieven().count() == 1
