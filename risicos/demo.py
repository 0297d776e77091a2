"""Loads the risks of chapter 4 (the data: `demo_data`) for `laad_demo`. Idempotent:
rows are looked up before they are created, so a second run writes nothing."""

from django.db.models import Q

from douane_portfolio.models import ActieStatus
from programmas.models import Initiatief

from .demo_data import (
    BRON,
    DEADLINE,
    DIALOOG_BESLUITEN,
    DIALOOG_CONCLUSIE,
    DIALOOG_DATUM,
    DIALOOG_TITEL,
    OVERKOEPELEND,
    PEILDATUM,
    RISICOS,
)
from .models import (
    Beheersmaatregel,
    DialoogNiveau,
    Dialoogrisico,
    DialoogStatus,
    Risico,
    Risicodialoog,
)


def laad(*, gebruikers, stdout):
    eigenaar = gebruikers["risicofunctionaris"]
    risicos = []
    nieuw = 0
    for titel, categorie, initiatieven, omschrijving, maatregelen in RISICOS:
        risico = Risico.objects.filter(titel=titel).first()
        if risico is None:
            risico = Risico.objects.create(
                titel=titel,
                categorie=categorie,
                eigenaar=eigenaar,
                toprisico=True,
                omschrijving=omschrijving,
                bron=BRON,
            )
            nieuw += 1
        risicos.append(risico)
        _koppel_initiatieven(risico, initiatieven)
        for tekst, gebruiker, gereed in maatregelen:
            if _maatregel(tekst, gebruikers[gebruiker], gereed, risico):
                nieuw += 1
    for tekst, gebruiker in OVERKOEPELEND:
        if _maatregel(tekst, gebruikers[gebruiker], False, None):
            nieuw += 1
    if _dialoog(risicos):
        nieuw += 1
    if nieuw:
        stdout.write(f"Risico's: {nieuw} risico's, maatregelen en dialogen aangemaakt.")


def _koppel_initiatieven(risico, namen):
    # The initiatives come from programmas' demo data; link them only where they exist.
    if not namen:
        return
    gezocht = Q()
    for naam in namen:
        gezocht |= Q(naam__iexact=naam)
    gevonden = Initiatief.objects.filter(gezocht).exclude(risicos=risico)
    if gevonden:
        risico.initiatieven.add(*gevonden)


def _maatregel(tekst, eigenaar, gereed, risico):
    qs = Beheersmaatregel.objects.filter(omschrijving=tekst)
    if qs.exists():
        return False
    maatregel = Beheersmaatregel.objects.create(
        omschrijving=tekst,
        eigenaar=eigenaar,
        deadline=DEADLINE,
        status=ActieStatus.AFGEROND if gereed else ActieStatus.IN_UITVOERING,
        afgerond_op=PEILDATUM if gereed else None,
        bron=BRON,
    )
    if risico is not None:
        maatregel.risicos.add(risico)
    return True


def _dialoog(risicos):
    if Risicodialoog.objects.filter(titel=DIALOOG_TITEL).exists():
        return False
    # Held and adopted, without a chair, participants or scores: the report names none.
    dialoog = Risicodialoog.objects.create(
        titel=DIALOOG_TITEL,
        datum=DIALOOG_DATUM,
        niveau=DialoogNiveau.STRATEGISCH,
        besluiten=DIALOOG_BESLUITEN,
        status=DialoogStatus.VASTGESTELD,
        bron=BRON + " (4.1.1: 'De laatste sessie in 2023 was eind oktober')",
    )
    for volgorde, risico in enumerate(risicos, start=1):
        Dialoogrisico.objects.create(
            dialoog=dialoog, risico=risico, volgorde=volgorde, conclusie=DIALOOG_CONCLUSIE
        )
    return True
