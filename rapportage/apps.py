from django.apps import AppConfig

from douane_portfolio.menu import Menupunt


class RapportageConfig(AppConfig):
    name = "rapportage"
    verbose_name = "Rapportage"
    # The dashboard is the home page: current only there, not on every page under "/".
    menu = (
        Menupunt("Dashboard", "home", None, 10),
        Menupunt("Rapportage", "rapportage:index", "/rapportage/", 60),
    )

    rol_permissies = {
        "Lezer": ["view_rapportsnapshot"],
        "Programmamanager": ["view_rapportsnapshot"],
        "Risicofunctionaris": ["view_rapportsnapshot"],
        "Auditor": ["view_rapportsnapshot"],
        "Beheerder": [
            "view_rapportsnapshot",
            "add_rapportsnapshot",
            "change_rapportsnapshot",
            "view_rapporttekst",
            "add_rapporttekst",
            "change_rapporttekst",
        ],
    }

    def ready(self):
        from programmas.signals import periode_gesloten

        from . import services

        periode_gesloten.connect(services.bij_sluiten_vastleggen, dispatch_uid="rapport_vastleggen")
