"""Single sign-on through OpenID Connect, on mozilla-django-oidc.

The library does the authorization-code flow (state, nonce, PKCE, signature and
expiry of the ID token); this module adds what it leaves to the project: endpoints
from the discovery document, the issuer and audience check, matching users on the
stable `sub`, and roles and manager from claims at every login.
"""

import hashlib
import logging
import threading
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from douane_portfolio import rollen
from douane_portfolio.models import Rolwijziging
from douane_portfolio.transacties import schrijftransactie

from .models import OidcIdentiteit

logger = logging.getLogger("inloggen.oidc")

BACKEND = "inloggen.oidc.OidcBackend"

# Setting name -> key in the provider's discovery document.
_ONTDEKKING = {
    "OIDC_OP_ISSUER": "issuer",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
_ontdekt = {}
_ontdekt_slot = threading.Lock()


def aan():
    """SSO is on once a client id is configured."""
    return bool(settings.OIDC_RP_CLIENT_ID)


def _document(url):
    # Read once per process: providers change their endpoints rarely, and a restart
    # (every release) reads them again.
    with _ontdekt_slot:
        if url not in _ontdekt:
            antwoord = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            antwoord.raise_for_status()
            _ontdekt[url] = antwoord.json()
        return _ontdekt[url]


def instelling(naam):
    """An endpoint or the issuer: set explicitly, else from the discovery document."""
    waarde = getattr(settings, naam, "")
    if waarde or not settings.OIDC_OP_DISCOVERY_URL:
        return waarde
    return _document(settings.OIDC_OP_DISCOVERY_URL).get(_ONTDEKKING[naam], "")


def uitlog_herkomst():
    """Origin of the provider's end_session_endpoint, for the CSP of every page after
    an SSO log-in. Never reaches the network: before the discovery document is read,
    the discovery URL's origin stands in (the same host at Keycloak and Entra ID)."""
    url = settings.OIDC_OP_LOGOUT_ENDPOINT
    if not url and settings.OIDC_OP_DISCOVERY_URL:
        document = _ontdekt.get(settings.OIDC_OP_DISCOVERY_URL, {})
        url = document.get("end_session_endpoint") or settings.OIDC_OP_DISCOVERY_URL
    if not url:
        return None
    delen = urlsplit(url)
    return f"{delen.scheme}://{delen.netloc}"


def _als_lijst(waarde):
    if waarde is None:
        return []
    if isinstance(waarde, str):
        return [waarde]
    return [str(w) for w in waarde]


def rollen_uit_claims(claims):
    """The application's roles for the provider's groups claim, by OIDC_ROLLEN."""
    groepen = set(_als_lijst(claims.get(settings.OIDC_CLAIM_GROEPEN)))
    return {rol for rol, namen in settings.OIDC_ROLLEN.items() if groepen & set(namen)}


class OidcBackend(rollen.RechtenInEenQuery, OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Django builds every backend for every authenticate() and, for an SSO session,
        # on every request: nothing here may reach the provider, or a password log-in
        # (break-glass) would fail while the provider is down.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def get_user(self, user_id):
        # The library's version keeps a deactivated account signed in; and a session
        # from SSO ends when SSO is switched off.
        if not aan():
            return None
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def authenticate(self, request, **kwargs):
        if not aan() or request is None or "code" not in request.GET:
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = instelling("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = instelling("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = instelling("OIDC_OP_JWKS_ENDPOINT")
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        # The spec lets a provider with a single key leave `kid` out of its tokens;
        # the library insists on it, so pick the one key ourselves in that case.
        kop = jwt.get_unverified_header(token)
        if "kid" in kop:
            return super().retrieve_matching_jwk(token)
        antwoord = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=settings.OIDC_VERIFY_SSL,
            timeout=settings.OIDC_TIMEOUT,
        )
        antwoord.raise_for_status()
        sleutels = [
            k
            for k in antwoord.json().get("keys", [])
            if k.get("use", "sig") == "sig" and k.get("alg", kop.get("alg")) == kop.get("alg")
        ]
        if len(sleutels) != 1:
            raise SuspiciousOperation("Token zonder kid en geen eenduidige sleutel in de JWKS")
        return jwt.PyJWK(sleutels[0])

    def verify_token(self, token, **kwargs):
        claims = super().verify_token(token, **kwargs)
        # The library checks signature, expiry and nonce; whose token it is, is ours.
        issuer = instelling("OIDC_OP_ISSUER")
        if claims.get("iss") != issuer:
            raise SuspiciousOperation(f"Onbekende issuer {claims.get('iss')!r}")
        if settings.OIDC_RP_CLIENT_ID not in _als_lijst(claims.get("aud")):
            raise SuspiciousOperation(f"Token niet voor deze client (aud={claims.get('aud')!r})")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        # Entra ID puts groups in the ID token only, Keycloak in both: read both, and
        # let the userinfo endpoint (where there is one) add to the ID token.
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if extra.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("Userinfo hoort bij een ander subject dan het ID-token")
            claims.update(extra)
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        issuer = instelling("OIDC_OP_ISSUER")
        gekoppeld = self.UserModel.objects.filter(
            oidc_identiteiten__issuer=issuer, oidc_identiteiten__subject=claims["sub"]
        )
        if gekoppeld.exists() or not settings.OIDC_KOPPEL_OP_EMAIL:
            return gekoppeld
        # Fallback, only where configured: an existing local account with this e-mail
        # that no subject of this provider claimed yet.
        email = claims.get(settings.OIDC_CLAIM_EMAIL)
        if not email:
            return gekoppeld
        return self.UserModel.objects.filter(email__iexact=email).exclude(
            oidc_identiteiten__issuer=issuer
        )

    @schrijftransactie
    def create_user(self, claims):
        user = self.UserModel(username=self._vrije_gebruikersnaam(claims))
        user.set_unusable_password()
        self._gegevens_overnemen(user, claims)
        user.save()
        self._bijwerken(user, claims)
        return user

    @schrijftransactie
    def update_user(self, user, claims):
        self._gegevens_overnemen(user, claims)
        user.save()
        self._bijwerken(user, claims)
        return user

    def _vrije_gebruikersnaam(self, claims):
        # Never take over a local account by its name: a taken name gets a suffix.
        gewenst = claims.get(settings.OIDC_CLAIM_GEBRUIKERSNAAM) or claims.get(
            settings.OIDC_CLAIM_EMAIL
        )
        kort = hashlib.sha256(claims["sub"].encode()).hexdigest()[:8]
        gewenst = (gewenst or f"sso-{kort}")[:140]
        if not self.UserModel.objects.filter(username__iexact=gewenst).exists():
            return gewenst
        return f"{gewenst}-{kort}"

    def _gegevens_overnemen(self, user, claims):
        for veld, claim in (
            ("email", settings.OIDC_CLAIM_EMAIL),
            ("first_name", settings.OIDC_CLAIM_VOORNAAM),
            ("last_name", settings.OIDC_CLAIM_ACHTERNAAM),
        ):
            if claims.get(claim):
                max_lengte = self.UserModel._meta.get_field(veld).max_length
                setattr(user, veld, str(claims[claim])[:max_lengte])
        if settings.OIDC_CLAIM_MANAGER and claims.get(settings.OIDC_CLAIM_MANAGER):
            manager = self._manager(str(claims[settings.OIDC_CLAIM_MANAGER]))
            if manager is not None and manager.pk != user.pk:
                user.manager = manager

    def _manager(self, waarde):
        """The manager claim names a subject of this provider, an e-mail or a user name."""
        identiteit = (
            OidcIdentiteit.objects.filter(issuer=instelling("OIDC_OP_ISSUER"), subject=waarde)
            .select_related("user")
            .first()
        )
        if identiteit:
            return identiteit.user
        treffers = list(self.UserModel.objects.filter(email__iexact=waarde)[:2])
        if len(treffers) == 1:
            return treffers[0]
        return self.UserModel.objects.filter(username=waarde).first()

    def _bijwerken(self, user, claims):
        """Link the subject and set the roles, at every log-in."""
        OidcIdentiteit.objects.update_or_create(
            issuer=instelling("OIDC_OP_ISSUER"),
            subject=claims["sub"],
            defaults={"user": user, "laatst_ingelogd_op": timezone.now()},
        )
        gewenst = rollen_uit_claims(claims)
        rolgroepen = Group.objects.filter(name__in=rollen.ROLLEN)
        huidig = set(user.groups.filter(name__in=rollen.ROLLEN).values_list("name", flat=True))
        if huidig != gewenst:
            user.groups.remove(*[g for g in rolgroepen if g.name in huidig - gewenst])
            user.groups.add(*[g for g in rolgroepen if g.name in gewenst - huidig])
            # In the same ledger as the admin's role changes; no `door`: the identity
            # provider decided.
            Rolwijziging.objects.create(
                gebruiker=user,
                door=None,
                van=", ".join(sorted(huidig)),
                naar=", ".join(sorted(gewenst)),
            )
            logger.info(
                "Rollen van %s via SSO: %s -> %s",
                user.username,
                sorted(huidig) or "-",
                sorted(gewenst) or "-",
            )
        # The admin follows the Beheerder role; a superuser stays one (break-glass).
        personeel = rollen.BEHEERDER in gewenst or user.is_superuser
        if user.is_staff != personeel:
            user.is_staff = personeel
            user.save(update_fields=["is_staff"])
        user.__dict__.pop("rollen", None)


def uitlog_url(request):
    """RP-initiated logout at the provider, back to our login page; None if it has none."""
    eind = instelling("OIDC_OP_LOGOUT_ENDPOINT")
    if not eind:
        return None
    parameters = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if request.session.get("oidc_id_token"):
        parameters["id_token_hint"] = request.session["oidc_id_token"]
    return f"{eind}{'&' if '?' in eind else '?'}{urlencode(parameters)}"
