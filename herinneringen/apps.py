from django.apps import AppConfig


class HerinneringenConfig(AppConfig):
    name = "herinneringen"
    verbose_name = "Herinneringen"

    # The ledger is read-only in the admin (AlleenLezenAdmin).
    rol_permissies = {"Beheerder": ["view_herinnering", "view_verzending"]}

    def ready(self):
        from django.core import checks

        from . import services

        checks.register(services.instellingen_controleren)
