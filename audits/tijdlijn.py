"""The timeline of a finding: what happened, when, by whom, built from its own rows."""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone


@dataclass
class Moment:
    moment: datetime.datetime
    soort: str
    titel: str
    door: object = None
    tekst: str = ""
    extra: str = ""
    anker: str = ""
    alleen_datum: bool = False
    bewijsstuk: object = None


def _als_moment(datum):
    # A date without a time (no history to tell) sorts at the start of its day.
    return timezone.make_aware(datetime.datetime.combine(datum, datetime.time.min))


def afrondmomenten(records):
    """{action id: (moment, user)} of the last change to afgerond, from history records
    ordered oldest first, so the timeline knows when and by whom, not only the date."""
    vorige, momenten = {}, {}
    for record in records:
        if record.status == "afgerond" and vorige.get(record.id) != "afgerond":
            momenten[record.id] = (record.history_date, record.history_user)
        vorige[record.id] = record.status
    return momenten


def tijdlijn(bevinding, acties, beoordelingen, jaaroordelen, mag_bewijs_zien, afgerond=None):
    """Everything that happened to a finding, newest first, from the rows themselves."""
    afgerond = afgerond or {}
    items = [
        Moment(
            bevinding.aangemaakt_op,
            "bevinding",
            "Bevinding vastgelegd",
            tekst=f"Eigenaar: {bevinding.eigenaar}",
        )
    ]
    for actie in acties:
        anker = f"actie-{actie.pk}"
        items.append(
            Moment(
                actie.aangemaakt_op,
                "actie",
                "Vervolgactie toegevoegd",
                tekst=str(actie),
                extra=f"Eigenaar {actie.eigenaar}, deadline "
                f"{formats.date_format(actie.oorspronkelijke_deadline, 'j F Y')}",
                anker=anker,
            )
        )
        if actie.afgerond_op:
            moment, door = afgerond.get(actie.pk, (None, None))
            items.append(
                Moment(
                    moment or _als_moment(actie.afgerond_op),
                    "afgerond",
                    "Vervolgactie afgerond",
                    door=door,
                    tekst=str(actie),
                    anker=anker,
                    alleen_datum=moment is None,
                )
            )
        for v in actie.deadlineverschuivingen.all():
            items.append(
                Moment(
                    v.vastgelegd_op,
                    "uitstel",
                    f"Deadline verschoven van {formats.date_format(v.oude_deadline, 'j F Y')} "
                    f"naar {formats.date_format(v.nieuwe_deadline, 'j F Y')}",
                    door=v.vastgelegd_door,
                    tekst=v.reden,
                    extra=f"{actie} · goedgekeurd door {v.goedgekeurd_door}",
                    anker=anker,
                )
            )
        zichtbaar = mag_bewijs_zien(actie)
        for stuk in actie.bewijsstukken.all():
            items.append(
                Moment(
                    stuk.toegevoegd_op,
                    "bewijs",
                    "Bewijs toegevoegd",
                    door=stuk.toegevoegd_door,
                    tekst=stuk.toelichting if zichtbaar else "",
                    extra=str(actie)
                    if zichtbaar
                    else f"{actie} · de inhoud is alleen zichtbaar voor auditors, de beheerder "
                    "en de eigenaren",
                    anker=anker,
                    bewijsstuk=stuk if zichtbaar and stuk.bestand else None,
                )
            )
    for b in beoordelingen:
        items.append(
            Moment(
                b.aangeboden_op,
                "aangeboden",
                "Aangeboden ter beoordeling",
                door=b.aangeboden_door,
                tekst=b.aanbieding,
                anker=f"beoordeling-{b.pk}",
            )
        )
        if b.oordeel:
            items.append(
                Moment(
                    b.beoordeeld_op,
                    "akkoord" if not b.is_afgewezen else "afgewezen",
                    f"Beoordeeld: {b.get_oordeel_display().lower()}",
                    door=b.beoordeeld_door,
                    tekst=b.toelichting,
                    anker=f"beoordeling-{b.pk}",
                )
            )
    for o in jaaroordelen:
        items.append(
            Moment(
                o.vastgelegd_op,
                "jaaroordeel",
                f"Oordeel {o.jaar} van de {bevinding.rapport.get_instantie_display()}: "
                f"{o.get_oordeel_display().lower()}",
                door=o.vastgelegd_door,
                tekst=o.toelichting,
                anker=f"oordeel-{o.jaar}",
            )
        )
    items.sort(key=lambda m: m.moment, reverse=True)
    return items
