"""The plain writes every app has: a new record from a create form, the changes of an
edit form. App services call these (with their own permission and wording) so that
every write, however simple, validates, checks the right again inside the transaction,
honours the version and records history."""

from .geschiedenis import bewaar_met_historie
from .transacties import schrijftransactie
from .weigeringen import GeenToestemming


def _eis(door, permissie, obj, bericht):
    if permissie and not door.has_perm(permissie, obj):
        raise GeenToestemming(bericht)


@schrijftransactie
def nieuw_vastleggen(
    obj, *, door, permissie, op=None, reden=None, bewaar_koppelingen=None, bericht=""
):
    """Save the new `obj` (its links after it) if `door` has `permissie` (on `op`)."""
    _eis(door, permissie, op, bericht or "U mag dit niet toevoegen.")
    obj.full_clean()
    bewaar_met_historie(obj, door=door, reden=reden)
    if bewaar_koppelingen:
        bewaar_koppelingen()
    return obj


@schrijftransactie
def wijzigingen_bewaren(
    obj, *, door, permissie, verwachte_versie, reden=None, bewaar_koppelingen=None, bericht=""
):
    """Save the changes made to `obj` over `verwachte_versie` (else VerouderdeVersie),
    if `door` has `permissie` on it as stored (the form's changes do not count)."""
    opgeslagen = type(obj)._base_manager.get(pk=obj.pk)
    _eis(door, permissie, opgeslagen, bericht or "U mag dit niet wijzigen.")
    bewaar_met_historie(obj, door=door, reden=reden, verwachte_versie=verwachte_versie)
    if bewaar_koppelingen:
        bewaar_koppelingen()
    return obj
