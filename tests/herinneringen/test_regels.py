"""When reminders go out, and to whom: every kind of action and missing status reports."""

import pytest

from douane_portfolio import rollen
from douane_portfolio.models import ActieStatus
from herinneringen.models import Herinnering, HerinneringSoort
from programmas.models import PeriodeStatus
from tests.factories import UserFactory
from tests.herinneringen.conftest import (
    ACTIE_MODELLEN,
    DAG,
    VANDAAG,
    label,
    maak_actie,
    ontvangers,
    sweep,
)
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)

pytestmark = pytest.mark.django_db

NADERT = "Douane Portfolio: 1 deadline nadert"
TE_LAAT = "Douane Portfolio: 1 te laat"
ESCALATIE = "Douane Portfolio: 1 geëscaleerd"


def tijdlijn(deadline, van=-20, tot=22):
    """{day relative to the deadline: [(to, subject)]} of a daily sweep over that span."""
    verstuurd = {}
    for n in range(van, tot + 1):
        mails = sweep(deadline + n * DAG)
        if mails:
            verstuurd[n] = [(m.to[0], m.subject) for m in mails]
    return verstuurd


VERWACHT = {
    -14: [("pm@douane.example", NADERT)],
    -3: [("pm@douane.example", NADERT)],
    1: [("pm@douane.example", TE_LAAT)],
    8: [("pm@douane.example", TE_LAAT)],
    14: [("beheerder@douane.example", ESCALATIE)],
    15: [("pm@douane.example", TE_LAAT)],
    22: [("pm@douane.example", TE_LAAT)],
}


@pytest.mark.parametrize("model", ACTIE_MODELLEN, ids=label)
def test_an_action_is_reminded_ahead_the_day_after_weekly_and_escalated_once(model, pm):
    deadline = VANDAAG + 30 * DAG
    maak_actie(model, eigenaar=pm, deadline=deadline)
    # pm's manager is beheerder (tests/conftest.py).
    assert tijdlijn(deadline) == VERWACHT
    soorten = Herinnering.objects.values_list("soort", "periode").order_by("pk")
    assert list(soorten) == [
        (HerinneringSoort.BINNENKORT, f"{deadline}/14d"),
        (HerinneringSoort.BINNENKORT, f"{deadline}/3d"),
        (HerinneringSoort.TE_LAAT, f"{deadline}/week-1"),
        (HerinneringSoort.TE_LAAT, f"{deadline}/week-2"),
        (HerinneringSoort.ESCALATIE, f"{deadline}"),
        (HerinneringSoort.TE_LAAT, f"{deadline}/week-3"),
        (HerinneringSoort.TE_LAAT, f"{deadline}/week-4"),
    ]


def test_a_missing_status_report_is_reminded_like_an_action(pm):
    deadline = VANDAAG + 30 * DAG
    PeriodeFactory(status=PeriodeStatus.OPEN, indiendeadline=deadline)
    InitiatiefFactory(eigenaar=pm)
    assert tijdlijn(deadline) == VERWACHT


def test_a_submitted_report_or_a_closed_round_stops_the_reminders(pm):
    periode = PeriodeFactory(status=PeriodeStatus.OPEN, indiendeadline=VANDAAG - DAG)
    gerapporteerd = InitiatiefFactory(eigenaar=pm)
    StatusrapportageFactory(initiatief=gerapporteerd, periode=periode)
    InitiatiefFactory(eigenaar=pm, actief=False)
    ontbrekend = InitiatiefFactory(eigenaar=pm)
    [bericht] = sweep(VANDAAG)
    assert ontbrekend.naam in bericht.body and gerapporteerd.naam not in bericht.body
    periode.status = PeriodeStatus.GESLOTEN
    periode.save()
    assert sweep(VANDAAG + 7 * DAG) == []


@pytest.mark.parametrize("model", ACTIE_MODELLEN, ids=label)
def test_closed_actions_are_not_reminded(model, pm):
    for status in (ActieStatus.AFGEROND, ActieStatus.VERVALLEN):
        maak_actie(model, eigenaar=pm, deadline=VANDAAG - DAG, status=status)
    maak_actie(model, eigenaar=pm, deadline=VANDAAG + 15 * DAG)
    assert sweep(VANDAAG) == []


@pytest.mark.parametrize("model", ACTIE_MODELLEN, ids=label)
def test_a_missed_run_is_caught_up_once_and_skipped_reminders_are_not_piled_up(model, pm):
    maak_actie(model, eigenaar=pm, deadline=VANDAAG - 10 * DAG)
    # No run for ten days (beat down): only this week's overdue reminder goes out.
    assert [m.subject for m in sweep(VANDAAG)] == [TE_LAAT]
    assert list(Herinnering.objects.values_list("periode", flat=True)) == [
        f"{VANDAAG - 10 * DAG}/week-2"
    ]
    assert sweep(VANDAAG + DAG) == []


@pytest.mark.parametrize("model", ACTIE_MODELLEN, ids=label)
def test_a_new_action_inside_the_three_days_gets_only_the_three_day_reminder(model, pm):
    maak_actie(model, eigenaar=pm, deadline=VANDAAG + 2 * DAG)
    [bericht] = sweep(VANDAAG)
    assert "over 2 dagen" in bericht.body
    assert Herinnering.objects.get().periode.endswith("/3d")


@pytest.mark.parametrize("model", ACTIE_MODELLEN, ids=label)
def test_a_moved_deadline_is_reminded_afresh(model, pm):
    actie = maak_actie(model, eigenaar=pm, deadline=VANDAAG - DAG)
    assert len(sweep(VANDAAG)) == 1
    actie.deadline = VANDAAG + 3 * DAG
    actie.save()
    assert [m.subject for m in sweep(VANDAAG + DAG)] == [NADERT]
    assert sweep(VANDAAG + 2 * DAG) == []


# --- Escalation ------------------------------------------------------------------------


@pytest.mark.parametrize("model", ACTIE_MODELLEN, ids=label)
def test_escalation_goes_to_the_owners_manager_not_to_the_owner(model):
    chef = UserFactory(username="chef")
    eigenaar = UserFactory(username="eigenaar", manager=chef)
    maak_actie(model, eigenaar=eigenaar, deadline=VANDAAG - 14 * DAG)
    mails = sweep(VANDAAG)
    assert ontvangers(mails) == ["chef@douane.example", "eigenaar@douane.example"]
    escalatie = next(m for m in mails if m.to == ["chef@douane.example"])
    assert escalatie.subject == ESCALATIE
    assert f"Eigenaar: {eigenaar}" in escalatie.body


@pytest.mark.parametrize("model", ACTIE_MODELLEN, ids=label)
def test_without_a_reachable_candidate_escalation_goes_to_the_responsible_role(model, monkeypatch):
    rolhouders = [UserFactory(username=f"rol{i}", rol=model.escalatie_rol) for i in (1, 2)]
    UserFactory(username="oud", rol=model.escalatie_rol, is_active=False)
    eigenaar = UserFactory(username="eigenaar", manager=UserFactory(is_active=False))
    maak_actie(model, eigenaar=eigenaar, deadline=VANDAAG - 20 * DAG)
    # An inactive manager, nobody, and the owner themself are all passed over.
    monkeypatch.setattr(
        model, "escalatie_kandidaten", lambda self: [self.eigenaar.manager, None, self.eigenaar]
    )
    mails = sweep(VANDAAG)
    verwacht = sorted([u.email for u in rolhouders] + ["eigenaar@douane.example"])
    assert ontvangers(mails) == verwacht


def test_a_milestone_without_the_owners_manager_escalates_to_the_programme_manager(pm):
    eigenaar = UserFactory(username="medewerker")  # no manager
    MijlpaalFactory(
        initiatief=InitiatiefFactory(eigenaar=pm), eigenaar=eigenaar, deadline=VANDAAG - 14 * DAG
    )
    mails = sweep(VANDAAG)
    assert ontvangers(mails) == ["medewerker@douane.example", "pm@douane.example"]


def test_a_milestone_of_a_programme_manager_without_manager_escalates_to_the_beheerders(
    beheerder,
):
    pm = UserFactory(username="zelfstandig", rol=rollen.PROGRAMMAMANAGER)
    UserFactory(username="beheerder2", rol=rollen.BEHEERDER)
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), deadline=VANDAAG - 14 * DAG)
    assert ontvangers(sweep(VANDAAG)) == [
        "beheerder2@douane.example",
        "beheerder@douane.example",
        "zelfstandig@douane.example",
    ]


def test_a_missing_report_escalates_to_the_manager_else_to_the_beheerders(pm, beheerder):
    PeriodeFactory(status=PeriodeStatus.OPEN, indiendeadline=VANDAAG - 14 * DAG)
    InitiatiefFactory(eigenaar=pm)  # manager: beheerder
    zonder = UserFactory(username="zonder", rol=rollen.PROGRAMMAMANAGER)
    InitiatiefFactory(eigenaar=zonder)
    mails = sweep(VANDAAG)
    assert ontvangers(mails) == [
        "beheerder@douane.example",
        "pm@douane.example",
        "zonder@douane.example",
    ]
    escalatie = next(m for m in mails if m.to == ["beheerder@douane.example"])
    assert escalatie.subject == "Douane Portfolio: 2 geëscaleerd"


def test_nobody_without_an_address_or_account_is_mailed_and_nothing_is_recorded_for_them(pm):
    stil = UserFactory(username="stil", email="")
    maak_actie(ACTIE_MODELLEN[0], eigenaar=stil, deadline=VANDAAG - DAG)
    assert sweep(VANDAAG) == []
    assert not Herinnering.objects.exists()
