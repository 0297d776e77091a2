"""Roles are Django groups; their model permissions follow the code.

Each app declares what every role may do in its AppConfig as `rol_permissies`
(role name -> codenames of that app), so the apps stay the only ones that know
their models and this module never imports them.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.module_loading import module_has_submodule

from .transacties import schrijftransactie

PROGRAMMAMANAGER = "Programmamanager"
RISICOFUNCTIONARIS = "Risicofunctionaris"
AUDITOR = "Auditor"
BEHEERDER = "Beheerder"
LEZER = "Lezer"

ROLLEN = (PROGRAMMAMANAGER, RISICOFUNCTIONARIS, AUDITOR, BEHEERDER, LEZER)
# Every role but the Lezer may change something; only these may own or write.
SCHRIJFROLLEN = tuple(r for r in ROLLEN if r != LEZER)


def gedeclareerde_permissies():
    """{role: {(app_label, codename), ...}} over every installed app."""
    result = {rol: set() for rol in ROLLEN}
    for config in apps.get_app_configs():
        for rol, codenames in getattr(config, "rol_permissies", {}).items():
            result[rol].update((config.label, codename) for codename in codenames)
    return result


@schrijftransactie
def rollen_bijwerken():
    """Create the role groups and give each exactly its declared permissions."""
    gewenst = gedeclareerde_permissies()
    alle = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    for rol in ROLLEN:
        groep, _ = Group.objects.get_or_create(name=rol)
        ontbrekend = gewenst[rol] - alle.keys()
        if ontbrekend:
            raise LookupError(f"Onbekende permissies voor {rol}: {sorted(ontbrekend)}")
        nieuw = {alle[key].pk for key in gewenst[rol]}
        huidig = set(groep.permissions.values_list("pk", flat=True))
        if nieuw != huidig:
            groep.permissions.set(nieuw)


def rollen_bijwerken_na_migrate(sender, app_config=None, using="default", **kwargs):
    # post_migrate fires once per app; run once, after the last one, when every
    # app's permissions exist.
    laatste = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if app_config is None or app_config.label != laatste.label:
        return
    rollen_bijwerken()


# Separation of duties: the portfolio office is audited, so it does not appoint its
# auditors or its own colleagues; only a superuser grants those roles.
DOOR_BEHEERDER_TOE_TE_KENNEN = (PROGRAMMAMANAGER, RISICOFUNCTIONARIS, LEZER)
SUPERUSER = "superuser"


def toekenbare_rollen(door):
    """The roles `door` may grant or take away (on accounts other than their own)."""
    if door.is_superuser:
        return {*ROLLEN, SUPERUSER}
    if BEHEERDER in door.rollen:
        return set(DOOR_BEHEERDER_TOE_TE_KENNEN)
    return set()


def _rechten_sql():
    """The one query of `rechten_laden`, built once: composing it with the ORM (a UNION
    of two joined querysets) cost more CPU on every page than running it."""
    global _RECHTEN_SQL
    if _RECHTEN_SQL is None:
        User = get_user_model()
        groepen = User.groups.through._meta
        eigen = User.user_permissions.through._meta
        gp = Group.permissions.through._meta
        ct = ContentType._meta.db_table
        perm = Permission._meta.db_table
        group = Group._meta.db_table
        user_kolom = groepen.get_field("user").column
        eigen_kolom = eigen.get_field("user").column
        # Only table and column names of our own models go into the text; the user's id
        # is a parameter.
        _RECHTEN_SQL = (
            f"SELECT g.name, ct.app_label, p.codename FROM {group} g "  # nosec B608
            f"JOIN {groepen.db_table} ug ON ug.group_id = g.id "
            f"LEFT JOIN {gp.db_table} gp ON gp.group_id = g.id "
            f"LEFT JOIN {perm} p ON p.id = gp.permission_id "
            f"LEFT JOIN {ct} ct ON ct.id = p.content_type_id "
            f"WHERE ug.{user_kolom} = %s "
            f"UNION ALL SELECT NULL, ct.app_label, p.codename FROM {perm} p "
            f"JOIN {ct} ct ON ct.id = p.content_type_id "
            f"WHERE %s OR p.id IN (SELECT up.permission_id FROM {eigen.db_table} up "
            f"WHERE up.{eigen_kolom} = %s)"
        )
    return _RECHTEN_SQL


_RECHTEN_SQL = None


def rechten_laden(user):
    """Role names and model permissions of an active user in one query (issue 13: not three
    on every page), kept on the user object for this request only, so a changed role
    counts from the next request on. Fills ModelBackend's caches; returns the role names
    for `User.rollen`."""
    namen, van_groepen, van_user = set(), set(), set()
    with connection.cursor() as cursor:
        # ModelBackend gives a superuser every permission, as user and as group rights.
        cursor.execute(_rechten_sql(), [user.pk, bool(user.is_superuser), user.pk])
        for naam, app_label, codename in cursor.fetchall():
            if naam is None:
                van_user.add(f"{app_label}.{codename}")
                continue
            namen.add(naam)
            if codename is not None:
                van_groepen.add(f"{app_label}.{codename}")
    if user.is_superuser:
        van_groepen = van_user
    user._user_perm_cache = van_user
    user._group_perm_cache = van_groepen
    user._perm_cache = van_user | van_groepen
    return frozenset(namen)


class RechtenInEenQuery:
    """Mixin for the ModelBackends (password, SSO): their three permission queries become
    the one of `rechten_laden`, shared with `User.rollen`."""

    def _rechten(self, user_obj, obj):
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not hasattr(user_obj, "_perm_cache")
        ):
            user_obj.__dict__["rollen"] = rechten_laden(user_obj)

    def get_user_permissions(self, user_obj, obj=None):
        self._rechten(user_obj, obj)
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        self._rechten(user_obj, obj)
        return super().get_group_permissions(user_obj, obj)

    def get_all_permissions(self, user_obj, obj=None):
        self._rechten(user_obj, obj)
        return super().get_all_permissions(user_obj, obj)


def rollen_van(user):
    """Role names of an account, also when it is inactive (`User.rollen` is then empty),
    with superuser status as a pseudo-role so one comparison covers both."""
    if user.pk is None:
        return set()
    namen = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        namen.add(SUPERUSER)
    return namen


def mag_account_beheren(door, doel):
    """May `door` edit, deactivate or set the password of account `doel`?

    A Beheerder manages only accounts whose roles they could have granted themselves;
    an account with Auditor, Beheerder or superuser status is a superuser's business.
    """
    if door.is_superuser:
        return True
    if BEHEERDER not in door.rollen:
        return False
    if doel is None or doel.pk is None:
        return True
    if doel.pk == door.pk:
        return True
    if doel.is_staff or doel.user_permissions.exists():
        # Admin access or rights outside the roles: setting its password would hand
        # them to the Beheerder.
        return False
    return not (rollen_van(doel) - toekenbare_rollen(door))


# --- The role table of the README ---------------------------------------------------------

_WERKWOORDEN = {
    "view": "bekijken",
    "add": "toevoegen",
    "change": "wijzigen",
    "delete": "verwijderen",
}
README_BEGIN = "<!-- rollentabel: begin (manage.py rollentabel --readme) -->"
README_EINDE = "<!-- rollentabel: einde -->"


def _app_rechten(config):
    """The app's `Rechten` declaration (its rules.py), or None for an app that only
    declares model permissions in `AppConfig.rol_permissies`."""
    if not module_has_submodule(config.module, "rules"):
        return None
    return getattr(import_module(f"{config.name}.rules"), "RECHTEN", None)


def _naam(config, codename, namen):
    if codename in namen:
        return namen[codename]
    actie, _, model_name = codename.partition("_")
    model = config.get_model(model_name)
    return f"{str(model._meta.verbose_name).capitalize()} {_WERKWOORDEN[actie]}"


def rollentabel():
    """Roles × rights as a Markdown table, in Dutch, from the apps' declarations."""
    from .rules import ALLE, ALTIJD, IEDEREEN

    kop = ["Onderdeel", "Recht", *ROLLEN]
    regels = ["| " + " | ".join(kop) + " |", "|" + "---|" * len(kop)]
    zonder_rol = []
    for config in apps.get_app_configs():
        rechten = _app_rechten(config)
        if rechten is not None:
            for codename, per_rol in rechten.rechten.items():
                naam = _naam(config, codename, rechten.namen)
                cellen = []
                for rol in ROLLEN:
                    voorwaarden = [per_rol[r] for r in (rol, ALLE, IEDEREEN) if r in per_rol]
                    if ALTIJD in voorwaarden:
                        cellen.append("ja")
                    else:
                        cellen.append(" of ".join(v.uitleg for v in voorwaarden) or "–")
                if IEDEREEN in per_rol:
                    zonder_rol.append(f"{naam.lower()} ({per_rol[IEDEREEN].uitleg})")
                regels.append(f"| {config.verbose_name} | {naam} | " + " | ".join(cellen) + " |")
        else:
            per_rol = getattr(config, "rol_permissies", {})
            codenames = [c for rol in ROLLEN for c in per_rol.get(rol, ())]
            for codename in dict.fromkeys(codenames):
                naam = _naam(config, codename, {})
                cellen = ["ja" if codename in per_rol.get(rol, ()) else "–" for rol in ROLLEN]
                regels.append(f"| {config.verbose_name} | {naam} | " + " | ".join(cellen) + " |")
    if zonder_rol:
        regels += ["", "Ook zonder rol, voor de eigenaar: " + "; ".join(zonder_rol) + "."]
    return "\n".join(regels) + "\n"
