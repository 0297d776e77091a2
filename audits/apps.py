from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    @property
    def rol_permissies(self):
        """Model permissions per role, derived from the one declaration in rules.py."""
        from .rules import RECHTEN

        return RECHTEN.rol_permissies()
