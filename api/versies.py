"""ETag and If-Match: the optimistic lock of the forms, spoken in HTTP.

The ETag of an object is its `versie` field (douane_portfolio.locking); a write
names the version it builds on in If-Match and the service refuses a stale one.
"""

import re

from .problemen import VersieVereist, VersieVerouderd

_ETAG = re.compile(r'\s*(?:W/)?"(\d+)"\s*')


def etag(obj):
    return f'"{obj.versie}"'


def verwachte_versie(request):
    """The version named in If-Match: 428 when missing, 412 when it names no version."""
    waarde = request.headers.get("If-Match", "").strip()
    if not waarde or waarde == "*":
        # "*" would match any version, which is exactly the lost update to prevent.
        raise VersieVereist()
    gevonden = _ETAG.fullmatch(waarde)
    if not gevonden:
        raise VersieVerouderd(
            "De If-Match-header bevat geen ETag van dit object. Er is niets opgeslagen."
        )
    return int(gevonden.group(1))
