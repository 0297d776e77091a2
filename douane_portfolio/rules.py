"""Role and ownership predicates: the one place where "who may" is decided.

Apps combine these in their own rules.py into permissions such as
`programmas.change_initiatief`; views, templates ({% has_perm %}) and the admin
all ask those permissions, so a rule is never only a hidden menu item.
"""

import rules

from . import rollen


def _heeft_rol(naam):
    @rules.predicate(name=f"is_{naam.lower()}")
    def predicate(user):
        return user.is_authenticated and (user.is_superuser or naam in user.rollen)

    return predicate


is_programmamanager = _heeft_rol(rollen.PROGRAMMAMANAGER)
is_risicofunctionaris = _heeft_rol(rollen.RISICOFUNCTIONARIS)
is_auditor = _heeft_rol(rollen.AUDITOR)
is_beheerder = _heeft_rol(rollen.BEHEERDER)
is_lezer = _heeft_rol(rollen.LEZER)


@rules.predicate
def heeft_een_rol(user):
    """Everyone with a role may read the portfolio, the register and the audits."""
    return user.is_authenticated and (user.is_superuser or bool(user.rollen))


def gesloten_reden(obj):
    """Why `obj` is closed to changes (a resolved finding, adopted minutes …), in Dutch,
    or "" when it is not: a refused step says why instead of just "Geen toegang"."""
    reden = getattr(obj, "gesloten_reden", None)
    return (reden() if callable(reden) else None) or ""


@rules.predicate
def heeft_schrijfrol(user):
    """A role that may change something. Owning an object gives no write right by
    itself: a Lezer made owner of a milestone, measure or action still only reads."""
    return user.is_authenticated and user.mag_schrijven


@rules.predicate
def is_eigenaar(user, obj):
    """The object's owner (`eigenaar`), for objects that have one."""
    if obj is None or not user.is_authenticated:
        return False
    return getattr(obj, "eigenaar_id", None) == user.pk
