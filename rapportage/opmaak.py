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


# Heat map bands (the risicos colours), light for empty cells so counts stay readable.
NIVEAU_KLEUREN = {
    "laag": ("#39870c", "#d7e7ce"),
    "midden": ("#ffb612", "#fff0c8"),
    "hoog": ("#e17000", "#f9dcc2"),
    "zeer_hoog": ("#d52b1e", "#f6cfcc"),
}


def score_tekst(score, label="niet gescoord"):
    return str(score) if score else label


def heatmap_kaarten(gegevens):
    """Bruto and netto grids from a report's frozen counts ({"kans,impact": n})."""
    from risicos import heatmap

    risicos = gegevens.get("risicos")
    if not risicos:
        return []
    kaarten = []
    for soort in ("bruto", "netto"):
        aantallen = {
            tuple(int(x) for x in sleutel.split(",")): n
            for sleutel, n in risicos["heatmap"][soort].items()
        }
        kaarten.append(heatmap.kaart(aantallen, soort, risicos["niet_gescoord"][soort]))
    return kaarten
