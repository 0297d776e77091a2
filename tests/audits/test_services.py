"""The workflow of a finding and its actions, through the service functions."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits import services
from audits.models import (
    Beoordeling,
    Bevinding,
    BevindingStatus,
    Deadlineverschuiving,
    Verdict,
)
from douane_portfolio.locking import VerouderdeVersie
from tests.audits.factories import BevindingFactory

pytestmark = pytest.mark.django_db


def _afronden(actie):
    actie.status = "afgerond"
    actie.save()


def _aangeboden(bevinding, door):
    return services.bevinding_aanbieden(
        bevinding=bevinding, door=door, toelichting="Alle dossiers zijn op orde."
    )


def test_the_owner_offers_and_the_auditor_accepts(bevinding, pm, auditor):
    b = _aangeboden(bevinding, pm)
    assert b.status == BevindingStatus.TER_BEOORDELING
    lopend = Beoordeling.objects.get(bevinding=bevinding)
    assert (lopend.aangeboden_door, lopend.oordeel) == (pm, "")

    b = services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel=Verdict.AKKOORD, toelichting="Aangetoond."
    )
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.OPGELOST
    lopend.refresh_from_db()
    assert (lopend.oordeel, lopend.beoordeeld_door) == (Verdict.AKKOORD, auditor)
    # History: who moved it, from what to what, and why.
    laatste, aangeboden = bevinding.history.order_by("-history_date", "-history_id")[:2]
    assert (aangeboden.status, aangeboden.history_user) == ("ter_beoordeling", pm)
    assert aangeboden.history_change_reason == "Aangeboden: Alle dossiers zijn op orde."
    assert (laatste.status, laatste.history_user) == ("opgelost", auditor)
    assert laatste.history_change_reason == "Akkoord: Aangetoond."


def test_an_owner_cannot_set_opgelost(bevinding, pm):
    _aangeboden(bevinding, pm)
    with pytest.raises(PermissionDenied):
        services.bevinding_beoordelen(
            bevinding=bevinding, door=pm, oordeel=Verdict.AKKOORD, toelichting=""
        )
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.TER_BEOORDELING
    assert Beoordeling.objects.lopend().count() == 1


def test_a_beheerder_cannot_judge_either(bevinding, pm, beheerder):
    _aangeboden(bevinding, pm)
    with pytest.raises(PermissionDenied):
        services.bevinding_beoordelen(
            bevinding=bevinding, door=beheerder, oordeel=Verdict.AKKOORD, toelichting=""
        )


def test_an_auditor_does_not_judge_a_finding_they_own(auditor, pm):
    bevinding = BevindingFactory(eigenaar=auditor)
    services.bevinding_aanbieden(bevinding=bevinding, door=auditor, toelichting="Klaar.")
    with pytest.raises(PermissionDenied):
        services.bevinding_beoordelen(
            bevinding=bevinding, door=auditor, oordeel=Verdict.AKKOORD, toelichting=""
        )


def test_a_rejection_reopens_the_finding_with_its_reason(bevinding, pm, auditor):
    _aangeboden(bevinding, pm)
    services.bevinding_beoordelen(
        bevinding=bevinding,
        door=auditor,
        oordeel=Verdict.NIET_AKKOORD,
        toelichting="Het bewijs voor 2024 ontbreekt.",
    )
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.IN_UITVOERING
    afwijzing = bevinding.beoordelingen.get()
    assert afwijzing.is_afgewezen
    assert afwijzing.toelichting == "Het bewijs voor 2024 ontbreekt."
    assert bevinding.history.first().history_change_reason == (
        "Niet akkoord: Het bewijs voor 2024 ontbreekt."
    )
    # The owner can offer it again; the earlier round stays on record.
    _aangeboden(bevinding, pm)
    assert bevinding.beoordelingen.count() == 2


def test_a_rejection_needs_a_reason(bevinding, pm, auditor):
    _aangeboden(bevinding, pm)
    with pytest.raises(ValidationError) as fout:
        services.bevinding_beoordelen(
            bevinding=bevinding, door=auditor, oordeel=Verdict.NIET_AKKOORD, toelichting="  "
        )
    assert "reden" in fout.value.message_dict["toelichting"][0]
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.TER_BEOORDELING


def test_only_a_finding_under_review_can_be_judged(bevinding, auditor):
    with pytest.raises(ValidationError, match="niet ter beoordeling"):
        services.bevinding_beoordelen(
            bevinding=bevinding, door=auditor, oordeel=Verdict.AKKOORD, toelichting=""
        )


def test_offering_needs_an_explanation_and_no_open_actions(bevinding, actie, pm):
    with pytest.raises(ValidationError) as fout:
        services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="")
    assert "toelichting" in fout.value.message_dict
    with pytest.raises(ValidationError, match="nog 1 vervolgactie open"):
        _aangeboden(bevinding, pm)
    _afronden(actie)
    assert _aangeboden(bevinding, pm).status == BevindingStatus.TER_BEOORDELING


def test_a_colleague_cannot_offer_someone_elses_finding(bevinding, pm2, auditor):
    for wie in (pm2, auditor):
        with pytest.raises(PermissionDenied):
            _aangeboden(bevinding, wie)


def test_offering_works_from_the_status_in_the_database_not_a_stale_copy(bevinding, pm):
    verouderd = Bevinding.objects.get(pk=bevinding.pk)
    _aangeboden(bevinding, pm)
    # A second request that loaded the finding before the first one committed.
    with pytest.raises(ValidationError, match="ter beoordeling"):
        _aangeboden(verouderd, pm)
    assert Beoordeling.objects.lopend().count() == 1


def test_the_database_holds_at_most_one_pending_review(bevinding, pm):
    Beoordeling.objects.create(bevinding=bevinding, aangeboden_door=pm, aanbieding="Een")
    with pytest.raises(IntegrityError), transaction.atomic():
        Beoordeling.objects.create(bevinding=bevinding, aangeboden_door=pm, aanbieding="Twee")


def test_a_stale_version_is_refused(bevinding, pm):
    with pytest.raises(VerouderdeVersie):
        services.bevinding_aanbieden(
            bevinding=bevinding,
            door=pm,
            toelichting="Klaar.",
            verwachte_versie=bevinding.versie + 1,
        )


def test_the_first_action_puts_an_open_finding_in_uitvoering(pm, auditor):
    bevinding = BevindingFactory(eigenaar=pm, status=BevindingStatus.OPEN)
    actie = services.vervolgactie_toevoegen(
        bevinding=bevinding,
        omschrijving="Procesbeschrijving opstellen",
        eigenaar=pm,
        deadline=timezone.localdate() + datetime.timedelta(days=60),
        door=auditor,
    )
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.IN_UITVOERING
    assert actie.oorspronkelijke_deadline == actie.deadline
    assert bevinding.history.first().history_user == auditor


def test_no_actions_are_added_to_a_finding_under_review(bevinding, pm, auditor):
    _aangeboden(bevinding, pm)
    with pytest.raises(ValidationError, match="ter beoordeling"):
        services.vervolgactie_toevoegen(
            bevinding=bevinding,
            omschrijving="Nog iets",
            eigenaar=pm,
            deadline=timezone.localdate(),
            door=auditor,
        )


def _uitstel(actie, dagen, door, goedgekeurd_door, reden="Leverancier levert later."):
    return services.deadline_verschuiven(
        actie=actie,
        nieuwe_deadline=actie.deadline + datetime.timedelta(days=dagen),
        reden=reden,
        goedgekeurd_door=goedgekeurd_door,
        door=door,
    )


def test_postponements_are_counted_and_kept(actie, pm, pm2, auditor):
    oorspronkelijk = actie.deadline
    _uitstel(actie, 30, door=pm2, goedgekeurd_door=pm)
    actie.refresh_from_db()
    _uitstel(actie, 14, door=pm2, goedgekeurd_door=auditor, reden="Wacht op de ADR.")
    actie.refresh_from_db()

    assert actie.oorspronkelijke_deadline == oorspronkelijk
    assert actie.deadline == oorspronkelijk + datetime.timedelta(days=44)
    rijen = list(Deadlineverschuiving.objects.filter(actie=actie).order_by("vastgelegd_op"))
    assert [(r.oude_deadline, r.nieuwe_deadline) for r in rijen] == [
        (oorspronkelijk, oorspronkelijk + datetime.timedelta(days=30)),
        (
            oorspronkelijk + datetime.timedelta(days=30),
            oorspronkelijk + datetime.timedelta(days=44),
        ),
    ]
    assert [(r.goedgekeurd_door, r.vastgelegd_door) for r in rijen] == [(pm, pm2), (auditor, pm2)]
    assert rijen[1].reden == "Wacht op de ADR."
    assert actie.aantal_verschuivingen == 2
    assert Bevinding.objects.met_tellingen().get(pk=actie.bevinding_id).verschuivingen == 2
    assert actie.history.first().history_change_reason.startswith("Uitstel, goedgekeurd door")


def test_a_postponement_needs_a_later_date_a_reason_and_an_approver(actie, pm2):
    with pytest.raises(ValidationError) as fout:
        services.deadline_verschuiven(
            actie=actie,
            nieuwe_deadline=actie.deadline,
            reden=" ",
            goedgekeurd_door=None,
            door=pm2,
        )
    fouten = fout.value.message_dict
    assert "na de huidige deadline" in fouten["nieuwe_deadline"][0]
    assert fouten["reden"] == ["Geef de reden van het uitstel."]
    assert fouten["goedgekeurd_door"] == ["Kies wie het uitstel heeft goedgekeurd."]
    assert not Deadlineverschuiving.objects.exists()


def test_the_action_owner_cannot_approve_their_own_postponement(actie, pm2, lezer):
    for goedkeurder in (pm2, lezer):
        with pytest.raises(ValidationError) as fout:
            _uitstel(actie, 7, door=pm2, goedgekeurd_door=goedkeurder)
        assert "mag dit uitstel niet goedkeuren" in fout.value.message_dict["goedgekeurd_door"][0]


def test_the_managers_of_the_action_owner_may_approve(actie, pm2, beheerder):
    # beheerder is pm2's manager in the personas.
    assert _uitstel(actie, 7, door=pm2, goedgekeurd_door=beheerder).goedgekeurd_door == beheerder


def test_a_lezer_cannot_postpone(actie, lezer, pm):
    with pytest.raises(PermissionDenied):
        _uitstel(actie, 7, door=lezer, goedgekeurd_door=pm)


def test_the_database_refuses_a_postponement_to_an_earlier_date(actie, pm, pm2):
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadlineverschuiving.objects.create(
            actie=actie,
            oude_deadline=actie.deadline,
            nieuwe_deadline=actie.deadline - datetime.timedelta(days=1),
            reden="Eerder",
            goedgekeurd_door=pm,
            vastgelegd_door=pm2,
        )


def test_a_closed_action_is_not_postponed(actie, pm, pm2):
    _afronden(actie)
    with pytest.raises(ValidationError, match="alleen de deadline van een open actie"):
        _uitstel(actie, 7, door=pm2, goedgekeurd_door=pm)


def test_a_yearly_judgement_is_recorded_once_per_year(bevinding, auditor, pm):
    services.jaaroordeel_vastleggen(
        bevinding=bevinding, jaar=2023, oordeel="niet_verbeterd", toelichting="", door=auditor
    )
    with pytest.raises(ValidationError) as fout:
        services.jaaroordeel_vastleggen(
            bevinding=bevinding, jaar=2023, oordeel="verbeterd", toelichting="", door=auditor
        )
    assert "jaar" in str(fout.value).lower()
    with pytest.raises(PermissionDenied):
        services.jaaroordeel_vastleggen(
            bevinding=bevinding, jaar=2024, oordeel="verbeterd", toelichting="", door=pm
        )


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_offers_give_one_review(pm, auditor):
    """Real concurrency: needs PostgreSQL's row locks (SQLite serialises anyway)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("alleen zinvol met echte gelijktijdige transacties (PostgreSQL)")
    bevinding = BevindingFactory(eigenaar=pm)
    samen = threading.Barrier(2)
    uitkomsten = []

    def bied_aan():
        try:
            samen.wait()
            services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar.")
            uitkomsten.append("aangeboden")
        except ValidationError:
            uitkomsten.append("geweigerd")
        finally:
            connection.close()

    draden = [threading.Thread(target=bied_aan) for _ in range(2)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    assert sorted(uitkomsten) == ["aangeboden", "geweigerd"]
    assert Beoordeling.objects.filter(bevinding=bevinding).count() == 1
