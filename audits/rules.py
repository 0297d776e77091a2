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

from douane_portfolio.rules import heeft_een_rol, heeft_schrijfrol, is_auditor, is_beheerder


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
beheert_actie = beheert_audits | (heeft_schrijfrol & is_eigenaar_van_bevinding)
werkt_aan_actie = beheert_actie | (heeft_schrijfrol & is_eigenaar_van_actie)
mag_bewijs_zien = beheert_audits | is_eigenaar_van_bevinding | is_eigenaar_van_actie

for model in (
    "auditrapport",
    "bevinding",
    "jaaroordeel",
    "vervolgactie",
    "deadlineverschuiving",
    "beoordeling",
):
    rules.add_perm(f"audits.view_{model}", heeft_een_rol)

rules.add_perm("audits.add_auditrapport", beheert_audits)
rules.add_perm("audits.change_auditrapport", beheert_audits)
rules.add_perm("audits.delete_auditrapport", is_beheerder)

rules.add_perm("audits.add_bevinding", beheert_audits)
rules.add_perm("audits.change_bevinding", beheert_audits & bevinding_open)
rules.add_perm("audits.delete_bevinding", is_beheerder)
# The owner offers; the Beheerder may do so on the owner's behalf (e.g. a successor).
rules.add_perm(
    "audits.aanbieden_bevinding", (heeft_schrijfrol & is_eigenaar_van_bevinding) | is_beheerder
)
# Separation of duties: the one who judges is an auditor and not the owner.
rules.add_perm("audits.beoordelen_bevinding", is_auditor & ~is_eigenaar_van_bevinding)
# Reopening undoes a verdict, so it is the judge's step too, and needs a reason.
rules.add_perm(
    "audits.heropenen_bevinding", is_auditor & ~is_eigenaar_van_bevinding & bevinding_opgelost
)

rules.add_perm("audits.add_jaaroordeel", beheert_audits)
rules.add_perm("audits.change_jaaroordeel", beheert_audits)
rules.add_perm("audits.delete_jaaroordeel", is_beheerder)

# Object: the finding the action is added to.
rules.add_perm("audits.add_vervolgactie", beheert_actie & bevinding_open)
# The owner of an action reports progress (its status); see forms.VervolgactieForm.
rules.add_perm("audits.change_vervolgactie", werkt_aan_actie & bevinding_open)
rules.add_perm("audits.beheren_vervolgactie", beheert_actie & bevinding_open)
rules.add_perm("audits.delete_vervolgactie", is_beheerder)

rules.add_perm("audits.verschuiven_deadline", werkt_aan_actie & bevinding_open)
rules.add_perm("audits.add_deadlineverschuiving", werkt_aan_actie & bevinding_open)
rules.add_perm("audits.change_deadlineverschuiving", is_beheerder)
rules.add_perm("audits.delete_deadlineverschuiving", is_beheerder)

rules.add_perm("audits.view_bewijsstuk", mag_bewijs_zien)
rules.add_perm("audits.add_bewijsstuk", werkt_aan_actie & bevinding_open)
rules.add_perm("audits.change_bewijsstuk", is_beheerder)
rules.add_perm("audits.delete_bewijsstuk", is_beheerder)

# Verdicts are written only by the services (offer, judge); in the admin they are read-only.
rules.add_perm("audits.add_beoordeling", rules.always_deny)
rules.add_perm("audits.change_beoordeling", rules.always_deny)
rules.add_perm("audits.delete_beoordeling", rules.always_deny)
