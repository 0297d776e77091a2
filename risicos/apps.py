from django.apps import AppConfig

from douane_portfolio.menu import Menupunt

_MODELLEN = ("risico", "scorewijziging", "beheersmaatregel", "risicodialoog", "dialoogrisico")
_LEZEN = [f"view_{m}" for m in _MODELLEN]
_BEHEREN = _LEZEN + [
    f"{actie}_{m}"
    for actie in ("add", "change")
    for m in ("risico", "beheersmaatregel", "risicodialoog", "dialoogrisico")
]


class RisicosConfig(AppConfig):
    name = "risicos"
    verbose_name = "Risico's"
    menu = (Menupunt("Risico's", "risicos:register", "/risicos/", 30),)

    # Model permissions per role; object-level rules (own measures, adopted minutes
    # locked) in rules.py. Owners of a measure get their right from rules, not a group.
    rol_permissies = {
        "Lezer": _LEZEN,
        "Programmamanager": _LEZEN,
        "Auditor": _LEZEN,
        "Risicofunctionaris": _BEHEREN,
        "Beheerder": _BEHEREN,
    }
