"""Writes on the register that touch several rows or must leave a trace.

Views parse input and call these; each validates, writes inside a transaction and
records history (simple-history with user and reason, plus a Scorewijziging for
every score change).
"""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from douane_portfolio.diensten import nieuw_vastleggen, wijzigingen_bewaren
from douane_portfolio.geschiedenis import bewaar_met_historie
from douane_portfolio.locking import eis_versie, vergrendel
from douane_portfolio.transacties import schrijftransactie
from douane_portfolio.weigeringen import Weigering

from .models import (
    Beheersmaatregel,
    Dialoogrisico,
    DialoogStatus,
    Risico,
    Risicodialoog,
    Scores,
    Scorewijziging,
    afgesproken_score_fouten,
    score_fouten,
)

EERSTE_BEOORDELING = "Eerste beoordeling bij registratie"


# The former name of the refusal a dialogue step raises; it is the one refusal type.
DialoogFout = Weigering


@schrijftransactie
def risico_registreren(*, risico, initiatieven=(), door):
    """Save a new risk; when it comes with scores, they are its first score change."""
    risico.full_clean()
    bewaar_met_historie(risico, door=door, reden="Geregistreerd")
    risico.initiatieven.set(initiatieven)
    if risico.scores != Scores():
        Scorewijziging.objects.create(
            risico=risico,
            door=door,
            reden=EERSTE_BEOORDELING,
            **_velden(risico.scores),
        )
    return risico


def _velden(scores, prefix=""):
    return {
        f"{prefix}bruto_kans": scores.bruto_kans,
        f"{prefix}bruto_impact": scores.bruto_impact,
        f"{prefix}netto_kans": scores.netto_kans,
        f"{prefix}netto_impact": scores.netto_impact,
    }


@schrijftransactie
def risico_scoren(
    *,
    risico,
    bruto_kans,
    bruto_impact,
    netto_kans,
    netto_impact,
    reden,
    door,
    dialoog=None,
    verwachte_versie=None,
):
    """Give a risk new scores and record who, when, from, to and why.

    Returns the Scorewijziging, or None when the scores did not change. With
    `verwachte_versie` (from an edit form) it refuses to overwrite a newer version.
    """
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError({"reden": "Geef aan waarom de score verandert."})
    nieuw = Scores(bruto_kans, bruto_impact, netto_kans, netto_impact)
    fouten = score_fouten(nieuw)
    if fouten:
        raise ValidationError(fouten)

    # Read the current scores under a row lock: "from" is what the database holds,
    # not what a possibly stale instance says.
    actueel = vergrendel(Risico.objects, risico.pk, verwachte_versie)
    oud = actueel.scores
    if nieuw == oud:
        return None
    actueel.bruto_kans, actueel.bruto_impact = nieuw.bruto_kans, nieuw.bruto_impact
    actueel.netto_kans, actueel.netto_impact = nieuw.netto_kans, nieuw.netto_impact
    # Raising the version makes edit forms opened before this change refuse to save.
    actueel.versie += 1
    bewaar_met_historie(actueel, door=door, reden=reden)
    wijziging = Scorewijziging.objects.create(
        risico=actueel,
        door=door,
        reden=reden,
        dialoog=dialoog,
        **_velden(oud, prefix="oud_"),
        **_velden(nieuw),
    )
    for veld, waarde in _velden(nieuw).items():
        setattr(risico, veld, waarde)
    risico.versie = actueel.versie
    return wijziging


def _agenda_volgorde(risicos):
    # Top risks first, then the highest net score, then by title.
    return sorted(
        risicos,
        key=lambda r: (not r.toprisico, -(r.netto_score or 0), r.titel.lower()),
    )


@schrijftransactie
def dialoog_plannen(*, dialoog, risicos, deelnemers=(), door):
    """Create a planned dialogue with the chosen risks on its agenda."""
    if not risicos:
        raise ValidationError({"risicos": "Kies minstens één risico om te bespreken."})
    dialoog.status = DialoogStatus.GEPLAND
    dialoog.full_clean()
    bewaar_met_historie(dialoog, door=door, reden="Gepland")
    dialoog.deelnemers.set(deelnemers)
    for volgorde, risico in enumerate(_agenda_volgorde(risicos), start=1):
        punt = Dialoogrisico(dialoog=dialoog, risico=risico, volgorde=volgorde)
        bewaar_met_historie(punt, door=door)
    return dialoog


def _vergrendel(dialoog, verwachte_versie=None):
    actueel = vergrendel(Risicodialoog.objects, dialoog.pk)
    if actueel.is_vastgesteld:
        raise Weigering(actueel.gesloten_reden(), code="vastgesteld")
    return eis_versie(actueel, verwachte_versie)


@schrijftransactie
def dialoog_bijwerken(*, dialoog, risicos, deelnemers, door, verwachte_versie):
    """Save the dialogue's details (already set on `dialoog`) and its agenda."""
    if not risicos:
        raise ValidationError({"risicos": "Kies minstens één risico om te bespreken."})
    dialoog.full_clean()
    actueel = _vergrendel(dialoog, verwachte_versie)
    dialoog.status = actueel.status
    dialoog.versie = actueel.versie + 1
    bewaar_met_historie(dialoog, door=door)
    dialoog.deelnemers.set(deelnemers)
    bestaand = {p.risico_id: p for p in dialoog.punten.all()}
    gekozen = {r.pk for r in risicos}
    for risico_id, punt in bestaand.items():
        if risico_id not in gekozen:
            punt._history_user = door
            punt.delete()
    volgende = max((p.volgorde for p in bestaand.values()), default=0)
    for risico in _agenda_volgorde(r for r in risicos if r.pk not in bestaand):
        volgende += 1
        bewaar_met_historie(
            Dialoogrisico(dialoog=dialoog, risico=risico, volgorde=volgende), door=door
        )
    return dialoog


@schrijftransactie
def sessie_vastleggen(*, dialoog, besluiten, punten, door, verwachte_versie):
    """Record what the session agreed.

    `punten`: {Dialoogrisico: {"netto_kans", "netto_impact", "conclusie", "actie"}},
    where "actie" is None or {"omschrijving", "eigenaar", "deadline"}: a new measure on
    that risk, agreed in this dialogue.
    """
    actueel = _vergrendel(dialoog, verwachte_versie)
    fouten = {}
    for punt, waarden in punten.items():
        agreed = Scores(
            punt.risico.bruto_kans,
            punt.risico.bruto_impact,
            waarden["netto_kans"],
            waarden["netto_impact"],
        )
        for veld, bericht in afgesproken_score_fouten(agreed).items():
            fouten[f"{punt.pk}-{veld}"] = f"{punt.risico}: {bericht}"
    if fouten:
        raise ValidationError(fouten)

    actueel.besluiten = besluiten
    actueel.versie += 1
    bewaar_met_historie(actueel, door=door, reden="Sessie vastgelegd")
    dialoog.versie, dialoog.besluiten = actueel.versie, actueel.besluiten

    for punt, waarden in punten.items():
        gewijzigd = (
            punt.netto_kans != waarden["netto_kans"]
            or punt.netto_impact != waarden["netto_impact"]
            or punt.conclusie != waarden["conclusie"]
        )
        if gewijzigd:
            punt.netto_kans = waarden["netto_kans"]
            punt.netto_impact = waarden["netto_impact"]
            punt.conclusie = waarden["conclusie"]
            bewaar_met_historie(punt, door=door)
        actie = waarden.get("actie")
        if actie:
            maatregel = Beheersmaatregel(dialoog=actueel, **actie)
            maatregel.full_clean()
            bewaar_met_historie(maatregel, door=door, reden=f"Afgesproken in {actueel.titel}")
            maatregel.risicos.add(punt.risico)
    return dialoog


@schrijftransactie
def dialoog_gehouden(*, dialoog, door):
    """gepland → gehouden."""
    actueel = _vergrendel(dialoog)
    if actueel.status != DialoogStatus.GEPLAND:
        raise Weigering("Deze risicodialoog is al als gehouden gemarkeerd.")
    if actueel.datum > timezone.localdate():
        raise Weigering(
            "Een risicodialoog kan pas op of na de datum ("
            + formats.date_format(actueel.datum, "j F Y")
            + ") als gehouden worden gemarkeerd."
        )
    actueel.status = DialoogStatus.GEHOUDEN
    actueel.versie += 1
    bewaar_met_historie(actueel, door=door, reden="Gehouden")
    dialoog.refresh_from_db()
    return dialoog


def wijzigingen_bij_vaststellen(dialoog):
    """[(punt, current net scores, agreed net scores)] for the risks whose register
    score the adoption would change, for the confirmation page."""
    resultaat = []
    for punt in dialoog.punten.select_related("risico"):
        if not punt.heeft_afgesproken_score:
            continue
        huidig = (punt.risico.netto_kans, punt.risico.netto_impact)
        if huidig != (punt.netto_kans, punt.netto_impact):
            resultaat.append(punt)
    return resultaat


@schrijftransactie
def dialoog_vaststellen(*, dialoog, door):
    """gehouden → vastgesteld: apply the agreed net scores to the register, once.

    The dialogue row is locked first (SELECT … FOR UPDATE), so of two adoptions at the
    same time the second waits, then sees "vastgesteld" and is refused; the unique
    (risico, dialoog) constraint on Scorewijziging backs that up in the database.
    Any invalid score rolls the whole adoption back.
    """
    actueel = vergrendel(Risicodialoog.objects, dialoog.pk)
    if actueel.is_vastgesteld:
        raise Weigering("Deze risicodialoog is al vastgesteld; dat kan maar één keer.")
    if actueel.status != DialoogStatus.GEHOUDEN:
        raise Weigering(
            "Markeer de risicodialoog eerst als gehouden; daarna kan hij worden vastgesteld."
        )
    reden = f"Vastgesteld in {actueel.titel} ({formats.date_format(actueel.datum, 'j F Y')})"
    # Lock the risks too (in pk order, the same everywhere), so the scores read
    # below are the current ones and nobody changes them halfway.
    risico_ids = list(actueel.punten.values_list("risico_id", flat=True))
    list(Risico.objects.select_for_update().filter(pk__in=risico_ids).order_by("pk"))
    for punt in actueel.punten.select_related("risico").order_by("volgorde", "pk"):
        risico = punt.risico
        punt.vorige_netto_kans, punt.vorige_netto_impact = (
            risico.netto_kans,
            risico.netto_impact,
        )
        bewaar_met_historie(punt, door=door)
        if not punt.heeft_afgesproken_score:
            continue
        try:
            risico_scoren(
                risico=risico,
                bruto_kans=risico.bruto_kans,
                bruto_impact=risico.bruto_impact,
                netto_kans=punt.netto_kans,
                netto_impact=punt.netto_impact,
                reden=reden,
                door=door,
                dialoog=actueel,
            )
        except ValidationError as fout:
            raise Weigering(f"{risico}: {' '.join(fout.messages)}") from fout
    actueel.status = DialoogStatus.VASTGESTELD
    actueel.vastgesteld_op = timezone.now()
    actueel.vastgesteld_door = door
    actueel.versie += 1
    bewaar_met_historie(actueel, door=door, reden="Vastgesteld")
    dialoog.refresh_from_db()
    return dialoog


def risico_bijwerken(*, risico, door, verwachte_versie, bewaar_koppelingen=None):
    """The details of a risk; its scores change only through `risico_scoren`."""
    return wijzigingen_bewaren(
        risico,
        door=door,
        permissie="risicos.change_risico",
        verwachte_versie=verwachte_versie,
        bewaar_koppelingen=bewaar_koppelingen,
    )


def maatregel_toevoegen(*, maatregel, door, bewaar_koppelingen=None):
    """A new measure, with the risks it lowers."""
    return nieuw_vastleggen(
        maatregel,
        door=door,
        permissie="risicos.add_beheersmaatregel",
        bewaar_koppelingen=bewaar_koppelingen,
    )


def maatregel_bijwerken(*, maatregel, door, verwachte_versie, bewaar_koppelingen=None):
    return wijzigingen_bewaren(
        maatregel,
        door=door,
        permissie="risicos.change_beheersmaatregel",
        verwachte_versie=verwachte_versie,
        bewaar_koppelingen=bewaar_koppelingen,
    )


def maatregelstatus_melden(*, maatregel, door, verwachte_versie, reden=None):
    """The owner of a measure reports its progress (the status only)."""
    return wijzigingen_bewaren(
        maatregel,
        door=door,
        permissie="risicos.change_status_beheersmaatregel",
        verwachte_versie=verwachte_versie,
        reden=reden,
    )
