"""Writes in the portfolio that carry rules: reporting a status, running a round."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from douane_portfolio.diensten import nieuw_vastleggen, wijzigingen_bewaren
from douane_portfolio.geschiedenis import bewaar_met_historie
from douane_portfolio.rules import is_beheerder
from douane_portfolio.transacties import schrijftransactie
from douane_portfolio.weigeringen import GeenToestemming, VerouderdeVersie

from .models import (
    Indicatorwaarde,
    PeriodeStatus,
    Rapportageperiode,
    Status,
    Statusrapportage,
)
from .signals import periode_gesloten


@schrijftransactie
def statusrapportage_indienen(
    *, initiatief, periode, status, toelichting="", pad_naar_groen="", door, verwachte_versie=None
):
    """Submit or revise the status of `initiatief` for `periode`.

    `verwachte_versie` is the version of the existing report the form was opened with (None when
    there was none): a report saved meanwhile by someone else is never overwritten.
    After the period closed only a Beheerder may still change it.
    """
    if not door.has_perm("programmas.rapporteer_status", initiatief):
        raise GeenToestemming("U mag voor dit initiatief geen status rapporteren.")
    # Lock the period row, so a round cannot close halfway through a submission.
    periode = Rapportageperiode.objects.select_for_update().get(pk=periode.pk)
    beheerder = is_beheerder(door)
    if periode.status == PeriodeStatus.GEPLAND:
        raise ValidationError("Voor deze periode is de rapportageronde nog niet geopend.")
    if periode.is_gesloten and not beheerder:
        raise ValidationError(
            "Deze periode is gesloten; alleen een beheerder kan de status nog wijzigen."
        )

    toelichting = (toelichting or "").strip()
    pad_naar_groen = (pad_naar_groen or "").strip()
    fouten = {}
    if status not in Status.values:
        fouten["status"] = "Kies groen, oranje of rood."
    if status in (Status.ORANJE, Status.ROOD):
        if not toelichting:
            fouten["toelichting"] = "Een toelichting is verplicht bij oranje en rood."
        # Corrections to a closed period may lack it: the source then had none.
        if not pad_naar_groen and periode.is_open:
            fouten["pad_naar_groen"] = "Beschrijf bij oranje en rood de stappen terug naar groen."
    if fouten:
        raise ValidationError(fouten)

    bestaand = (
        Statusrapportage.objects.select_for_update()
        .filter(initiatief=initiatief, periode=periode)
        .first()
    )
    if bestaand is None:
        if verwachte_versie is not None:
            # The form showed a report that has since disappeared.
            raise VerouderdeVersie(Statusrapportage(initiatief=initiatief, periode=periode))
        rapportage = Statusrapportage(
            initiatief=initiatief,
            periode=periode,
            status=status,
            toelichting=toelichting,
            pad_naar_groen=pad_naar_groen,
            ingediend_door=door,
            ingediend_op=timezone.now(),
        )
        rapportage.full_clean()
        try:
            with transaction.atomic():
                # A revision's history shows the colour as a field change; a new report names it.
                bewaar_met_historie(
                    rapportage,
                    door=door,
                    reden=f"ingediend: {rapportage.get_status_display().lower()}",
                )
        except IntegrityError:
            # Someone else submitted the same initiative and period a moment earlier.
            raise VerouderdeVersie(rapportage)
        return rapportage

    if verwachte_versie is None:
        raise VerouderdeVersie(bestaand)
    bestaand.status = status
    bestaand.toelichting = toelichting
    bestaand.pad_naar_groen = pad_naar_groen
    bestaand.ingediend_door = door
    bestaand.ingediend_op = timezone.now()
    bestaand.full_clean()
    reden = "gewijzigd na sluiting van de periode" if periode.is_gesloten else "herzien"
    return bewaar_met_historie(bestaand, door=door, reden=reden, verwachte_versie=verwachte_versie)


def _eis_beheerder(door):
    if not is_beheerder(door):
        raise GeenToestemming("Alleen het portfoliobureau (beheerder) beheert rapportagerondes.")


@schrijftransactie
def periode_aanmaken(*, jaar, soort, indiendeadline, door):
    _eis_beheerder(door)
    periode = Rapportageperiode(jaar=jaar, soort=soort, indiendeadline=indiendeadline)
    periode.begindatum, periode.einddatum = Rapportageperiode.datums(jaar, soort)
    periode.full_clean(exclude=["begindatum", "einddatum"])
    return bewaar_met_historie(periode, door=door, reden="aangemaakt")


@schrijftransactie
def periode_openen(*, periode, door):
    _eis_beheerder(door)
    periode = Rapportageperiode.objects.select_for_update().get(pk=periode.pk)
    if periode.status != PeriodeStatus.GEPLAND:
        raise ValidationError(f"{periode} is al {periode.get_status_display().lower()}.")
    andere = Rapportageperiode.objects.open().exclude(pk=periode.pk).first()
    if andere is not None:
        raise ValidationError(f"{andere} is nog open; sluit die ronde eerst.")
    periode.status = PeriodeStatus.OPEN
    periode.geopend_op = timezone.now()
    try:
        with transaction.atomic():
            bewaar_met_historie(periode, door=door, reden="ronde geopend")
    except IntegrityError:
        raise ValidationError("Er is intussen al een andere ronde geopend.")
    return periode


@schrijftransactie
def periode_sluiten(*, periode, door):
    _eis_beheerder(door)
    periode = Rapportageperiode.objects.select_for_update().get(pk=periode.pk)
    if periode.status != PeriodeStatus.OPEN:
        raise ValidationError(f"{periode} is niet open.")
    periode.status = PeriodeStatus.GESLOTEN
    periode.gesloten_op = timezone.now()
    bewaar_met_historie(periode, door=door, reden="ronde gesloten")
    periode_gesloten.send(sender=Rapportageperiode, periode=periode, door=door)
    return periode


@schrijftransactie
def indicatorwaarde_opslaan(
    *,
    indicator,
    periode,
    doelstelling,
    realisatie,
    bandbreedte,
    toelichting="",
    door,
    verwachte_versie=None,
):
    """Record target, realisation and band of an indicator for a period."""
    bestaand = Indicatorwaarde.objects.filter(indicator=indicator, periode=periode).first()
    doel = bestaand or Indicatorwaarde(indicator=indicator, periode=periode)
    perm = "programmas.change_indicatorwaarde" if bestaand else "programmas.add_indicatorwaarde"
    if not door.has_perm(perm, doel):
        raise GeenToestemming("U mag deze indicator niet bijwerken.")
    if periode.is_gesloten and not is_beheerder(door):
        raise ValidationError(
            "Deze periode is gesloten; alleen een beheerder kan de waarden nog wijzigen."
        )
    doel.doelstelling = doelstelling
    doel.realisatie = realisatie
    doel.bandbreedte = bandbreedte
    doel.toelichting = (toelichting or "").strip()
    doel.full_clean()
    if bestaand is None:
        if verwachte_versie is not None:
            raise VerouderdeVersie(doel)
        try:
            with transaction.atomic():
                bewaar_met_historie(doel, door=door, reden="ingevoerd")
        except IntegrityError:
            raise VerouderdeVersie(doel)
        return doel
    if verwachte_versie is None:
        raise VerouderdeVersie(bestaand)
    return bewaar_met_historie(
        doel, door=door, reden="bijgewerkt", verwachte_versie=verwachte_versie
    )


def initiatief_toevoegen(*, initiatief, door):
    return nieuw_vastleggen(initiatief, door=door, permissie="programmas.add_initiatief")


def initiatief_bijwerken(*, initiatief, door, verwachte_versie):
    return wijzigingen_bewaren(
        initiatief,
        door=door,
        permissie="programmas.change_initiatief",
        verwachte_versie=verwachte_versie,
    )


def mijlpaal_toevoegen(*, mijlpaal, initiatief, door):
    """A new milestone of `initiatief`."""
    mijlpaal.initiatief = initiatief
    return nieuw_vastleggen(mijlpaal, door=door, permissie="programmas.add_mijlpaal", op=initiatief)


def mijlpaal_bijwerken(*, mijlpaal, door, verwachte_versie, reden=None):
    """The changes to a milestone; its owner who does not own the initiative only
    reports the status (the form shows no more)."""
    return wijzigingen_bewaren(
        mijlpaal,
        door=door,
        permissie="programmas.change_status_mijlpaal",
        verwachte_versie=verwachte_versie,
        reden=reden,
    )
