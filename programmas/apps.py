from django.apps import AppConfig

from douane_portfolio.menu import Menupunt

_MODELLEN = (
    "thema",
    "initiatief",
    "rapportageperiode",
    "statusrapportage",
    "mijlpaal",
    "prestatieindicator",
    "indicatorwaarde",
)
_LEZEN = [f"view_{m}" for m in _MODELLEN]


class ProgrammasConfig(AppConfig):
    name = "programmas"
    verbose_name = "Programma's"
    menu = (Menupunt("Programma's", "programmas:portfolio", "/programmas/", 20),)

    # Model permissions per role; object-level limits (own initiatives) in rules.py.
    rol_permissies = {
        "Lezer": _LEZEN,
        "Risicofunctionaris": _LEZEN,
        "Auditor": _LEZEN,
        "Programmamanager": _LEZEN
        + [
            "add_statusrapportage",
            "change_statusrapportage",
            "add_mijlpaal",
            "change_mijlpaal",
            "delete_mijlpaal",
            "add_indicatorwaarde",
            "change_indicatorwaarde",
            "change_initiatief",
        ],
        "Beheerder": _LEZEN
        + [f"{actie}_{m}" for actie in ("add", "change", "delete") for m in _MODELLEN],
    }

    # Reminders about more than actions (milestones are found as an Actie already).
    herinnering_bronnen = ("programmas.herinneringen.ontbrekende_statusrapportages",)
