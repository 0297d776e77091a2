from django.apps import AppConfig


class InloggenConfig(AppConfig):
    name = "inloggen"
    verbose_name = "Inloggen"

    rol_permissies = {
        "Beheerder": ["view_tweestapsgebeurtenis", "view_oidcidentiteit"],
    }

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
