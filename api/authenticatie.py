"""API authentication: personal keys (`Authorization: Bearer <sleutel>`) next to the session."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling

from .models import ApiSleutel, hash_van

# Writing the last-used moment on every request would turn each read into a write.
LAATST_GEBRUIKT_NAUWKEURIGHEID = timedelta(minutes=5)


class SleutelAuthenticatie(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        delen = authentication.get_authorization_header(request).split()
        if not delen or delen[0].lower() != self.keyword.encode():
            return None
        if len(delen) != 2:
            raise exceptions.AuthenticationFailed(
                "Geef de API-sleutel als 'Authorization: Bearer <sleutel>'."
            )
        try:
            geheim = delen[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("De API-sleutel bevat ongeldige tekens.")
        sleutel = (
            ApiSleutel.objects.select_related("gebruiker")
            .filter(sleutel_hash=hash_van(geheim))
            .first()
        )
        if sleutel is None or not sleutel.is_geldig or not sleutel.gebruiker.is_active:
            raise exceptions.AuthenticationFailed(
                "Deze API-sleutel is onbekend, verlopen of ingetrokken."
            )
        nu = timezone.now()
        if (
            sleutel.laatst_gebruikt_op is None
            or nu - sleutel.laatst_gebruikt_op > LAATST_GEBRUIKT_NAUWKEURIGHEID
        ):
            ApiSleutel.objects.filter(pk=sleutel.pk).update(laatst_gebruikt_op=nu)
        return sleutel.gebruiker, sleutel

    def authenticate_header(self, request):
        # Makes an anonymous request a 401 (with this challenge) rather than a 403.
        return 'Bearer realm="api"'


class SessieAuthenticatie(authentication.SessionAuthentication):
    """The browser session, with Django's CSRF check on writes."""


class SleutelBereik(permissions.BasePermission):
    """A read-only key reads; only a read-write key (or the session) writes."""

    message = "Deze API-sleutel mag alleen lezen."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        sleutel = request.auth
        return not isinstance(sleutel, ApiSleutel) or sleutel.mag_schrijven


class SleutelThrottle(throttling.SimpleRateThrottle):
    """A rate per key (scope `sleutel`, API_SLEUTEL_LIMIET); the session is not limited here."""

    scope = "sleutel"

    def get_rate(self):
        # Read per request (not once at import, as DRF does), so the setting is the truth.
        return settings.API_SLEUTEL_LIMIET

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiSleutel):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
