"""Writes in the portfolio that carry rules: reporting a status, running a round."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from douane_portfolio.locking import VerouderdeVersie, bewaar_met_versie
from douane_portfolio.rules import is_beheerder

from .models import (
    Indicatorwaarde,
    PeriodeStatus,
    Rapportageperiode,
    Status,
    Statusrapportage,
)
from .signals import periode_gesloten


def _met_historie(instance, door, reden):
    instance._history_user = door
    instance._change_reason = reden
    return instance


@transaction.atomic
def statusrapportage_indienen(
    *, initiatief, periode, status, toelichting="", pad_naar_groen="", door, versie=None
):
    """Submit or revise the status of `initiatief` for `periode`.

    `versie` is the version of the existing report the form was opened with (None when
    there was none): a report saved meanwhile by someone else is never overwritten.
    After the period closed only a Beheerder may still change it.
    """
    if not door.has_perm("programmas.rapporteer_status", initiatief):
        raise PermissionDenied("U mag voor dit initiatief geen status rapporteren.")
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
        if versie is not None:
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
        # A revision's history shows the colour as a field change; a new report names it.
        _met_historie(rapportage, door, f"ingediend: {rapportage.get_status_display().lower()}")
        try:
            with transaction.atomic():
                rapportage.save()
        except IntegrityError:
            # Someone else submitted the same initiative and period a moment earlier.
            raise VerouderdeVersie(rapportage)
        return rapportage

    if versie is None:
        raise VerouderdeVersie(bestaand)
    bestaand.status = status
    bestaand.toelichting = toelichting
    bestaand.pad_naar_groen = pad_naar_groen
    bestaand.ingediend_door = door
    bestaand.ingediend_op = timezone.now()
    bestaand.full_clean()
    reden = "gewijzigd na sluiting van de periode" if periode.is_gesloten else "herzien"
    _met_historie(bestaand, door, reden)
    return bewaar_met_versie(bestaand, versie)


def _eis_beheerder(door):
    if not is_beheerder(door):
        raise PermissionDenied("Alleen het portfoliobureau (beheerder) beheert rapportagerondes.")


@transaction.atomic
def periode_aanmaken(*, jaar, soort, indiendeadline, door):
    _eis_beheerder(door)
    periode = Rapportageperiode(jaar=jaar, soort=soort, indiendeadline=indiendeadline)
    periode.begindatum, periode.einddatum = Rapportageperiode.datums(jaar, soort)
    periode.full_clean(exclude=["begindatum", "einddatum"])
    _met_historie(periode, door, "aangemaakt")
    periode.save()
    return periode


@transaction.atomic
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
    _met_historie(periode, door, "ronde geopend")
    try:
        with transaction.atomic():
            periode.save()
    except IntegrityError:
        raise ValidationError("Er is intussen al een andere ronde geopend.")
    return periode


@transaction.atomic
def periode_sluiten(*, periode, door):
    _eis_beheerder(door)
    periode = Rapportageperiode.objects.select_for_update().get(pk=periode.pk)
    if periode.status != PeriodeStatus.OPEN:
        raise ValidationError(f"{periode} is niet open.")
    periode.status = PeriodeStatus.GESLOTEN
    periode.gesloten_op = timezone.now()
    _met_historie(periode, door, "ronde gesloten")
    periode.save()
    periode_gesloten.send(sender=Rapportageperiode, periode=periode, door=door)
    return periode


@transaction.atomic
def indicatorwaarde_opslaan(
    *,
    indicator,
    periode,
    doelstelling,
    realisatie,
    bandbreedte,
    toelichting="",
    door,
    versie=None,
):
    """Record target, realisation and band of an indicator for a period."""
    bestaand = Indicatorwaarde.objects.filter(indicator=indicator, periode=periode).first()
    doel = bestaand or Indicatorwaarde(indicator=indicator, periode=periode)
    perm = "programmas.change_indicatorwaarde" if bestaand else "programmas.add_indicatorwaarde"
    if not door.has_perm(perm, doel):
        raise PermissionDenied("U mag deze indicator niet bijwerken.")
    if periode.is_gesloten and not is_beheerder(door):
        raise ValidationError(
            "Deze periode is gesloten; alleen een beheerder kan de waarden nog wijzigen."
        )
    doel.doelstelling = doelstelling
    doel.realisatie = realisatie
    doel.bandbreedte = bandbreedte
    doel.toelichting = (toelichting or "").strip()
    doel.full_clean()
    _met_historie(doel, door, "bijgewerkt" if bestaand else "ingevoerd")
    if bestaand is None:
        if versie is not None:
            raise VerouderdeVersie(doel)
        try:
            with transaction.atomic():
                doel.save()
        except IntegrityError:
            raise VerouderdeVersie(doel)
        return doel
    if versie is None:
        raise VerouderdeVersie(bestaand)
    return bewaar_met_versie(doel, versie)
