from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_migrate

from .menu import Menupunt


class DouanePortfolioConfig(AppConfig):
    name = "douane_portfolio"
    verbose_name = "Douane Portfolio"
    menu = (Menupunt("Mijn acties", "mijn_acties", "/acties/", 50),)

    # Role -> model permissions of this app (see rollen.py).
    rol_permissies = {
        # The role changes are read-only in the admin
        # (AlleenLezenAdmin); which accounts and roles a Beheerder may touch is decided
        # per account in admin.UserAdmin (rollen.mag_account_beheren).
        "Beheerder": [
            "add_user",
            "change_user",
            "view_user",
            "view_rolwijziging",
        ],
    }

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import middleware, rollen

        user_logged_in.connect(middleware.sessie_stempelen, dispatch_uid="sessie_stempelen")

        # Groups and their permissions follow the code after every migrate, in every
        # environment; demo users are a separate, explicit step (laad_demo).
        post_migrate.connect(rollen.rollen_bijwerken_na_migrate, dispatch_uid="rollen_bijwerken")
        checks.register(cache_controleren, checks.Tags.caches, deploy=True)


def cache_controleren(app_configs=None, **kwargs):
    """Deploy check: with several processes (gunicorn workers, Celery workers) a cache in
    each process's memory serves stale copies; production shares one (CACHE_URL)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or not backend.endswith("LocMemCache"):
        return []
    return [
        checks.Warning(
            "De cache staat in het geheugen van elk proces (CACHE_URL=locmem://).",
            hint="Draaien er meer processen (webworkers, Celery), zet dan "
            "CACHE_URL=redis://host:6379/1.",
            id="douane_portfolio.W001",
        )
    ]
