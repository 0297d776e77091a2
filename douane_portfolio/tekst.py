"""What free text may contain, decided once: for storage (forms) and for spreadsheets.

Stored text has no C0 control characters except tab and line feed, and its line breaks
are "\\n" (a vertical tab, which Word inserts on Shift+Enter, becomes a line break; NUL
and the rest go). Exports additionally neutralise what a spreadsheet would run.
"""

import datetime
import re
from decimal import Decimal

from django.utils import timezone

# C0 controls (and DEL) that no page, export or report can carry; \t and \n stay.
STUURTEKENS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Excel, LibreOffice and Google Sheets start a formula (or DDE call) with these (OWASP,
# "CSV Injection").
FORMULE_BEGIN = ("=", "+", "-", "@", "\t", "\r")
# What schone_tekst changes: the controls above and \r (of \r\n); most text has none.
TE_SCHONEN = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
GETAL = re.compile(r"[+-]?(\d+([.,]\d+)?|[.,]\d+)([eE][+-]?\d+)?")


def schone_tekst(waarde):
    """Line breaks as \\n, a vertical tab or form feed as a line break, other controls out."""
    if not TE_SCHONEN.search(waarde):
        return waarde  # nothing to change: an export calls this for every cell
    waarde = waarde.replace("\r\n", "\n").replace("\r", "\n")
    waarde = waarde.replace("\x0b", "\n").replace("\x0c", "\n")
    return STUURTEKENS.sub("", waarde)


def spreadsheetcel(waarde):
    """A cell value that no spreadsheet runs as a formula; real numbers stay numbers.

    Text that would start a formula gets a leading apostrophe, as OWASP advises; a plain
    number written as text ("-12", "3.5") is not a formula and is left alone.
    """
    if type(waarde) is str:  # most cells: straight to the text checks
        tekst = schone_tekst(waarde)
    elif waarde is None:
        return ""
    elif isinstance(waarde, datetime.datetime) and timezone.is_aware(waarde):
        # Spreadsheets know no time zones (openpyxl refuses them): local time.
        return timezone.make_naive(waarde)
    elif isinstance(waarde, bool | int | float | Decimal | datetime.date | datetime.time):
        return waarde
    else:
        tekst = schone_tekst(str(waarde))
    if tekst.startswith(FORMULE_BEGIN) and not GETAL.fullmatch(tekst):
        return "'" + tekst
    return tekst
