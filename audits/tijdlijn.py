"""The timeline of a finding: what happened, when, by whom, built from its own rows."""

import datetime
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import formats, timezone

from douane_portfolio.models import ActieStatus


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


def met_afrondmoment(acties):
    """Annotate each action of `acties` with when and by whom it last became afgerond
    (`afgerond`), read from its history in the same query (issue 13): the timeline
    knows when and by whom, not only the date. `afrondmomenten` reads it back."""
    historie = acties.model.history
    vorige_status = (
        historie.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    # The newest record that made it afgerond: afgerond, after a record that was not.
    # One subquery with the moment and the user's names in one JSON object: five
    # subqueries cost more to compile than the separate query they replace.
    overgang = (
        historie.filter(id=OuterRef("pk"), status=ActieStatus.AFGEROND)
        .annotate(vorige_status=Subquery(vorige_status))
        .filter(Q(vorige_status__isnull=True) | ~Q(vorige_status=ActieStatus.AFGEROND))
        .order_by("-history_date", "-history_id")
        .values(
            gegevens=JSONObject(
                moment="history_date",
                door=F("history_user_id"),
                voornaam=F("history_user__first_name"),
                achternaam=F("history_user__last_name"),
                gebruikersnaam=F("history_user__username"),
            )
        )[:1]
    )
    return acties.annotate(afgerond=Subquery(overgang, output_field=JSONField()))


def _tijdstip(tekst):
    # PostgreSQL writes an offset, SQLite stores UTC without one.
    moment = datetime.datetime.fromisoformat(tekst)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


def afrondmomenten(acties):
    """{action id: (moment, user)} from actions annotated by `met_afrondmoment`; the user
    is a bare instance with the names its str() shows."""
    User = get_user_model()
    momenten = {}
    for actie in acties:
        gegevens = actie.afgerond
        if isinstance(gegevens, str):  # a JSON text where the driver does not decode it
            gegevens = json.loads(gegevens)
        if not gegevens:
            continue
        door = None
        if gegevens["door"] is not None:
            door = User(
                pk=gegevens["door"],
                first_name=gegevens["voornaam"] or "",
                last_name=gegevens["achternaam"] or "",
                username=gegevens["gebruikersnaam"] or "",
            )
        momenten[actie.pk] = (_tijdstip(gegevens["moment"]), door)
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
