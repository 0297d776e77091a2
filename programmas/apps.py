from django.apps import AppConfig


class ProgrammasConfig(AppConfig):
    name = "programmas"
    verbose_name = "Programma's"
