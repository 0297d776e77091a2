"""Who may do what in the portfolio. Predicates come from douane_portfolio.rules."""

import rules

from douane_portfolio.rollen import (
    AUDITOR,
    BEHEERDER,
    PROGRAMMAMANAGER,
    RISICOFUNCTIONARIS,
)
from douane_portfolio.rules import (
    ALLE,
    ALTIJD,
    Rechten,
    Voorwaarde,
    is_eigenaar,
)


@rules.predicate
def is_eigenaar_van_initiatief(user, obj):
    """Owner of the initiative itself, or of the initiative a milestone/value belongs to."""
    if obj is None or not user.is_authenticated:
        return False
    initiatief = getattr(obj, "initiatief", obj)
    if initiatief is None:
        return False
    return getattr(initiatief, "eigenaar_id", None) == user.pk


@rules.predicate
def indicator_van_initiatief(user, obj):
    initiatief = getattr(getattr(obj, "indicator", obj), "initiatief_id", None)
    return initiatief is not None


@rules.predicate
def is_eigenaar_van_indicator(user, obj):
    indicator = getattr(obj, "indicator", obj)
    return indicator is not None and is_eigenaar_van_initiatief(user, indicator)


eigen_initiatief = Voorwaarde("eigen initiatief", is_eigenaar_van_initiatief)
# Agency-wide indicators (no initiative) only by the portfolio office.
eigen_indicator = Voorwaarde(
    "indicator van eigen initiatief", indicator_van_initiatief & is_eigenaar_van_indicator
)
eigen_mijlpaal = Voorwaarde("eigen mijlpaal", is_eigenaar)
LEZEN = {ALLE: ALTIJD}
ALLEEN_BEHEERDER = {BEHEERDER: ALTIJD}

RECHTEN = Rechten(
    "programmas",
    {
        **{
            f"view_{m}": LEZEN
            for m in (
                "thema",
                "initiatief",
                "rapportageperiode",
                "statusrapportage",
                "mijlpaal",
                "prestatieindicator",
                "indicatorwaarde",
            )
        },
        "add_thema": ALLEEN_BEHEERDER,
        "change_thema": ALLEEN_BEHEERDER,
        "delete_thema": ALLEEN_BEHEERDER,
        "add_initiatief": ALLEEN_BEHEERDER,
        "change_initiatief": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_initiatief},
        "delete_initiatief": ALLEEN_BEHEERDER,
        # Reporting rounds belong to the portfolio office.
        "add_rapportageperiode": ALLEEN_BEHEERDER,
        "change_rapportageperiode": ALLEEN_BEHEERDER,
        "delete_rapportageperiode": ALLEEN_BEHEERDER,
        # A status is reported for an initiative (the object); whether the period is
        # still open is checked by the service, since only a Beheerder may change a
        # closed period.
        "rapporteer_status": {
            BEHEERDER: ALTIJD,
            PROGRAMMAMANAGER: eigen_initiatief.per_object(),
        },
        "add_statusrapportage": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_initiatief},
        "change_statusrapportage": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_initiatief},
        "delete_statusrapportage": ALLEEN_BEHEERDER,
        # Milestones: the initiative's manager plans them; their owner (if that owner
        # may write at all) reports progress, the status only, as for measures and
        # actions.
        "add_mijlpaal": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_initiatief},
        "change_mijlpaal": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_initiatief},
        "change_status_mijlpaal": {
            BEHEERDER: ALTIJD,
            PROGRAMMAMANAGER: Voorwaarde(
                "eigen initiatief of mijlpaal", is_eigenaar_van_initiatief | is_eigenaar
            ).per_object(),
            RISICOFUNCTIONARIS: eigen_mijlpaal.per_object(),
            AUDITOR: eigen_mijlpaal.per_object(),
        },
        "delete_mijlpaal": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_initiatief},
        "add_prestatieindicator": {
            BEHEERDER: ALTIJD,
            PROGRAMMAMANAGER: eigen_indicator.per_object(),
        },
        "change_prestatieindicator": {
            BEHEERDER: ALTIJD,
            PROGRAMMAMANAGER: eigen_indicator.per_object(),
        },
        "delete_prestatieindicator": ALLEEN_BEHEERDER,
        "add_indicatorwaarde": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_indicator},
        "change_indicatorwaarde": {BEHEERDER: ALTIJD, PROGRAMMAMANAGER: eigen_indicator},
        "delete_indicatorwaarde": ALLEEN_BEHEERDER,
    },
    namen={
        "rapporteer_status": "Status rapporteren",
        "change_status_mijlpaal": "Status van een mijlpaal melden",
    },
)
RECHTEN.registreren()
