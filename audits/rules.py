"""Who may do what in the audit follow-up. Predicates come from douane_portfolio.rules.

Everyone with a role reads findings, actions, verdicts and yearly judgements. Evidence
can hold personal or sensitive data, so only auditors, the Beheerder, the owner of
the finding and the owner of the action see and download it. Only an auditor gives a
verdict, and never on a finding they own. Owners write only when their role may
write at all (a Lezer made owner still only reads). Once a finding is resolved its
actions, evidence and deadlines are closed; only an auditor's reasoned reopening of the
finding opens them again.
"""

import rules

from douane_portfolio.rollen import AUDITOR, BEHEERDER, PROGRAMMAMANAGER, RISICOFUNCTIONARIS
from douane_portfolio.rules import (
    ALLE,
    ALTIJD,
    IEDEREEN,
    Rechten,
    Voorwaarde,
    is_auditor,
    is_beheerder,
)


def _actie_van(obj):
    """The follow-up action of an action, a piece of evidence or a postponement."""
    return getattr(obj, "actie", obj)


def _bevinding_van(obj):
    """The finding of a finding, an action, or anything that hangs off an action."""
    return getattr(_actie_van(obj), "bevinding", obj)


@rules.predicate
def is_eigenaar_van_bevinding(user, obj):
    if obj is None or not user.is_authenticated:
        return False
    return getattr(_bevinding_van(obj), "eigenaar_id", None) == user.pk


@rules.predicate
def is_eigenaar_van_actie(user, obj):
    if obj is None or not user.is_authenticated:
        return False
    actie = _actie_van(obj)
    # A finding has an owner too, but it is no action: only actions hang off a finding.
    if not hasattr(actie, "bevinding_id"):
        return False
    return getattr(actie, "eigenaar_id", None) == user.pk


@rules.predicate
def bevinding_open(user, obj):
    # Without an object (a page asking "may I at all?") the role decides.
    return obj is None or not getattr(_bevinding_van(obj), "is_opgelost", False)


@rules.predicate
def bevinding_opgelost(user, obj):
    return obj is not None and getattr(_bevinding_van(obj), "is_opgelost", False)


beheert_audits = is_auditor | is_beheerder

open_ = Voorwaarde("bevinding niet opgelost", bevinding_open)
# Owners write only with a role that may write; a Lezer made owner still only reads.
eigen_bevinding = Voorwaarde(
    "eigen bevinding, niet opgelost", is_eigenaar_van_bevinding & bevinding_open
)
eigen_bevinding_of_actie = Voorwaarde(
    "eigen bevinding of actie, niet opgelost",
    (is_eigenaar_van_bevinding | is_eigenaar_van_actie) & bevinding_open,
)
LEZEN = {ALLE: ALTIJD}
BEHEREN = {AUDITOR: ALTIJD, BEHEERDER: ALTIJD}
ALLEEN_BEHEERDER = {BEHEERDER: ALTIJD}
NIEMAND = {}


def _beheert_actie(eigenaar_pm, eigenaar_rf):
    """Auditors and the Beheerder while the finding is open; owners as given."""
    return {
        AUDITOR: open_,
        BEHEERDER: open_,
        PROGRAMMAMANAGER: eigenaar_pm,
        RISICOFUNCTIONARIS: eigenaar_rf,
    }


# A programme manager owning a finding or action may do this from the list pages too
# (the group holds the permission); a risk officer only on the object itself.
werkt_aan_actie = _beheert_actie(eigen_bevinding_of_actie, eigen_bevinding_of_actie.per_object())

RECHTEN = Rechten(
    "audits",
    {
        **{
            f"view_{m}": LEZEN
            for m in (
                "auditrapport",
                "bevinding",
                "jaaroordeel",
                "vervolgactie",
                "deadlineverschuiving",
                "beoordeling",
            )
        },
        "add_auditrapport": BEHEREN,
        "change_auditrapport": BEHEREN,
        "delete_auditrapport": ALLEEN_BEHEERDER,
        "add_bevinding": BEHEREN,
        "change_bevinding": {AUDITOR: open_, BEHEERDER: open_},
        "delete_bevinding": ALLEEN_BEHEERDER,
        # The owner offers; the Beheerder may do so on the owner's behalf (a successor).
        "aanbieden_bevinding": {
            BEHEERDER: ALTIJD,
            **{
                rol: Voorwaarde("eigen bevinding", is_eigenaar_van_bevinding).per_object()
                for rol in (PROGRAMMAMANAGER, RISICOFUNCTIONARIS, AUDITOR)
            },
        },
        # Separation of duties: the one who judges is an auditor and not the owner.
        "beoordelen_bevinding": {
            AUDITOR: Voorwaarde("niet de eigen bevinding", ~is_eigenaar_van_bevinding)
        },
        # Reopening undoes a verdict, so it is the judge's step too, and needs a reason.
        "heropenen_bevinding": {
            AUDITOR: Voorwaarde(
                "opgeloste bevinding, niet de eigen",
                ~is_eigenaar_van_bevinding & bevinding_opgelost,
            ).per_object()
        },
        "add_jaaroordeel": BEHEREN,
        "change_jaaroordeel": BEHEREN,
        "delete_jaaroordeel": ALLEEN_BEHEERDER,
        # Object: the finding the action is added to.
        "add_vervolgactie": _beheert_actie(eigen_bevinding, eigen_bevinding.per_object()),
        # The owner of an action reports progress (its status); see forms.VervolgactieForm.
        "change_vervolgactie": werkt_aan_actie,
        "beheren_vervolgactie": _beheert_actie(
            eigen_bevinding.per_object(), eigen_bevinding.per_object()
        ),
        "delete_vervolgactie": ALLEEN_BEHEERDER,
        "verschuiven_deadline": _beheert_actie(
            eigen_bevinding_of_actie.per_object(), eigen_bevinding_of_actie.per_object()
        ),
        "add_deadlineverschuiving": werkt_aan_actie,
        "change_deadlineverschuiving": ALLEEN_BEHEERDER,
        "delete_deadlineverschuiving": ALLEEN_BEHEERDER,
        # Evidence can hold personal data: auditors, the Beheerder and the owners of the
        # finding and the action, whatever their role.
        "view_bewijsstuk": {
            **BEHEREN,
            IEDEREEN: Voorwaarde(
                "eigen bevinding of actie", is_eigenaar_van_bevinding | is_eigenaar_van_actie
            ).per_object(),
        },
        "add_bewijsstuk": werkt_aan_actie,
        "change_bewijsstuk": ALLEEN_BEHEERDER,
        "delete_bewijsstuk": ALLEEN_BEHEERDER,
        # Verdicts are written only by the services (offer, judge); read-only in the admin.
        "add_beoordeling": NIEMAND,
        "change_beoordeling": NIEMAND,
        "delete_beoordeling": NIEMAND,
    },
    namen={
        "aanbieden_bevinding": "Bevinding ter beoordeling aanbieden",
        "beoordelen_bevinding": "Bevinding beoordelen",
        "heropenen_bevinding": "Opgeloste bevinding heropenen",
        "beheren_vervolgactie": "Vervolgactie beheren (omschrijving, eigenaar)",
        "verschuiven_deadline": "Deadline verschuiven",
    },
)
RECHTEN.registreren()
