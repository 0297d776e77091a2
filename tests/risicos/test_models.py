"""Score and appetite rules of the register."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from risicos.models import (
    Risico,
    Scoreniveau,
    Scores,
    niveau_grenzen,
    score_fouten,
    score_niveau,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db


def test_a_score_is_kans_times_impact_and_empty_until_both_are_known():
    assert Scores(4, 3, 2, 2).bruto == 12
    assert Scores(4, 3, 2, 2).netto == 4
    assert Scores(4, None, None, None).bruto is None
    assert Scores().netto is None


@pytest.mark.parametrize(
    ("score", "niveau"),
    [
        (1, Scoreniveau.LAAG),
        (4, Scoreniveau.LAAG),
        (5, Scoreniveau.MIDDEN),
        (9, Scoreniveau.MIDDEN),
        (10, Scoreniveau.HOOG),
        (16, Scoreniveau.HOOG),
        (20, Scoreniveau.ZEER_HOOG),
        (25, Scoreniveau.ZEER_HOOG),
        (None, None),
    ],
)
def test_every_score_falls_in_one_band(score, niveau):
    assert score_niveau(score) == niveau


def test_the_bands_cover_1_to_25_without_gaps():
    grenzen = [niveau_grenzen(n) for n in Scoreniveau]
    assert grenzen[0][0] == 1 and grenzen[-1][1] == 25
    for (_, hoog), (laag, _) in zip(grenzen, grenzen[1:], strict=False):
        assert laag == hoog + 1


def test_kans_and_impact_come_together_or_not_at_all():
    fouten = score_fouten(Scores(bruto_kans=3))
    assert fouten == {"bruto_impact": "Vul ook de bruto impact in, of laat beide leeg."}
    assert "netto_kans" in score_fouten(Scores(netto_impact=2))


def test_net_kans_and_impact_are_never_above_gross():
    fouten = score_fouten(Scores(3, 3, 4, 2))
    assert "netto_kans" in fouten and "maatregelen verlagen" in fouten["netto_kans"]
    assert score_fouten(Scores(3, 3, 3, 3)) == {}
    # Net without gross is allowed: a dialogue may agree a net score first.
    assert score_fouten(Scores(None, None, 4, 4)) == {}


def test_full_clean_reports_the_rules_on_the_fields():
    risico = RisicoFactory.build(eigenaar=RisicoFactory().eigenaar, bruto_kans=2, bruto_impact=2)
    risico.netto_kans, risico.netto_impact = 3, 1
    with pytest.raises(ValidationError) as fout:
        risico.full_clean()
    assert "netto_kans" in fout.value.message_dict


def test_kans_6_is_refused_with_a_dutch_message():
    risico = RisicoFactory()
    risico.netto_kans, risico.netto_impact = 6, 1
    with pytest.raises(ValidationError) as fout:
        risico.full_clean()
    assert "netto_kans" in fout.value.message_dict


@pytest.mark.parametrize(
    "velden",
    [
        {"bruto_kans": 6, "bruto_impact": 1},
        {"netto_kans": 0, "netto_impact": 1},
        {"bruto_kans": 3},
        {"bruto_kans": 2, "bruto_impact": 2, "netto_kans": 3, "netto_impact": 1},
        {"risicobereidheid": 26},
    ],
)
def test_the_database_holds_the_score_rules_also_for_bulk_writes(velden):
    risico = RisicoFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Risico.objects.filter(pk=risico.pk).update(**velden)


def test_netto_above_risicobereidheid_is_flagged_in_python_and_sql():
    boven = RisicoFactory(netto_kans=3, netto_impact=4, risicobereidheid=9)
    gelijk = RisicoFactory(netto_kans=3, netto_impact=3, risicobereidheid=9)
    zonder_bereidheid = RisicoFactory(netto_kans=5, netto_impact=5)
    niet_gescoord = RisicoFactory(risicobereidheid=1)

    assert boven.boven_risicobereidheid
    assert not gelijk.boven_risicobereidheid
    assert not zonder_bereidheid.boven_risicobereidheid
    assert not niet_gescoord.boven_risicobereidheid
    assert list(Risico.objects.boven_risicobereidheid()) == [boven]
    assert set(Risico.objects.binnen_risicobereidheid()) == {
        gelijk,
        zonder_bereidheid,
        niet_gescoord,
    }


def test_review_is_overdue_only_for_active_risks_with_a_past_date():
    vandaag = datetime.date(2025, 3, 1)
    te_laat = RisicoFactory(herbeoordeling=datetime.date(2025, 2, 28))
    RisicoFactory(herbeoordeling=vandaag)
    RisicoFactory(herbeoordeling=datetime.date(2025, 1, 1), status="gesloten")
    RisicoFactory()
    assert te_laat.herbeoordeling_te_laat(vandaag)
    assert list(Risico.objects.herbeoordeling_te_laat(vandaag)) == [te_laat]


def test_measures_are_counted_per_risk_without_the_lapsed_ones():
    risico = RisicoFactory()
    BeheersmaatregelFactory(risicos=[risico], status="afgerond")
    BeheersmaatregelFactory(risicos=[risico])
    BeheersmaatregelFactory(risicos=[risico], status="vervallen")
    BeheersmaatregelFactory(risicos=[risico, RisicoFactory()], status="afgerond")
    rij = Risico.objects.get(pk=risico.pk)
    assert (rij.maatregelen_gereed, rij.maatregelen_totaal) == (2, 3)


def test_a_measure_without_risks_is_overarching():
    overkoepelend = BeheersmaatregelFactory()
    BeheersmaatregelFactory(risicos=[RisicoFactory()])
    from risicos.models import Beheersmaatregel

    assert list(Beheersmaatregel.objects.overkoepelend()) == [overkoepelend]
    assert overkoepelend.context == "Overkoepelende maatregel"


def test_toprisicos_and_measures_on_time_as_querysets():
    from django.utils import timezone

    from douane_portfolio.models import User
    from risicos.models import Beheersmaatregel, Risico

    top = RisicoFactory(toprisico=True)
    overig = RisicoFactory(toprisico=False)
    assert list(Risico.objects.toprisicos()) == [top]
    assert list(Risico.objects.toprisicos(False)) == [overig]

    gisteren = timezone.localdate() - datetime.timedelta(days=1)
    te_laat = BeheersmaatregelFactory(deadline=gisteren)
    op_tijd = BeheersmaatregelFactory(deadline=timezone.localdate())
    afgerond = BeheersmaatregelFactory(deadline=gisteren, status="afgerond")
    assert set(Beheersmaatregel.objects.te_laat()) == {te_laat}
    assert set(Beheersmaatregel.objects.op_tijd()) == {op_tijd, afgerond}
    assert set(User.objects.eigenaren_van(Beheersmaatregel)) == {
        te_laat.eigenaar,
        op_tijd.eigenaar,
        afgerond.eigenaar,
    }
