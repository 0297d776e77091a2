"""Scoring and the dialogue state machine: scores applied once, minutes locked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from douane_portfolio.locking import VerouderdeVersie
from risicos import services
from risicos.models import (
    Beheersmaatregel,
    DialoogStatus,
    Risico,
    Risicodialoog,
    Scorewijziging,
)
from tests.risicos.factories import RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db


def _scoren(risico, door, bk=4, bi=4, nk=3, ni=3, reden="Nieuwe inzichten", **kwargs):
    return services.risico_scoren(
        risico=risico,
        bruto_kans=bk,
        bruto_impact=bi,
        netto_kans=nk,
        netto_impact=ni,
        reden=reden,
        door=door,
        **kwargs,
    )


def test_scoring_records_who_when_from_to_and_why(risicofunctionaris):
    risico = RisicoFactory()
    wijziging = _scoren(risico, risicofunctionaris)

    risico.refresh_from_db()
    assert (risico.bruto_score, risico.netto_score) == (16, 9)
    assert wijziging.door == risicofunctionaris
    assert wijziging.reden == "Nieuwe inzichten"
    assert (wijziging.oud.bruto, wijziging.oud.netto) == (None, None)
    assert (wijziging.nieuw.bruto, wijziging.nieuw.netto) == (16, 9)
    # The risk's own history has the same change, with user and reason.
    record = risico.history.latest("history_date")
    assert record.history_user == risicofunctionaris
    assert record.history_change_reason == "Nieuwe inzichten"


def test_scoring_without_a_reason_is_refused(risicofunctionaris):
    risico = RisicoFactory()
    with pytest.raises(ValidationError) as fout:
        _scoren(risico, risicofunctionaris, reden="  ")
    assert "reden" in fout.value.message_dict
    assert not Scorewijziging.objects.exists()


def test_scoring_the_same_scores_again_records_nothing(risicofunctionaris):
    risico = RisicoFactory(gescoord=True)
    assert _scoren(risico, risicofunctionaris, bk=4, bi=4, nk=3, ni=3) is None
    assert not Scorewijziging.objects.exists()


def test_scoring_net_above_gross_is_refused_and_writes_nothing(risicofunctionaris):
    risico = RisicoFactory()
    with pytest.raises(ValidationError) as fout:
        _scoren(risico, risicofunctionaris, bk=2, bi=2, nk=3, ni=1)
    assert "netto_kans" in fout.value.message_dict
    risico.refresh_from_db()
    assert risico.netto_kans is None


def test_scoring_over_a_newer_version_is_refused(risicofunctionaris):
    risico = RisicoFactory()
    geopend = risico.versie
    _scoren(Risico.objects.get(pk=risico.pk), risicofunctionaris, nk=2, ni=2)
    with pytest.raises(VerouderdeVersie):
        _scoren(risico, risicofunctionaris, nk=1, ni=1, verwachte_versie=geopend)
    assert Risico.objects.get(pk=risico.pk).netto_score == 4


def test_registering_a_scored_risk_records_its_first_assessment(risicofunctionaris):
    risico = RisicoFactory.build(eigenaar=risicofunctionaris, bruto_kans=3, bruto_impact=3)
    services.risico_registreren(risico=risico, door=risicofunctionaris)
    wijziging = risico.scorewijzigingen.get()
    assert wijziging.reden == services.EERSTE_BEOORDELING
    assert wijziging.nieuw.bruto == 9


# --- The dialogue ---------------------------------------------------------------------


@pytest.fixture
def dialoog(risicofunctionaris):
    """A planned dialogue on two risks, yesterday."""
    a = RisicoFactory(titel="A", toprisico=True, gescoord=True)
    b = RisicoFactory(titel="B")
    dialoog = RisicodialoogFactory.build(
        voorzitter=risicofunctionaris, datum=datetime.date.today() - datetime.timedelta(days=1)
    )
    return services.dialoog_plannen(dialoog=dialoog, risicos=[b, a], door=risicofunctionaris)


def _sessie(dialoog, door, **per_titel):
    punten = {}
    for punt in dialoog.punten.select_related("risico"):
        waarden = {"netto_kans": None, "netto_impact": None, "conclusie": "", "actie": None}
        waarden.update(per_titel.get(punt.risico.titel, {}))
        punten[punt] = waarden
    return services.sessie_vastleggen(
        dialoog=dialoog,
        besluiten="Besloten",
        punten=punten,
        door=door,
        verwachte_versie=Risicodialoog.objects.get(pk=dialoog.pk).versie,
    )


def test_planning_puts_top_risks_first_on_the_agenda(dialoog):
    assert [p.risico.titel for p in dialoog.punten.order_by("volgorde")] == ["A", "B"]
    assert dialoog.status == DialoogStatus.GEPLAND


def test_planning_without_risks_is_refused(risicofunctionaris):
    with pytest.raises(ValidationError):
        services.dialoog_plannen(
            dialoog=RisicodialoogFactory.build(voorzitter=risicofunctionaris),
            risicos=[],
            door=risicofunctionaris,
        )


def test_a_dialogue_goes_gepland_gehouden_vastgesteld_and_applies_scores_once(
    dialoog, risicofunctionaris
):
    _sessie(
        dialoog,
        risicofunctionaris,
        A={"netto_kans": 2, "netto_impact": 3, "conclusie": "Lager door de nieuwe controles."},
    )
    # Nothing reaches the register before adoption.
    assert Risico.objects.get(titel="A").netto_score == 9

    with pytest.raises(services.DialoogFout, match="eerst als gehouden"):
        services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
    services.dialoog_gehouden(dialoog=dialoog, door=risicofunctionaris)
    services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)

    dialoog.refresh_from_db()
    assert dialoog.status == DialoogStatus.VASTGESTELD
    assert dialoog.vastgesteld_door == risicofunctionaris
    a = Risico.objects.get(titel="A")
    assert (a.netto_kans, a.netto_impact) == (2, 3)
    assert a.bruto_score == 16  # gross untouched
    wijziging = a.scorewijzigingen.get()
    assert wijziging.dialoog == dialoog
    assert wijziging.reden.startswith(f"Vastgesteld in {dialoog.titel}")
    assert a.history.latest("history_date").history_change_reason == wijziging.reden
    # B had no agreed score: unchanged, no score change recorded.
    assert Risico.objects.get(titel="B").netto_score is None
    assert Scorewijziging.objects.count() == 1
    # The minutes keep the score from before adoption.
    punt = dialoog.punten.get(risico=a)
    assert (punt.vorige_netto_kans, punt.vorige_netto_impact) == (3, 3)


def test_a_second_adoption_is_refused_and_changes_nothing(dialoog, risicofunctionaris, beheerder):
    _sessie(dialoog, risicofunctionaris, A={"netto_kans": 2, "netto_impact": 3})
    services.dialoog_gehouden(dialoog=dialoog, door=risicofunctionaris)
    # Two people opened the adoption page at the same time; both press the button.
    verouderd = Risicodialoog.objects.get(pk=dialoog.pk)
    services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
    with pytest.raises(services.DialoogFout, match="al vastgesteld"):
        services.dialoog_vaststellen(dialoog=verouderd, door=beheerder)

    assert Scorewijziging.objects.count() == 1
    assert Risicodialoog.objects.get(pk=dialoog.pk).vastgesteld_door == risicofunctionaris


def test_the_database_refuses_a_second_score_change_from_one_dialogue(dialoog, risicofunctionaris):
    a = Risico.objects.get(titel="A")
    _scoren(a, risicofunctionaris, nk=2, ni=2, dialoog=dialoog)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scorewijziging.objects.create(risico=a, reden="nogmaals", dialoog=dialoog)


def test_the_minutes_are_locked_after_adoption(dialoog, risicofunctionaris):
    services.dialoog_gehouden(dialoog=dialoog, door=risicofunctionaris)
    services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
    with pytest.raises(services.DialoogFout, match="vastgesteld"):
        _sessie(dialoog, risicofunctionaris, A={"conclusie": "achteraf"})
    with pytest.raises(services.DialoogFout):
        services.dialoog_bijwerken(
            dialoog=dialoog,
            risicos=[Risico.objects.get(titel="A")],
            deelnemers=[],
            door=risicofunctionaris,
            verwachte_versie=Risicodialoog.objects.get(pk=dialoog.pk).versie,
        )
    assert not dialoog.punten.exclude(conclusie="").exists()
    assert dialoog.punten.count() == 2


def test_a_dialogue_cannot_be_held_before_its_date(risicofunctionaris):
    dialoog = services.dialoog_plannen(
        dialoog=RisicodialoogFactory.build(
            voorzitter=risicofunctionaris,
            datum=datetime.date.today() + datetime.timedelta(days=7),
        ),
        risicos=[RisicoFactory()],
        door=risicofunctionaris,
    )
    with pytest.raises(services.DialoogFout, match="pas op of na de datum"):
        services.dialoog_gehouden(dialoog=dialoog, door=risicofunctionaris)


def test_the_session_checks_agreed_scores_against_gross(dialoog, risicofunctionaris):
    with pytest.raises(ValidationError):
        _sessie(dialoog, risicofunctionaris, A={"netto_kans": 5, "netto_impact": 1})


def test_actions_agreed_in_a_session_become_measures_on_the_risk(dialoog, risicofunctionaris, pm):
    deadline = datetime.date.today() + datetime.timedelta(days=60)
    _sessie(
        dialoog,
        risicofunctionaris,
        B={"actie": {"omschrijving": "Scenario's uitwerken", "eigenaar": pm, "deadline": deadline}},
    )
    maatregel = Beheersmaatregel.objects.get(omschrijving="Scenario's uitwerken")
    assert maatregel.dialoog == dialoog
    assert list(maatregel.risicos.values_list("titel", flat=True)) == ["B"]
    assert (maatregel.eigenaar, maatregel.deadline) == (pm, deadline)


def test_adoption_is_rolled_back_whole_when_one_score_no_longer_fits(dialoog, risicofunctionaris):
    _sessie(dialoog, risicofunctionaris, A={"netto_kans": 3, "netto_impact": 3})
    services.dialoog_gehouden(dialoog=dialoog, door=risicofunctionaris)
    # Meanwhile gross was lowered below what the session agreed.
    _scoren(Risico.objects.get(titel="A"), risicofunctionaris, bk=2, bi=2, nk=1, ni=1)
    with pytest.raises(services.DialoogFout, match="A:"):
        services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
    assert Risicodialoog.objects.get(pk=dialoog.pk).status == DialoogStatus.GEHOUDEN
    assert not Scorewijziging.objects.filter(dialoog=dialoog).exists()
