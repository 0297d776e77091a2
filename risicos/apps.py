from django.apps import AppConfig

from douane_portfolio.menu import Menupunt


class RisicosConfig(AppConfig):
    name = "risicos"
    verbose_name = "Risico's"
    menu = (Menupunt("Risico's", "risicos:register", "/risicos/", 30),)

    @property
    def rol_permissies(self):
        """Model permissions per role, derived from the one declaration in rules.py."""
        from .rules import RECHTEN

        return RECHTEN.rol_permissies()
