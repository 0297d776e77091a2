"""The 5×5 heat map grid: one place for the heat map page, the dashboard and the report."""

from douane_portfolio.models import aantal

from .models import SCHAAL, Heatmapteller, Impact, Kans, score_niveau


def tellingen(risicos, soort):
    """({(kans, impact): n}, not scored) for `soort` "bruto" or "netto": one GROUP BY."""
    kans, impact = f"{soort}_kans", f"{soort}_impact"
    aantallen, niet_gescoord = {}, 0
    for rij in risicos.order_by().values(kans, impact).annotate(n=aantal()):
        if rij[kans] is None or rij[impact] is None:
            niet_gescoord += rij["n"]
        else:
            aantallen[(rij[kans], rij[impact])] = rij["n"]
    return aantallen, niet_gescoord


def uit_tellers(rijen):
    """({(kans, impact): n}, not scored) from (kans, impact, n) rows of `Heatmapteller`,
    where 0 stands for an empty score: as `tellingen` gives them for the active risks."""
    aantallen, niet_gescoord = {}, 0
    for kans, impact, n in rijen:
        kans, impact = int(kans), int(impact)
        if not kans or not impact:
            niet_gescoord += n
        elif n:
            aantallen[(kans, impact)] = n
    return aantallen, niet_gescoord


def netto_tellingen(user):
    """`tellingen(Risico.objects.zichtbaar_voor(user).actief(), "netto")`, read from the
    counters the database keeps (at most 36 rows, however many risks)."""
    return uit_tellers(
        Heatmapteller.objects.zichtbaar_voor(user)
        .filter(aantal__gt=0)
        .values_list("kans", "impact", "aantal")
    )


def kaart(aantallen, soort, niet_gescoord, url=None):
    """Rows of cells, highest kans first; `url(kans, impact)` makes each cell a link."""
    rijen = []
    for k in reversed(SCHAAL):
        cellen = [
            {
                "kans": k,
                "impact": i,
                "score": k * i,
                "niveau": score_niveau(k * i),
                "aantal": aantallen.get((k, i), 0),
                "url": url(k, i) if url else "",
            }
            for i in SCHAAL
        ]
        rijen.append({"kans": k, "label": Kans(k).label, "cellen": cellen})
    return {
        "soort": soort,
        "titel": "Bruto (vóór maatregelen)" if soort == "bruto" else "Netto (na maatregelen)",
        "rijen": rijen,
        "impacts": [(i, Impact(i).label) for i in SCHAAL],
        "gescoord": sum(aantallen.values()),
        "niet_gescoord": niet_gescoord,
    }
