from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        # The "via API" history signal and the schema extensions register on import.
        from . import geschiedenis, schema  # noqa: F401
