from django.apps import AppConfig

from douane_portfolio.menu import Menupunt


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"
    menu = (Menupunt("Audits", "audits:bevindingen", "/audits/", 40),)

    @property
    def rol_permissies(self):
        """Model permissions per role, derived from the one declaration in rules.py."""
        from .rules import RECHTEN

        return RECHTEN.rol_permissies()

    def ready(self):
        from . import bij_risicos

        bij_risicos.registreren()
