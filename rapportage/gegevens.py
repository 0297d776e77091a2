"""The report's content as plain data, read from the models.

`rapport_gegevens(periode)` reads the live data in a fixed, small number of queries and
returns JSON-able dicts and lists (decimals as strings): the input of `opzet.bouw_rapport`
and of the comparison of two periods. Scores and the appetite breach are the models' own.
"""

from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Prefetch
from django.utils import timezone

from audits.models import Bevinding, Instantie, Jaaroordeel
from programmas.models import (
    NIET_GERAPPORTEERD,
    IndicatorStatus,
    Indicatorwaarde,
    Initiatief,
    Periodesoort,
    Status,
    Trend,
)
from risicos import heatmap
from risicos.models import (
    NIET_GESCOORD,
    Beheersmaatregel,
    Categorie,
    DialoogStatus,
    Risico,
    Risicodialoog,
    score_niveau,
)

from .models import Rapporttekst

STATUS_LABELS = dict(Status.choices)


def _getal(waarde):
    if waarde is None:
        return None
    return format(Decimal(waarde).normalize(), "f")


def periode_gegevens(periode):
    return {
        "id": periode.pk,
        "naam": str(periode),
        "jaar": periode.jaar,
        "soort": periode.soort,
        "is_jaar": periode.soort == Periodesoort.JAAR,
        "status": periode.status,
        "begindatum": periode.begindatum.isoformat(),
        "einddatum": periode.einddatum.isoformat(),
    }


def activiteiten(periode):
    """Chapter 3: per theme its initiatives with status, trend and explanation."""
    vorige = periode.vorige()
    initiatieven = Initiatief.objects.activiteitentabel(periode)
    themas = []
    for thema, rijen in groupby(initiatieven, key=lambda i: i.thema):
        items = []
        for i in rijen:
            items.append(
                {
                    "id": i.pk,
                    "naam": i.naam,
                    "eigenaar": str(i.eigenaar),
                    "status": i.huidige_status,
                    "status_label": STATUS_LABELS.get(i.huidige_status, NIET_GERAPPORTEERD),
                    "vorige_status": i.vorige_status,
                    "trend": i.trend,
                    "trend_label": Trend(i.trend).label if i.trend else "",
                    "toelichting": i.huidige_toelichting or "",
                    "pad_naar_groen": i.huidig_pad or "",
                }
            )
        themas.append(
            {
                "naam": thema.naam,
                "paragraaf": thema.paragraaf,
                "initiatieven": items,
            }
        )
    return {"vorige_periode": str(vorige) if vorige else None, "themas": themas}


def indicatoren(periode):
    """Indicator tables of the period, grouped as the report groups them."""
    waarden = (
        Indicatorwaarde.objects.filter(periode=periode)
        .select_related("indicator__initiatief")
        .order_by(
            "indicator__initiatief__thema__volgorde", "indicator__groep", "indicator__volgorde"
        )
    )
    labels = dict(IndicatorStatus.choices)
    groepen = []
    for groep, rijen in groupby(waarden, key=lambda w: w.indicator.groep):
        items = []
        for w in rijen:
            percentage = w.realisatie_percentage
            items.append(
                {
                    "naam": w.indicator.naam,
                    "eenheid": w.indicator.eenheid,
                    "richting": w.indicator.richting,
                    "initiatief": w.indicator.initiatief.naam if w.indicator.initiatief else "",
                    "doelstelling": _getal(w.doelstelling),
                    "realisatie": _getal(w.realisatie),
                    "bandbreedte": _getal(w.bandbreedte),
                    "percentage": _getal(round(percentage, 1)) if percentage is not None else None,
                    "status": w.berekende_status,
                    "status_label": labels[w.berekende_status],
                    "toelichting": w.toelichting,
                }
            )
        heeft_doel = any(i["doelstelling"] is not None for i in items)
        totaal = None
        optelbaar = (
            len(items) > 1
            and not heeft_doel
            and len({i["eenheid"] for i in items}) == 1
            and all(i["realisatie"] is not None for i in items)
        )
        if optelbaar:
            # Tables of plain figures in one unit (Afdrachten) end with their total, as the
            # report does.
            totaal = _getal(sum(Decimal(i["realisatie"]) for i in items))
        groepen.append({"naam": groep, "rijen": items, "heeft_doel": heeft_doel, "totaal": totaal})
    return {"groepen": groepen}


def rapport_gegevens(periode):
    return {
        "periode": periode_gegevens(periode),
        "gemaakt_op": timezone.now().isoformat(),
        "indicatoren": indicatoren(periode),
        "activiteiten": activiteiten(periode),
        "risicos": risicoparagraaf(periode),
        "audits": auditparagraaf(periode),
        "teksten": teksten(periode),
    }


def teksten(periode):
    """Chapters 1 and 2 as the portfolio office wrote them (empty: no chapters)."""
    rapporttekst = Rapporttekst.objects.filter(periode=periode).first()
    if rapporttekst is None:
        return {}
    return {
        "inleiding": rapporttekst.inleiding,
        "verhaal_titel": rapporttekst.verhaal_titel,
        "verhaal": rapporttekst.verhaal,
    }


def risicoparagraaf(periode):
    """Chapter 4.1: top risks per group with their measures, the overarching measures,
    the heat map and the dialogues held in the period."""
    maatregelen = Beheersmaatregel.objects.exclude(status="vervallen").select_related("eigenaar")
    risicos = list(
        Risico.objects.actief()
        .toprisicos()
        .select_related("eigenaar")
        .prefetch_related(Prefetch("maatregelen", queryset=maatregelen.order_by("deadline", "pk")))
        .order_by("pk")  # the order of the register (the report's order for the demo)
    )
    groepen = []
    for categorie in (Categorie.EXTERN, Categorie.INTERN):
        items = []
        for r in risicos:
            if r.categorie != categorie:
                continue
            bruto, netto = r.bruto_score, r.netto_score
            items.append(
                {
                    "id": r.pk,
                    "titel": r.titel,
                    "eigenaar": str(r.eigenaar),
                    "bruto": bruto,
                    "bruto_niveau": score_niveau(bruto),
                    "netto": netto,
                    "netto_niveau": score_niveau(netto),
                    "risicobereidheid": r.risicobereidheid,
                    "boven_bereidheid": r.boven_risicobereidheid,
                    "maatregelen": [
                        {
                            "omschrijving": m.omschrijving,
                            "status": m.get_status_display(),
                            "deadline": m.deadline.isoformat(),
                        }
                        for m in r.maatregelen.all()
                    ],
                }
            )
        groepen.append({"categorie": categorie.value, "naam": categorie.label, "risicos": items})

    overkoepelend = [
        {"omschrijving": m.omschrijving, "status": m.get_status_display()}
        for m in maatregelen.filter(risicos__isnull=True).order_by("pk")
    ]
    kaart, niet_gescoord = {}, {}
    for soort in ("bruto", "netto"):
        aantallen, niet_gescoord[soort] = heatmap.tellingen(Risico.objects.actief(), soort)
        kaart[soort] = {f"{k},{i}": n for (k, i), n in aantallen.items()}
    dialogen = [
        {
            "titel": d.titel,
            "datum": d.datum.isoformat(),
            "niveau": d.get_niveau_display(),
            "status": d.get_status_display(),
            "aantal_risicos": d.aantal,
            "besluiten": d.besluiten,
        }
        for d in Risicodialoog.objects.filter(
            datum__gte=periode.begindatum,
            datum__lte=periode.einddatum,
            status__in=[DialoogStatus.GEHOUDEN, DialoogStatus.VASTGESTELD],
        )
        .annotate(aantal=Count("punten"))
        .order_by("datum")
    ]
    return {
        "groepen": groepen,
        "aantal_toprisicos": len(risicos),
        "overkoepelend": overkoepelend,
        "heatmap": kaart,
        "niet_gescoord": niet_gescoord,
        "niet_gescoord_label": NIET_GESCOORD,
        "dialogen": dialogen,
    }


def auditparagraaf(periode):
    """Chapter 4.2: ADR/ARK findings with status, expected resolution and the year's verdict."""
    oordelen = {
        o.bevinding_id: o.get_oordeel_display()
        for o in Jaaroordeel.objects.filter(jaar=periode.jaar)
    }
    bevindingen = Bevinding.objects.select_related("rapport", "eigenaar").order_by(
        "rapport__instantie", "rapport__jaar", "titel"
    )
    labels = dict(Instantie.choices)
    instanties = []
    for instantie, rijen in groupby(bevindingen, key=lambda b: b.rapport.instantie):
        items = []
        for b in rijen:
            verwacht = b.verwacht_opgelost
            items.append(
                {
                    "id": b.pk,
                    "titel": b.titel,
                    "rapport": str(b.rapport),
                    "soort": b.get_soort_display(),
                    "domein": b.domein,
                    "status": b.status,
                    "status_label": b.get_status_display(),
                    "verwacht_opgelost": verwacht.isoformat()
                    if hasattr(verwacht, "isoformat")
                    else verwacht,
                    "oordeel": oordelen.get(b.pk, ""),
                }
            )
        instanties.append({"instantie": instantie, "naam": labels[instantie], "bevindingen": items})
    return {"jaar": periode.jaar, "instanties": instanties}
