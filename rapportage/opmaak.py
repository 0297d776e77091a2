from douane_portfolio.opmaak import datum

# The report's colours (Rijkshuisstijl), for PDF and Word where CSS does not reach.
KLEUREN = {"groen": "#39870c", "oranje": "#e17000", "rood": "#d52b1e"}
LEGENDA = (
    "De activiteitentabel geeft de status weer van de activiteiten uit het jaarplan. "
    "Groen: verloopt zoals gepland in het jaarplan. Oranje: verloopt minder of anders dan "
    "gepland was in het jaarplan. Rood: verloopt niet zoals gepland in het jaarplan."
)


def stand(periode, snapshot):
    """Which moment the report shows (its first line under the title)."""
    peildatum = datum(periode["einddatum"])
    if snapshot is not None:
        vastgelegd = datum(snapshot.vastgelegd_op)
        return f"Stand op de peildatum {peildatum}; momentopname vastgelegd op {vastgelegd}."
    return f"Actuele stand, peildatum {peildatum}."


def heatmap_kaart(tellingen, soort, niet_gescoord, links=False):
    """A 5×5 grid (kans rows high→low, impact columns) from {"k,i": n} counts.

    The counts come from the report data (possibly a snapshot); with `links` each cell
    points to the live register filtered on it (the dashboard).
    """
    from urllib.parse import urlencode

    from django.urls import reverse

    from risicos.models import SCHAAL, Impact, Kans, score_niveau

    register = reverse("risicos:register")
    rijen = []
    for k in reversed(SCHAAL):
        cellen = []
        for i in SCHAAL:
            query = urlencode({f"{soort}_kans": k, f"{soort}_impact": i})
            cellen.append(
                {
                    "kans": k,
                    "impact": i,
                    "score": k * i,
                    "niveau": score_niveau(k * i),
                    "aantal": tellingen.get(f"{k},{i}", 0),
                    "url": f"{register}?{query}" if links else "",
                }
            )
        rijen.append({"kans": k, "label": Kans(k).label, "cellen": cellen})
    return {
        "soort": soort,
        "titel": "Bruto (vóór maatregelen)" if soort == "bruto" else "Netto (na maatregelen)",
        "rijen": rijen,
        "impacts": [(i, Impact(i).label) for i in SCHAAL],
        "gescoord": sum(tellingen.values()),
        "niet_gescoord": niet_gescoord,
    }


# Heat map bands (the risicos colours), light for empty cells so counts stay readable.
NIVEAU_KLEUREN = {
    "laag": ("#39870c", "#d7e7ce"),
    "midden": ("#ffb612", "#fff0c8"),
    "hoog": ("#e17000", "#f9dcc2"),
    "zeer_hoog": ("#d52b1e", "#f6cfcc"),
}


def score_tekst(score, label="niet gescoord"):
    return str(score) if score else label


def heatmap_kaarten(gegevens, links=False):
    risicos = gegevens.get("risicos")
    if not risicos:
        return []
    return [
        heatmap_kaart(risicos["heatmap"][soort], soort, risicos["niet_gescoord"][soort], links)
        for soort in ("bruto", "netto")
    ]
