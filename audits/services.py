"""Writes of the audit follow-up: offering and judging findings, actions, postponements,
evidence and yearly judgements.

Each function validates, checks who may do it, writes inside one transaction and
records history (who, when, from what to what, and why). State changes lock the row
first (SELECT ... FOR UPDATE; on SQLite the IMMEDIATE transaction does the same), so
two people acting at once cannot both move a finding on from the same status.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from douane_portfolio import rollen
from douane_portfolio.diensten import nieuw_vastleggen, wijzigingen_bewaren
from douane_portfolio.geschiedenis import bewaar_met_historie
from douane_portfolio.locking import vergrendel
from douane_portfolio.models import ActieStatus
from douane_portfolio.transacties import opnieuw_bij_conflict, schrijftransactie
from douane_portfolio.weigeringen import GeenToestemming, Weigering
from herinneringen.meldingen import melden

from . import bewijs
from .models import (
    Beoordeling,
    Bevinding,
    BevindingStatus,
    Bewijsstuk,
    Deadlineverschuiving,
    Jaaroordeel,
    Verdict,
    Vervolgactie,
)

logger = logging.getLogger(__name__)

AANBIEDBAAR = (BevindingStatus.OPEN, BevindingStatus.IN_UITVOERING)
# New actions only while the owner is working on the finding; a finding under review
# goes back to "in uitvoering" through a rejection first.
WERKBAAR = (BevindingStatus.OPEN, BevindingStatus.IN_UITVOERING)


def _datum(d):
    return formats.date_format(d, "j F Y")


def _maak(obj, *, door, reden=None):
    obj.full_clean()
    return bewaar_met_historie(obj, door=door, reden=reden)


def _vergrendel_bevinding(bevinding, verwachte_versie=None):
    return vergrendel(Bevinding.objects.select_related("eigenaar"), bevinding.pk, verwachte_versie)


def _eis_open(bevinding):
    # Closed means closed: only a reasoned reopening (bevinding_heropenen) undoes it.
    if bevinding.is_opgelost:
        raise Weigering(bevinding.gesloten_reden(), code="opgelost")


def _status_wijzigen(bevinding, naar, *, door, reden):
    # The version moves too, so an edit form opened before this change refuses to save.
    bevinding.status = naar
    bevinding.versie += 1
    return bewaar_met_historie(bevinding, door=door, reden=reden)


def _verplicht(tekst, veld, melding):
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError({veld: melding})
    return tekst


@schrijftransactie
def bevinding_aanbieden(*, bevinding, door, toelichting, verwachte_versie=None, afronden=()):
    """The owner offers a finding as resolved: open/in uitvoering -> ter beoordeling.

    `afronden`: [(vervolgactie, note)] closed first, in the same transaction: all of it
    is saved or none of it.
    """
    toelichting = _verplicht(
        toelichting,
        "toelichting",
        "Licht toe waarom de bevinding is opgelost en welk bewijs de auditor kan bekijken.",
    )
    b = _vergrendel_bevinding(bevinding, verwachte_versie)
    if not door.has_perm("audits.aanbieden_bevinding", b):
        raise GeenToestemming("Alleen de eigenaar van de bevinding kan haar aanbieden.")
    if b.status not in AANBIEDBAAR:
        raise ValidationError(
            f"De bevinding staat op '{b.get_status_display().lower()}' en kan nu niet "
            "worden aangeboden."
        )
    for actie, notitie in afronden:
        _actie_afronden(actie, b, door=door, notitie=notitie)
    open_acties = b.vervolgacties.open().count()
    if open_acties:
        raise ValidationError(
            f"Er {'staat' if open_acties == 1 else 'staan'} nog {open_acties} "
            f"vervolgactie{'' if open_acties == 1 else 's'} open. Rond "
            f"{'die' if open_acties == 1 else 'ze'} af of laat "
            f"{'die' if open_acties == 1 else 'ze'} vervallen voordat u de bevinding "
            "aanbiedt."
        )
    beoordeling = _maak(
        Beoordeling(bevinding=b, aangeboden_door=door, aanbieding=toelichting), door=door
    )
    _status_wijzigen(
        b, BevindingStatus.TER_BEOORDELING, door=door, reden=f"Aangeboden: {toelichting}"
    )
    # In the same transaction: the auditors hear of it if and only if it happened.
    auditors = get_user_model().objects.filter(groups__name=rollen.AUDITOR)
    melden(
        over=b,
        sleutel=f"aangeboden/{beoordeling.pk}",
        ontvangers=auditors.exclude(pk__in=[b.eigenaar_id, door.pk]).distinct(),
        onderwerp=f"Ter beoordeling: {b.titel}",
        tekst=f"{door} biedt de bevinding aan als opgelost.\nToelichting: {toelichting}",
        link=b.get_absolute_url(),
    )
    return b


def _actie_afronden(actie, bevinding, *, door, notitie=""):
    a = Vervolgactie.objects.select_for_update().filter(pk=actie.pk, bevinding=bevinding).first()
    if a is None:
        raise ValidationError("Deze actie hoort niet bij de bevinding.")
    a.bevinding = bevinding
    if not door.has_perm("audits.change_vervolgactie", a):
        raise GeenToestemming(f"U mag de actie '{a}' niet afronden.")
    if not a.is_open:
        raise ValidationError(
            f"De actie '{a}' is intussen al {a.get_status_display().lower()}.", code="verouderd"
        )
    a.status = ActieStatus.AFGEROND
    a.afgerond_op = timezone.localdate()
    a.versie += 1
    notitie = (notitie or "").strip()
    reden = "Afgerond bij het aanbieden van de bevinding"
    bewaar_met_historie(a, door=door, reden=f"{reden}: {notitie}" if notitie else reden)
    return a


@schrijftransactie
def bevinding_beoordelen(*, bevinding, door, oordeel, toelichting, verwachte_versie=None):
    """An auditor's verdict: akkoord -> opgelost, niet akkoord -> back to in uitvoering."""
    toelichting = (toelichting or "").strip()
    if oordeel not in Verdict.values:
        raise ValidationError({"oordeel": "Kies akkoord of niet akkoord."})
    if oordeel == Verdict.NIET_AKKOORD and not toelichting:
        raise ValidationError(
            {
                "toelichting": "Geef bij niet akkoord de reden, zodat de eigenaar weet wat er "
                "nog moet gebeuren."
            }
        )
    b = _vergrendel_bevinding(bevinding, verwachte_versie)
    if not door.has_perm("audits.beoordelen_bevinding", b):
        raise GeenToestemming(
            "Alleen een auditor die geen eigenaar is van de bevinding kan haar beoordelen."
        )
    if b.status != BevindingStatus.TER_BEOORDELING:
        raise ValidationError(
            f"De bevinding staat op '{b.get_status_display().lower()}', niet ter "
            "beoordeling; er valt niets te beoordelen."
        )
    beoordeling = b.beoordelingen.lopend().get()
    beoordeling.oordeel = oordeel
    beoordeling.toelichting = toelichting
    beoordeling.beoordeeld_door = door
    beoordeling.beoordeeld_op = timezone.now()
    beoordeling.full_clean()
    bewaar_met_historie(beoordeling, door=door)
    if oordeel == Verdict.AKKOORD:
        naar, reden = BevindingStatus.OPGELOST, "Akkoord"
    else:
        naar, reden = BevindingStatus.IN_UITVOERING, "Niet akkoord"
    _status_wijzigen(b, naar, door=door, reden=f"{reden}: {toelichting}" if toelichting else reden)
    if oordeel == Verdict.AKKOORD:
        onderwerp = f"Akkoord: {b.titel} is opgelost"
        tekst = f"{door} gaat akkoord." + (f"\nToelichting: {toelichting}" if toelichting else "")
    else:
        onderwerp = f"Niet akkoord: {b.titel}"
        tekst = (
            f"{door} gaat niet akkoord; de bevinding staat weer in uitvoering."
            f"\nReden: {toelichting}"
        )
    melden(
        over=b,
        sleutel=f"oordeel/{beoordeling.pk}",
        ontvangers=[b.eigenaar],
        onderwerp=onderwerp,
        tekst=tekst,
        link=b.get_absolute_url(),
    )
    return b


@schrijftransactie
def vervolgactie_toevoegen(*, bevinding, omschrijving, eigenaar, deadline, door, bron=""):
    """Add a follow-up action; the first one puts an open finding in uitvoering."""
    b = _vergrendel_bevinding(bevinding)
    _eis_open(b)
    if not door.has_perm("audits.add_vervolgactie", b):
        raise GeenToestemming("U mag bij deze bevinding geen vervolgacties toevoegen.")
    if b.status not in WERKBAAR:
        raise ValidationError(
            f"De bevinding staat op '{b.get_status_display().lower()}'; er kunnen nu geen "
            "vervolgacties bij."
        )
    if deadline and deadline < timezone.localdate():
        raise ValidationError({"deadline": "De deadline ligt in het verleden."})
    actie = _maak(
        Vervolgactie(
            bevinding=b,
            omschrijving=(omschrijving or "").strip(),
            eigenaar=eigenaar,
            deadline=deadline,
            oorspronkelijke_deadline=deadline,
            bron=bron,
        ),
        door=door,
    )
    if b.status == BevindingStatus.OPEN:
        _status_wijzigen(
            b, BevindingStatus.IN_UITVOERING, door=door, reden="Eerste vervolgactie toegevoegd"
        )
    return actie


@schrijftransactie
def deadline_verschuiven(
    *, actie, nieuwe_deadline, reden, goedgekeurd_door, door, verwachte_versie=None
):
    """Postpone an action: a row per postponement; the first deadline stays on the action."""
    a = vergrendel(
        Vervolgactie.objects.select_related("bevinding", "eigenaar"), actie.pk, verwachte_versie
    )
    _eis_open(a.bevinding)
    if not door.has_perm("audits.verschuiven_deadline", a):
        raise GeenToestemming("U mag de deadline van deze actie niet verschuiven.")
    if not a.is_open:
        raise ValidationError(
            f"De actie is {a.get_status_display().lower()}; alleen de deadline van een open "
            "actie kan verschuiven."
        )
    fouten = {}
    vandaag = timezone.localdate()
    if nieuwe_deadline is None:
        fouten["nieuwe_deadline"] = "Vul de nieuwe deadline in."
    elif nieuwe_deadline <= a.deadline:
        fouten["nieuwe_deadline"] = (
            f"De nieuwe deadline moet na de huidige deadline ({_datum(a.deadline)}) liggen."
        )
    elif nieuwe_deadline < vandaag:
        fouten["nieuwe_deadline"] = "De nieuwe deadline ligt in het verleden."
    reden = (reden or "").strip()
    if not reden:
        fouten["reden"] = "Geef de reden van het uitstel."
    if goedgekeurd_door is None:
        fouten["goedgekeurd_door"] = "Kies wie het uitstel heeft goedgekeurd."
    elif not a.goedkeurders().filter(pk=goedgekeurd_door.pk).exists():
        fouten["goedgekeurd_door"] = (
            f"{goedgekeurd_door} mag dit uitstel niet goedkeuren. Dat kan de eigenaar van de "
            "bevinding, een auditor of de leidinggevende van de actiehouder; niet de "
            "actiehouder zelf."
        )
    if fouten:
        raise ValidationError(fouten)
    verschuiving = _maak(
        Deadlineverschuiving(
            actie=a,
            oude_deadline=a.deadline,
            nieuwe_deadline=nieuwe_deadline,
            reden=reden,
            goedgekeurd_door=goedgekeurd_door,
            vastgelegd_door=door,
        ),
        door=door,
    )
    a.deadline = nieuwe_deadline
    # Under the row lock taken above, so two postponements at once count as two.
    a.aantal_verschuivingen += 1
    a.versie += 1
    bewaar_met_historie(
        a, door=door, reden=f"Uitstel, goedgekeurd door {goedgekeurd_door}: {reden}"
    )
    return verschuiving


@opnieuw_bij_conflict
def bewijsstuk_toevoegen(*, actie, door, toelichting, bestand=None):
    """Evidence for an action: an explanation and optionally a checked file."""
    toelichting = _verplicht(
        toelichting, "toelichting", "Beschrijf wat dit bewijs laat zien (ook bij een bestand)."
    )
    stuk = None
    try:
        with transaction.atomic():
            a = Vervolgactie.objects.select_related("bevinding").get(pk=actie.pk)
            # Locks the finding, so no evidence slips in while it is being closed.
            a.bevinding = _vergrendel_bevinding(a.bevinding)
            _eis_open(a.bevinding)
            if not door.has_perm("audits.add_bewijsstuk", a):
                raise GeenToestemming("U mag bij deze actie geen bewijs toevoegen.")
            stuk = Bewijsstuk(actie=a, toelichting=toelichting, toegevoegd_door=door)
            if bestand:
                stuk.bestand = bestand
                stuk.bestandsnaam = bewijs.veilige_naam(bestand.name)
                stuk.grootte = bestand.size
            _maak(stuk, door=door)
    except BaseException:
        # The file is written before the row (FileField.pre_save); if the row or its
        # history is not committed, the file goes too. A killed process cannot get
        # here: `ruim_bewijs_op` finds what it leaves behind.
        if stuk is not None and stuk.bestand and getattr(stuk.bestand, "_committed", False):
            try:
                stuk.bestand.storage.delete(stuk.bestand.name)
            except OSError:
                logger.exception("Bewijsbestand %s niet opgeruimd", stuk.bestand.name)
        raise
    return stuk


def bewijsopslag_controleren(*, ouder_dan=datetime.timedelta(hours=1)):
    """Files in the evidence folder without a row, and rows whose file is gone.

    A file younger than `ouder_dan` is left out: its upload may still be on its way to
    the commit of its row.
    """
    opslag = Bewijsstuk._meta.get_field("bestand").storage
    bekend = set(Bewijsstuk.objects.exclude(bestand="").values_list("bestand", flat=True))
    grens = timezone.now() - ouder_dan
    wezen = [
        naam
        for naam in _bestanden(opslag, bewijs.MAP)
        if naam not in bekend and opslag.get_modified_time(naam) <= grens
    ]
    ontbrekend = [
        stuk
        for stuk in Bewijsstuk.objects.exclude(bestand="").order_by("pk").iterator()
        if not opslag.exists(stuk.bestand.name)
    ]
    return wezen, ontbrekend


def _bestanden(opslag, map_):
    try:
        mappen, bestanden = opslag.listdir(map_)
    except FileNotFoundError:
        return
    for naam in sorted(bestanden):
        yield f"{map_}/{naam}"
    for sub in sorted(mappen):
        yield from _bestanden(opslag, f"{map_}/{sub}")


def weesbestanden_verwijderen(namen):
    opslag = Bewijsstuk._meta.get_field("bestand").storage
    bekend = set(Bewijsstuk.objects.filter(bestand__in=namen).values_list("bestand", flat=True))
    # Checked again, so a row committed since the listing keeps its file.
    weg = [naam for naam in namen if naam not in bekend]
    for naam in weg:
        opslag.delete(naam)
    return weg


@opnieuw_bij_conflict
def jaaroordeel_vastleggen(*, bevinding, jaar, oordeel, toelichting, door):
    """Record the body's judgement of a finding for one year (once per year)."""
    if not door.has_perm("audits.add_jaaroordeel", bevinding):
        raise GeenToestemming("Alleen een auditor legt het oordeel per jaar vast.")
    try:
        with transaction.atomic():
            return _maak(
                Jaaroordeel(
                    bevinding=bevinding,
                    jaar=jaar,
                    oordeel=oordeel,
                    toelichting=(toelichting or "").strip(),
                    vastgelegd_door=door,
                ),
                door=door,
            )
    except IntegrityError:
        # Two auditors recording the same year at once: the constraint decides.
        raise ValidationError({"jaar": f"Voor {jaar} is al een oordeel vastgelegd."})


@schrijftransactie
def bevinding_heropenen(*, bevinding, door, reden, verwachte_versie=None):
    """An auditor reopens a resolved finding, with a reason: opgelost -> in uitvoering.

    The only way to change the actions, evidence or deadlines of a resolved finding;
    the reason goes into its history next to the verdict it undoes.
    """
    reden = _verplicht(reden, "reden", "Geef de reden waarom de bevinding weer open gaat.")
    b = _vergrendel_bevinding(bevinding, verwachte_versie)
    if not b.is_opgelost:
        raise ValidationError(
            f"De bevinding staat op '{b.get_status_display().lower()}', niet op opgelost; "
            "er valt niets te heropenen."
        )
    if not door.has_perm("audits.heropenen_bevinding", b):
        raise GeenToestemming(
            "Alleen een auditor die geen eigenaar is van de bevinding kan haar heropenen."
        )
    _status_wijzigen(b, BevindingStatus.IN_UITVOERING, door=door, reden=f"Heropend: {reden}")
    return b


@schrijftransactie
def bevinding_bijwerken(*, bevinding, door, verwachte_versie, bewaar_koppelingen=None):
    """Save the changes an edit form made to `bevinding`, unless it was resolved meanwhile."""
    actueel = _vergrendel_bevinding(bevinding)
    _eis_open(actueel)
    if not door.has_perm("audits.change_bevinding", actueel):
        raise GeenToestemming("U mag deze bevinding niet wijzigen.")
    # The status is the services' to change; an edit form never moves it.
    bevinding.status = actueel.status
    bewaar_met_historie(bevinding, door=door, verwachte_versie=verwachte_versie)
    if bewaar_koppelingen:
        bewaar_koppelingen()
    return bevinding


@schrijftransactie
def vervolgactie_bijwerken(*, actie, door, verwachte_versie, reden=None):
    """Save the changes an edit form made to `actie`, unless its finding is resolved."""
    b = _vergrendel_bevinding(actie.bevinding)
    _eis_open(b)
    actie.bevinding = b
    if not door.has_perm("audits.change_vervolgactie", actie):
        raise GeenToestemming("U mag deze actie niet wijzigen.")
    bewaar_met_historie(actie, door=door, reden=reden, verwachte_versie=verwachte_versie)
    return actie


def auditrapport_vastleggen(*, rapport, door):
    """A new audit report."""
    return nieuw_vastleggen(rapport, door=door, permissie="audits.add_auditrapport")


def auditrapport_bijwerken(*, rapport, door, verwachte_versie):
    return wijzigingen_bewaren(
        rapport,
        door=door,
        permissie="audits.change_auditrapport",
        verwachte_versie=verwachte_versie,
    )


def bevinding_vastleggen(*, bevinding, door, bewaar_koppelingen=None):
    """A new finding, with its links to initiatives and risks."""
    return nieuw_vastleggen(
        bevinding,
        door=door,
        permissie="audits.add_bevinding",
        bewaar_koppelingen=bewaar_koppelingen,
        bericht="U mag geen bevindingen vastleggen.",
    )


def jaaroordeel_bijwerken(*, jaaroordeel, door, verwachte_versie):
    return wijzigingen_bewaren(
        jaaroordeel,
        door=door,
        permissie="audits.change_jaaroordeel",
        verwachte_versie=verwachte_versie,
    )
