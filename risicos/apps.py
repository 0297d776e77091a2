from django.apps import AppConfig


class RisicosConfig(AppConfig):
    name = "risicos"
    verbose_name = "Risico's"

    @property
    def rol_permissies(self):
        """Model permissions per role, derived from the one declaration in rules.py."""
        from .rules import RECHTEN

        return RECHTEN.rol_permissies()
