"""Sensible ranges for what users enter, shared by every form (`SchoneInvoerMixin`)."""

import datetime

from django.core.exceptions import ValidationError

# Portfolio, risks and audits cover this century; a year 1 or 9999 deadline is a typo
# (and would mail "739951 dagen te laat").
EERSTE_JAAR, LAATSTE_JAAR = 2000, 2099
EERSTE_DATUM = datetime.date(EERSTE_JAAR, 1, 1)
LAATSTE_DATUM = datetime.date(LAATSTE_JAAR, 12, 31)
# Longest free text a form accepts where the model names no limit (a TextField).
TEKST_MAX_LENGTE = 10_000
# Whole numbers beyond 32 bits are never meant (and overflow some database columns).
GROOTSTE_GETAL = 2_147_483_647


def redelijke_datum(waarde):
    if waarde is not None and not EERSTE_DATUM <= waarde <= LAATSTE_DATUM:
        raise ValidationError(
            "Kies een datum tussen 1 januari %(eerste)s en 31 december %(laatste)s.",
            code="datum_buiten_bereik",
            params={"eerste": EERSTE_JAAR, "laatste": LAATSTE_JAAR},
        )
