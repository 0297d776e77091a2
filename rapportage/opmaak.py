"""The report's colours (Rijkshuisstijl), for PDF and Word where CSS does not reach."""

KLEUREN = {"groen": "#39870c", "oranje": "#e17000", "rood": "#d52b1e"}
GRIJS = "#6f6f6f"

# Heat map bands (the risicos colours), light for empty cells so counts stay readable.
NIVEAU_KLEUREN = {
    "laag": ("#39870c", "#d7e7ce"),
    "midden": ("#ffb612", "#fff0c8"),
    "hoog": ("#e17000", "#f9dcc2"),
    "zeer_hoog": ("#d52b1e", "#f6cfcc"),
}


def kaartkleur(cel):
    """A heat map cell's colour: the band's full colour when risks sit in it."""
    vol, licht = NIVEAU_KLEUREN[cel.niveau]
    return vol if cel.aantal else licht
