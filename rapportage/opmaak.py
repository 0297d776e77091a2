import datetime

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

# The report's colours (Rijkshuisstijl), for PDF and Word where CSS does not reach.
KLEUREN = {"groen": "#39870c", "oranje": "#e17000", "rood": "#d52b1e"}


def datum(waarde):
    """'2023-12-31' / date / datetime -> '31 december 2023' (Dutch)."""
    if isinstance(waarde, str):
        waarde = parse_datetime(waarde) or parse_date(waarde)
    if isinstance(waarde, datetime.datetime):
        waarde = timezone.localtime(waarde) if timezone.is_aware(waarde) else waarde
        return formats.date_format(waarde, r"j F Y \o\m H:i")
    return formats.date_format(waarde, "j F Y")


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
