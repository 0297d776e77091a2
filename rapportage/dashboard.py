"""Numbers for the management dashboard; each block a few aggregate queries."""

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from audits.models import Bevinding, BevindingStatus, Instantie
from douane_portfolio.acties import actie_modellen
from programmas.models import (
    NIET_GERAPPORTEERD,
    Initiatief,
    Rapportageperiode,
    Status,
    Statusrapportage,
)
from risicos import heatmap
from risicos.models import Risico

STATUSSEN = [*Status.values, "niet_gerapporteerd"]
STATUS_LABELS = {**dict(Status.choices), "niet_gerapporteerd": NIET_GERAPPORTEERD}


def status_per_thema(periode):
    """[{thema, tellingen {status: n}, verschil {status: +/-n}}] for `periode` vs its previous."""
    if periode is None:
        return {"periode": None, "vorige": None, "themas": []}
    vorige = periode.vorige()
    aantallen = {
        (r["thema__naam"]): r["n"]
        for r in Initiatief.objects.actief()
        .values("thema__naam", "thema__volgorde")
        .annotate(n=Count("pk"))
        .order_by("thema__volgorde")
    }
    perioden = [p for p in (periode, vorige) if p is not None]
    tellingen = defaultdict(int)
    for r in (
        Statusrapportage.objects.van_actieve_initiatieven()
        .filter(periode__in=perioden)
        .values("periode", "initiatief__thema__naam", "status")
        .annotate(n=Count("pk"))
    ):
        tellingen[(r["periode"], r["initiatief__thema__naam"], r["status"])] = r["n"]

    def per_status(p, thema):
        rij = {s: tellingen[(p.pk, thema, s)] for s in Status.values}
        rij["niet_gerapporteerd"] = aantallen[thema] - sum(rij.values())
        return rij

    themas = []
    for thema, totaal in aantallen.items():
        nu = per_status(periode, thema)
        toen = per_status(vorige, thema) if vorige else None
        themas.append(
            {
                "naam": thema,
                "totaal": totaal,
                "tellingen": [(s, STATUS_LABELS[s], nu[s]) for s in STATUSSEN],
                "verschil": {s: nu[s] - toen[s] for s in STATUSSEN} if toen else None,
                "balk": _balk(nu, totaal),
            }
        )
    return {"periode": periode, "vorige": vorige, "themas": themas}


def _balk(tellingen, totaal):
    """Segments of a 100%-wide stacked bar: (status, label, n, x%, width%)."""
    segmenten, x = [], 0.0
    for s in STATUSSEN:
        n = tellingen[s]
        if n:
            breedte = 100.0 * n / totaal
            segmenten.append((s, STATUS_LABELS[s], n, round(x, 2), round(breedte, 2)))
            x += breedte
    return segmenten


def te_late_acties(op=None):
    """Overdue actions per kind and per owner: one aggregate query per kind of action."""
    op = op or timezone.localdate()
    per_soort, per_eigenaar = [], defaultdict(lambda: defaultdict(int))
    for model in actie_modellen():
        rijen = model.objects.te_laat(op).values("eigenaar").annotate(n=Count("pk")).order_by()
        totaal = 0
        for r in rijen:
            per_eigenaar[r["eigenaar"]][model._meta.verbose_name_plural] += r["n"]
            totaal += r["n"]
        per_soort.append(
            {
                "soort": str(model._meta.verbose_name_plural),
                "app": model._meta.app_config.verbose_name,
                "aantal": totaal,
            }
        )
    gebruikers = get_user_model().objects.in_bulk(per_eigenaar.keys())
    eigenaren = sorted(
        (
            {
                "eigenaar": gebruikers[pk],
                "per_soort": dict(soorten),
                "totaal": sum(soorten.values()),
            }
            for pk, soorten in per_eigenaar.items()
        ),
        key=lambda r: (-r["totaal"], str(r["eigenaar"])),
    )
    maximum = max([r["aantal"] for r in per_soort] + [1])
    for r in per_soort:
        r["breedte"] = round(100.0 * r["aantal"] / maximum, 2)
    return {"per_soort": per_soort, "per_eigenaar": eigenaren}


def ronde_voortgang():
    periode = Rapportageperiode.objects.open().first()
    if periode is None:
        return None
    totaal = Initiatief.objects.actief().count()
    ingediend = Statusrapportage.objects.van_actieve_initiatieven().filter(periode=periode).count()
    return {
        "periode": periode,
        "totaal": totaal,
        "ingediend": ingediend,
        "procent": round(100 * ingediend / totaal) if totaal else 0,
    }


def netto_heatmap(user):
    """The live net heat map of active risks; each cell links to the filtered register."""
    register = reverse("risicos:register")
    aantallen, niet_gescoord = heatmap.tellingen(
        Risico.objects.zichtbaar_voor(user).actief(), "netto"
    )
    return heatmap.kaart(
        aantallen,
        "netto",
        niet_gescoord,
        url=lambda k, i: f"{register}?{urlencode({'netto_kans': k, 'netto_impact': i})}",
    )


def toprisicos_boven_bereidheid(user):
    return list(
        Risico.objects.zichtbaar_voor(user)
        .actief()
        .toprisicos()
        .boven_risicobereidheid()
        .met_scores()
        .select_related("eigenaar")
        .order_by("-score_netto", "titel")
    )


def bevindingen_per_instantie(user):
    """Findings by body (rows) and status (columns), from one aggregate query."""
    tellingen = defaultdict(int)
    for r in (
        Bevinding.objects.zichtbaar_voor(user)
        .order_by()
        .values("rapport__instantie", "status")
        .annotate(n=Count("pk"))
    ):
        tellingen[(r["rapport__instantie"], r["status"])] = r["n"]
    statussen = list(BevindingStatus.choices)
    rijen = []
    for instantie, label in Instantie.choices:
        aantallen = [tellingen[(instantie, s)] for s, _ in statussen]
        if any(aantallen):
            rijen.append(
                {
                    "instantie": instantie,
                    "naam": label,
                    "aantallen": aantallen,
                    "totaal": sum(aantallen),
                }
            )
    return {"statussen": statussen, "rijen": rijen}
