from django.db import IntegrityError, transaction
from django.utils import timezone

from douane_portfolio.geschiedenis import bewaar_met_historie
from douane_portfolio.transacties import opnieuw_bij_conflict, schrijftransactie
from douane_portfolio.weigeringen import VerouderdeVersie

from .gegevens import rapport_gegevens
from .models import Rapportsnapshot, Rapporttekst
from .opzet import SCHEMA_VERSIE, Rapport, bouw_rapport


@schrijftransactie
def rapport_vastleggen(*, periode, door=None, reden="vastgelegd"):
    """Freeze the report of `periode` as it stands now (a retake keeps the old one in history)."""
    snapshot = Rapportsnapshot.objects.select_for_update().filter(
        periode=periode
    ).first() or Rapportsnapshot(periode=periode)
    snapshot.gegevens = rapport_gegevens(periode)
    snapshot.vastgelegd_op = timezone.now()
    snapshot.opzet = bouw_rapport(
        snapshot.gegevens, vastgelegd_op=snapshot.vastgelegd_op
    ).naar_dict()
    snapshot.schema_versie = SCHEMA_VERSIE
    snapshot.vastgelegd_door = door
    return bewaar_met_historie(snapshot, door=door, reden=reden)


def bij_sluiten_vastleggen(sender, periode, door, **kwargs):
    rapport_vastleggen(periode=periode, door=door, reden="periode gesloten")


def rapport_voor(periode):
    """(gegevens, snapshot or None): frozen once the period closed, else live."""
    snapshot = Rapportsnapshot.objects.filter(periode=periode).first()
    if snapshot is not None:
        return snapshot.gegevens, snapshot
    return rapport_gegevens(periode), None


def opzet_van(snapshot):
    """The outline a snapshot renders: stored, or (schema 0, before the outline existed)
    built from its frozen data, so an old snapshot shows the same figures as before."""
    if snapshot.schema_versie == 0:
        return bouw_rapport(snapshot.gegevens, vastgelegd_op=snapshot.vastgelegd_op)
    return Rapport.van_dict(snapshot.opzet)


def opzet_voor(periode):
    """(outline, snapshot or None) of the report of `periode`."""
    gegevens, snapshot = rapport_voor(periode)
    if snapshot is not None:
        return opzet_van(snapshot), snapshot
    return bouw_rapport(gegevens), None


@opnieuw_bij_conflict
def rapporttekst_opslaan(*, periode, door, verwachte_versie, inleiding, verhaal_titel, verhaal):
    """Chapters 1 and 2 of `periode`: the first save creates them, later ones need the
    version the writer started from (two people editing lose nothing)."""
    tekst = Rapporttekst.objects.filter(periode=periode).first() or Rapporttekst(periode=periode)
    tekst.inleiding, tekst.verhaal_titel, tekst.verhaal = inleiding, verhaal_titel, verhaal
    tekst.full_clean()
    if tekst.pk is not None and verwachte_versie is None:
        raise VerouderdeVersie(tekst)  # an edit must name the version it started from
    try:
        with transaction.atomic():
            bewaar_met_historie(tekst, door=door, verwachte_versie=verwachte_versie)
    except IntegrityError:
        # Someone else wrote the first version at the same moment.
        raise VerouderdeVersie(Rapporttekst.objects.get(periode=periode))
    return tekst
