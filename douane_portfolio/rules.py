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


# --- One declaration per app: who may do what --------------------------------------------
#
# Each app states every right once, in its rules.py, as {codename: {role: condition}}.
# From that one table come both the object rules (django-rules, asked by views,
# templates and the admin) and the model permissions of the role groups
# (`AppConfig.rol_permissies`, applied by `rollen.rollen_bijwerken`), so the two cannot
# disagree. `manage.py rollentabel` prints the table for the README.

ALLE = "alle rollen"  # every role: `heeft_een_rol`
IEDEREEN = "iedereen"  # any signed-in user, with or without a role (the condition decides)


class Voorwaarde:
    """When a role holds a right on an object: if `predicaat(user, obj)` holds.

    Asked without an object (a list page, a menu, the admin) the answer is
    `zonder_object`; that is also whether the role's group holds the model permission.
    `uitleg` is the Dutch text of the role table.
    """

    def __init__(self, uitleg, predicaat=None, *, zonder_object=True):
        self.uitleg = uitleg
        self.predicaat = predicaat
        self.zonder_object = zonder_object

    def __repr__(self):
        return f"Voorwaarde({self.uitleg!r}, zonder_object={self.zonder_object})"

    def per_object(self):
        """The same condition, but no right at all without an object (and no group
        permission): the role may do it only on objects that meet it."""
        return Voorwaarde(self.uitleg, self.predicaat, zonder_object=False)

    def als_predicaat(self):
        if self.predicaat is None:
            return rules.always_allow
        predicaat, zonder_object = self.predicaat, self.zonder_object

        @rules.predicate(name=f"({self.uitleg})")
        def voorwaarde(user, obj):
            return zonder_object if obj is None else predicaat.test(user, obj)

        return voorwaarde


ALTIJD = Voorwaarde("ja")
# Only the model permission (the admin asks without an object); no object rule.
ALLEEN_MODEL = Voorwaarde("ja (admin)", rules.always_deny)


def _rolpredicaat(rol):
    if rol == ALLE:
        return heeft_een_rol
    if rol == IEDEREEN:
        return rules.is_authenticated
    return _ROLPREDICATEN[rol]


_ROLPREDICATEN = {
    rollen.PROGRAMMAMANAGER: is_programmamanager,
    rollen.RISICOFUNCTIONARIS: is_risicofunctionaris,
    rollen.AUDITOR: is_auditor,
    rollen.BEHEERDER: is_beheerder,
    rollen.LEZER: is_lezer,
}


class Rechten:
    """The rights of one app: {codename: {role, ALLE or IEDEREEN: Voorwaarde}}.

    A codename without roles is refused to everyone (`rules.always_deny`). `namen` gives
    the Dutch name of the codenames that are no model permission (`rapporteer_status`).
    """

    def __init__(self, app_label, rechten, *, namen=None):
        self.app_label = app_label
        self.rechten = rechten
        self.namen = namen or {}
        for codename, per_rol in rechten.items():
            onbekend = set(per_rol) - {*rollen.ROLLEN, ALLE, IEDEREEN}
            if onbekend:
                raise ValueError(f"{app_label}.{codename}: onbekende rol {sorted(onbekend)}")

    def predicaat(self, codename):
        delen = [
            _rolpredicaat(rol)
            if voorwaarde is ALTIJD
            else _rolpredicaat(rol) & voorwaarde.als_predicaat()
            for rol, voorwaarde in self.rechten[codename].items()
        ]
        if not delen:
            return rules.always_deny
        predicaat = delen[0]
        for deel in delen[1:]:
            predicaat = predicaat | deel
        return predicaat

    def registreren(self):
        for codename in self.rechten:
            rules.add_perm(f"{self.app_label}.{codename}", self.predicaat(codename))

    def modelpermissies(self):
        """The codenames that exist as model permissions (add/change/delete/view)."""
        from django.apps import apps

        return {
            f"{actie}_{model._meta.model_name}"
            for model in apps.get_app_config(self.app_label).get_models()
            for actie in model._meta.default_permissions
        } | {
            codename
            for model in apps.get_app_config(self.app_label).get_models()
            for codename, _ in model._meta.permissions
        }

    def rol_permissies(self):
        """{role: [codename, ...]}: the model permissions each role's group holds, i.e.
        the rights a role has without an object."""
        bestaand = self.modelpermissies()
        uit = {rol: [] for rol in rollen.ROLLEN}
        for codename, per_rol in self.rechten.items():
            if codename not in bestaand:
                continue
            for rol, voorwaarde in per_rol.items():
                if not voorwaarde.zonder_object or rol == IEDEREEN:
                    continue
                for r in rollen.ROLLEN if rol == ALLE else (rol,):
                    uit[r].append(codename)
        return {rol: codenames for rol, codenames in uit.items() if codenames}
