"""The report's content as plain data: one builder for HTML, PDF, DOCX and snapshots.

`rapport_gegevens(periode)` reads the live data in a fixed, small number of queries and
returns JSON-able dicts and lists (decimals as strings). A closed period's snapshot
stores exactly this, so its report renders the same years later.
"""

from decimal import Decimal
from itertools import groupby

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from programmas.models import (
    IndicatorStatus,
    Indicatorwaarde,
    Initiatief,
    Periodesoort,
    Status,
    Statusrapportage,
    Trend,
)

NIET_GERAPPORTEERD = "niet gerapporteerd"
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
    rapportage = Statusrapportage.objects.filter(initiatief=OuterRef("pk"), periode=periode)
    initiatieven = (
        Initiatief.objects.filter(actief=True)
        .select_related("thema", "eigenaar")
        .met_status(periode, vorige)
        .annotate(
            huidige_toelichting=Subquery(rapportage.values("toelichting")[:1]),
            huidig_pad=Subquery(rapportage.values("pad_naar_groen")[:1]),
        )
        .order_by("thema__volgorde", "volgorde", "naam")
    )
    themas = []
    for thema, rijen in groupby(initiatieven, key=lambda i: i.thema):
        items = []
        telling = dict.fromkeys((*Status.values, "niet_gerapporteerd"), 0)
        for i in rijen:
            telling[i.huidige_status or "niet_gerapporteerd"] += 1
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
                "telling": telling,
            }
        )
    return {"vorige_periode": str(vorige) if vorige else None, "themas": themas}


def indicatoren(periode):
    """Indicator tables of the period, grouped as the report groups them."""
    waarden = (
        Indicatorwaarde.objects.filter(periode=periode)
        .select_related("indicator__initiatief")
        .met_status()
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
    }
