from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from douane_portfolio.rollen import RechtenInEenQuery


class LokaalBackend(RechtenInEenQuery, ModelBackend):
    """Password log-in. With LOKAAL_INLOGGEN off only a superuser (break-glass) passes."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        return settings.LOKAAL_INLOGGEN or user.is_superuser
