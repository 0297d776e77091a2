from django.apps import AppConfig


class ImporterenConfig(AppConfig):
    name = "importeren"
    verbose_name = "Importeren"
