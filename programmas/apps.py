from django.apps import AppConfig

from douane_portfolio.menu import Menupunt


class ProgrammasConfig(AppConfig):
    name = "programmas"
    verbose_name = "Programma's"
    menu = (Menupunt("Programma's", "programmas:portfolio", "/programmas/", 20),)

    # Reminders about more than actions (milestones are found as an Actie already).
    herinnering_bronnen = ("programmas.herinneringen.ontbrekende_statusrapportages",)

    @property
    def rol_permissies(self):
        """Model permissions per role, derived from the one declaration in rules.py."""
        from .rules import RECHTEN

        return RECHTEN.rol_permissies()
