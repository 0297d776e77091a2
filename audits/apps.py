from django.apps import AppConfig

from douane_portfolio.menu import Menupunt

_MODELLEN = (
    "auditrapport",
    "bevinding",
    "jaaroordeel",
    "vervolgactie",
    "deadlineverschuiving",
    "bewijsstuk",
    "beoordeling",
)
# Evidence is left out on purpose: who sees it is decided per object in rules.py.
_LEZEN = [f"view_{m}" for m in _MODELLEN if m != "bewijsstuk"]


def _alles(*modellen, acties=("add", "change", "delete")):
    return [f"{actie}_{m}" for actie in acties for m in modellen]


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"
    menu = (Menupunt("Audits", "audits:bevindingen", "/audits/", 40),)

    # Model permissions per role; object-level limits (owners, evidence) in rules.py.
    # Nobody gets add/change on beoordeling: verdicts go through audits.services.
    rol_permissies = {
        "Lezer": _LEZEN,
        "Risicofunctionaris": _LEZEN,
        "Programmamanager": _LEZEN
        + ["add_vervolgactie", "change_vervolgactie", "add_deadlineverschuiving", "add_bewijsstuk"],
        "Auditor": _LEZEN
        + ["view_bewijsstuk"]
        + _alles("auditrapport", "bevinding", "jaaroordeel", acties=("add", "change"))
        + ["add_vervolgactie", "change_vervolgactie", "add_deadlineverschuiving", "add_bewijsstuk"],
        "Beheerder": _LEZEN
        + ["view_bewijsstuk"]
        + _alles(*(m for m in _MODELLEN if m != "beoordeling")),
    }

    def ready(self):
        from . import bij_risicos

        bij_risicos.registreren()
