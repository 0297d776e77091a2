"""Who may do what in the register. Predicates come from douane_portfolio.rules."""

import rules

from douane_portfolio.rollen import AUDITOR, BEHEERDER, PROGRAMMAMANAGER, RISICOFUNCTIONARIS
from douane_portfolio.rules import (
    ALLE,
    ALLEEN_MODEL,
    ALTIJD,
    Rechten,
    Voorwaarde,
    is_beheerder,
    is_eigenaar,
    is_risicofunctionaris,
)

from .models import DialoogStatus

# Risk officers keep the register and run the dialogues; the portfolio office may too.
beheert_risicos = is_risicofunctionaris | is_beheerder


@rules.predicate
def dialoog_niet_vastgesteld(user, dialoog):
    # Without an object (a list page asking "may I at all?") the role decides.
    return dialoog is None or dialoog.status != DialoogStatus.VASTGESTELD


@rules.predicate
def dialoog_gepland(user, dialoog):
    return dialoog is not None and dialoog.status == DialoogStatus.GEPLAND


@rules.predicate
def dialoog_gehouden(user, dialoog):
    return dialoog is not None and dialoog.status == DialoogStatus.GEHOUDEN


niet_vastgesteld = Voorwaarde("niet vastgesteld", dialoog_niet_vastgesteld)
# The owner of a measure reports its progress: status only (see views.MaatregelStatusView).
eigen_maatregel = Voorwaarde("eigen maatregel", is_eigenaar).per_object()
BEHEREN = {RISICOFUNCTIONARIS: ALTIJD, BEHEERDER: ALTIJD}
LEZEN = {ALLE: ALTIJD}
NIEMAND = {}

RECHTEN = Rechten(
    "risicos",
    {
        **{
            f"view_{m}": LEZEN
            for m in (
                "risico",
                "scorewijziging",
                "beheersmaatregel",
                "risicodialoog",
                "dialoogrisico",
            )
        },
        "add_risico": BEHEREN,
        "change_risico": BEHEREN,
        "scoren_risico": BEHEREN,
        # Risks are closed (status gesloten), never deleted: their score history must stay.
        "delete_risico": NIEMAND,
        "add_beheersmaatregel": BEHEREN,
        "change_beheersmaatregel": BEHEREN,
        "change_status_beheersmaatregel": {
            **BEHEREN,
            PROGRAMMAMANAGER: eigen_maatregel,
            AUDITOR: eigen_maatregel,
        },
        "delete_beheersmaatregel": NIEMAND,
        "add_risicodialoog": BEHEREN,
        # Adopted minutes are locked for everyone.
        "change_risicodialoog": {RISICOFUNCTIONARIS: niet_vastgesteld, BEHEERDER: niet_vastgesteld},
        "gehouden_risicodialoog": {
            rol: Voorwaarde("gepland", dialoog_gepland).per_object() for rol in BEHEREN
        },
        "vaststellen_risicodialoog": {
            rol: Voorwaarde("gehouden", dialoog_gehouden).per_object() for rol in BEHEREN
        },
        "delete_risicodialoog": NIEMAND,
        # The risks on a dialogue's agenda: the admin's inline of a dialogue; the
        # pages write them through the dialogue's own rights.
        "add_dialoogrisico": {RISICOFUNCTIONARIS: ALLEEN_MODEL, BEHEERDER: ALLEEN_MODEL},
        "change_dialoogrisico": {RISICOFUNCTIONARIS: ALLEEN_MODEL, BEHEERDER: ALLEEN_MODEL},
    },
    namen={
        "scoren_risico": "Risico scoren",
        "change_status_beheersmaatregel": "Status van een maatregel melden",
        "gehouden_risicodialoog": "Risicodialoog als gehouden vastleggen",
        "vaststellen_risicodialoog": "Verslag van een risicodialoog vaststellen",
    },
)
RECHTEN.registreren()
