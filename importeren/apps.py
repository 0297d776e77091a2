from django.apps import AppConfig

from douane_portfolio.menu import Menupunt


class ImporterenConfig(AppConfig):
    name = "importeren"
    verbose_name = "Importeren"
    menu = (
        Menupunt(
            "Importeren", "importeren:index", "/importeren/", 70, permissie="importeren.importeren"
        ),
    )
