"""The heat map: two 5×5 maps (gross, net) whose cells link to the register."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from douane_portfolio.objectviews import eis_recht

from .. import heatmap as raster
from ..filters import HeatmapFilter
from ..models import Risico

HEATMAP_FILTERS = ("categorie", "toprisico", "eigenaar")


def heatmap(request):
    eis_recht(request.user, "risicos.view_risico")
    basis = Risico.objects.zichtbaar_voor(request.user).actief()
    filterset = HeatmapFilter(request.GET or None, queryset=basis, request=request)
    risicos = filterset.qs if filterset.is_bound else basis
    filters = {
        k: v for k, v in request.GET.items() if k in HEATMAP_FILTERS and v and filterset.is_valid()
    }
    kaarten = [_kaart(risicos, soort, filters) for soort in ("bruto", "netto")]
    return render(
        request,
        "risicos/heatmap.html",
        {
            "titel": "Heat map",
            "filter": filterset,
            "selectie": _selectie(filterset) if filters else [],
            "vandaag": timezone.localdate(),
            "kaarten": kaarten,
            "register_url": reverse("risicos:register") + _query(filters),
        },
    )


def _selectie(filterset):
    """["Categorie: Externe ontwikkelingen", …] for the filters in use, so a printed
    heat map says what it shows."""
    resultaat = []
    for naam, waarde in filterset.form.cleaned_data.items():
        if not waarde:
            continue
        veld = filterset.form.fields[naam]
        keuzes = dict(getattr(veld, "choices", ()))
        resultaat.append(f"{veld.label}: {keuzes.get(waarde, waarde)}")
    return resultaat


def _query(params):
    return "?" + urlencode(params) if params else ""


def _kaart(risicos, soort, filters):
    """One 5×5 map linked to the register, plus how many are not scored."""
    register = reverse("risicos:register")
    aantallen, niet_gescoord = raster.tellingen(risicos, soort)
    resultaat = raster.kaart(
        aantallen,
        soort,
        niet_gescoord,
        url=lambda k, i: register + _query({**filters, f"{soort}_kans": k, f"{soort}_impact": i}),
    )
    resultaat["niet_gescoord_url"] = register + _query({**filters, soort: "niet_gescoord"})
    return resultaat
