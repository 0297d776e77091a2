"""Dutch number formatting shared by tables, templates and exports."""

import datetime
from decimal import Decimal
from functools import lru_cache

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language


def getal(waarde, decimalen=None):
    """451621.00 -> '451.621'; 6.90 -> '6,9'; None -> ''."""
    if waarde is None or waarde == "":
        return ""
    if isinstance(waarde, str):
        waarde = Decimal(waarde)  # report snapshots keep decimals as strings
    soort = type(waarde)
    if soort is int or soort is Decimal:
        # Remembered per value and language, like datum_kort: a list shows hundreds.
        # The text of the value is the key: Decimal("1.0") == 1, but prints otherwise.
        return _getal(soort, str(waarde), decimalen, get_language())
    return _getal_opmaken(waarde, decimalen)


@lru_cache(maxsize=4096)
def _getal(soort, tekst, decimalen, taal):
    return _getal_opmaken(soort(tekst), decimalen)


def _getal_opmaken(waarde, decimalen):
    if isinstance(waarde, Decimal):
        waarde = waarde.normalize()
        if decimalen is None:
            decimalen = max(0, -waarde.as_tuple().exponent)
    return formats.number_format(waarde, decimal_pos=decimalen, use_l10n=True, force_grouping=True)


def platte_waarde(waarde):
    """For CSV/XLSX: a plain number without grouping ('451621', '6.9')."""
    if waarde is None:
        return ""
    if isinstance(waarde, Decimal):
        waarde = waarde.normalize()
        return format(waarde, "f")
    return waarde


def datum(waarde):
    """'2023-12-31' / date / datetime -> '31 december 2023' (Dutch); a year stays a year."""
    if isinstance(waarde, int) or (isinstance(waarde, str) and waarde.isdigit()):
        return str(waarde)
    if isinstance(waarde, str):
        # Python 3.11's fromisoformat (inside parse_datetime) takes a bare date as midnight.
        waarde = (parse_date(waarde) if len(waarde) == 10 else None) or parse_datetime(waarde)
    if isinstance(waarde, datetime.datetime):
        waarde = timezone.localtime(waarde) if timezone.is_aware(waarde) else waarde
        return formats.date_format(waarde, r"j F Y \o\m H:i")
    if type(waarde) is datetime.date:
        # A reminder mail lists dozens of deadlines, the sweep thousands of mails.
        return _datum_opmaak(waarde, "j F Y", get_language())
    return formats.date_format(waarde, "j F Y")


def datum_kort(waarde):
    """A date as '3 dec 2026' (tables: `date_format(d, "j b Y")`). Remembered per date and
    language: formatting costs tens of microseconds, a list page shows a hundred dates."""
    return _datum_opmaak(waarde, "j b Y", get_language())


@lru_cache(maxsize=4096)
def _datum_opmaak(waarde, formaat, taal):
    return formats.date_format(waarde, formaat)
