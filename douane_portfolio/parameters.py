"""Reading numbers from query parameters, which arrive from anyone."""

import re

# ASCII digits only: "²".isdigit() and "١٢".isdigit() are true, but int() refuses the
# first and the database would get the second as a surprise.
CIJFERS = re.compile(r"[0-9]{1,18}")


def id_uit(waarde):
    """A database id from a query parameter, or None for anything else (negative, huge,
    Unicode digits, text)."""
    if isinstance(waarde, str) and CIJFERS.fullmatch(waarde):
        return int(waarde)
    return None


def ids_uit(waarden):
    return [pk for pk in map(id_uit, waarden) if pk is not None]
